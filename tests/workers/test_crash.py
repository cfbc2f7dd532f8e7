"""kill -9 a worker while 240 documents flow, restart it: nothing lost, nothing exported twice.

For RabbitMQ and for Redis. The figures (lost, duplicated, rewrites, how long
until the killed worker's in-flight runs were picked up again) go to
bench/results/crash.md.
"""

from __future__ import annotations

import json
import os
import statistics
import time
from pathlib import Path

import pytest
from sqlalchemy import text

from tests.workers.stack import ROOT, Stack, receipt, wait_until

DOCUMENTS = 240
# figures go to test-artifacts/ unless asked for the record: DOCLOOP_BENCH_RESULTS=bench/results
RESULTS = Path(os.environ.get("DOCLOOP_BENCH_RESULTS", ROOT / "test-artifacts"))


def runs_held_by(stack: Stack, application_name: str) -> set[int]:
    """Runs a worker is parsing or extracting right now: its advisory locks, seen from PostgreSQL.

    (A run being finalised may complete before the kill lands and then never runs again,
    which would leave nothing to time.)"""
    q = text(
        "SELECT l.objid FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
        "WHERE l.locktype = 'advisory' AND l.classid = 25708 AND l.granted AND a.application_name = :name"
    )
    with stack.store.engine.connect() as conn:
        held = {int(r[0]) for r in conn.execute(q, {"name": application_name})}
    return {run for run in held if (p := stack.store.progress(run)) and p.stage in ("ingested", "parsed")}


def attempts(stack: Stack, runs: set[int]) -> dict[int, int]:
    return {run: stack.store.progress(run).attempts for run in runs}


@pytest.mark.parametrize("broker", ["rabbitmq", "redis"])
def test_kill9_worker_mid_flow(stack_factory, broker):
    stack = stack_factory(broker)
    stack.worker("a", processes=1, threads=2)
    stack.worker("b", processes=1, threads=2)
    docs = {f"inbox/receipt/c{i:03d}.txt": receipt(i, seed=3 if broker == "redis" else 4) for i in range(DOCUMENTS)}
    for key, data in docs.items():
        stack.put(key, data)
    start = time.monotonic()
    stack.start("watch", "watch", "--interval", "1")

    wait_until(lambda: stack.exported() >= DOCUMENTS // 4, 300, what="a quarter exported")
    held = wait_until(lambda: runs_held_by(stack, "a"), 60, interval=0.02, what="worker a parsing or extracting a run")
    killed_at = time.monotonic()
    stack.kill9("a")
    before = attempts(stack, held)  # read once a is dead: any later attempt is someone else taking the run up
    exported_at_kill = stack.exported()

    # how long until each run the dead worker held was taken up again
    picked_up: dict[int, float] = {}

    def all_picked_up() -> bool:
        for run, n in attempts(stack, held - picked_up.keys()).items():
            if n > before[run]:
                picked_up[run] = time.monotonic() - killed_at
        return picked_up.keys() == held

    while time.monotonic() < killed_at + 1 and not all_picked_up():
        time.sleep(0.05)
    stack.worker("a", processes=1, threads=2)  # restarted a second after the kill
    wait_until(all_picked_up, 240, interval=0.05, what="in-flight runs picked up again")
    wait_until(lambda: stack.exported() >= DOCUMENTS, 400, what="all documents exported")
    total_s = time.monotonic() - start
    time.sleep(2)  # let any stray duplicate message finish before counting

    outputs = stack.outputs()
    expected = {f"out/receipt/c{i:03d}.txt.json" for i in range(DOCUMENTS)}
    lost = len(expected - outputs.keys())
    duplicated_runs = sum(n - 1 for n in stack.runs_per_document().values())
    rewrites = sum(n - 1 for n in outputs.values())  # the same result written again (same key, same content)
    figures = {
        "documents": DOCUMENTS,
        "exported_before_kill": exported_at_kill,
        "in_flight_at_kill": len(held),
        "lost": lost,
        "duplicated_runs": duplicated_runs,
        "duplicated_review_items": stack.duplicated_review_items(),
        "result_rewrites": rewrites,
        "dead_letters": len(stack.store.dead_letters()),
        "redelivery_delay_s": {"median": round(statistics.median(picked_up.values()), 2), "max": round(max(picked_up.values()), 2)},
        "total_s": round(total_s, 1),
    }
    record(broker, figures)

    assert lost == 0 and outputs.keys() == expected
    assert stack.exported() == DOCUMENTS
    assert duplicated_runs == 0
    assert figures["duplicated_review_items"] == 0
    assert figures["dead_letters"] == 0
    # a result is rewritten only where the dead worker wrote it and died before recording that
    assert rewrites <= len(held)


def record(broker: str, figures: dict) -> None:
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / "crash.json"
    data = json.loads(path.read_text()) if path.exists() else {}
    data[broker] = figures
    path.write_text(json.dumps(data, indent=2) + "\n")
    lines = [
        "# Crash test: kill -9 a worker mid-flow",
        "",
        "`pytest tests/workers/test_crash.py`: 240 small text receipts dropped in the bucket (moto S3), `docloop watch`",
        "enqueues them, two `docloop worker --processes 1 --threads 2` share the queues, PostgreSQL holds the runs.",
        "Once a quarter is exported, worker a's whole process group gets SIGKILL while it holds at least one run;",
        "it is restarted a second later. Redelivery delay: from the kill until each run it held started again.",
        "",
        "| broker | lost | duplicated runs | duplicated review items | results rewritten | dead letters | in flight at kill | redelivery delay median / max s | total s |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for name, f in sorted(data.items()):
        d = f["redelivery_delay_s"]
        lines.append(
            f"| {name} | {f['lost']} | {f['duplicated_runs']} | {f['duplicated_review_items']} | {f['result_rewrites']} | "
            f"{f['dead_letters']} | {f['in_flight_at_kill']} | {d['median']} / {d['max']} | {f['total_s']} |"
        )
    lines += [
        "",
        "RabbitMQ re-queues a dead consumer's unacknowledged messages as soon as its connection drops; Redis only once the",
        "worker's heartbeat is older than `DOCLOOP_REDIS_HEARTBEAT_TIMEOUT_MS` (15 s here) and a maintenance pass runs.",
        "A rewritten result is the same JSON written to the same key again, by a worker that died between writing it and",
        "recording it; the run itself (and its review items) exists once.",
    ]
    (RESULTS / "crash.md").write_text("\n".join(lines) + "\n")
