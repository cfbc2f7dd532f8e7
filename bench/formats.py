"""Parse throughput per format: pages and elements per second through the sandboxed parse.

Each generated invoice (``eval.synthetic_invoices``) is written in every format:
PDF (reportlab), DOCX, XLSX, and from its Markdown form PPTX (python-pptx),
ODT, RTF, EPUB and HTML (pandoc), CSV, EML, Markdown and plain text, and DOC
(LibreOffice, when installed). Outlook MSG, which no library here writes, is
measured on the real files of ``tests/fixtures/outlook`` in turn (their
attachments are not parsed: they are documents of their own). Every file goes through ``ingest`` + ``parse``
as an upload would, in the warm sandbox; the first call of each format is
timed apart (it loads the partitioner and, for most formats, the spaCy model).

``python -m bench.formats --docs 20`` prints a table and writes
``bench/results/formats.json``; ``--only msg,eml`` measures those formats and
updates their entries there, keeping the others.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import tempfile
import time
from email.message import EmailMessage
from pathlib import Path

import typer

from eval.synthetic_invoices import RENDERERS, Invoice, generate

app = typer.Typer(add_completion=False)


def markdown(invoice: Invoice) -> str:
    header = [invoice.header[c] for c in invoice.columns]
    rows = [[invoice.cell(item, c) for c in invoice.columns] for item in invoice.items]
    table = "\n".join("| " + " | ".join(r) + " |" for r in [header, ["---"] * len(header), *rows])
    totals = "\n\n".join(f"{label}: {invoice.money(v)}" for label, v in zip(invoice.totals, (invoice.subtotal, invoice.tax, invoice.total)))
    return f"# Invoice {invoice.number}\n\nNorthwind Supplies Ltd bills the following services.\n\n{table}\n\n{totals}\n"


def _pandoc(text: str, fmt: str) -> bytes:
    import pypandoc

    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / f"out.{fmt}"
        pypandoc.convert_text(text, fmt, format="md", outputfile=str(target), extra_args=["--standalone", "--metadata", "title=Invoice"])
        return target.read_bytes()


def _pptx(invoice: Invoice) -> bytes:
    import pptx

    deck = pptx.Presentation()
    per_slide = 12
    for first in range(0, len(invoice.items), per_slide):
        slide = deck.slides.add_slide(deck.slide_layouts[5])
        slide.shapes.title.text = f"Invoice {invoice.number}"
        items = invoice.items[first : first + per_slide]
        table = slide.shapes.add_table(len(items) + 1, len(invoice.columns), 0, 1_500_000, 9_000_000, 4_000_000).table
        for c, column in enumerate(invoice.columns):
            table.cell(0, c).text = invoice.header[column]
            for r, item in enumerate(items, 1):
                table.cell(r, c).text = invoice.cell(item, column)
    buffer = io.BytesIO()
    deck.save(buffer)
    return buffer.getvalue()


def _csv(invoice: Invoice) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([invoice.header[c] for c in invoice.columns])
    writer.writerows([invoice.cell(item, c) for c in invoice.columns] for item in invoice.items)
    return buffer.getvalue().encode()


def _eml(invoice: Invoice) -> bytes:
    message = EmailMessage()
    message["Subject"], message["From"], message["To"] = f"Invoice {invoice.number}", "billing@example.com", "ap@example.org"
    message.set_content(markdown(invoice))
    return bytes(message)


def _doc(invoice: Invoice) -> bytes:
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "invoice.docx"
        source.write_bytes(RENDERERS["docx"](invoice))
        subprocess.run(["soffice", "--headless", "--convert-to", "doc", "--outdir", tmp, str(source)], check=True, capture_output=True, timeout=120)
        return (Path(tmp) / "invoice.doc").read_bytes()


MAKERS = {
    "pdf": RENDERERS["pdf"], "docx": RENDERERS["docx"], "xlsx": RENDERERS["xlsx"], "pptx": _pptx,
    "odt": lambda i: _pandoc(markdown(i), "odt"), "rtf": lambda i: _pandoc(markdown(i), "rtf"),
    "epub": lambda i: _pandoc(markdown(i), "epub"), "html": lambda i: _pandoc(markdown(i), "html"),
    "csv": _csv,
    "eml": _eml, "md": lambda i: markdown(i).encode(), "txt": lambda i: markdown(i).encode(), "doc": _doc,
}

# formats no library here writes: real files, each used in turn
# (the two real ones: the others there are written for the tests, two of them made to fail)
REAL_FILES = {"msg": [Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "outlook" / n for n in ("other.msg", "outer.msg")]}


def _files(fmt: str, count: int) -> list[bytes]:
    if fmt in REAL_FILES:
        return [REAL_FILES[fmt][n % len(REAL_FILES[fmt])].read_bytes() for n in range(count)]
    return [MAKERS[fmt](generate(seed)) for seed in range(count)]


@app.command()
def main(
    docs: int = typer.Option(20, help="Invoices per format."),
    out: Path = typer.Option(Path("bench/results/formats.json")),
    only: str = typer.Option("", help="Comma-separated formats to measure (default: all)."),
) -> None:
    from pipeline.config import Settings
    from pipeline.ingest import ingest
    from pipeline.parse import parse

    settings = Settings()
    chosen = set(only.split(",")) if only else set(MAKERS) | set(REAL_FILES)
    results = json.loads(out.read_text()) if only and out.exists() else {}
    for fmt in [*MAKERS, *REAL_FILES]:
        if fmt not in chosen or (fmt == "doc" and not shutil.which("soffice")):
            continue
        files = _files(fmt, docs + 1)
        first = time.perf_counter()
        parse(ingest(files[0], f"warm.{fmt}", "invoice", settings), files[0], settings)
        cold = time.perf_counter() - first
        pages = elements = 0
        started = time.perf_counter()
        for n, data in enumerate(files[1:]):
            state = parse(ingest(data, f"invoice-{n}.{fmt}", "invoice", settings), data, settings)
            assert state.parsed is not None, state.error
            pages += len(state.parsed.pages)
            elements += len(state.parsed.elements)
        seconds = time.perf_counter() - started
        results[fmt] = {
            "docs": docs, "pages": pages, "elements": elements, "seconds": round(seconds, 2),
            "docs_per_s": round(docs / seconds, 1), "pages_per_s": round(pages / seconds, 1),
            "elements_per_s": round(elements / seconds, 1), "first_call_s": round(cold, 2),
        }
        print(fmt, results[fmt], flush=True)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    app()
