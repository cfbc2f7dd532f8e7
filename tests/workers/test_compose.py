"""docker-compose.yml stays a valid stack with every service the scale-out needs."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest
import yaml

from tests.workers.stack import ROOT

SERVICES = {"postgres", "rabbitmq", "minio", "minio-setup", "model-files", "llm", "worker", "worker-llm", "events", "watcher", "review"}


def compose_command() -> list[str] | None:
    """``docker compose`` (v2 plugin) if present, else the standalone ``docker-compose``."""
    if shutil.which("docker") and subprocess.run(["docker", "compose", "version"], capture_output=True).returncode == 0:
        return ["docker", "compose"]
    if shutil.which("docker-compose"):
        return ["docker-compose"]
    return None


def test_compose_file_is_valid():
    command = compose_command()
    if command is None:
        pytest.skip("neither `docker compose` nor `docker-compose` is installed")
    result = subprocess.run([*command, "-f", str(ROOT / "docker-compose.yml"), "config"], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert result.returncode == 0, result.stderr
    config = yaml.safe_load(result.stdout)
    assert SERVICES <= set(config["services"])


def test_compose_wires_the_stack_together():
    """Read as plain YAML (no Docker needed): the same settings the local-process tests use."""
    services = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]
    worker = services["worker"]
    env = worker["environment"]
    assert env["DOCLOOP_BROKER_URL"].startswith("${DOCLOOP_BROKER_URL:-amqp://")
    assert env["DOCLOOP_DATABASE_URL"].startswith("postgresql+psycopg://")
    assert env["DOCLOOP_BUCKET"].startswith("s3://") and env["AWS_ENDPOINT_URL"] == "http://minio:9000"
    # workers carry no published ports and no container name, so `--scale worker=N` works
    assert "ports" not in worker and "container_name" not in worker
    assert worker["command"][0] == "worker" and services["worker-llm"]["command"][-1] == "extract"
    assert services["events"]["command"][0] == "events" and services["watcher"]["command"] == ["watch"]
    minio_env = services["minio"]["environment"]
    assert minio_env["MINIO_NOTIFY_WEBHOOK_ENDPOINT_DOCLOOP"] == f"http://events:{services['events']['expose'][0]}/events"
    assert "arn:minio:sqs::DOCLOOP:webhook" in json.dumps(services["minio-setup"]["command"])
    assert env["DOCLOOP_LLM_BASE_URL"].endswith("http://llm:8080/v1}")
