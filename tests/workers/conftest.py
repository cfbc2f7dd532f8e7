"""Real services for the scale-out tests: PostgreSQL, RabbitMQ, Redis (the machine's) and moto's S3 server.

Each test gets its own database, bucket and queue-name prefix, so parallel runs
never see each other's messages; all are removed afterwards.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from pipeline.store import Store
from tests.conftest import postgres_database
from tests.workers.stack import AWS, Stack, moto_s3, new_bucket, stack_env


@pytest.fixture
def pg_url() -> Iterator[str]:
    with postgres_database() as url:
        yield url


@pytest.fixture
def store(pg_url: str) -> Iterator[Store]:
    s = Store(pg_url)
    s.migrate()
    yield s
    s.engine.dispose()


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    with moto_s3() as url:
        yield url


@pytest.fixture
def aws_env(s3_endpoint: str, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """The environment boto3 reads, set for this process too."""
    env = {**AWS, "AWS_ENDPOINT_URL": s3_endpoint}
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    return env


@pytest.fixture
def bucket_name(s3_endpoint: str, aws_env: dict[str, str]) -> str:
    return new_bucket(s3_endpoint)


@pytest.fixture
def stack_factory(pg_url: str, store: Store, s3_endpoint: str, bucket_name: str, tmp_path: Path) -> Iterator:
    """Builds a ``Stack`` for a broker ("rabbitmq" or "redis"); stops its processes and purges its queues after."""
    made: list[Stack] = []

    def make(broker: str, **env: str) -> Stack:
        logs = tmp_path / f"logs-{broker}-{len(made)}"
        logs.mkdir()
        stack = Stack(stack_env(broker, pg_url, bucket_name, s3_endpoint, tmp_path / "home", **env), store, bucket_name, logs, broker)
        made.append(stack)
        return stack

    yield make
    for stack in made:
        stack.close()
