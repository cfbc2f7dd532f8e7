"""Seconds and tokens per one-page document with the embedded model in the cascade, per policy.

One-page documents (SROIE test receipts, as the dataset ships their text) go through
rules + the embedded model (the 1.5B default, or ``DOCLOOP_LLM_MODEL``) under each
cascade policy: ``weak`` (the model reads only fields the rules left weak) and ``check``
(it also reads the fields about to be auto-accepted). Answers are never taken from the
cache (a fresh home per policy), so every call is paid; the model is loaded before the
clock starts. Documents alternate between policies so both see the same machine load.
The llama.cpp context keeps the previous prompt, so a call pays only for the tokens
after the prefix it shares with the last one (instructions and field list).

Run: ``python -m bench.model_cascade [--docs N]``; writes ``bench/results/model_cascade.md``.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from itertools import islice
from pathlib import Path

from eval.datasets import examples
from eval.run import run_example
from pipeline.config import Settings
from pipeline.providers.embedded import load_model
from pipeline.providers.model_files import DEFAULT_MODEL
from pipeline.run import build_pipeline

RESULTS = Path(__file__).resolve().parents[1] / "bench" / "results" / "model_cascade.md"
POLICIES = ("weak", "check")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--docs", type=int, default=5)
    args = parser.parse_args()
    docs = list(islice(examples("sroie", split="test"), args.docs))
    homes = {p: Path(tempfile.mkdtemp(prefix=f"docloop-bench-{p}-")) for p in POLICIES}
    pipes = {p: build_pipeline(Settings(home=homes[p], llm_policy=p), ["rules", "llm"]) for p in POLICIES}
    model = Settings().llm_model or DEFAULT_MODEL
    started = time.perf_counter()
    load_model(model, n_threads=None)  # the same cache key as the provider's own call
    load_s = time.perf_counter() - started
    seconds = dict.fromkeys(POLICIES, 0.0)
    tokens = dict.fromkeys(POLICIES, 0)
    calls = dict.fromkeys(POLICIES, 0)
    for doc in docs:
        for policy, pipe in pipes.items():
            started = time.perf_counter()
            state = run_example(pipe, doc, "receipt")
            seconds[policy] += time.perf_counter() - started
            tokens[policy] += sum(c.input_tokens + c.output_tokens for c in state.model_calls)
            calls[policy] += len(state.model_calls)
    n = len(docs)
    lines = [
        f"Embedded model `{model}` in the rules + model cascade, {n} one-page SROIE test receipts, "
        f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at the end (a shared machine). "
        f"Loading the model (mmap of the verified GGUF) took {load_s:.1f} s, not counted below.",
        "",
        "| policy | s/document | model calls/document | tokens/document |",
        "|---|---:|---:|---:|",
    ]
    lines += [f"| {p} | {seconds[p] / n:.1f} | {calls[p] / n:.2f} | {tokens[p] / n:.0f} |" for p in POLICIES]
    report = "\n".join(lines) + "\n"
    print(report)
    RESULTS.write_text(report)


if __name__ == "__main__":
    main()
