"""Spans of an in-process run: the document, its stages, the extractor call and the model calls
(GenAI / OpenInference attributes), cache hits included; nothing set up without OTEL_* variables."""

from __future__ import annotations

import pytest
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from pipeline.config import Settings
from pipeline.run import build_pipeline
from pipeline.telemetry import exchanges, stages, tracing
from tests.fakes.openai_server import FakeOpenAI
from tests.workers.stack import receipt


@pytest.fixture
def spans(monkeypatch) -> InMemorySpanExporter:
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    for module in (stages, exchanges):
        monkeypatch.setattr(module, "tracer", lambda: provider.get_tracer("test"))
    return exporter


def test_stages_extractor_and_model_calls_are_spans_of_one_trace(tmp_path, spans):
    with FakeOpenAI() as server:
        settings = Settings(home=tmp_path, llm_provider="openai", llm_base_url=server.base_url, llm_model="fake", llm_api_key="x", llm_price_in_per_mtok=2.0)
        pipe = build_pipeline(settings, ["rules", "llm"])
        first = pipe.process(receipt(1, seed=5), "r.txt", "auto")
        asked = spans.get_finished_spans()
        spans.clear()
        pipe.process(receipt(1, seed=5), "r.txt", "auto")  # again: the model's answers come from the cache
        cached = spans.get_finished_spans()

    assert len({s.context.trace_id for s in asked}) == 1
    names = [s.name for s in asked]
    assert names[-1] == "docloop.document"
    for stage in ("ingest", "parse", "classify", "chunk", "extract", "ground", "score", "route"):
        assert f"docloop.{stage}" in names
    root = asked[-1]
    assert root.attributes["docloop.document.id"] == first.id and root.attributes["docloop.schema"] == "receipt"
    assert {root.attributes[f"docloop.field.{n}.status"] for n in first.fields} <= {"auto_accepted", "needs_review"}
    by_id = {s.context.span_id: s for s in asked}
    calls = [s for s in asked if s.name == "docloop.model_call"]
    assert len(calls) == sum(not c.cache_hit for c in first.model_calls) > 0
    for call in calls:
        a = call.attributes
        assert a["openinference.span.kind"] == "LLM" and a["gen_ai.request.model"] == "fake" and a["gen_ai.provider.name"] == "openai"
        assert a["gen_ai.usage.input_tokens"] > 0 and a["llm.token_count.total"] == a["gen_ai.usage.input_tokens"] + a["gen_ai.usage.output_tokens"]
        assert a["docloop.model_call.cost_usd"] == pytest.approx(a["gen_ai.usage.input_tokens"] * 2.0 / 1e6)
        assert a["docloop.prompt.version"] == first.provenance["prompt_version"]
        assert by_id[call.parent.span_id].name == "docloop.extractor.llm"
        assert by_id[by_id[call.parent.span_id].parent.span_id].name == "docloop.extract"

    hits = [s for s in cached if s.name == "docloop.model_call"]
    assert len(hits) == len(calls) and all(s.attributes["docloop.model_call.cache_hit"] for s in hits)


def test_nothing_is_exported_without_otel_variables(monkeypatch):
    for name in ("OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"):
        monkeypatch.delenv(name, raising=False)
    assert not tracing.enabled()
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4318")
    assert tracing.enabled()
    monkeypatch.setenv("OTEL_SDK_DISABLED", "true")
    assert not tracing.enabled()
