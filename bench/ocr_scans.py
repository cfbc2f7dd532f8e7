"""Receipts as scans: SROIE's 40 JPEG receipts through docloop's own OCR, each engine
(RapidOCR, tesseract) side by side, beside the same receipts as the dataset ships their OCR rows.

Held-out receipts may come as images, not as text; this measures what docloop's OCR costs in
F1, and whether auto-accepted values stay right when the text is read from a photo (each is
scored like ``docloop eval run``: normalised F1, share of fields auto-accepted and their
precision), and the seconds per scan (parse and extraction; a parse child's first scan also
loads the engine).

It also checks the line ``OCR_SURE`` draws (``pipeline.state``: a value read from a word the
engine was less sure of is never auto-accepted): for every value read from a scan, the least
confidence of the OCR words under its evidence, and whether the value is right; the precision
of values read from sure words only, and of those touching an unsure word.

Run: ``python -m bench.ocr_scans``; writes ``bench/results/ocr_scans.md``.
"""

from __future__ import annotations

import dataclasses
import os
import tempfile
import time
from collections import Counter
from pathlib import Path

from eval.datasets import dataset, examples
from eval.metrics import compare, score
from eval.run import prediction_of, run_example
from pipeline.config import Settings
from pipeline.parsers.image import ENGINES
from pipeline.run import build_pipeline
from pipeline.state import OCR_SURE, DocumentState

RESULTS = Path(__file__).resolve().parents[1] / "bench" / "results" / "ocr_scans.md"
SHIPPED = "shipped OCR rows"


def least_confidence(state: DocumentState, field: str) -> float | None:
    """The least OCR confidence of the words under ``field``'s evidence (None: no OCR word there)."""
    parsed, result = state.parsed, state.fields.get(field)
    if parsed is None or result is None:
        return None
    found = [
        w.confidence for s in result.evidence for p in parsed.pages for w in p.words
        if w.confidence is not None and w.start < s.end and s.start < w.end
    ]
    return min(found) if found else None


def main() -> None:
    sroie = dataset("sroie")
    docs = [d for d in examples("sroie") if d.path is not None]
    fields = list(sroie.FIELDS)
    sources = {SHIPPED: "rapidocr"} | {f"{engine} (DOCLOOP_OCR_ENGINE={engine})": engine for engine in ENGINES}
    made: dict[str, dict] = {source: {} for source in sources}
    # per OCR row: (least confidence under the evidence, right) of every value read
    checks: dict[str, list[tuple[float | None, bool]]] = {source: [] for source in sources if source != SHIPPED}
    parsers: dict[str, Counter[str]] = {source: Counter() for source in checks}  # which engine read the scans
    for source, engine in sources.items():
        settings = Settings(home=Path(tempfile.mkdtemp(prefix="docloop-ocr-")), llm_provider="none", ocr_engine=engine)
        pipe = build_pipeline(settings, ["rules"])
        for doc in docs:
            example = doc if source == SHIPPED else dataclasses.replace(doc, parsed=None)
            started = time.perf_counter()
            state = run_example(pipe, example, sroie.SCHEMA)
            made[source][doc.id] = prediction = prediction_of(example, state, time.perf_counter() - started)
            if source != SHIPPED:
                parsers[source][state.parsed.parser if state.parsed else "failed"] += 1
            for f in fields if source in checks else ():
                if prediction.values.get(f) not in (None, [], ""):
                    c = compare(f, doc.gold.get(f), prediction.values.get(f), sroie.normalise)
                    checks[source].append((least_confidence(state, f), c.fp == 0 and c.fn == 0))
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
    lines += ["", "Scans read by: " + "; ".join(f"{source.split()[0]}: {dict(c)}" for source, c in parsers.items()) + "."]
    lines += [
        "",
        f"Values read from the scans by the least OCR confidence under their evidence (OCR_SURE = {OCR_SURE}):",
        "",
        "| engine | values | from sure words: n / right | touching an unsure word: n / right | least confidence of a wrong value from sure words |",
        "|---|---:|---:|---:|---:|",
    ]
    for source, values in checks.items():
        sure = [right for conf, right in values if conf is None or conf >= OCR_SURE]
        unsure = [right for conf, right in values if conf is not None and conf < OCR_SURE]
        wrong_sure = [conf for conf, right in values if not right and conf is not None and conf >= OCR_SURE]

        def share(rights: list[bool]) -> str:
            return f"{len(rights)} / {sum(rights) / len(rights):.3f}" if rights else "0 / -"

        lines.append(
            f"| {source.split()[0]} | {len(values)} | {share(sure)} | {share(unsure)} | "
            f"{min(wrong_sure) if wrong_sure else '-'} |"
        )
    report = "\n".join(lines) + "\n"
    print(report)
    RESULTS.write_text(report)


if __name__ == "__main__":
    main()
