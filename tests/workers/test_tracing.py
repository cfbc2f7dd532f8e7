"""One document through the dramatiq stack (two workers, a forced retry) is one trace at a real
OTLP/HTTP receiver: every stage a span, the retry a span of the same trace, the model call
with its token attributes."""

from __future__ import annotations

import subprocess
import urllib.request

from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import select

from pipeline.store import ModelCallRow

from tests.fakes.openai_server import FakeOpenAI, FaultPlan
from tests.fakes.otlp_receiver import OtlpReceiver
from tests.workers.stack import DOCLOOP, free_port, http_ok, receipt, wait_until
from tests.workers.test_faults import model_env

STAGES = ("ingest", "parse", "classify", "chunk", "extract", "ground", "score", "route", "export")


def test_a_document_across_two_workers_and_a_retry_is_one_trace(stack_factory):
    # the first model request fails with a 500, no provider retry: the extract message is retried by the broker
    with FakeOpenAI(faults=FaultPlan(sequence=["500"])) as server, OtlpReceiver() as receiver:
        otel = {"OTEL_EXPORTER_OTLP_ENDPOINT": receiver.endpoint, "OTEL_BSP_SCHEDULE_DELAY": "200"}
        metrics_port, events_port = free_port(), free_port()
        stack = stack_factory("rabbitmq", **model_env(server, DOCLOOP_LLM_MAX_RETRIES="0", DOCLOOP_MAX_RETRIES="3"),
                              DOCLOOP_METRICS_PORT=str(metrics_port), **otel)
        stack.worker("cpu", queues="ingest,parse,finalise", extra_env={"OTEL_RESOURCE_ATTRIBUTES": "service.instance.id=cpu"})
        stack.worker("model", queues="extract", extra_env={"OTEL_RESOURCE_ATTRIBUTES": "service.instance.id=model"})
        stack.put("inbox/r1.txt", receipt(1, seed=41))  # no type in the key: classified
        subprocess.run([*DOCLOOP, "watch", "--once"], env=stack.env, check=True, capture_output=True, timeout=120)
        wait_until(lambda: stack.exported() == 1, 120, what="the document exported")
        wait_until(lambda: any(s.name == "docloop.export" for s in receiver.spans()), 30, what="the export span received")
        # every worker process serves /metrics (the second one on the next free port), and so does the event receiver
        stack.start("events", "events", "--host", "127.0.0.1", "--port", str(events_port))
        wait_until(lambda: http_ok(f"http://127.0.0.1:{events_port}/health"), 60, what="event receiver")
        # "next free port": an outgoing connection may hold metrics_port + 1, so look a few further
        served = wait_until(lambda: worker_metrics(metrics_port, events_port), 30, what="both workers' /metrics")
        scraped = {url: scrape(url) for url in [*served, f"http://127.0.0.1:{events_port}/metrics"]}

    workers = [scraped[url] for url in served]
    merged: dict[str, list] = {}
    for families in workers:
        for name, samples in families.items():
            merged.setdefault(name, []).extend(samples)
    stages = {s.labels["stage"] for s in merged["docloop_stage_seconds"] if s.name.endswith("_count")}
    assert {"ingest", "parse", "classify", "chunk", "extract", "ground", "score", "route", "export"} <= stages
    assert any(s.labels["queue"].endswith("extract") and s.value == 1 for s in merged["docloop_message_retries"])
    assert {s.labels["queue"] for s in merged["docloop_queue_depth"]} >= {stack.prefix + "extract", stack.prefix + "parse"}
    assert [s.value for s in merged["docloop_breaker_open"]] == [0.0]
    assert sum(s.value for s in merged["docloop_model_tokens"] if s.labels["schema"] == "receipt") > 0
    assert any(s.labels["status"] in ("completed", "needs_review") and s.value == 1 for s in merged["docloop_documents"])
    assert any(s.labels["outcome"] == "ok" for s in merged["docloop_model_calls"])
    assert any(s.labels["outcome"] == "transient_error" for s in merged["docloop_model_calls"])
    events = scraped[f"http://127.0.0.1:{events_port}/metrics"]
    fields = {s.labels["field"] for s in events["docloop_fields"]}
    assert fields and all(s.labels["schema"] == "receipt" for s in events["docloop_fields"])
    assert "docloop_review_backlog" in events and "docloop_stored_cost_usd" in events

    # the worker path stores each exchange with its call too (the failed attempt's cost as before)
    with stack.store.session() as s:
        calls = s.scalars(select(ModelCallRow)).all()
    answered = [c for c in calls if c.ok and not c.cache_hit]
    assert answered and all(c.request and c.response and c.request_sha256 and c.store_mode == "full" for c in answered)
    assert any(not c.ok for c in calls)

    spans = receiver.spans()
    assert len({s.trace_id for s in spans}) == 1, {(s.name, s.trace_id) for s in spans}
    names = {s.name for s in spans}
    assert {f"docloop.{stage}" for stage in STAGES} <= names, names
    assert {s.resource.get("service.instance.id") for s in spans} == {"cpu", "model"}

    extracts = [s for s in spans if s.name == "docloop.message extract"]
    assert sorted(s.attributes["docloop.attempt"] for s in extracts) == [0, 1]
    assert [s.error for s in sorted(extracts, key=lambda s: s.attributes["docloop.attempt"])] == [True, False]

    calls = [s for s in spans if s.name == "docloop.model_call" and not s.error]
    assert calls, "no successful model-call span"
    for call in calls:
        assert call.attributes["gen_ai.request.model"] == "fake" and call.attributes["llm.model_name"] == "fake"
        assert call.attributes["gen_ai.usage.input_tokens"] > 0 and call.attributes["gen_ai.usage.output_tokens"] > 0
        assert call.attributes["docloop.prompt.version"]
        assert call.attributes["docloop.model_call.cache_hit"] is False
    routed = next(s for s in spans if s.name == "docloop.route")
    assert routed.attributes["docloop.schema"] == "receipt" and routed.attributes["docloop.document.sha256"]
    assert any(k.startswith("docloop.field.") and k.endswith(".status") for k in routed.attributes)
    by_id = {s.span_id: s for s in spans}
    model_parent = by_id[calls[0].parent_id]
    assert model_parent.name == "docloop.extractor.llm"


def worker_metrics(first: int, skip: int) -> list[str] | None:
    """The /metrics URLs of the two worker processes: ``first`` and the next free ports after it."""
    urls = [f"http://127.0.0.1:{p}/metrics" for p in range(first, first + 8) if p != skip]
    found = [url for url in urls if http_ok(url)]
    return found if len(found) == 2 else None


def scrape(url: str) -> dict[str, list]:
    with urllib.request.urlopen(url, timeout=10) as r:
        text = r.read().decode()
    return {f.name: f.samples for f in text_string_to_metric_families(text)}
