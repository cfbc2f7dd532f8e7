"""Benchmark: the pipeline on queue workers (PostgreSQL, RabbitMQ or Redis, moto's S3 server).

    python -m bench.queue_throughput [--broker rabbitmq|redis|both] [--copies 8] [--noop 2000] [--latency-runs 30]

Measures, per broker, with local processes started as docker-compose.yml starts them:

- documents/min with 1 and with 2 worker processes (one thread each) on the same
  set: the one-page-or-more invoices of ``parsee_invoices`` (born-digital PDFs),
  each in ``--copies`` byte-distinct copies, extractors ``rules`` only so the
  LLM does not dominate; the same set in process, without a broker, for reference;
- per-message queue overhead: ``--noop`` messages queued for an actor that
  only notes the time (one Redis round trip), then drained through the same
  broker and middleware as the stages by one worker process with one thread:
  (last - first) / (messages - 1) as the actor saw it; sending is timed apart;
- end-to-end latency from upload to JSON for a one-page PDF: put the object,
  post its bucket event to ``docloop events``, poll for ``out/<key>.json``;
  p50 / p95 over ``--latency-runs`` uploads, workers idle in between.

Writes bench/results/queue_throughput.md (and .json). The machine is shared:
PostgreSQL, the broker and the S3 server run on the same 2 cores as the workers.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

if os.environ.get("DOCLOOP_BENCH_COUNTER"):  # imported by `python -m dramatiq bench.queue_throughput`
    import dramatiq
    import redis

    from workers.actors import queue

    _marks = redis.Redis.from_url("redis://127.0.0.1:6379/0")

    @dramatiq.actor(actor_name="noop", queue_name=queue("noop"))
    def noop(i: int) -> None:
        """Notes when it ran and nothing else: the rest of a message's time is the queue's overhead."""
        key, now = os.environ["DOCLOOP_BENCH_COUNTER"], time.time()
        _marks.pipeline().set(f"{key}:first", now, nx=True).set(f"{key}:last", now).incr(key).execute()  # one round trip


ROOT = Path(__file__).resolve().parents[1]
DATASETS = ROOT / ".." / "shared" / "datasets"
RESULTS = ROOT / "bench" / "results"


def invoice_pdfs() -> list[bytes]:
    return [p.read_bytes() for p in sorted((DATASETS / "parsee_invoices" / "pdfs").glob("*.pdf"))]


def one_page_pdf() -> bytes:
    from io import BytesIO

    from pypdf import PdfReader

    return next(data for data in invoice_pdfs() if len(PdfReader(BytesIO(data)).pages) == 1)


def distinct(data: bytes, nonce: str) -> bytes:
    """The same PDF with a trailing comment: still valid, a different content hash."""
    return data + f"\n%docloop-bench {nonce}\n".encode()


def enqueue(stack, actor: str, *args) -> None:
    import dramatiq

    from workers.broker import make_broker
    from workers.settings import WorkerSettings

    broker = _brokers.get(stack.prefix)
    if broker is None:
        broker = _brokers[stack.prefix] = make_broker(stack.env["DOCLOOP_BROKER_URL"], WorkerSettings(), lambda: stack.store)
    broker.declare_queue(stack.prefix + actor)
    broker.enqueue(dramatiq.Message(queue_name=stack.prefix + actor, actor_name=actor, args=args, kwargs={}, options={}))


_brokers: dict = {}


def throughput(make_stack, processes: int, docs: dict[str, bytes]) -> dict:
    from tests.workers.stack import wait_until

    stack = make_stack()
    try:
        stack.worker("w", processes=processes, threads=1)
        warm = "inbox/invoice/warm-up.pdf"
        stack.put(warm, distinct(one_page_pdf(), f"warm-{processes}-{stack.prefix}"))
        enqueue(stack, "ingest", warm)
        wait_until(lambda: stack.exported() >= 1, 180, what="warm-up document")
        for key, data in docs.items():
            stack.put(key, data)
        start = time.perf_counter()
        for key in docs:
            enqueue(stack, "ingest", key)
        wait_until(lambda: stack.exported() >= len(docs) + 1, 1800, interval=0.1, what="all documents")
        elapsed = time.perf_counter() - start
    finally:
        stack.close()
    return {"processes": processes, "documents": len(docs), "seconds": round(elapsed, 2), "docs_per_min": round(len(docs) / elapsed * 60, 1)}


def in_process(database_url: str, endpoint: str, bucket: str, docs: dict[str, bytes]) -> dict:
    """The same set through the same steps in this process: no broker, no message."""
    import boto3

    from pipeline.bucket import S3Bucket
    from pipeline.config import Settings
    from pipeline.run import build_pipeline
    from pipeline.store import Store
    from workers.flow import Flow
    from workers.settings import WorkerSettings

    store = Store(database_url)
    store.migrate()
    flow = Flow(build_pipeline(Settings(home=Path(tempfile.mkdtemp()), llm_provider="none"), ["rules"], store), S3Bucket(bucket, client=boto3.client("s3", endpoint_url=endpoint)), WorkerSettings())
    for key, data in docs.items():
        flow.bucket.put(key, data, "application/pdf")
    flow.drive(flow.admit(next(iter(docs))))  # warm
    start = time.perf_counter()
    for key in list(docs)[1:]:
        flow.drive(flow.admit(key))
    elapsed = time.perf_counter() - start
    store.engine.dispose()
    return {"processes": "in process", "documents": len(docs) - 1, "seconds": round(elapsed, 2), "docs_per_min": round((len(docs) - 1) / elapsed * 60, 1)}


def queue_overhead(make_stack, messages: int) -> dict:
    """Fill the queue first, then let one worker (one thread) drain it: worker-side time per message."""
    import redis

    from tests.workers.stack import wait_until
    from workers.settings import WorkerSettings

    counter = f"bench:{time.time_ns()}"
    stack = make_stack(DOCLOOP_BENCH_COUNTER=counter)
    marks = redis.Redis.from_url("redis://127.0.0.1:6379/0")
    try:
        start = time.perf_counter()
        for i in range(messages):
            enqueue(stack, "noop", i)
        sent = time.perf_counter() - start
        # the stages' broker and middleware (workers.actors), plus the no-op actor of this module
        stack.start_raw(
            "noop", [sys.executable, "-m", "dramatiq", "bench.queue_throughput", "-p", "1", "-t", "1", "-Q", stack.prefix + "noop"],
            {"dramatiq_worker_timeout": str(WorkerSettings().poll_ms)},
        )
        wait_until(lambda: int(marks.get(counter) or 0) >= messages, 600, interval=0.05, what="no-op messages")
        drained = float(marks.get(f"{counter}:last")) - float(marks.get(f"{counter}:first"))
    finally:
        stack.close()
        marks.delete(counter, f"{counter}:first", f"{counter}:last")
    return {"messages": messages, "send_ms_per_message": round(sent / messages * 1000, 3), "ms_per_message": round(drained / (messages - 1) * 1000, 3)}


def latency(make_stack, runs: int) -> dict:
    from tests.workers.stack import free_port, http_ok, post_json, s3_event, wait_until

    stack = make_stack()
    pdf = one_page_pdf()
    try:
        stack.worker("w", processes=2, threads=1)
        port = free_port()
        stack.start("events", "events", "--host", "127.0.0.1", "--port", str(port))
        url = f"http://127.0.0.1:{port}/events"
        wait_until(lambda: http_ok(f"http://127.0.0.1:{port}/health"), 120, what="event receiver")

        samples = []
        for i in range(runs + 1):
            key = f"inbox/invoice/latency-{i}.pdf"
            data = distinct(pdf, f"latency-{i}-{stack.prefix}")
            start = time.perf_counter()
            r = stack.put(key, data)
            assert post_json(url, s3_event(stack.bucket, key, r["ETag"].strip('"'), len(data)))[0] == 200
            wait_until(lambda: _exists(stack, f"out/invoice/latency-{i}.pdf.json"), 300, interval=0.01, what="result")
            if i:  # the first one warms the workers
                samples.append(time.perf_counter() - start)
    finally:
        stack.close()
    samples.sort()
    return {"runs": runs, "p50_s": round(statistics.median(samples), 3), "p95_s": round(samples[max(int(round(0.95 * len(samples))) - 1, 0)], 3), "max_s": round(samples[-1], 3)}


def _exists(stack, key: str) -> bool:
    try:
        stack.s3.head_object(Bucket=stack.bucket, Key=key)
        return True
    except Exception:
        return False


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--broker", choices=["rabbitmq", "redis", "both"], default="both")
    parser.add_argument("--copies", type=int, default=8, help="byte-distinct copies of each invoice PDF")
    parser.add_argument("--noop", type=int, default=2000, help="messages for the overhead measurement")
    parser.add_argument("--latency-runs", type=int, default=30)
    args = parser.parse_args()

    from tests.conftest import postgres_database
    from tests.workers.stack import Stack, moto_s3, new_bucket, stack_env
    from pipeline.store import Store

    pdfs = invoice_pdfs()
    docs = {f"inbox/invoice/{n:02d}-{c}.pdf": distinct(pdf, f"{n}-{c}") for c in range(args.copies) for n, pdf in enumerate(pdfs)}
    results: dict = {
        "command": " ".join(["python -m bench.queue_throughput", *sys.argv[1:]]),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores",
        "set": f"{len(pdfs)} parsee_invoices PDFs x {args.copies} byte-distinct copies = {len(docs)} documents",
        "brokers": {},
    }
    brokers = ["rabbitmq", "redis"] if args.broker == "both" else [args.broker]
    with moto_s3() as endpoint:
        os.environ.update({"AWS_ENDPOINT_URL": endpoint, "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": "us-east-1"})
        with postgres_database() as url:
            results["in_process"] = in_process(url, endpoint, new_bucket(endpoint), {"inbox/invoice/warm.pdf": distinct(pdfs[0], "warm"), **docs})
        for broker in brokers:
            stacks = []

            def make_stack(**env: str) -> Stack:
                import contextlib

                stack_cm = contextlib.ExitStack()
                db = stack_cm.enter_context(postgres_database())
                store = Store(db)
                store.migrate()
                bucket = new_bucket(endpoint)
                home = Path(tempfile.mkdtemp())
                logs = home / "logs"
                logs.mkdir()
                stack = Stack(stack_env(broker, db, bucket, endpoint, home, **env), store, bucket, logs, broker)
                stacks.append((stack_cm, store))
                return stack

            figures = {"throughput": [throughput(make_stack, p, docs) for p in (1, 2)]}
            t1, t2 = (r["docs_per_min"] for r in figures["throughput"])
            figures["speedup_2_vs_1"] = round(t2 / t1, 2)
            figures["queue_overhead"] = queue_overhead(make_stack, args.noop)
            figures["latency_one_page_pdf"] = latency(make_stack, args.latency_runs)
            results["brokers"][broker] = figures
            for cm, store in stacks:
                store.engine.dispose()
                cm.close()
            print(json.dumps({broker: figures}, indent=2))
    write(results)


def write(results: dict) -> None:
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "queue_throughput.json").write_text(json.dumps(results, indent=2) + "\n")
    ip = results["in_process"]
    lines = [
        "# Queue workers: throughput, queue overhead, latency",
        "",
        f"Command: `{results['command']}` on {results['machine']} (shared with PostgreSQL, the broker and moto's S3 server).",
        f"Set: {results['set']}; extractors `rules`; PostgreSQL; S3 via moto.",
        f"In process, no broker (reference): {ip['docs_per_min']} docs/min ({ip['documents']} docs in {ip['seconds']} s).",
        "",
        "| broker | 1 process docs/min | 2 processes docs/min | speed-up | queue overhead ms/message | send ms/message | upload->JSON p50 s | p95 s |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for broker, f in results["brokers"].items():
        t1, t2 = f["throughput"]
        q, lat = f["queue_overhead"], f["latency_one_page_pdf"]
        lines.append(
            f"| {broker} | {t1['docs_per_min']} | {t2['docs_per_min']} | {f['speedup_2_vs_1']}x | {q['ms_per_message']} | {q['send_ms_per_message']} | {lat['p50_s']} | {lat['p95_s']} |"
        )
    lines += [
        "",
        "Throughput: one thread per process, so the second process is the only added parallelism; a document is 4 messages",
        "(ingest, parse, extract, finalise). Queue overhead: messages queued first for a no-op actor (it notes the time, one",
        "Redis round trip) behind the same middleware, then drained by one process with one thread: time per message as the",
        "actor saw it; sending (RabbitMQ with publisher confirms) timed apart. Latency: put + bucket event to",
        "`docloop events` until `out/<key>.json` exists, 2 idle worker processes, one-page PDF, rules extractor.",
    ]
    (RESULTS / "queue_throughput.md").write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
