"""One document through the dramatiq stack (two workers, a forced retry) is one trace at a real
OTLP/HTTP receiver: every stage a span, the retry a span of the same trace, the model call
with its token attributes."""

from __future__ import annotations

import subprocess

from tests.fakes.openai_server import FakeOpenAI, FaultPlan
from tests.fakes.otlp_receiver import OtlpReceiver
from tests.workers.stack import DOCLOOP, receipt, wait_until
from tests.workers.test_faults import model_env

STAGES = ("ingest", "parse", "classify", "chunk", "extract", "ground", "score", "route", "export")


def test_a_document_across_two_workers_and_a_retry_is_one_trace(stack_factory):
    # the first model request fails with a 500, no provider retry: the extract message is retried by the broker
    with FakeOpenAI(faults=FaultPlan(sequence=["500"])) as server, OtlpReceiver() as receiver:
        otel = {"OTEL_EXPORTER_OTLP_ENDPOINT": receiver.endpoint, "OTEL_BSP_SCHEDULE_DELAY": "200"}
        stack = stack_factory("rabbitmq", **model_env(server, DOCLOOP_LLM_MAX_RETRIES="0", DOCLOOP_MAX_RETRIES="3"), **otel)
        stack.worker("cpu", queues="ingest,parse,finalise", extra_env={"OTEL_RESOURCE_ATTRIBUTES": "service.instance.id=cpu"})
        stack.worker("model", queues="extract", extra_env={"OTEL_RESOURCE_ATTRIBUTES": "service.instance.id=model"})
        stack.put("inbox/r1.txt", receipt(1, seed=41))  # no type in the key: classified
        subprocess.run([*DOCLOOP, "watch", "--once"], env=stack.env, check=True, capture_output=True, timeout=120)
        wait_until(lambda: stack.exported() == 1, 120, what="the document exported")
        wait_until(lambda: any(s.name == "docloop.export" for s in receiver.spans()), 30, what="the export span received")

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
