"""Bad input: every broken, fuzzed or encrypted file ends in a clear state, in bounded time,
and nothing it does (hang, crash, memory blow-up) reaches the test process."""

from __future__ import annotations

import io
import json
import os
import time
import zlib
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfWriter

from pipeline.config import Settings
from pipeline.errors import CorruptDocument, DocloopError, ParseResourceLimit, ParseTimeout
from pipeline.ingest import ingest
from pipeline.parse import parse
from pipeline.sandbox import run_isolated
from pipeline.state import DocStatus, DocumentState, Stage
from tests.conftest import docx_bytes

DATA = Path(__file__).resolve().parents[2] / ".." / "shared" / "datasets"
BAD = DATA / "bad_pdfs"
PDFJS = json.loads((BAD / "pdfjs" / "index.json").read_text())
PYPDF_FILES = {e["path"]: e for e in json.loads((BAD / "pypdf_sample_files" / "files.json").read_text())["data"]}
BAD_PDFS = sorted((BAD / "pdfjs" / "pdfs").iterdir()) + sorted((BAD / "pypdf_sample_files").rglob("*.pdf"))
CODES = {cls.code for cls in DocloopError.__subclasses__()}
SETTINGS = Settings(parse_timeout_s=60, parse_memory_mb=1024)


def run(data: bytes, source: str, settings: Settings = SETTINGS) -> DocumentState:
    """ingest + parse, checking the end state is clear and came within the time limit."""
    started = time.monotonic()
    state = parse(ingest(data, source, "auto", settings), data, settings)
    assert time.monotonic() - started < settings.parse_timeout_s + 10
    if state.status == DocStatus.failed:
        assert state.error is not None and state.error.code in CODES, state.error
    else:
        assert state.stage == Stage.parsed and state.parsed is not None and state.parsed.text.strip()
    return state


def code(state: DocumentState) -> str | None:
    return state.error.code if state.error else None


@pytest.mark.parametrize("path", BAD_PDFS, ids=lambda p: str(p.relative_to(BAD)))
def test_every_bad_pdf_ends_in_a_clear_state(path: Path) -> None:
    state = run(path.read_bytes(), str(path))
    if path.parent.name == "pdfs":  # pdf.js test files: their manifest and pypdf's observations
        entry = PDFJS[path.name]
        observed = entry["pypdf_7.1.0+cryptography_observed"]
        if observed.get("decrypt_empty") == "0" or any("password" in m for m in entry["manifest"]):
            assert code(state) == "encrypted"  # a password is needed, and none is given
        else:
            if observed.get("decrypt_empty") in ("1", "2"):
                assert code(state) != "encrypted"  # opens with the empty user or owner password
            if observed["outcome"] == "ok" and observed.get("text_chars_first3pages", 0) > 0:
                assert state.status != DocStatus.failed  # pypdf found text, so must we
    else:  # pypdf's sample files: files.json says what each is
        entry = PYPDF_FILES[str(path.relative_to(BAD / "pypdf_sample_files"))]
        if entry["encrypted"]:
            assert code(state) == "encrypted"
        elif state.parsed is not None:
            assert len(state.parsed.pages) == entry["pages"]


def _pdf(pages: int) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=612, height=792)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _flate_bomb_pdf(size: int) -> bytes:
    """A one-page PDF whose content stream inflates to ``size`` bytes of spaces (~1000x)."""
    chunk = b" " * 2**20
    deflate = zlib.compressobj(9, zlib.DEFLATED, -15)  # raw deflate: the zlib header is added below
    block = deflate.compress(chunk) + deflate.flush(zlib.Z_FULL_FLUSH)  # a full flush makes blocks independent
    checksum = 1
    for _ in range(size // len(chunk)):
        checksum = zlib.adler32(chunk, checksum)
    stream = b"\x78\xda" + block * (size // len(chunk)) + deflate.flush() + checksum.to_bytes(4, "big")
    # written by hand: a PDF library would inflate the stream on the way
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n%s\nendstream" % (len(stream), stream),
    ]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _png(mode: str, side: int) -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, (side, side)).save(buffer, format="PNG")
    return buffer.getvalue()


def test_empty_file() -> None:
    assert code(run(b"", "empty.pdf")) == "empty"


@pytest.mark.parametrize("data", [b"PK\x05\x06" + b"\x00" * 18, Path("/bin/ls").read_bytes()], ids=["zip", "elf"])
def test_unsupported_type(data: bytes) -> None:
    assert code(run(data, "document.pdf")) == "unsupported_type"


def test_truncated_pdf() -> None:
    data = sorted((DATA / "kleister_nda" / "documents").glob("*.pdf"))[0].read_bytes()
    assert code(run(data[: len(data) // 2], "truncated.pdf")) == "corrupt"


def test_truncated_image() -> None:
    data = sorted((DATA / "sroie" / "images").glob("*.jpg"))[0].read_bytes()
    assert code(run(data[: len(data) // 3], "truncated.jpg")) == "corrupt"


def test_oversized_file() -> None:
    data = _pdf(1)
    assert code(run(data, "big.pdf", Settings(max_file_mb=len(data) / 2**20 / 2))) == "too_large"


def test_too_many_pages() -> None:
    assert code(run(_pdf(5), "long.pdf", Settings(max_pages=3))) == "too_many_pages"


def test_png_decompression_bomb() -> None:
    # 11000^2 = 121M pixels, over twice the default limit of 60M, in a ~15 KB file
    data = _png("1", 11000)
    assert len(data) < 100_000
    assert code(run(data, "bomb.png")) == "decompression_bomb"


def test_image_just_over_the_pixel_limit_is_a_bomb_too() -> None:
    # Pillow only warns between 1x and 2x its limit; that is over the limit all the same
    assert code(run(_png("L", 120), "big.png", Settings(max_image_pixels=10_000))) == "decompression_bomb"


def test_pdf_decompression_bomb_hits_the_memory_limit() -> None:
    data = _flate_bomb_pdf(2**30)  # 1 GiB of content from ~1 MB
    assert len(data) < 2 * 2**20
    assert code(run(data, "bomb.pdf", Settings(parse_timeout_s=60, parse_memory_mb=768))) == "parse_resource_limit"


def test_slow_parse_hits_the_time_limit() -> None:
    data = (BAD / "pypdf_sample_files" / "009-pdflatex-geotopo" / "GeoTopo-komprimiert.pdf").read_bytes()  # 117 pages
    assert code(run(data, "long.pdf", Settings(parse_timeout_s=0.2, parse_memory_mb=1024))) == "parse_timeout"


def test_sandbox_kills_a_hanging_call() -> None:
    started = time.monotonic()
    with pytest.raises(ParseTimeout):
        run_isolated(time.sleep, 60, timeout_s=1, memory_mb=256)
    assert time.monotonic() - started < 5


def test_sandbox_stops_a_call_that_allocates_too_much() -> None:
    with pytest.raises(ParseResourceLimit):
        run_isolated(bytearray, 4 * 2**30, timeout_s=30, memory_mb=512)


def test_sandbox_survives_a_crashing_call() -> None:
    with pytest.raises(CorruptDocument):
        run_isolated(os.abort, timeout_s=30, memory_mb=256)
    assert run_isolated(sum, [1, 2, 3], timeout_s=30, memory_mb=256) == 6  # a fresh child took over


_served = 0  # calls of fails_when_warm in this process (a sandbox child)


def fails_when_warm(value: int) -> int:
    """Fails in a child that ran it before: the failure earlier calls leave behind."""
    global _served
    _served += 1
    if _served > 1:
        raise ValueError("state left by an earlier call")
    return value


def test_an_unexplained_failure_in_a_warm_child_is_judged_again_by_a_fresh_one() -> None:
    assert run_isolated(fails_when_warm, 1, timeout_s=30, memory_mb=256) == 1
    # the same warm child again: it fails, and a fresh child gives the real answer
    assert run_isolated(fails_when_warm, 2, timeout_s=30, memory_mb=256) == 2


def test_sandbox_passes_typed_errors_and_wraps_others() -> None:
    with pytest.raises(CorruptDocument, match="ValueError"):
        run_isolated(int, "not a number", timeout_s=30, memory_mb=256)


# --- hostile office files, made here: each ends in a typed failure before a partitioner inflates it


def _docx_bytes() -> bytes:
    return docx_bytes("Invoice 42, total 15.00 EUR")


def _xlsx_bytes() -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    for i in range(100):
        book.active.append([f"item {i}", 2, 10.0])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _rezip(data: bytes, replace: dict[str, bytes] | None = None, add: dict[str, bytes] | None = None) -> bytes:
    """The package with some parts replaced or added (deflated, like Office writes them)."""
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info.filename, (replace or {}).get(info.filename, source.read(info.filename)))
        for name, content in (add or {}).items():
            target.writestr(name, content)
    return out.getvalue()


def test_docx_zip_bomb() -> None:
    data = _rezip(_docx_bytes(), add={"word/media/image1.bin": b"\x00" * 200 * 2**20})
    assert len(data) < 2**20
    assert code(run(data, "bomb.docx")) == "decompression_bomb"


def test_xlsx_zip_bomb_in_a_sheet() -> None:
    sheet = b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
    data = _rezip(_xlsx_bytes(), replace={"xl/worksheets/sheet1.xml": sheet + b" " * 300 * 2**20 + b"</sheetData></worksheet>"})
    assert code(run(data, "bomb.xlsx")) == "decompression_bomb"


def test_docx_with_an_external_entity_is_refused() -> None:
    xxe = (
        b'<?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
        b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>&xxe;</w:t></w:r></w:p></w:body></w:document>'
    )
    state = run(_rezip(_docx_bytes(), replace={"word/document.xml": xxe}), "xxe.docx")
    assert code(state) == "corrupt" and "entit" in state.error.message


def test_xlsx_entity_expansion_is_refused() -> None:
    laughs = b'<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><sst>&b;</sst>'
    assert code(run(_rezip(_xlsx_bytes(), add={"xl/sharedStrings.xml": laughs}), "laughs.xlsx")) == "corrupt"


def test_sheet_declaring_more_cells_than_the_limit() -> None:
    import zipfile

    data = _xlsx_bytes()
    sheet = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml")
    huge = sheet.replace(b'<dimension ref="A1:C100"/>', b'<dimension ref="A1:XFD1048576"/>')
    assert huge != sheet
    assert code(run(_rezip(data, replace={"xl/worksheets/sheet1.xml": huge}), "huge.xlsx")) == "too_large"


def test_encrypted_docx() -> None:
    from msoffcrypto.format.ooxml import OOXMLFile

    encrypted = io.BytesIO()
    OOXMLFile(io.BytesIO(_docx_bytes())).encrypt("secret", encrypted)
    assert code(run(encrypted.getvalue(), "locked.docx")) == "encrypted"


def test_truncated_docx() -> None:
    data = _docx_bytes()
    assert code(run(data[: len(data) // 2], "truncated.docx")) == "corrupt"


def test_macros_are_noted_never_run() -> None:
    state = run(_rezip(_docx_bytes(), add={"word/vbaProject.bin": b"\xd0\xcf\x11\xe0 not run"}), "macro.docm")
    assert state.parsed is not None and state.parsed.metadata["macros"] is True
    assert "Invoice 42" in state.parsed.text
