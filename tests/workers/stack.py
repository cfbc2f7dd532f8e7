"""The scale-out topology from local processes: the same commands docker-compose.yml runs.

``Stack`` starts ``docloop worker`` / ``docloop watch`` / ``docloop events`` as
subprocesses against real PostgreSQL, a real broker (RabbitMQ or Redis) and
moto's S3 server, and reads results back the way a user would (the bucket) and
the way an operator would (the database).
"""

from __future__ import annotations

import json
import os
import random
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import boto3
import pika
import redis
from sqlalchemy import func, select

from pipeline.store import FieldRow, RunRow, Store

ROOT = Path(__file__).resolve().parents[2]
DOCLOOP = [str(Path(sys.executable).parent / "docloop")]  # the installed entry point, as a user runs it
BROKERS = {"rabbitmq": "amqp://guest:guest@127.0.0.1:5672/%2F", "redis": "redis://127.0.0.1:6379/0"}
STAGE_QUEUES = ("ingest", "parse", "extract", "finalise")
AWS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": "us-east-1"}


@contextmanager
def moto_s3() -> Iterator[str]:
    """moto's standalone S3 server on loopback (small multipart parts allowed); yields its endpoint URL."""
    port = free_port()
    proc = subprocess.Popen(
        [str(Path(sys.executable).parent / "moto_server"), "-H", "127.0.0.1", "-p", str(port)],
        env={**os.environ, **AWS, "S3_UPLOAD_PART_MIN_SIZE": "1024"}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    client = boto3.client("s3", endpoint_url=url, aws_access_key_id="testing", aws_secret_access_key="testing", region_name="us-east-1")

    def up() -> bool:
        try:
            return client.list_buckets() is not None
        except Exception:
            return False

    try:
        wait_until(up, 30, what="moto server")
        yield url
    finally:
        proc.terminate()
        proc.wait(10)


def new_bucket(endpoint: str) -> str:
    """A fresh versioned bucket: versions let a test count how often each result was written."""
    name = f"docloop-{uuid.uuid4().hex[:10]}"
    client = boto3.client("s3", endpoint_url=endpoint)
    client.create_bucket(Bucket=name)
    client.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
    return name


def purge_queues(broker: str, prefix: str) -> None:
    """Delete a run's queues (and their delay and dead-letter queues) from the broker."""
    if broker == "rabbitmq":
        connection = pika.BlockingConnection(pika.URLParameters(BROKERS[broker]))
        channel = connection.channel()
        for q in STAGE_QUEUES + ("noop",):
            for suffix in ("", ".DQ", ".XQ"):
                channel.queue_delete(prefix + q + suffix)
        connection.close()
    else:
        client = redis.Redis.from_url(BROKERS[broker])
        for key in client.scan_iter(f"dramatiq:*{prefix}*"):
            client.delete(key)


def stack_env(broker: str, database_url: str, bucket: str, endpoint: str, home: Path, **extra: str) -> dict[str, str]:
    """The environment of every docloop process of one stack (its own queue names)."""
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith("DOCLOOP_")},
        **AWS,
        "AWS_ENDPOINT_URL": endpoint,
        "DOCLOOP_HOME": str(home),
        "DOCLOOP_DATABASE_URL": database_url,
        "DOCLOOP_BROKER_URL": BROKERS[broker],
        "DOCLOOP_BUCKET": f"s3://{bucket}",
        "DOCLOOP_QUEUE_PREFIX": f"t{uuid.uuid4().hex[:8]}_",
        "DOCLOOP_EXTRACTORS": "rules",
        "DOCLOOP_LLM_PROVIDER": "none",
        "DOCLOOP_MIN_BACKOFF_MS": "200",
        "DOCLOOP_MAX_BACKOFF_MS": "2000",
        "DOCLOOP_BUSY_RETRY_MS": "500",
        **extra,
    }


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(predicate: Callable[[], object], timeout: float, interval: float = 0.25, what: str = "condition") -> object:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if value := predicate():
            return value
        time.sleep(interval)
    raise TimeoutError(f"{what} not reached in {timeout:.0f}s")


def receipt(i: int, seed: int = 0) -> bytes:
    """A small, unique plain-text receipt (unique bytes -> unique content hash)."""
    rng = random.Random(seed * 100_003 + i)
    items = [(f"ITEM {rng.randint(100, 999)}", rng.randint(100, 5000) / 100) for _ in range(rng.randint(1, 4))]
    total = sum(p for _, p in items)
    lines = [
        f"SHOP {rng.randint(1000, 9999)} SDN BHD",
        f"NO. {rng.randint(1, 200)}, JALAN {rng.choice(['MERDEKA', 'AMPANG', 'IPOH'])}, KUALA LUMPUR",
        f"DATE: {rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/2019   RECEIPT #{seed}-{i}",
        *(f"{name}    {price:.2f}" for name, price in items),
        f"TOTAL: RM {total:.2f}",
        "THANK YOU",
    ]
    return ("\n".join(lines) + "\n").encode()


def s3_event(bucket: str, key: str, etag: str, size: int, sequencer: str = "0", name: str = "s3:ObjectCreated:Put") -> dict:
    """A bucket notification as MinIO's webhook and S3 send it (the key URL-encoded)."""
    from urllib.parse import quote_plus

    return {
        "EventName": name,
        "Key": f"{bucket}/{key}",
        "Records": [{
            "eventVersion": "2.0", "eventSource": "minio:s3", "eventName": name,
            "s3": {"bucket": {"name": bucket}, "object": {"key": quote_plus(key, safe="/"), "eTag": etag, "size": size, "sequencer": sequencer}},
        }],
    }


def post_json(url: str, body: dict, token: str | None = None) -> tuple[int, dict]:
    request = urllib.request.Request(url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"})
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=10) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"{}")


def http_ok(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as r:
            return r.status == 200
    except OSError:
        return False


@dataclass
class Stack:
    env: dict[str, str]
    store: Store
    bucket: str
    logs: Path
    broker: str
    procs: dict[str, subprocess.Popen] = field(default_factory=dict)

    @property
    def prefix(self) -> str:
        return self.env["DOCLOOP_QUEUE_PREFIX"]

    @property
    def s3(self):
        return boto3.client("s3", endpoint_url=self.env["AWS_ENDPOINT_URL"])

    def start(self, name: str, *args: str, extra_env: dict[str, str] | None = None) -> subprocess.Popen:
        """``docloop <args>`` in its own process group (so a kill takes all of it, like a lost container)."""
        return self.start_raw(name, [*DOCLOOP, *args], extra_env)

    def start_raw(self, name: str, argv: list[str], extra_env: dict[str, str] | None = None) -> subprocess.Popen:
        with open(self.logs / f"{name}.log", "ab") as log:
            proc = subprocess.Popen(argv, env={**self.env, **(extra_env or {})}, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        self.procs[name] = proc
        return proc

    def worker(self, name: str, processes: int = 1, threads: int = 2, queues: str = "", extra_env: dict[str, str] | None = None) -> subprocess.Popen:
        args = ["worker", "--processes", str(processes), "--threads", str(threads)]
        env = {"DOCLOOP_DATABASE_URL": self.env["DOCLOOP_DATABASE_URL"] + f"?application_name={name}", **(extra_env or {})}
        return self.start(name, *args, *(["--queues", queues] if queues else []), extra_env=env)

    def kill9(self, name: str) -> None:
        proc = self.procs.pop(name)
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(10)

    def stop(self, name: str) -> None:
        proc = self.procs.pop(name)
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(10)

    def close(self) -> None:
        """Stop every process of the stack and delete its queues."""
        for name in list(self.procs):
            self.stop(name)
        purge_queues(self.broker, self.prefix)

    def put(self, key: str, data: bytes, **extra) -> dict:
        return self.s3.put_object(Bucket=self.bucket, Key=key, Body=data, **extra)

    def outputs(self) -> dict[str, int]:
        """out/ key -> number of versions written (the test bucket keeps versions)."""
        counts: dict[str, int] = {}
        for page in self.s3.get_paginator("list_object_versions").paginate(Bucket=self.bucket, Prefix="out/"):
            for v in page.get("Versions", []):
                counts[v["Key"]] = counts.get(v["Key"], 0) + 1
        return counts

    def read_json(self, key: str) -> dict:
        return json.loads(self.s3.get_object(Bucket=self.bucket, Key=key)["Body"].read())

    def exported(self) -> int:
        with self.store.session() as s:
            return s.scalar(select(func.count()).select_from(RunRow).where(RunRow.exported_at.is_not(None)))

    def runs_per_document(self) -> dict[str, int]:
        with self.store.session() as s:
            return dict(s.execute(select(RunRow.document_id, func.count()).group_by(RunRow.document_id)).all())

    def duplicated_review_items(self) -> int:
        """Review items (fields waiting for a person) that exist more than once for the same document and field."""
        with self.store.session() as s:
            q = (
                select(RunRow.document_id, FieldRow.name, func.count())
                .join(FieldRow, FieldRow.run_id == RunRow.id)
                .where(FieldRow.status == "needs_review")
                .group_by(RunRow.document_id, FieldRow.name)
                .having(func.count() > 1)
            )
            return len(s.execute(q).all())
