"""Export paths come only from sanitised keys: no object key writes outside the output prefix."""

from __future__ import annotations

from pathlib import Path

import boto3
import pytest

from pipeline.bucket import LocalBucket, S3Bucket, result_key, safe_segment
from pipeline.run import write_export
from pipeline.state import DocumentState

HOSTILE_KEYS = [
    "inbox/../../etc/passwd",
    "inbox/../inbox/a.pdf",
    "inbox/a/../../../b.pdf",
    "/etc/cron.d/x",
    "inbox//abs/../x.pdf",
    "inbox/..\\..\\win.pdf",
    "inbox/a\x00b.pdf",
    "inbox/line\nbreak\r\x1b[31m.pdf",
    "inbox/\u2028sep.pdf",
    "inbox/..",
    "inbox/",
    "..",
]


@pytest.mark.parametrize("key", HOSTILE_KEYS)
def test_result_keys_stay_under_the_output_prefix(key: str) -> None:
    out = result_key(key)
    assert out.startswith("out/") and out.endswith(".json")
    segments = out.split("/")
    assert ".." not in segments and "." not in segments and "" not in segments
    assert not any(ord(c) < 32 or 0x7F <= ord(c) <= 0x9F or c in "\\\u2028" for c in out)


def test_a_local_bucket_writes_every_hostile_result_inside_out(tmp_path: Path) -> None:
    root = tmp_path / "bucket"
    (root / "inbox").mkdir(parents=True)
    (root / "inbox" / "a.pdf").write_bytes(b"original")
    bucket = LocalBucket(root)
    for key in HOSTILE_KEYS:
        bucket.put_json(result_key(key), {"key": key})
    written = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert all(p.is_relative_to(root / "out") for p in written if p.name != "a.pdf"), written
    assert (root / "inbox" / "a.pdf").read_bytes() == b"original"  # no result replaced an input
    assert len([p for p in written if p.is_relative_to(root / "out")]) == len({result_key(k) for k in HOSTILE_KEYS})


def test_an_s3_bucket_writes_every_hostile_result_under_its_prefix(bucket_name: str) -> None:
    bucket = S3Bucket(bucket_name, "tenant")
    for key in HOSTILE_KEYS:
        bucket.put_json(result_key(key), {"key": key})
    keys = [o["Key"] for o in boto3.client("s3").list_objects_v2(Bucket=bucket_name)["Contents"]]
    assert keys and all(k.startswith("tenant/out/") and "/../" not in k for k in keys)


@pytest.mark.parametrize("stem", ["../../escape", "..", "a\x00b", "/abs", "x\ny"])
def test_write_export_stays_in_its_folder(tmp_path: Path, stem: str) -> None:
    state = DocumentState(id="d", source="s", sha256="h", size=1, schema_name="receipt", schema_version="1")
    out = tmp_path / "out"
    path = write_export(state, out, stem)
    assert path.parent == out and path.is_file() and path.name == f"{safe_segment(stem)}.json"
