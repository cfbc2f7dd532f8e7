"""Receipts as scans: SROIE's 40 JPEG receipts through docloop's own OCR (tesseract), beside
the same receipts as the dataset ships their OCR rows.

Held-out receipts may come as images, not as text; this measures what docloop's OCR costs in
F1, and whether auto-accepted values stay right when the text is read from a photo (each is
scored like ``docloop eval run``: normalised F1, share of fields auto-accepted and their
precision), and the seconds per scan.

Run: ``python -m bench.ocr_scans``; writes ``bench/results/ocr_scans.md``.
"""

from __future__ import annotations

import dataclasses
import os
import tempfile
import time
from pathlib import Path

from eval.datasets import dataset, examples
from eval.metrics import score
from eval.run import prediction_of, run_example
from pipeline.config import Settings
from pipeline.run import build_pipeline

RESULTS = Path(__file__).resolve().parents[1] / "bench" / "results" / "ocr_scans.md"


def main() -> None:
    sroie = dataset("sroie")
    docs = [d for d in examples("sroie") if d.path is not None]
    pipe = build_pipeline(Settings(home=Path(tempfile.mkdtemp(prefix="docloop-ocr-")), llm_provider="none"), ["rules"])
    made: dict[str, dict] = {"shipped OCR rows": {}, "docloop's OCR of the scan": {}}
    for doc in docs:
        for source, example in zip(made, (doc, dataclasses.replace(doc, parsed=None))):
            started = time.perf_counter()
            made[source][doc.id] = prediction_of(example, run_example(pipe, example, sroie.SCHEMA), time.perf_counter() - started)
    fields = list(sroie.FIELDS)
    lines = [
        f"SROIE's {len(docs)} receipt scans, rules only, {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at the end.",
        "",
        f"| text from | {' | '.join(fields)} | micro F1 | auto-accepted | precision of auto-accepted | s/receipt |",
        f"|---|{'---:|' * (len(fields) + 4)}",
    ]
    for source, predictions in made.items():
        metrics, _, (share, precision) = score([(d.id, d.gold) for d in docs], predictions, fields, {"normalised": (sroie.normalise, False)})
        m = metrics["normalised"]
        seconds = sum(p.seconds for p in predictions.values()) / len(predictions)
        f1 = " | ".join(f"{m[f]['f1']:.3f}" for f in fields)
        lines.append(
            f"| {source} | {f1} | {m['micro']['f1']:.3f} | {share or 0:.1%} | "
            f"{'-' if precision is None else f'{precision:.3f}'} | {seconds:.2f} |"
        )
    report = "\n".join(lines) + "\n"
    print(report)
    RESULTS.write_text(report)


if __name__ == "__main__":
    main()
