"""Where documents come from and where their JSON goes: a local folder or S3.

``DOCLOOP_BUCKET`` is either a folder (the embedded default) or
``s3://bucket/prefix`` on any S3-compatible endpoint (``AWS_ENDPOINT_URL``,
credentials the usual boto3 way). Keys are relative to the bucket's prefix.
Inputs are only ever read: nothing here modifies or deletes an original.

Layout inside the bucket: documents under ``inbox/`` (``inbox/<schema>/...``
picks the document type), results as ``out/<same path>.json``, batch exports
as ``out/batches/<name>.jsonl``.
"""

from __future__ import annotations

import json
import os
import re
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.errors import DocloopError

INBOX = "inbox/"
OUTBOX = "out/"
SCHEMA_METADATA = ("docloop-schema", "schema")  # user metadata keys (x-amz-meta-...) naming the type


class ObjectMissing(DocloopError):
    """The object an event or message named is gone (deleted, or never completed)."""

    code = "missing"


@dataclass(frozen=True)
class ObjectInfo:
    key: str
    etag: str  # changes whenever the object's content does
    size: int
    metadata: Mapping[str, str] = field(default_factory=dict)
    version: str | None = None  # where the store keeps versions: this content, even after a replacement


class Bucket(ABC):
    uri: str

    @abstractmethod
    def list(self, prefix: str = "") -> Iterator[ObjectInfo]:
        """Every object under ``prefix``, in key order (metadata not filled)."""

    @abstractmethod
    def head(self, key: str) -> ObjectInfo:
        """One object's info with its metadata; ``ObjectMissing`` if absent."""

    @abstractmethod
    def fetch(self, key: str, version: str | None = None) -> tuple[bytes, ObjectInfo]:
        """An object's bytes and the info of exactly that content (one request: no race with a replacement)."""

    def get(self, key: str) -> bytes:
        return self.fetch(key)[0]

    @abstractmethod
    def put(self, key: str, data: bytes, content_type: str) -> None: ...

    def uri_of(self, key: str) -> str:
        return f"{self.uri.rstrip('/')}/{key}"

    def put_json(self, key: str, doc: Any) -> None:
        self.put(key, json.dumps(doc, indent=2, ensure_ascii=False, default=str).encode(), "application/json")

    def put_jsonl(self, key: str, docs: Iterable[Any]) -> int:
        lines = [json.dumps(d, ensure_ascii=False, default=str) for d in docs]
        self.put(key, ("\n".join(lines) + "\n" if lines else "").encode(), "application/x-ndjson")
        return len(lines)


class LocalBucket(Bucket):
    """A folder as the bucket. The etag is mtime + size: cheap, and new when a file is replaced."""

    def __init__(self, root: Path):
        self.root = root.resolve()
        self.uri = str(self.root)

    def _path(self, key: str) -> Path:
        path = (self.root / key).resolve()
        if not path.is_relative_to(self.root):
            raise ObjectMissing(f"key outside the bucket: {key}")
        return path

    def _info(self, path: Path) -> ObjectInfo:
        st = path.stat()
        return ObjectInfo(path.relative_to(self.root).as_posix(), f"{st.st_mtime_ns:x}-{st.st_size:x}", st.st_size)

    def list(self, prefix: str = "") -> Iterator[ObjectInfo]:
        base = self._path(prefix) if prefix else self.root
        if not base.is_dir():
            return
        for path in sorted(base.rglob("*")):
            # dot files and our own temporary files are not documents
            if path.is_file() and not path.name.startswith(".") and not path.name.endswith(".tmp"):
                yield self._info(path)

    def head(self, key: str) -> ObjectInfo:
        path = self._path(key)
        if not path.is_file():
            raise ObjectMissing(f"no such object: {self.uri_of(key)}")
        return self._info(path)

    def fetch(self, key: str, version: str | None = None) -> tuple[bytes, ObjectInfo]:
        info = self.head(key)
        return self._path(key).read_bytes(), info

    def put(self, key: str, data: bytes, content_type: str) -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp")  # readers never see half a file
        tmp.write_bytes(data)
        tmp.replace(path)


class S3Bucket(Bucket):
    """An S3 (or MinIO, Ceph, R2...) bucket through boto3, with botocore's retries for transient faults."""

    def __init__(self, name: str, prefix: str = "", client: Any = None, page_size: int = 1000):
        import boto3
        from botocore.config import Config

        self.name, self.page_size = name, page_size
        self.prefix = prefix.strip("/") + "/" if prefix.strip("/") else ""
        self.uri = f"s3://{name}/{self.prefix}".rstrip("/")
        # boto3 reads AWS_ENDPOINT_URL itself; standard retry mode backs off on throttling and 5xx.
        self.client = client or boto3.client("s3", config=Config(retries={"mode": "standard", "max_attempts": 5}))

    def list(self, prefix: str = "") -> Iterator[ObjectInfo]:
        pages = self.client.get_paginator("list_objects_v2").paginate(
            Bucket=self.name, Prefix=self.prefix + prefix, PaginationConfig={"PageSize": self.page_size}
        )
        for page in pages:
            for obj in page.get("Contents", []):
                yield ObjectInfo(obj["Key"][len(self.prefix):], obj["ETag"].strip('"'), obj["Size"])

    def _request(self, method: str, key: str, **params: Any) -> dict[str, Any]:
        from botocore.exceptions import ClientError

        try:
            return getattr(self.client, method)(Bucket=self.name, Key=self.prefix + key, **params)
        except ClientError as e:
            if e.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound", "NoSuchVersion"):
                raise ObjectMissing(f"no such object: {self.uri_of(key)}") from e
            raise

    def _info(self, key: str, r: dict[str, Any]) -> ObjectInfo:
        return ObjectInfo(key, r["ETag"].strip('"'), r["ContentLength"], r.get("Metadata", {}), r.get("VersionId"))

    def head(self, key: str) -> ObjectInfo:
        return self._info(key, self._request("head_object", key))

    def fetch(self, key: str, version: str | None = None) -> tuple[bytes, ObjectInfo]:
        r = self._request("get_object", key, **({"VersionId": version} if version else {}))
        return r["Body"].read(), self._info(key, r)

    def put(self, key: str, data: bytes, content_type: str) -> None:
        self.client.put_object(Bucket=self.name, Key=self.prefix + key, Body=data, ContentType=content_type)

    def key_of(self, bucket: str, object_key: str) -> str | None:
        """The bucket-relative key of an event's object, or None if it is not ours."""
        if bucket != self.name or not object_key.startswith(self.prefix):
            return None
        return object_key[len(self.prefix):]


def open_bucket(spec: str | os.PathLike[str]) -> Bucket:
    """``s3://bucket/prefix`` or a folder path."""
    text = str(spec)
    if text.startswith("s3://"):
        name, _, prefix = text.removeprefix("s3://").partition("/")
        return S3Bucket(name, prefix)
    return LocalBucket(Path(text))


def schema_for(key: str, metadata: Mapping[str, str], known: Iterable[str], default: str = "auto") -> str:
    """The document type of an inbox object: ``inbox/<schema>/...``, else its metadata, else ``default``."""
    names = set(known)
    relative = key.removeprefix(INBOX)
    head, sep, _ = relative.partition("/")
    if sep and head in names:
        return head
    lowered = {k.lower(): v for k, v in metadata.items()}
    for name in SCHEMA_METADATA:
        if lowered.get(name):
            return lowered[name]
    return default


_UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")  # NUL, control characters, line separators


def safe_segment(name: str) -> str:
    """One path segment made safe: control characters replaced, no separators, never ``.``/``..``/empty."""
    name = _UNSAFE.sub("_", name).replace("/", "_").replace("\\", "_")
    return name if name.strip(". ") else "_"


def safe_key(key: str) -> str:
    """A relative key that stays where it is put: ``..``, ``.`` and empty segments dropped,
    absolute and backslash paths made relative, control characters (NUL included) replaced."""
    parts = [safe_segment(p) for p in re.split(r"[/\\]+", _UNSAFE.sub("_", key)) if p.strip(". ")]
    return "/".join(parts) or "_"


def result_key(key: str) -> str:
    """Where an input's JSON goes: ``inbox/invoice/a.pdf`` -> ``out/invoice/a.pdf.json``.

    Derived from the sanitised key only, so no object key can place a result
    outside ``out/`` (``inbox/../../x``, ``/etc/x``, NUL or control characters).
    """
    return f"{OUTBOX}{safe_key(key.removeprefix(INBOX))}.json"
