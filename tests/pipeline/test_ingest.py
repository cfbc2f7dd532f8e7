"""Ingest: hashing, media type sniffing from content, and the limits on untrusted input."""

from __future__ import annotations

import hashlib
import io
import sys
import zipfile
from pathlib import Path

import pytest
from PIL import Image

from pipeline.config import Settings
from pipeline.ingest import ingest, sniff
from pipeline.parsers import DOCX, PDF
from pipeline.state import DocStatus, Stage
from pipeline.schemas import get_schema
from tests.conftest import docx_bytes

DATA = Path(__file__).resolve().parents[2] / ".." / "shared" / "datasets"
INVOICE_PDF = sorted((DATA / "parsee_invoices" / "pdfs").glob("*.pdf"))[0]
RECEIPT_JPEG = sorted((DATA / "sroie" / "images").glob("*.jpg"))[0]


@pytest.fixture
def settings() -> Settings:
    return Settings(max_file_mb=1)


def _docx_bytes() -> bytes:
    return docx_bytes("Invoice 42")


def _png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(buffer, format="PNG")
    return buffer.getvalue()


def _zip_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("data.csv", "a,b\n1,2\n")
    return buffer.getvalue()


def test_hashes_and_identifies_the_bytes(settings: Settings) -> None:
    data = INVOICE_PDF.read_bytes()
    state = ingest(data, str(INVOICE_PDF), "invoice", settings)
    digest = hashlib.sha256(data).hexdigest()
    assert state.sha256 == digest
    assert state.id == digest[:16]
    assert state.size == len(data)
    assert state.source == str(INVOICE_PDF)
    assert state.stage == Stage.ingested and state.status == DocStatus.pending and state.error is None
    assert state.schema_name == "invoice" and state.schema_version == get_schema("invoice").version


def test_same_bytes_same_id_whatever_the_name(settings: Settings) -> None:
    data = b"Total 12.00\n"
    assert ingest(data, "a.txt", "receipt", settings).id == ingest(data, "other/b.txt", "receipt", settings).id
    assert ingest(data, "a.txt", "receipt", settings).id != ingest(data + b" ", "a.txt", "receipt", settings).id


def test_auto_schema_has_no_version_yet(settings: Settings) -> None:
    assert ingest(b"hello", "a.txt", "auto", settings).schema_version == ""


@pytest.mark.parametrize(
    ("data", "source", "expected"),
    [
        (INVOICE_PDF.read_bytes(), "invoice.pdf", PDF),
        (INVOICE_PDF.read_bytes(), "misnamed.txt", PDF),  # content wins over the name
        (b"junk before the header\n" + INVOICE_PDF.read_bytes(), "x.pdf", PDF),
        (RECEIPT_JPEG.read_bytes(), "receipt", "image/jpeg"),
        (_png_bytes(), "scan.png", "image/png"),
        (_docx_bytes(), "letter.docx", DOCX),
        (b"<!DOCTYPE html><html><body><p>Hi</p></body></html>", "page", "text/html"),
        (b"<p>fragment</p>", "page.html", "text/html"),
        (b"From: a@example.com\nTo: b@example.com\nSubject: Invoice\n\nBody\n", "mail.eml", "message/rfc822"),
        (b"From: a@example.com\nSubject: Invoice\n\n%PDF-1.4 attached\n", "mail.eml", "message/rfc822"),
        (b"# Title\n\nSome *markdown*.\n", "notes.md", "text/markdown"),
        (b"Total: 12.00\n", "notes.txt", "text/plain"),
        (b"Total: 12.00\n", "no-extension", "text/plain"),
        ("Caf\u00e9 total 3,50 \u20ac\n".encode("latin-1", "replace"), "receipt.txt", "text/plain"),
    ],
)
def test_sniffs_media_type_from_content(data: bytes, source: str, expected: str) -> None:
    assert sniff(data, source) == expected


@pytest.mark.parametrize(
    ("data", "source"),
    [
        (_zip_bytes(), "archive.zip"),  # a ZIP that is not a Word document
        (_zip_bytes(), "fake.docx"),
        (Path(sys.executable).resolve().read_bytes()[:65536], "program"),  # an ELF binary
        (b"\x00\x01\x02\x03binary\x00\x00" * 100, "notes.txt"),  # binary named as text
    ],
)
def test_unsupported_types_fail_with_a_typed_reason(data: bytes, source: str, settings: Settings) -> None:
    state = ingest(data, source, "invoice", settings)
    assert state.status == DocStatus.failed
    assert state.error is not None and state.error.code == "unsupported_type"
    assert state.media_type is not None and state.media_type in state.error.message


def test_empty_file_fails(settings: Settings) -> None:
    state = ingest(b"", "empty.pdf", "invoice", settings)
    assert state.status == DocStatus.failed and state.error is not None and state.error.code == "empty"
    assert state.size == 0 and state.sha256 == hashlib.sha256(b"").hexdigest()


def test_file_over_the_size_limit_fails(settings: Settings) -> None:
    data = b"a" * (2**20 + 1)  # settings allow 1 MB
    state = ingest(data, "big.txt", "invoice", settings)
    assert state.status == DocStatus.failed and state.error is not None and state.error.code == "too_large"
    assert ingest(data[:-1], "ok.txt", "invoice", settings).status == DocStatus.pending
