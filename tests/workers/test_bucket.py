"""Buckets: a local folder and S3 (moto's server over real HTTP, through boto3)."""

from __future__ import annotations

import boto3
import pytest

from pipeline.bucket import LocalBucket, ObjectMissing, S3Bucket, open_bucket, result_key, schema_for

KNOWN = {"invoice", "receipt", "nda"}


def test_schema_from_prefix_then_metadata_then_auto():
    assert schema_for("inbox/invoice/2024/a.pdf", {}, KNOWN) == "invoice"
    assert schema_for("inbox/a.pdf", {"docloop-schema": "nda"}, KNOWN) == "nda"
    assert schema_for("inbox/misc/a.pdf", {"Schema": "receipt"}, KNOWN) == "receipt"  # metadata keys are case-blind
    assert schema_for("inbox/misc/a.pdf", {}, KNOWN) == "auto"  # an unknown folder is not a type
    assert result_key("inbox/invoice/a.pdf") == "out/invoice/a.pdf.json"


def test_open_bucket_by_spec(tmp_path, aws_env):
    assert isinstance(open_bucket(tmp_path), LocalBucket)
    s3 = open_bucket("s3://docs/tenant-a/")
    assert isinstance(s3, S3Bucket) and (s3.name, s3.prefix, s3.uri) == ("docs", "tenant-a/", "s3://docs/tenant-a")


def test_local_bucket_round_trip(tmp_path):
    bucket = LocalBucket(tmp_path)
    (tmp_path / "inbox" / "invoice").mkdir(parents=True)
    (tmp_path / "inbox" / "invoice" / "a.txt").write_bytes(b"hello")
    (tmp_path / "inbox" / ".hidden").write_bytes(b"x")
    [info] = bucket.list("inbox/")
    assert (info.key, info.size) == ("inbox/invoice/a.txt", 5)
    assert bucket.head(info.key).etag == info.etag
    bucket.put_json("out/invoice/a.txt.json", {"ok": True})
    assert bucket.get("out/invoice/a.txt.json").startswith(b"{")
    assert bucket.get("inbox/invoice/a.txt") == b"hello"  # the original is untouched
    with pytest.raises(ObjectMissing):
        bucket.get("inbox/nope.txt")
    with pytest.raises(ObjectMissing):
        bucket.get("../outside")


def test_s3_bucket_lists_every_page_and_reads_metadata(bucket_name):
    client = boto3.client("s3")
    for i in range(7):
        client.put_object(Bucket=bucket_name, Key=f"tenant/inbox/{i}.txt", Body=f"doc {i}".encode())
    client.put_object(Bucket=bucket_name, Key="tenant/inbox/m.txt", Body=b"m", Metadata={"docloop-schema": "invoice"})
    client.put_object(Bucket=bucket_name, Key="elsewhere/x.txt", Body=b"x")
    bucket = S3Bucket(bucket_name, "tenant", page_size=2)  # 8 objects over 4 pages
    keys = [o.key for o in bucket.list("inbox/")]
    assert keys == [f"inbox/{i}.txt" for i in range(7)] + ["inbox/m.txt"]
    assert bucket.head("inbox/m.txt").metadata == {"docloop-schema": "invoice"}
    assert bucket.get("inbox/3.txt") == b"doc 3"
    assert bucket.key_of(bucket_name, "tenant/inbox/3.txt") == "inbox/3.txt"
    assert bucket.key_of(bucket_name, "elsewhere/x.txt") is None
    with pytest.raises(ObjectMissing):
        bucket.head("inbox/none.txt")
    with pytest.raises(ObjectMissing):
        bucket.get("inbox/none.txt")


def test_s3_multipart_upload_is_listed_once_complete(bucket_name):
    client = boto3.client("s3")
    bucket = S3Bucket(bucket_name)
    upload = client.create_multipart_upload(Bucket=bucket_name, Key="inbox/big.txt")
    parts = [b"a" * 2048, b"b" * 100]
    etags = [
        client.upload_part(Bucket=bucket_name, Key="inbox/big.txt", UploadId=upload["UploadId"], PartNumber=n, Body=body)["ETag"]
        for n, body in enumerate(parts, start=1)
    ]
    assert list(bucket.list("inbox/")) == []  # in progress: not an object yet
    client.complete_multipart_upload(
        Bucket=bucket_name, Key="inbox/big.txt", UploadId=upload["UploadId"],
        MultipartUpload={"Parts": [{"ETag": e, "PartNumber": n} for n, e in enumerate(etags, start=1)]},
    )
    [info] = bucket.list("inbox/")
    assert info.size == 2148 and info.etag.endswith("-2")  # the multipart etag form
    assert bucket.get("inbox/big.txt") == b"".join(parts)


def test_s3_results_and_batches(bucket_name):
    bucket = S3Bucket(bucket_name)
    bucket.put_json("out/a.txt.json", {"status": "completed"})
    assert bucket.put_jsonl("out/batches/b1.jsonl", [{"n": 1}, {"n": 2}]) == 2
    assert bucket.get("out/batches/b1.jsonl").decode().splitlines() == ['{"n": 1}', '{"n": 2}']
    head = boto3.client("s3").head_object(Bucket=bucket_name, Key="out/a.txt.json")
    assert head["ContentType"] == "application/json"
