"""End-to-end documents/s: the rules extractor alone beside the rules + LLM cascade.

Both pipelines process the same documents in one run, interleaved per document
so they see the same machine load: the bundled samples (PDF invoices, an NDA, a
receipt scan that needs OCR, a DOCX) plus a fixed slice of the datasets' PDFs
and SROIE scans. Peak memory is the process's maximum RSS (the embedded model
included once the cascade has loaded it); parser children have their own limit.

Run: ``python -m bench.end_to_end [--llm-docs N]``; writes ``bench/results/end_to_end.md``.
"""

from __future__ import annotations

import argparse
import os
import resource
import time
from pathlib import Path

from bench import write_report
from pipeline.config import Settings
from pipeline.run import build_pipeline

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / ".." / "shared" / "datasets"
RESULTS = ROOT / "bench" / "results" / "end_to_end.md"


def corpus() -> list[Path]:
    samples = sorted(p for p in (ROOT / "samples").iterdir() if p.name != "README.md")
    invoices = sorted((DATA / "parsee_invoices" / "pdfs").glob("*.pdf"))[:6]
    ndas = sorted((DATA / "kleister_nda" / "documents").glob("*.pdf"))[:6]
    scans = sorted((DATA / "sroie" / "images").glob("*.jpg"))[:4]
    return samples + invoices + ndas + scans


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--llm-docs", type=int, default=6, help="How many documents also go through the cascade.")
    args = parser.parse_args()
    files = corpus()
    settings = Settings(home=Path("var/bench"))
    contenders = {
        "rules": build_pipeline(settings, ["rules"]),
        "rules + llm cascade": build_pipeline(settings, ["rules", "llm"]),
    }
    seconds = dict.fromkeys(contenders, 0.0)
    counted = dict.fromkeys(contenders, 0)
    tokens = dict.fromkeys(contenders, 0)
    for i, path in enumerate(files):
        data = path.read_bytes()
        for name, pipe in contenders.items():
            if name != "rules" and i >= args.llm_docs:
                continue
            started = time.perf_counter()
            state = pipe.process(data, str(path), "auto")
            seconds[name] += time.perf_counter() - started
            counted[name] += 1
            tokens[name] += sum(c.input_tokens + c.output_tokens for c in state.model_calls)
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    lines = [
        f"End to end over {len(files)} documents (samples, invoices, NDAs, receipt scans), {os.cpu_count()} CPUs, "
        f"load average {os.getloadavg()[0]:.1f}. The cascade ran on the first {args.llm_docs}; its first "
        "document includes loading the embedded model.",
        "",
        "| pipeline | documents | seconds | documents/s | tokens/document |",
        "|---|---:|---:|---:|---:|",
    ]
    for name in contenders:
        n = counted[name]
        lines.append(f"| {name} | {n} | {seconds[name]:.1f} | {n / seconds[name]:.2f} | {tokens[name] / n:.0f} |")
    lines += ["", f"Peak memory of this process (the embedded model loaded): {own:.0f} MiB. "
              "Parsing runs in warm child processes, each under DOCLOOP_PARSE_MEMORY_MB."]
    write_report(RESULTS, lines)


if __name__ == "__main__":
    main()
