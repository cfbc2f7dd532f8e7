"""Through the broker: a model server failing a fixed share of requests, duplicate deliveries,
dead letters and ``docloop redrive``.

Every document must end exported or dead-lettered with a reason; attempts and
wasted tokens per document go to bench/results/faults.md.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
from pathlib import Path

from sqlalchemy import select

from pipeline.store import ModelCallRow, RunRow
from tests.fakes.openai_server import FakeOpenAI, FaultPlan
from tests.workers.stack import DOCLOOP, ROOT, Stack, free_port, http_ok, post_json, receipt, s3_event, wait_until

# figures go to test-artifacts/ unless asked for the record: DOCLOOP_BENCH_RESULTS=bench/results
RESULTS = Path(os.environ.get("DOCLOOP_BENCH_RESULTS", ROOT / "test-artifacts"))


def model_env(server: FakeOpenAI, **extra: str) -> dict[str, str]:
    return {
        "DOCLOOP_EXTRACTORS": "rules,llm",
        "DOCLOOP_LLM_PROVIDER": "openai",
        "DOCLOOP_LLM_BASE_URL": server.base_url,
        "DOCLOOP_LLM_MODEL": "fake",
        "DOCLOOP_LLM_API_KEY": "x",
        **extra,
    }


def settled(stack: Stack, documents: int) -> bool:
    """Every run exported or dead-lettered (and not re-driven)."""
    dead = {d.run_id for d in stack.store.dead_letters()}
    with stack.store.session() as s:
        runs = s.execute(select(RunRow.id, RunRow.exported_at)).all()
    return len(runs) >= documents and all(exported or run in dead for run, exported in runs)


def test_faulty_model_every_document_completes_or_is_dead_lettered(stack_factory):
    plan = FaultPlan(rate_limit=0.15, server_error=0.15, timeout=0.1, garbage=0.1, retry_after_s=0.5, timeout_hold_s=2.0, seed=11)
    documents = 24
    with FakeOpenAI(faults=plan) as server:
        stack = stack_factory("rabbitmq", **model_env(
            server, DOCLOOP_LLM_TIMEOUT_S="1", DOCLOOP_LLM_MAX_RETRIES="1", DOCLOOP_MAX_RETRIES="4",
            DOCLOOP_BREAKER_FAIL_MAX="4", DOCLOOP_BREAKER_RESET_S="2", DOCLOOP_EVENTS_TOKEN="tok",
        ))
        stack.worker("cpu", processes=1, threads=2, queues="ingest,parse,finalise")
        stack.worker("model", processes=1, threads=4, queues="extract")
        port = free_port()
        stack.start("events", "events", "--host", "127.0.0.1", "--port", str(port))
        wait_until(lambda: http_ok(f"http://127.0.0.1:{port}/health"), 60, what="event receiver")
        docs = {f"inbox/receipt/f{i:02d}.txt": receipt(i, seed=21) for i in range(documents)}
        docs["inbox/receipt/f00-again.txt"] = docs["inbox/receipt/f00.txt"]  # the same file dropped twice
        replies = [stack.put(key, data) for key, data in docs.items()]
        # events twice each, in reverse order, and the poller over the same objects
        for (key, data), r in reversed(list(zip(docs.items(), replies))):
            event = s3_event(stack.bucket, key, r["ETag"].strip('"'), len(data))
            assert post_json(f"http://127.0.0.1:{port}/events", event, "tok")[0] == 200
            assert post_json(f"http://127.0.0.1:{port}/events", event, "tok")[0] == 200
        stack.start("watch", "watch", "--interval", "1")
        wait_until(lambda: settled(stack, documents), 300, interval=0.5, what="every document exported or dead-lettered")
        stack.stop("watch")

        letters = stack.store.dead_letters()
        assert all(d.reason for d in letters)
        assert set(stack.runs_per_document().values()) == {1}
        assert stack.duplicated_review_items() == 0
        outputs = stack.outputs()
        assert all(n == 1 for n in outputs.values())
        with stack.store.session() as s:
            runs = s.execute(select(RunRow.id, RunRow.attempts, RunRow.exported_at)).all()
            calls = s.execute(select(ModelCallRow.run_id, ModelCallRow.ok, ModelCallRow.input_tokens, ModelCallRow.output_tokens)).all()
        assert len(runs) == documents
        assert sum(1 for _, _, exported in runs if exported) + len(letters) == documents
        for key in docs:
            name = f"out/{key.removeprefix('inbox/')}.json"
            if name in outputs:
                assert json.loads(stack.s3.get_object(Bucket=stack.bucket, Key=name)["Body"].read())["status"] in ("completed", "needs_review")

        per_run_waste: dict[int, int] = {run: 0 for run, _, _ in runs}
        for run, ok, tin, tout in calls:
            if not ok:
                per_run_waste[run] += tin + tout
        useful = sum(tin + tout for _, ok, tin, tout in calls if ok)
        served = server.stats.prompt_tokens + server.stats.completion_tokens
        figures = {
            "documents": documents,
            "fault_plan": {"429": plan.rate_limit, "500": plan.server_error, "timeout": plan.timeout, "garbage": plan.garbage},
            "requests": server.stats.requests,
            "outcomes": dict(server.stats.outcomes),
            "exported": sum(1 for _, _, exported in runs if exported),
            "dead_lettered": len(letters),
            "dead_letter_reasons": sorted({d.reason.split(":")[0] for d in letters}),
            "stage_attempts_per_document": {"mean": round(statistics.mean(a for _, a, _ in runs), 2), "max": max(a for _, a, _ in runs), "minimum_without_faults": 3},
            "recorded_wasted_tokens_per_document": {"mean": round(statistics.mean(per_run_waste.values()), 1), "max": max(per_run_waste.values())},
            "tokens_served": served,
            "tokens_in_useful_calls": useful,
            "unaccounted_tokens_per_document": round((served - useful - sum(per_run_waste.values())) / documents, 1),
        }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "faults.json").write_text(json.dumps(figures, indent=2) + "\n")
    write_faults_md(figures)


def write_faults_md(f: dict) -> None:
    a, w = f["stage_attempts_per_document"], f["recorded_wasted_tokens_per_document"]
    lines = [
        "# Faulty model server, duplicate deliveries",
        "",
        "`pytest tests/workers/test_faults.py -k faulty`: RabbitMQ, PostgreSQL, moto S3, one CPU worker process and one",
        f"extract worker process; {f['documents']} receipts (one dropped twice under another name), every bucket event",
        "delivered twice in reverse order plus the poller; extractors `rules,llm` against tests/fakes/openai_server.py",
        f"failing a fixed share of requests: {', '.join(f'{k} {v:.0%}' for k, v in f['fault_plan'].items())} (timeout = reply held past the 1 s client timeout).",
        "Provider: 1 transport retry + 1 re-ask per call; broker: 4 retries with backoff; breaker: 4 failures, 2 s reset.",
        "",
        "| figure | value |",
        "|---|---|",
        f"| requests to the model server | {f['requests']} ({', '.join(f'{k}: {v}' for k, v in sorted(f['outcomes'].items()))}) |",
        f"| documents exported / dead-lettered | {f['exported']} / {f['dead_lettered']} {f['dead_letter_reasons'] or ''} |",
        f"| stage executions per document, mean / max (3 without faults) | {a['mean']} / {a['max']} |",
        f"| wasted tokens per document recorded on the run, mean / max | {w['mean']} / {w['max']} |",
        f"| tokens served / in useful calls | {f['tokens_served']} / {f['tokens_in_useful_calls']} |",
        f"| tokens served but not recorded anywhere, per document | {f['unaccounted_tokens_per_document']} |",
        "",
        "Wasted tokens are those of calls that failed (garbage answers re-asked, a re-ask cut short by a fault). The",
        "unrecorded remainder: replies to timed-out requests (the server produced them, the client never saw their usage),",
        "and calls inside an extract attempt that a later call of the same attempt aborted (their answers are cached, so",
        "the retry does not pay for them again).",
    ]
    (RESULTS / "faults.md").write_text("\n".join(lines) + "\n")


def test_dead_letter_keeps_message_and_reason_and_redrive_finishes_it(stack_factory):
    with FakeOpenAI(faults=FaultPlan(server_error=1.0)) as server:
        stack = stack_factory("redis", **model_env(server, DOCLOOP_LLM_MAX_RETRIES="0", DOCLOOP_MAX_RETRIES="1", DOCLOOP_BREAKER_FAIL_MAX="100"))
        stack.worker("w", processes=1, threads=2)
        stack.put("inbox/receipt/dl.txt", receipt(1, seed=31))
        subprocess.run([*DOCLOOP, "watch", "--once"], env=stack.env, check=True, capture_output=True, timeout=120)
        [letter] = wait_until(stack.store.dead_letters, 120, what="a dead letter")
        assert letter.actor == "extract" and letter.attempts == 2 and "500" in letter.reason
        assert letter.message["args"] == [letter.run_id]
        listing = subprocess.run([*DOCLOOP, "redrive"], env=stack.env, check=True, capture_output=True, text=True, timeout=120)
        assert "extract" in listing.stdout

        server.faults.server_error = 0.0  # the provider is back
        subprocess.run([*DOCLOOP, "redrive", "--all"], env=stack.env, check=True, capture_output=True, timeout=120)
        wait_until(lambda: stack.exported() == 1, 120, what="the re-driven document exported")
        assert stack.store.dead_letters() == [] and len(stack.store.dead_letters(include_redriven=True)) == 1
        assert stack.read_json("out/receipt/dl.txt.json")["status"] in ("completed", "needs_review")


def test_stage_time_limit_ends_a_hung_step(stack_factory):
    with FakeOpenAI(faults=FaultPlan(latency_s=4.0)) as server:  # a model that answers, but too slowly
        stack = stack_factory("rabbitmq", **model_env(server, DOCLOOP_TIME_LIMIT_EXTRACT_S="1", DOCLOOP_MAX_RETRIES="0", DOCLOOP_LLM_TIMEOUT_S="30"))
        stack.worker("w", processes=1, threads=2)
        stack.put("inbox/receipt/slow.txt", receipt(2, seed=31))
        subprocess.run([*DOCLOOP, "watch", "--once"], env=stack.env, check=True, capture_output=True, timeout=120)
        [letter] = wait_until(stack.store.dead_letters, 120, what="a dead letter")
        assert letter.actor == "extract" and "TimeLimitExceeded" in letter.reason
        assert stack.exported() == 0
