"""JSON log lines that lead to their trace: each carries the trace and span id of the span
current when it was logged, and the id of the document being worked on.

``DOCLOOP_LOG_FORMAT=json`` turns it on (python-json-logger formats); ``text`` keeps the
handlers' own format. The document id comes from the stage wrapper (``working_on``).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from opentelemetry import trace
from pythonjsonlogger.json import JsonFormatter

_document: ContextVar[str | None] = ContextVar("docloop_document", default=None)
FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"


@contextmanager
def working_on(document_id: str | None) -> Iterator[None]:
    token = _document.set(document_id)
    try:
        yield
    finally:
        _document.reset(token)


class Correlation(logging.Filter):
    """Adds ``trace_id``, ``span_id`` (hex, as trace viewers show them) and ``document_id``."""

    def filter(self, record: logging.LogRecord) -> bool:
        context = trace.get_current_span().get_span_context()
        record.trace_id = format(context.trace_id, "032x") if context.is_valid else None
        record.span_id = format(context.span_id, "016x") if context.is_valid else None
        record.document_id = _document.get()
        return True


def configure(log_format: str, level: int = logging.INFO) -> None:
    """JSON lines on every root handler (one to stderr if there is none), when asked for."""
    if log_format != "json":
        return
    root = logging.getLogger()
    if not root.handlers:
        root.addHandler(logging.StreamHandler())
        root.setLevel(level)
    formatter = JsonFormatter(FORMAT, rename_fields={"levelname": "level", "name": "logger"})
    for handler in root.handlers:
        handler.setFormatter(formatter)
        if not any(isinstance(f, Correlation) for f in handler.filters):
            handler.addFilter(Correlation())
