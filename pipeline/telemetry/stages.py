"""The one wrapper stages are called through, and the spans around a document and an extractor.

``stage("parse", parse, state, data, settings)`` calls the stage function inside a span
named after the stage and times it into ``docloop_stage_seconds``; the span carries the
document's id, schema, content hash and, once routed, every field's status. Attribute
names follow OpenInference (``openinference.span.kind``) and the OpenTelemetry GenAI
conventions (``gen_ai.*``) where they have one, ``docloop.*`` otherwise.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from opentelemetry.trace import Span

from pipeline.state import DocumentState, ModelCall
from pipeline.telemetry import metrics
from pipeline.telemetry.exchanges import attach, capturing, model_call_attributes, prompt_version_of, usage_attributes
from pipeline.telemetry.logs import working_on
from pipeline.telemetry.tracing import tracer

T = TypeVar("T")
FINAL = ("completed", "needs_review", "failed")


def annotate(span: Span, state: DocumentState) -> None:
    """The document's identity and outcome on ``span`` (skipped when nothing records it)."""
    if not span.is_recording():
        return
    span.set_attribute("docloop.document.id", state.id)
    span.set_attribute("docloop.document.source", state.source)
    span.set_attribute("docloop.document.sha256", state.sha256)
    span.set_attribute("docloop.schema", state.schema_name)
    span.set_attribute("docloop.document.status", state.status.value)
    span.set_attribute("docloop.document.stage", state.stage.value)
    if state.error:
        span.set_attribute("docloop.error.code", state.error.code)
    if stopped := (state.provenance.get("extract") or {}).get("stopped"):
        span.set_attribute("docloop.budget.stopped", stopped)
    for name, result in state.fields.items():
        span.set_attribute(f"docloop.field.{name}.status", result.status.value)
        span.set_attribute(f"docloop.field.{name}.confidence", result.confidence)


def _state_in(args: tuple[Any, ...]) -> DocumentState | None:
    return next((a for a in args if isinstance(a, DocumentState)), None)


def finished(state: DocumentState) -> None:
    """Count a document that reached its end (exported)."""
    if state.status.value in FINAL:
        metrics.DOCUMENTS.labels(state.schema_name, state.status.value).inc()
        if (state.provenance.get("extract") or {}).get("stopped"):
            metrics.BUDGET_STOPS.labels(state.schema_name).inc()


def stage(name: str, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """``fn(*args, **kwargs)`` as pipeline stage ``name``: a span and a latency observation."""
    with tracer().start_as_current_span(f"docloop.{name}", attributes={"openinference.span.kind": "CHAIN", "docloop.stage": name}) as span:
        before = _state_in(args)
        with metrics.STAGE_SECONDS.labels(name).time(), working_on(before.id if before is not None else None):
            try:
                result = fn(*args, **kwargs)
            except BaseException:
                metrics.STAGE_ERRORS.labels(name).inc()
                if before is not None:
                    annotate(span, before)  # the document a failed stage was working on
                raise
        state = result if isinstance(result, DocumentState) else before
        if state is not None:
            annotate(span, state)
            if name == "export":
                finished(state)
        return result


def document(method: Callable[..., DocumentState]) -> Callable[..., DocumentState]:
    """Decorator for an in-process run of one document: the root span of its trace, and its count."""

    @functools.wraps(method)
    def run(self: Any, *args: Any, **kwargs: Any) -> DocumentState:
        with tracer().start_as_current_span("docloop.document", attributes={"openinference.span.kind": "CHAIN"}) as span:
            state = method(self, *args, **kwargs)
            annotate(span, state)
            finished(state)
            return state

    return run


def _cache_hit_span(call: ModelCall, schema: str) -> None:
    """A call answered from the extractor's cache never reaches the provider: its span is made here."""
    attributes = {
        **model_call_attributes(call.provider, call.model, call.prompt_version, cache_hit=True),
        **usage_attributes(call.input_tokens, call.output_tokens, call.latency_s, call.cost_usd),
        "docloop.model_call.fields": call.fields,
        "docloop.schema": schema,
    }
    tracer().start_span("docloop.model_call", attributes=attributes).end()


@contextmanager
def extractor_call(extractor: Any, schema: str, fields: list[str], chunks: list[int]) -> Iterator[Callable[[Any], None]]:
    """Around one ``extractor.extract(request)``: a child span, the model exchanges made inside it
    attached to the calls it reports, tokens and cost counted per schema. Yields ``done(result)``."""
    attributes = {"openinference.span.kind": "TOOL", "docloop.extractor": extractor.name, "docloop.fields": fields, "docloop.chunks": chunks}
    with tracer().start_as_current_span(f"docloop.extractor.{extractor.name}", attributes=attributes) as span, capturing(prompt_version_of(extractor)) as captured:

        def done(result: Any) -> None:
            calls: list[ModelCall] = result.model_calls
            attach(calls, captured)
            for call in calls:
                metrics.MODEL_TOKENS.labels(schema, "input").inc(call.input_tokens)
                metrics.MODEL_TOKENS.labels(schema, "output").inc(call.output_tokens)
                metrics.MODEL_COST.labels(schema).inc(call.cost_usd)
                for name in call.fields:
                    metrics.FIELD_COST.labels(schema, name).inc(call.cost_usd / len(call.fields))
                if call.cache_hit:
                    metrics.MODEL_CALLS.labels(call.provider, call.model, "cache_hit").inc()
                    _cache_hit_span(call, schema)
            span.set_attribute("docloop.candidates", len(result.candidates))
            span.set_attribute("docloop.model_calls", len(calls))

        yield done
