"""JSON log lines carry the trace id of their span and the document id, so a line leads to its trace."""

from __future__ import annotations

import io
import json
import logging

from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from pipeline.state import DocumentState
from pipeline.telemetry import stage, stages
from pipeline.telemetry.logs import configure


def test_a_log_line_inside_a_stage_names_its_trace_span_and_document(monkeypatch):
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    monkeypatch.setattr(stages, "tracer", lambda: provider.get_tracer("test"))
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    monkeypatch.setattr(logging.getLogger(), "handlers", [handler])  # only ours is reformatted
    configure("json")
    state = DocumentState(id="doc-1", source="a.txt", sha256="0" * 64, size=1, schema_name="receipt", schema_version="1")

    def parse(s: DocumentState) -> DocumentState:
        logging.getLogger("docloop.test").warning("parsing %s", s.source)
        return s

    stage("parse", parse, state)
    logging.getLogger("docloop.test").warning("outside")
    inside, outside = (json.loads(line) for line in out.getvalue().splitlines())
    [span] = exporter.get_finished_spans()
    assert span.name == "docloop.parse" and span.attributes["docloop.document.id"] == "doc-1"
    assert inside["message"] == "parsing a.txt" and inside["level"] == "WARNING" and inside["logger"] == "docloop.test"
    assert inside["trace_id"] == format(span.context.trace_id, "032x") and inside["span_id"] == format(span.context.span_id, "016x")
    assert inside["document_id"] == "doc-1"
    assert outside["trace_id"] is None and outside["document_id"] is None


def test_text_format_leaves_handlers_alone(monkeypatch):
    handler = logging.StreamHandler(io.StringIO())
    monkeypatch.setattr(logging.getLogger(), "handlers", [handler])
    configure("text")
    assert handler.formatter is None and not handler.filters
