"""The embedded model in the cascade, per policy: F1, auto-accepted share and precision,
seconds and tokens per one-page document.

One-page documents (SROIE test receipts, as the dataset ships their text, or with
``--dataset parsee_invoices`` the one-page invoice PDFs) go through the default cascade
(rules, tables, memory, model) without the model, and with the embedded model (the 1.5B
default, or ``DOCLOOP_LLM_MODEL``) under each cascade policy: ``weak`` (the model reads only fields
the rules left weak) and ``check`` (it also reads the fields about to be auto-accepted).
Each is scored like ``docloop eval run`` (normalised micro F1; share of predicted fields
auto-accepted, and the precision of those). Answers are never taken from the
cache (a fresh home per policy), so every call is paid; the model is loaded before the
clock starts. Documents alternate between policies so both see the same machine load.
The llama.cpp context keeps the previous prompt, so a call pays only for the tokens
after the prefix it shares with the last one (instructions and field list).

Run: ``python -m bench.model_cascade [--docs N] [--dataset sroie|parsee_invoices]``; writes
``bench/results/model_cascade.md`` (``model_cascade_<dataset>.md`` for another dataset).
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from contextlib import closing
from itertools import islice
from pathlib import Path

from eval.datasets import dataset, examples
from eval.metrics import score
from eval.run import prediction_of, run_example
from pipeline.config import Settings
from pipeline.providers.embedded import load_model
from pipeline.providers.model_files import DEFAULT_MODEL
from pipeline.run import build_pipeline

RESULTS = Path(__file__).resolve().parents[1] / "bench" / "results"
SPLITS = {"sroie": "test", "parsee_invoices": None}  # the invoices have too few documents to hold some back
POLICIES = ("weak", "check")
RULES = "no model"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--docs", type=int, default=5)
    parser.add_argument("--dataset", choices=sorted(SPLITS), default="sroie")
    args = parser.parse_args()
    module = dataset(args.dataset)
    docs = list(islice((d for d in examples(args.dataset, split=SPLITS[args.dataset]) if _one_page(d)), args.docs))
    homes = {p: Path(tempfile.mkdtemp(prefix=f"docloop-bench-{p}-")) for p in POLICIES}
    # the default cascade (rules, tables, memory, model), as `docloop extract` runs it
    pipes = {RULES: build_pipeline(Settings(home=homes["weak"], llm_provider="none"))}
    pipes |= {p: build_pipeline(Settings(home=homes[p], llm_policy=p)) for p in POLICIES}
    model = Settings().llm_model or DEFAULT_MODEL
    started = time.perf_counter()
    load_model(model, n_threads=None)  # the same cache key as the provider's own call
    load_s = time.perf_counter() - started
    predictions: dict[str, dict] = {p: {} for p in pipes}
    calls = dict.fromkeys(pipes, 0)
    for doc in docs:
        for policy, pipe in pipes.items():
            started = time.perf_counter()
            state = run_example(pipe, doc, module.SCHEMA)
            predictions[policy][doc.id] = prediction_of(doc, state, time.perf_counter() - started)
            calls[policy] += len(state.model_calls)
    n = len(docs)
    lines = [
        f"Embedded model `{model}` in the default cascade, {n} one-page documents of `{args.dataset}`, "
        f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at the end (a shared machine). "
        f"Loading the model (mmap of the verified GGUF) took {load_s:.1f} s, not counted below.",
        "",
        "| policy | micro F1 | auto-accepted | precision of auto-accepted | s/document | model calls/document | tokens/document |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for policy, made in predictions.items():
        metrics, _, (share, precision) = score([(d.id, d.gold) for d in docs], made, list(module.FIELDS), {"normalised": (module.normalise, False)})
        seconds = sum(p.seconds for p in made.values()) / n
        tokens = sum(p.tokens for p in made.values()) / n
        lines.append(
            f"| {policy} | {metrics['normalised']['micro']['f1']:.3f} | {share or 0:.1%} | "
            f"{'-' if precision is None else f'{precision:.3f}'} | {seconds:.1f} | {calls[policy] / n:.2f} | {tokens:.0f} |"
        )
    report = "\n".join(lines) + "\n"
    print(report)
    (RESULTS / ("model_cascade.md" if args.dataset == "sroie" else f"model_cascade_{args.dataset}.md")).write_text(report)


def _one_page(doc) -> bool:
    """A receipt shipped as text is one page; a PDF is counted."""
    if doc.path is None or doc.path.suffix.lower() != ".pdf":
        return True
    import pypdfium2

    with closing(pypdfium2.PdfDocument(doc.path)) as pdf:
        return len(pdf) == 1


if __name__ == "__main__":
    main()
