"""Parse throughput: docloop's word boxes beside raw text and other PDF libraries, side by side.

Over a fixed subset of the bundled PDFs (the first 40 Kleister NDAs by name and
all Parsee invoices), each document is parsed by every contender in turn, so
all of them see the same machine load, and each takes its best of three runs:

- ``pypdf extract_text``: pypdf's own text extraction, page by page (no boxes);
- ``pypdfium2 raw text``: pdfium's text of each page, no boxes (the floor for
  any pdfium-based parser: loading the page and its text layer);
- ``PyMuPDF words``: MuPDF's words with boxes, measured only (AGPL: never a
  dependency; ``make bench-setup`` installs it, the row is left out without it);
- ``docloop words and boxes only``: the parser's text layer with word boxes
  (``pipeline.parsers.pdf``) and nothing else: no visibility annotation, no
  pypdf metadata, plain dicts not validated into a ParsedDocument;
- ``docloop word boxes``: this project's PDF parser in-process, without the
  sandbox and without OCR (the others have none either), with the visibility
  annotation and the ParsedDocument validation;
- ``sandboxed``: the same parser through ``run_isolated`` (warm child); the
  difference to the row above is the sandbox's cost per document;
- ``parse stage``: ``ingest`` + ``parse`` as the pipeline runs them, OCR on for
  pages without a text layer.

A page with hidden text gets an OCR cross-check (``pipeline.parsers.visibility``)
even without OCR: a line under the table gives the in-process rate without the
documents that have such a page, so the cost of the check is visible.

Run: ``python -m bench.parse_throughput``; writes ``bench/results/parse_throughput.md``.
"""

from __future__ import annotations

import io
import os
import platform
import time
from collections.abc import Callable
from pathlib import Path

import pypdfium2 as pdfium
from pypdf import PdfReader

from bench import write_report
from pipeline.config import Settings
from pipeline.ingest import ingest
from pipeline.parse import parse
from pipeline.parsers import PDF, ParseOptions, TextBuilder, parse_bytes, parse_plain
from pipeline.parsers.pdf import _chars, _write_layer
from pipeline.sandbox import run_isolated
from pipeline.state import ParsedDocument

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / ".." / "shared" / "datasets"
RESULTS = ROOT / "bench" / "results" / "parse_throughput.md"
NO_OCR = ParseOptions(min_text_chars=0)  # no page has fewer than 0 characters
REPEATS = 3


def corpus() -> list[Path]:
    ndas = sorted((DATA / "kleister_nda" / "documents").glob("*.pdf"))[:40]
    return ndas + sorted((DATA / "parsee_invoices" / "pdfs").glob("*.pdf"))


def with_pypdf(data: bytes) -> int:
    return sum(len(page.extract_text()) for page in PdfReader(io.BytesIO(data)).pages)


def with_pdfium_raw(data: bytes) -> int:
    document, chars = pdfium.PdfDocument(data), 0
    for index in range(len(document)):
        page = document[index]
        textpage = page.get_textpage()
        chars += len(textpage.get_text_range())
        textpage.close()
        page.close()
    document.close()
    return chars


def with_pymupdf(data: bytes) -> int:
    import pymupdf

    with pymupdf.open(stream=data, filetype="pdf") as document:
        return sum(len(word[4]) + 1 for page in document for word in page.get_text("words"))


def with_word_boxes(data: bytes) -> int:
    document, builder = pdfium.PdfDocument(data), TextBuilder()
    for index in range(len(document)):
        builder.begin_page()
        page = document[index]
        left, _, _, top = page.get_bbox()
        textpage = page.get_textpage()
        _write_layer(builder, textpage, _chars(textpage), left, top)
        textpage.close()
        page.close()
        builder.end_page()
    document.close()
    return len(builder.build("pdfium")["text"])


def with_pdfium(data: bytes) -> int:
    return len(parse_bytes(data, PDF, NO_OCR).text)


def sandboxed(data: bytes) -> int:
    plain = run_isolated(parse_plain, data, PDF, NO_OCR, timeout_s=120, memory_mb=2048)
    return len(ParsedDocument.model_validate(plain).text)


SETTINGS = Settings(parse_timeout_s=120, parse_memory_mb=2048)


def stage(data: bytes) -> int:
    state = parse(ingest(data, "bench.pdf", "auto", SETTINGS), data, SETTINGS)
    return len(state.parsed.text) if state.parsed else 0


RAW = "pypdfium2 raw text"
BOXES = "docloop words and boxes only (no visibility, plain data)"
CHOSEN = "docloop word boxes, in process (chosen)"
CONTENDERS: dict[str, Callable[[bytes], int]] = {
    "pypdf extract_text": with_pypdf,
    RAW: with_pdfium_raw,
    "PyMuPDF words with boxes (AGPL, measured only)": with_pymupdf,
    BOXES: with_word_boxes,
    CHOSEN: with_pdfium,
    "sandboxed (warm child, no OCR)": sandboxed,
    "parse stage (ingest + sandbox + OCR)": stage,
}


def available() -> dict[str, Callable[[bytes], int]]:
    """The contenders whose libraries are installed (PyMuPDF only in the benchmark set-up)."""
    try:
        import pymupdf  # noqa: F401
    except ImportError:
        return {name: fn for name, fn in CONTENDERS.items() if fn is not with_pymupdf}
    return CONTENDERS


def main() -> None:
    contenders = available()
    files = corpus()
    documents = [path.read_bytes() for path in files]
    parsed = [parse_bytes(data, PDF, NO_OCR) for data in documents]  # also warms imports
    pages = sum(len(doc.pages) for doc in parsed)
    checked = [any(page.ocr_checked for page in doc.pages) for doc in parsed]
    unchecked_pages, unchecked_s = 0, dict.fromkeys(contenders, 0.0)
    sandboxed(documents[0])  # start the warm child outside the timing
    seconds = dict.fromkeys(contenders, 0.0)
    chars = dict.fromkeys(contenders, 0)
    for data, doc, was_checked in zip(documents, parsed, checked, strict=True):
        unchecked_pages += 0 if was_checked else len(doc.pages)
        for name, contender in contenders.items():
            # best of a few runs per document: the machine is shared, load spikes are not the parser
            best = float("inf")
            for _ in range(REPEATS):
                started = time.perf_counter()
                count = contender(data)
                best = min(best, time.perf_counter() - started)
            chars[name] += count
            seconds[name] += best
            unchecked_s[name] += 0.0 if was_checked else best
    base = pages / seconds["pypdf extract_text"]
    lines = [
        f"Parse throughput over {len(files)} PDFs, {pages} pages (Kleister NDA x40, Parsee invoices x15), "
        f"{platform.python_implementation()} {platform.python_version()}, {os.cpu_count()} CPUs, "
        f"load average {os.getloadavg()[0]:.1f}; time per document is the best of {REPEATS} runs.",
        "",
        "| extractor | seconds | pages/s | vs pypdf | characters |",
        "|---|---:|---:|---:|---:|",
    ]
    for name in contenders:
        rate = pages / seconds[name]
        lines.append(f"| {name} | {seconds[name]:.2f} | {rate:.1f} | {rate / base:.1f}x | {chars[name]:,} |")
    overhead = (seconds["sandboxed (warm child, no OCR)"] - seconds[CHOSEN]) / len(files)
    lines += ["", f"Sandbox overhead (warm child against in process): {overhead * 1000:.1f} ms per document."]
    lines += [
        "", f"Without the {sum(checked)} documents with a page the OCR cross-check read (hidden text, or text on an image; "
        f"{pages - unchecked_pages} pages): docloop word boxes {unchecked_pages / unchecked_s[CHOSEN]:.1f} pages/s in process, "
        f"words and boxes only {unchecked_pages / unchecked_s[BOXES]:.1f}, "
        f"pypdfium2 raw text {unchecked_pages / unchecked_s[RAW]:.1f} pages/s, over {unchecked_pages} pages.",
    ]
    write_report(RESULTS, lines)


if __name__ == "__main__":
    main()
