"""The cheap path's speed: rules-only extraction in process, and the ``docloop extract`` command.

Measured in one run, so all rows see the same machine load:

- SROIE receipt texts (each receipt's OCR rows as a plain-text file): documents/s
  through ``Pipeline.process`` with the rules extractor only (parse in its warm
  sandbox child, classify, chunk, extract, ground, score, route; no store);
- PDFs (Kleister NDAs and Parsee invoices), the same way: pages/s and documents/s;
- the command on one text file: wall time from start to exit, and the share of
  it spent importing (``python -X importtime``, top-level modules summed);
- ``docloop extract -j 1`` against ``-j 2`` on the same receipt texts, into
  fresh stores: the speed-up of the parallel command (wall time, start-up included);
- invoice2data (its bundled templates, poppler's pdftotext) beside docloop's rules
  path on the Parsee invoices, interleaved per document: documents/s of each, and on
  how many invoices each found anything (invoice2data returns ``{}`` when none of its
  templates matches, which is fast), with docloop's documents/s on the invoices it read
  from their text layer (the others are OCR'd: a scan, or a page whose text layer hides
  words and is checked against an OCR of it) (``make bench-setup`` installs
  invoice2data; the rows are left out without it).

Run: ``python -m bench.rules_path [--receipts N]``; writes ``bench/results/rules_path.md``.
``--pdfs-only`` measures the PDF row alone and prints it (the table is not rewritten);
``--parallel-only`` the ``-j`` rows (``--rounds`` runs of each, alternating);
``--invoices-only`` the invoice2data rows.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from bench import write_report
from eval.datasets.sroie import read_rows
from pipeline.config import Settings
from pipeline.run import build_pipeline

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / ".." / "shared" / "datasets"
RESULTS = ROOT / "bench" / "results" / "rules_path.md"


def receipt_texts(count: int) -> list[bytes]:
    boxes = sorted((DATA / "sroie" / "train" / "box").glob("*.txt"))[:count]
    return ["\n".join(text for _, text in read_rows(box)).encode() for box in boxes]


def pdfs() -> list[Path]:
    ndas = sorted((DATA / "kleister_nda" / "documents").glob("*.pdf"))[:20]
    return ndas + sorted((DATA / "parsee_invoices" / "pdfs").glob("*.pdf"))


def pdf_row(pipe) -> str:
    """The rules path over the PDFs: the table row with its pages/s and documents/s."""
    seconds, pages, files = 0.0, 0, pdfs()
    for path in files:
        data = path.read_bytes()
        started = time.perf_counter()
        state = pipe.process(data, str(path), "auto")
        seconds += time.perf_counter() - started
        pages += len(state.parsed.pages) if state.parsed else 0
    return f"| PDFs end to end, in process ({len(files)} documents, {pages} pages) | {pages / seconds:.1f} pages/s, {len(files) / seconds:.2f} documents/s |"


@dataclass
class SideBySide:
    """invoice2data and docloop's rules path over the same invoices."""

    documents: int = 0
    theirs_s: float = 0.0
    ours_s: float = 0.0
    theirs_found: int = 0  # documents invoice2data returned any field for ({} when no template matches)
    ours_found: int = 0  # documents docloop exported any value for
    text_layer: int = 0  # documents docloop read from their text layer alone (no page OCR'd or OCR-checked)
    text_layer_s: float = 0.0


def invoice2data_side_by_side(paths: list[Path], pipe) -> SideBySide | None:
    """invoice2data and docloop's rules path over ``paths``, interleaved per document."""
    try:
        from invoice2data import extract_data
        from invoice2data.extract.loader import read_templates
        from invoice2data.input import pdftotext
    except ImportError:
        return None
    templates = read_templates()  # loaded once, as a long-running user would
    out = SideBySide(documents=len(paths))
    for path in paths:
        started = time.perf_counter()
        result = extract_data(str(path), templates=templates, input_module=pdftotext)
        out.theirs_s += time.perf_counter() - started
        out.theirs_found += bool(result)
        started = time.perf_counter()
        state = pipe.process(path.read_bytes(), str(path), "invoice")
        seconds = time.perf_counter() - started
        out.ours_s += seconds
        out.ours_found += any(r.value not in (None, "", []) for r in state.fields.values())
        if state.parsed and not any(p.ocr or p.ocr_checked for p in state.parsed.pages):
            out.text_layer += 1
            out.text_layer_s += seconds
    return out


def side_by_side_rows(found: SideBySide) -> list[str]:
    n = found.documents
    return [
        f"| invoice2data, {n} Parsee invoices (templates + pdftotext) | {n / found.theirs_s:.1f} documents/s; "
        f"a template matched {found.theirs_found} of {n} |",
        f"| docloop rules path, the same invoices, interleaved | {n / found.ours_s:.1f} documents/s; "
        f"values on {found.ours_found} of {n} |",
        f"| of which the {found.text_layer} read from their text layer (no OCR) | "
        f"{found.text_layer / found.text_layer_s:.1f} documents/s |",
    ]


def write_texts(texts: list[bytes], tmp: Path) -> Path:
    folder = tmp / "in"
    folder.mkdir()
    for i, data in enumerate(texts):
        (folder / f"receipt-{i:04d}.txt").write_bytes(data)
    return folder


def parallel_seconds(folder: Path, tmp: Path, rounds: int) -> tuple[float, float]:
    """Median wall seconds of ``docloop extract -j 1`` and ``-j 2`` over the folder, alternating
    runs (each into a fresh store), so both see the same machine load."""
    many = ["extract", str(folder), "--schema", "receipt", "--extractors", "rules"]
    times: dict[int, list[float]] = {1: [], 2: []}
    for r in range(rounds):
        for j in times:
            times[j].append(command([*many, "--out", f"{tmp}/j{j}-{r}", "-j", str(j)], tmp / f"j{j}-{r}"))
    return sorted(times[1])[rounds // 2], sorted(times[2])[rounds // 2]


def command(args: list[str], home: Path) -> float:
    """Seconds from start to exit of ``docloop ARGS`` with its own home and SQLite store."""
    env = dict(os.environ, DOCLOOP_HOME=str(home), DOCLOOP_DATABASE_URL=f"sqlite:///{home / 'db.sqlite'}")
    started = time.perf_counter()
    run = subprocess.run([sys.executable, "-m", "pipeline.cli", *args], cwd=ROOT, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if run.returncode != 0:  # every input here is a valid receipt: anything else is a broken run, not a figure
        raise RuntimeError(f"docloop {' '.join(args)} exited {run.returncode}: {run.stderr[-2000:]}")
    return seconds


def import_seconds(args: list[str], home: Path) -> float:
    """Seconds ``python -X importtime`` counts for the command's top-level imports."""
    env = dict(os.environ, DOCLOOP_HOME=str(home), DOCLOOP_DATABASE_URL=f"sqlite:///{home / 'db.sqlite'}")
    run = subprocess.run([sys.executable, "-X", "importtime", "-m", "pipeline.cli", *args], cwd=ROOT, env=env, capture_output=True, text=True)
    # lines: "import time: self | cumulative | name", a top-level module's name has one leading space
    rows = [line.split("|") for line in run.stderr.splitlines() if line.startswith("import time:") and "|" in line]
    return sum(int(r[1]) for r in rows if r[1].strip().isdigit() and not r[2].startswith("  ")) / 1e6


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--receipts", type=int, default=200)
    parser.add_argument("--pdfs-only", action="store_true", help="print the PDF row only, leave the results file")
    parser.add_argument("--rounds", type=int, default=3, help="-j 1 and -j 2 runs, alternating")
    parser.add_argument("--parallel-only", action="store_true", help="print the -j rows only, leave the results file")
    parser.add_argument("--invoices-only", action="store_true", help="print the invoice2data rows only, leave the results file")
    args = parser.parse_args()
    pipe = build_pipeline(Settings(home=Path("var/bench")), ["rules"])
    texts = receipt_texts(args.receipts)
    pipe.process(texts[0], "warm.txt", "receipt")  # the warm parse child and lazy imports, outside the timing

    if args.pdfs_only:
        row = pdf_row(pipe)
        print(f"{row}\nload average {os.getloadavg()[0]:.1f}")
        return
    if args.invoices_only:
        found = invoice2data_side_by_side(sorted((DATA / "parsee_invoices" / "pdfs").glob("*.pdf")), pipe)
        print(*(side_by_side_rows(found) if found else ["invoice2data is not installed (make bench-setup)"]), sep="\n")
        print(f"load average {os.getloadavg()[0]:.1f}")
        return
    if args.parallel_only:
        with tempfile.TemporaryDirectory() as tmp:
            serial, parallel = parallel_seconds(write_texts(texts, Path(tmp)), Path(tmp), args.rounds)
        print(f"{len(texts)} receipts: -j 1 {serial:.1f} s, -j 2 {parallel:.1f} s ({serial / parallel:.2f}x), load average {os.getloadavg()[0]:.1f}")
        return

    started = time.perf_counter()
    for i, data in enumerate(texts):
        pipe.process(data, f"receipt-{i}.txt", "receipt")
    receipt_s = time.perf_counter() - started
    pdfs_measured = pdf_row(pipe)

    invoices = sorted((DATA / "parsee_invoices" / "pdfs").glob("*.pdf"))
    side_by_side = invoice2data_side_by_side(invoices, pipe)

    with tempfile.TemporaryDirectory() as tmp:
        folder = write_texts(texts, Path(tmp))
        one = ["extract", str(folder / "receipt-0000.txt"), "--schema", "receipt", "--extractors", "rules", "--out", f"{tmp}/one"]
        command(one, Path(tmp) / "warm")  # first run migrates its fresh store and fills OS caches
        single = sorted(command(one, Path(tmp) / "warm") for _ in range(3))[1]
        imports = sorted(import_seconds(one, Path(tmp) / "warm") for _ in range(3))[1]
        serial, parallel = parallel_seconds(folder, Path(tmp), args.rounds)

    lines = [
        f"Rules path, {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at the end of the run.",
        "",
        "| measurement | figure |",
        "|---|---:|",
        f"| SROIE receipt texts, in process ({len(texts)} documents) | {len(texts) / receipt_s:.1f} documents/s |",
        pdfs_measured,
        f"| `docloop extract` on one text file, wall time (median of 3) | {single:.2f} s |",
        f"| of which top-level imports (`-X importtime`, median of 3) | {imports:.2f} s |",
        f"| `docloop extract -j 1`, {len(texts)} receipt texts, wall time (median of {args.rounds}) | {serial:.1f} s |",
        f"| `docloop extract -j 2`, the same, wall time (median of {args.rounds}, alternating) | {parallel:.1f} s ({serial / parallel:.2f}x) |",
    ]
    if side_by_side:
        lines += side_by_side_rows(side_by_side)
    write_report(RESULTS, lines)


if __name__ == "__main__":
    main()
