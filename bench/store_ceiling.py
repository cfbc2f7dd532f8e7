"""Load test: the per-message ceiling of the store and the broker, extraction left out.

Drives ``--documents`` (default 10,000) queued documents through the local stack
with a no-op extraction, so what is left is what every document pays at any
scale: RabbitMQ (publisher confirms on, docloop's middleware) and PostgreSQL
(``Store.claim`` of a new run, then ``Store.save`` of its finished state: one
field, no model calls). Loopback only, a fresh database dropped afterwards, a
queue of its own purged before and after. Phases, each timed apart:

1. store alone, 1 thread and ``--threads`` threads: claims + saves per second;
2. broker alone: sending the messages (confirmed), then draining them with an
   actor that does nothing, ``--threads`` worker threads;
3. both: the actor claims and saves its document, ``--threads`` worker threads.

Run: ``python -m bench.store_ceiling [--documents 10000] [--threads 4]``;
writes ``bench/results/store_ceiling.md``. Needs the services of docker-compose.yml.
"""

from __future__ import annotations

import argparse
import os
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import dramatiq
from dramatiq.brokers.rabbitmq import RabbitmqBroker

from bench import write_report
from pipeline.state import DocStatus, DocumentState, FieldResult, FieldStatus, Stage
from pipeline.store import Store
from tests.conftest import postgres_database

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results" / "store_ceiling.md"
AMQP = os.environ.get("DOCLOOP_BENCH_AMQP", "amqp://guest:guest@127.0.0.1:5672")
QUEUE = "docloop_bench_ceiling"


def document(n: int, tag: str) -> DocumentState:
    """A finished one-field document, as a no-op extraction would leave it."""
    sha = uuid.uuid5(uuid.NAMESPACE_OID, f"{tag}-{n}").hex * 2
    return DocumentState(
        id=sha[:32], source=f"bench/{tag}/{n}.txt", sha256=sha, size=100, media_type="text/plain",
        schema_name="receipt", schema_version="1", stage=Stage.routed, status=DocStatus.completed,
        fields={"total": FieldResult(value="9.00", confidence=0.99, status=FieldStatus.auto_accepted, extractor="noop")},
    )


def store_once(store: Store, state: DocumentState) -> None:
    run_id, _ = store.claim(state, f"{state.sha256}:bench", "bench", "bench")
    store.save(run_id, state, exported=True)


def rate(count: int, seconds: float) -> str:
    return f"{count / seconds:,.0f}/s ({seconds * 1000 / count:.2f} ms each)"


def drain(broker: RabbitmqBroker, threads: int, count: int, done: threading.Event) -> float:
    """Seconds for a worker with ``threads`` threads to process ``count`` queued messages."""
    worker = dramatiq.Worker(broker, queues={QUEUE}, worker_threads=threads)
    started = time.perf_counter()
    worker.start()
    finished = done.wait(timeout=max(600, count / 10))
    seconds = time.perf_counter() - started
    worker.stop()
    if not finished:
        raise RuntimeError(f"the worker did not drain {count} messages in time")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--documents", type=int, default=10_000)
    parser.add_argument("--threads", type=int, default=4)
    args = parser.parse_args()
    n, threads = args.documents, args.threads
    rows: list[tuple[str, str]] = []
    with postgres_database() as url:
        store = Store(url, pool_size=threads, max_overflow=0)
        store.migrate()
        started = time.perf_counter()
        for i in range(n):
            store_once(store, document(i, "serial"))
        rows.append(("store alone, 1 thread: claim + save", rate(n, time.perf_counter() - started)))
        with ThreadPoolExecutor(threads) as pool:
            started = time.perf_counter()
            list(pool.map(lambda i: store_once(store, document(i, "threads")), range(n)))
        rows.append((f"store alone, {threads} threads: claim + save", rate(n, time.perf_counter() - started)))

        broker = RabbitmqBroker(url=AMQP, confirm_delivery=True)
        broker.declare_queue(QUEUE)
        broker.flush(QUEUE)
        lock, seen, done = threading.Lock(), [0], threading.Event()

        def count_one() -> None:
            with lock:
                seen[0] += 1
                if seen[0] == n:
                    done.set()

        def noop(i: int) -> None:
            count_one()

        def stored(i: int) -> None:
            store_once(store, document(i, "queued"))
            count_one()

        for phase, fn in (("broker alone", noop), ("broker + store", stored)):
            actor = dramatiq.actor(fn, broker=broker, queue_name=QUEUE, actor_name=f"bench_{fn.__name__}", max_retries=0)
            seen[0] = 0
            done.clear()
            started = time.perf_counter()
            for i in range(n):
                actor.send(i)
            if phase == "broker alone":
                rows.append(("broker: send (publisher confirms), 1 thread", rate(n, time.perf_counter() - started)))
            rows.append((f"{phase}: drain, {threads} worker threads", rate(n, drain(broker, threads, n, done))))
        broker.flush(QUEUE)
        broker.close()
        store.engine.dispose()

    lines = [
        f"Store and broker ceiling: {n:,} documents with a no-op extraction through PostgreSQL and RabbitMQ on loopback, "
        f"{os.cpu_count()} CPUs shared with both services, load average {os.getloadavg()[0]:.1f} at the end.",
        "",
        "| phase | rate |",
        "|---|---:|",
        *(f"| {name} | {figure} |" for name, figure in rows),
    ]
    write_report(RESULTS, lines)


if __name__ == "__main__":
    main()
