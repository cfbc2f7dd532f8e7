"""Ingestion: the bucket-event HTTP endpoint and the polling watcher, each remembering in PostgreSQL."""

from __future__ import annotations

import threading

import boto3
import pytest

from pipeline.bucket import LocalBucket, S3Bucket
from pipeline.store import Store
from pipeline.watch import scan, watch
from tests.workers.stack import free_port, post_json, s3_event
from workers.events import EventReceiver, make_server


@pytest.fixture
def receiver_url(store: Store, bucket_name: str):
    submitted: list[str] = []
    failing = threading.Event()

    def submit(key: str) -> None:
        if failing.is_set():
            raise ConnectionError("broker down")
        submitted.append(key)

    server = make_server(EventReceiver(S3Bucket(bucket_name), store, submit), "127.0.0.1", free_port(), token="s3cret")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/events", submitted, failing
    server.shutdown()
    server.server_close()


def test_events_duplicates_are_submitted_once(receiver_url, bucket_name):
    url, submitted, _ = receiver_url
    event = s3_event(bucket_name, "inbox/invoice/March bill.pdf", "e1", 10)
    assert post_json(url, event, "s3cret") == (200, {"submitted": 1})
    assert post_json(url, event, "s3cret") == (200, {"submitted": 0})
    assert submitted == ["inbox/invoice/March bill.pdf"]  # the "+"-encoded key decoded


def test_events_completed_multipart_upload_counts(receiver_url, bucket_name):
    url, submitted, _ = receiver_url
    event = s3_event(bucket_name, "inbox/scan.pdf", "9b2cf535f27731c974343645a3985328-3", 15_000_000, name="s3:ObjectCreated:CompleteMultipartUpload")
    assert post_json(url, event, "s3cret") == (200, {"submitted": 1})
    assert submitted == ["inbox/scan.pdf"]


def test_events_out_of_order_versions_are_each_submitted(receiver_url, bucket_name):
    """A newer version's event before an older one's: both are looked at; the ingest step reads the
    object's current bytes, so both resolve to the same run (checked end to end in test_end_to_end)."""
    url, submitted, _ = receiver_url
    post_json(url, s3_event(bucket_name, "inbox/a.txt", "v2", 5, sequencer="0002"), "s3cret")
    post_json(url, s3_event(bucket_name, "inbox/a.txt", "v1", 4, sequencer="0001"), "s3cret")
    assert submitted == ["inbox/a.txt", "inbox/a.txt"]


def test_events_ignore_what_is_not_a_new_inbox_object(receiver_url, bucket_name):
    url, submitted, _ = receiver_url
    for event in (
        s3_event(bucket_name, "out/a.txt.json", "e", 1),  # our own results
        s3_event("another-bucket", "inbox/a.txt", "e", 1),
        s3_event(bucket_name, "inbox/a.txt", "e", 1, name="s3:ObjectRemoved:Delete"),
    ):
        assert post_json(url, event, "s3cret") == (200, {"submitted": 0})
    assert submitted == []


def test_events_are_refused_without_token_or_json(receiver_url, bucket_name):
    url, submitted, _ = receiver_url
    assert post_json(url, s3_event(bucket_name, "inbox/a.txt", "e", 1))[0] == 401
    assert post_json(url, s3_event(bucket_name, "inbox/a.txt", "e", 1), "wrong")[0] == 401
    assert post_json(url, ["not", "an", "event"], "s3cret")[0] == 400
    assert submitted == []


def test_events_broker_failure_asks_the_sender_to_retry(receiver_url, bucket_name):
    url, submitted, failing = receiver_url
    event = s3_event(bucket_name, "inbox/a.txt", "e1", 1)
    failing.set()
    assert post_json(url, event, "s3cret")[0] == 503
    failing.clear()
    assert post_json(url, event, "s3cret") == (200, {"submitted": 1})  # not remembered as seen after the failure
    assert submitted == ["inbox/a.txt"]


def test_watcher_remembers_across_restarts_and_sees_replacements(store, bucket_name):
    client = boto3.client("s3")
    for i in range(5):
        client.put_object(Bucket=bucket_name, Key=f"inbox/receipt/{i}.txt", Body=f"r{i}".encode())
    client.put_object(Bucket=bucket_name, Key="out/0.txt.json", Body=b"{}")
    bucket = S3Bucket(bucket_name, page_size=2)
    submitted: list[str] = []
    assert watch(bucket, store, submitted.append, once=True) == 5
    # a new watcher process: its memory comes from the database
    restarted = Store(store.url)
    assert watch(bucket, restarted, submitted.append, once=True) == 0
    client.put_object(Bucket=bucket_name, Key="inbox/receipt/2.txt", Body=b"r2, corrected")
    client.put_object(Bucket=bucket_name, Key="inbox/receipt/9.txt", Body=b"r9")
    assert watch(bucket, restarted, submitted.append, once=True) == 2
    assert sorted(submitted) == sorted([f"inbox/receipt/{i}.txt" for i in range(5)] + ["inbox/receipt/2.txt", "inbox/receipt/9.txt"])
    restarted.engine.dispose()


def test_watcher_polls_until_stopped(store, tmp_path):
    bucket = LocalBucket(tmp_path)
    (tmp_path / "inbox").mkdir()
    submitted: list[str] = []
    stop = threading.Event()
    thread = threading.Thread(target=watch, args=(bucket, store, submitted.append), kwargs={"interval": 0.05, "stop": stop})
    thread.start()
    (tmp_path / "inbox" / "late.txt").write_bytes(b"arrives while watching")
    for _ in range(100):
        if submitted:
            break
        stop.wait(0.05)
    stop.set()
    thread.join(5)
    assert submitted == ["inbox/late.txt"] and not thread.is_alive()


def test_scan_submits_before_remembering(store, tmp_path):
    """A submit that fails leaves the object unremembered, so the next scan tries again."""
    bucket = LocalBucket(tmp_path)
    (tmp_path / "inbox").mkdir()
    (tmp_path / "inbox" / "a.txt").write_bytes(b"a")

    def broken(key: str) -> None:
        raise ConnectionError("broker down")

    with pytest.raises(ConnectionError):
        scan(bucket, store, broken, set())
    assert store.seen_keys(bucket.uri) == set()
    assert scan(bucket, store, lambda key: None, set()) == ["inbox/a.txt"]
