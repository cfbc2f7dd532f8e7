"""Whether two checkouts of docloop give the same rules-path output, document by document.

A speed change to the rules path must not change what it exports. This runs the same
inputs through the pipeline (rules and tables extractors, no model) of each checkout, in
a subprocess of its own, and compares per document the full export (values, confidences,
statuses, evidence) and every candidate with its signals. The inputs: all Parsee invoices
(PDFs), SROIE test receipts (their OCR rows with boxes, and the same rows as plain text),
Kleister NDA PDFs and CUAD contract PDFs.

Run: ``python -m bench.same_output --old /work/main [--new .]``; exits 1 when any document
differs, and prints the first differences.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from itertools import islice
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / ".." / "shared" / "datasets"
EXTRACTORS = ["rules", "tables"]


def inputs(receipts: int, ndas: int, contracts: int):
    """(key, schema, how, payload): ``how`` is "file" (payload: a path) or "parsed" (a ParsedDocument)."""
    from eval.datasets import examples
    from eval.datasets.sroie import read_rows

    for path in sorted((DATA / "parsee_invoices" / "pdfs").glob("*.pdf")):
        yield f"parsee/{path.name}", "invoice", "file", path
    for ex in islice(examples("sroie", DATA, "test"), receipts):
        yield f"sroie/{ex.id}", "receipt", "parsed", ex.parsed
        box = DATA / "sroie" / "train" / "box" / f"{ex.id}.txt"
        text = "\n".join(t for _, t in read_rows(box)).encode()
        yield f"sroie-text/{ex.id}", "receipt", "bytes", text
    for path in sorted((DATA / "kleister_nda" / "documents").glob("*.pdf"))[:ndas]:
        yield f"nda/{path.name}", "nda", "file", path
    for path in sorted((DATA / "cuad" / "pdf").glob("*.pdf"))[:contracts]:
        yield f"cuad/{path.name}", "commercial_contract", "file", path


def worker(out: Path, receipts: int, ndas: int, contracts: int) -> None:
    """Every input through this checkout's pipeline: one JSON line per document."""
    from eval.run import user_schemas
    from pipeline.config import Settings
    from pipeline.export import export
    from pipeline.run import build_pipeline

    user_schemas()
    with tempfile.TemporaryDirectory() as home, out.open("w") as f:
        pipe = build_pipeline(Settings(home=Path(home), llm_provider="none"), EXTRACTORS)
        for key, schema, how, payload in inputs(receipts, ndas, contracts):
            if how == "file":
                state = pipe.process(payload.read_bytes(), str(payload), schema)
            elif how == "bytes":
                state = pipe.process(payload, key.replace("/", "-") + ".txt", schema)
            else:
                state = pipe.process_parsed(payload, key, schema)
            exported = export(state)
            exported["document"].pop("id")  # a fresh id per run
            candidates = {k: [c.model_dump(mode="json") for c in cs] for k, cs in state.candidates.items()}
            f.write(json.dumps({"key": key, "export": exported, "candidates": candidates}, sort_keys=True) + "\n")


def run_checkout(checkout: Path, out: Path, args) -> subprocess.Popen:
    """This script's worker under ``checkout``'s code (its ``pipeline`` first on the path)."""
    env = dict(os.environ, PYTHONPATH=str(checkout))
    cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", str(out),
           "--receipts", str(args.receipts), "--ndas", str(args.ndas), "--contracts", str(args.contracts)]
    return subprocess.Popen(cmd, cwd=checkout, env=env)


def differences(a: object, b: object, path: str = "") -> list[str]:
    """Where two JSON values differ (paths), at most a few per document."""
    if isinstance(a, dict) and isinstance(b, dict):
        return [d for k in sorted(set(a) | set(b)) for d in differences(a.get(k), b.get(k), f"{path}.{k}")]
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        return [d for i, (x, y) in enumerate(zip(a, b)) for d in differences(x, y, f"{path}[{i}]")]
    return [] if a == b else [f"{path}: {json.dumps(a)[:120]} != {json.dumps(b)[:120]}"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--old", type=Path, help="the reference checkout (e.g. /work/main)")
    parser.add_argument("--new", type=Path, default=ROOT)
    parser.add_argument("--receipts", type=int, default=200)
    parser.add_argument("--ndas", type=int, default=20)
    parser.add_argument("--contracts", type=int, default=10)
    parser.add_argument("--worker", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.worker, args.receipts, args.ndas, args.contracts)
        return
    if args.old is None:
        parser.error("--old is required")
    with tempfile.TemporaryDirectory() as tmp:
        outs = [Path(tmp) / "old.jsonl", Path(tmp) / "new.jsonl"]
        runs = [run_checkout(c.resolve(), o, args) for c, o in zip((args.old, args.new), outs)]
        if any(r.wait() for r in runs):
            sys.exit("a worker failed")
        old, new = ([json.loads(line) for line in o.read_text().splitlines()] for o in outs)
    assert [d["key"] for d in old] == [d["key"] for d in new], "the checkouts read different inputs"
    differing = 0
    for a, b in zip(old, new):
        found = differences(a, b)
        if found:
            differing += 1
            print(a["key"], *found[:5], sep="\n  ")
    kinds = sorted({d["key"].split("/")[0] for d in old})
    counts = ", ".join(f"{k} {sum(d['key'].startswith(k + '/') for d in old)}" for k in kinds)
    print(f"{len(old)} documents ({counts}): {differing} differ")
    sys.exit(1 if differing else 0)


if __name__ == "__main__":
    main()
