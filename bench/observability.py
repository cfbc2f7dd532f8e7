"""End-to-end documents/s with tracing and call storage on versus off, rules-only path.

Off: no ``OTEL_*`` variables (the API's no-op tracer), ``DOCLOOP_STORE_PROMPTS=none``. On: the
SDK tracer exporting every span over OTLP/HTTP to a receiver on loopback (a real one, decoding
each request), ``DOCLOOP_STORE_PROMPTS=full``. Prometheus counters are always on. Each run is
its own process (a process has one tracer provider) with a fresh store; the two alternate,
``--rounds`` times, so both see the same machine load. The time counted is processing every
document of the corpus (``bench.end_to_end.corpus``) plus, when on, flushing the last spans.

On a shared machine the end-to-end figures move by more than the overhead, so each run also
times the instrumentation alone: ``CALLS`` stage-wrapper calls around a no-op on a routed
document (span, attributes of every field, histogram, and when on the export queue), which
times the stage spans per document gives the overhead per document directly.

Run: ``python -m bench.observability [--rounds 3]``; writes ``bench/results/observability.md``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CALLS = 1000  # under the batch processor's queue (2048), so none is dropped
RESULTS = ROOT / "bench" / "results" / "observability.md"


def one_run(home: Path) -> dict[str, float]:
    """In this process: every corpus document through the rules-only pipeline with a store."""
    from bench.end_to_end import corpus
    from pipeline.config import Settings
    from pipeline.run import build_pipeline
    from pipeline.store import Store
    from pipeline.telemetry.tracing import flush

    settings = Settings(home=home, llm_provider="none")
    store = Store(settings.resolved_database_url)
    store.migrate()
    pipe = build_pipeline(settings, ["rules"], store)
    files = corpus()
    data = [(str(p), p.read_bytes()) for p in files]
    pipe.process(b"WARM UP\nTOTAL 1.00\n", "warm-up.txt", "auto")  # imports and the parser child, outside the count
    started = time.perf_counter()
    for source, content in data:
        state = pipe.process(content, source, "auto")
    flush()
    seconds = time.perf_counter() - started
    from pipeline.telemetry import stage

    started = time.perf_counter()
    for _ in range(CALLS):
        stage("noop", lambda s: s, state)
    flush()
    return {"seconds": seconds, "documents": len(data), "stage_call_us": (time.perf_counter() - started) / CALLS * 1e6}


def spawn(on: bool, endpoint: str) -> dict[str, float]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OTEL_", "DOCLOOP_"))}
    env["PYTHONPATH"] = str(ROOT)
    if on:
        env.update(OTEL_EXPORTER_OTLP_ENDPOINT=endpoint, DOCLOOP_STORE_PROMPTS="full")
    else:
        env.update(DOCLOOP_STORE_PROMPTS="none")
    with tempfile.TemporaryDirectory() as home:
        out = subprocess.run([sys.executable, "-m", "bench.observability", "--one", home], env=env, cwd=ROOT, capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--one", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(one_run(Path(args.one))))
        return
    from tests.fakes.otlp_receiver import OtlpReceiver

    runs: dict[str, list[dict[str, float]]] = {"off": [], "on": []}
    with OtlpReceiver() as receiver:
        for _ in range(args.rounds):
            for name in ("off", "on"):
                runs[name].append(spawn(name == "on", receiver.endpoint))
        received = receiver.spans()
    warm_up = {s.trace_id for s in received if s.attributes.get("docloop.document.source") == "warm-up.txt"}
    spans = sum(1 for s in received if s.name != "docloop.noop" and s.trace_id not in warm_up)
    rate = {name: [r["documents"] / r["seconds"] for r in rs] for name, rs in runs.items()}
    median = {name: statistics.median(v) for name, v in rate.items()}
    slower = 1 - median["on"] / median["off"]
    documents = int(runs["off"][0]["documents"])
    per_call = {name: statistics.median(r["stage_call_us"] for r in rs) for name, rs in runs.items()}
    per_document_ms = (per_call["on"] - per_call["off"]) * spans / (args.rounds * documents) / 1000
    share = per_document_ms / (1000 / median["off"])
    lines = [
        f"Rules-only end to end over {documents} documents (`bench.end_to_end.corpus`), {args.rounds} alternating rounds, "
        f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}.",
        "",
        "| tracing + call storage | documents/s per round | median documents/s |",
        "|---|---|---:|",
        f"| off (no OTEL_*, DOCLOOP_STORE_PROMPTS=none) | {', '.join(f'{r:.2f}' for r in rate['off'])} | {median['off']:.2f} |",
        f"| on (OTLP/HTTP to a loopback receiver, DOCLOOP_STORE_PROMPTS=full) | {', '.join(f'{r:.2f}' for r in rate['on'])} | {median['on']:.2f} |",
        "",
        f"End to end, on is {slower:+.1%} slower than off (target: under 5%); on this shared machine rounds differ by more than that. "
        f"The receiver decoded {spans} spans ({spans / (args.rounds * documents):.1f} per document).",
        "",
        f"The instrumentation alone: a stage-wrapper call costs {per_call['off']:.1f} µs off and {per_call['on']:.1f} µs on "
        f"(median over rounds, {CALLS} calls each), so tracing adds about {per_document_ms:.2f} ms per document, "
        f"{share:.3%} of the {1000 / median['off']:.0f} ms a document takes off.",
    ]
    report = "\n".join(lines) + "\n"
    print(report)
    RESULTS.write_text(report)


if __name__ == "__main__":
    main()
