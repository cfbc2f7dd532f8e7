"""Bucket in, JSON out: S3 (moto) -> event receiver + watcher -> broker -> separate worker processes -> PostgreSQL -> S3.

Run for RabbitMQ and for Redis. Duplicate and out-of-order events, a file
dropped twice and a key overwritten on the way must still give one run and one
result per document.
"""

from __future__ import annotations

import hashlib
import json
import subprocess

import pytest

from tests.workers.stack import DOCLOOP, free_port, http_ok, post_json, receipt, s3_event, wait_until


@pytest.mark.parametrize("broker", ["rabbitmq", "redis"])
def test_bucket_to_json_through_workers(stack_factory, broker):
    stack = stack_factory(broker, DOCLOOP_EVENTS_TOKEN="tok")
    # separate pools: CPU stages in one process, the extract stage in another
    stack.worker("cpu", processes=1, threads=2, queues="ingest,parse,finalise")
    stack.worker("model", processes=1, threads=2, queues="extract")
    port = free_port()
    stack.start("events", "events", "--host", "127.0.0.1", "--port", str(port))
    wait_until(lambda: http_ok(f"http://127.0.0.1:{port}/health"), 60, what="event receiver")
    events = f"http://127.0.0.1:{port}/events"

    docs = {f"inbox/receipt/r{i}.txt": receipt(i, seed=broker == "redis") for i in range(8)}
    docs["inbox/receipt/broken.pdf"] = b"%PDF-1.7\n% not really a PDF\n"
    docs["inbox/receipt/copy-of-r0.txt"] = docs["inbox/receipt/r0.txt"]  # the same file dropped twice
    for key, data in docs.items():
        r = stack.put(key, data)
        event = s3_event(stack.bucket, key, r["ETag"].strip('"'), len(data))
        assert post_json(events, event, "tok")[0] == 200
        assert post_json(events, event, "tok")[0] == 200  # delivered twice
    typed = stack.put("inbox/untyped.txt", receipt(50), Metadata={"docloop-schema": "receipt"})
    post_json(events, s3_event(stack.bucket, "inbox/untyped.txt", typed["ETag"].strip('"'), 1), "tok")

    # a key overwritten, its events arriving newest first
    old = stack.put("inbox/receipt/changed.txt", receipt(100))
    new_bytes = receipt(101)
    new = stack.put("inbox/receipt/changed.txt", new_bytes)
    for r, seq in ((new, "0002"), (old, "0001")):
        post_json(events, s3_event(stack.bucket, "inbox/receipt/changed.txt", r["ETag"].strip('"'), 1, sequencer=seq), "tok")

    # the poller too, over the same objects: every object is now announced at least twice
    stack.start("watch", "watch", "--interval", "1")

    expected_runs = 8 + 1 + 1 + 1  # receipts, broken, untyped, changed (new content); the copy adds none
    wait_until(lambda: stack.exported() >= expected_runs, 180, what=f"{expected_runs} exported runs")
    stack.stop("watch")

    outputs = stack.outputs()
    assert all(count == 1 for count in outputs.values()), outputs  # each result written once
    assert sorted(k for k in outputs if k.endswith(("r0.txt.json", "copy-of-r0.txt.json"))) in (
        ["out/receipt/r0.txt.json"], ["out/receipt/copy-of-r0.txt.json"]
    )
    for i in range(1, 8):
        result = stack.read_json(f"out/receipt/r{i}.txt.json")
        assert result["status"] in ("completed", "needs_review")
        assert result["schema"]["name"] == "receipt" and result["document"]["sha256"] == hashlib.sha256(docs[f"inbox/receipt/r{i}.txt"]).hexdigest()
        assert result["data"]["total"] is not None
    broken = stack.read_json("out/receipt/broken.pdf.json")
    assert broken["status"] == "failed" and broken["error"]["code"] and broken["error"]["message"]
    assert stack.read_json("out/untyped.txt.json")["schema"]["name"] == "receipt"
    assert stack.read_json("out/receipt/changed.txt.json")["document"]["sha256"] == hashlib.sha256(new_bytes).hexdigest()

    assert set(stack.runs_per_document().values()) == {1}
    assert stack.exported() == expected_runs
    assert stack.duplicated_review_items() == 0
    assert stack.store.dead_letters() == []

    # a JSONL export of the batch, beside the results
    subprocess.run([*DOCLOOP, "export-batch", "--name", "b1"], env=stack.env, check=True, capture_output=True, timeout=120)
    body = stack.s3.get_object(Bucket=stack.bucket, Key="out/batches/b1.jsonl")["Body"].read().decode()
    lines = [json.loads(line) for line in body.splitlines()]
    assert len(lines) == expected_runs and {d["status"] for d in lines} <= {"completed", "needs_review", "failed"}
    # originals are never touched
    assert stack.s3.get_object(Bucket=stack.bucket, Key="inbox/receipt/r3.txt")["Body"].read() == docs["inbox/receipt/r3.txt"]
