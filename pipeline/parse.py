"""Stage 2: the document's bytes -> ParsedDocument (text, pages, word boxes).

The parser runs in a sandboxed child process (``pipeline.sandbox``) with the
time and memory limits from the settings, so no input can hang, crash or
exhaust the caller; every failure ends as a ``failed`` state with a typed code.

A document from which no text can be read, even by OCR, fails with ``no_text``
rather than completing with every field empty: an empty export would look like
a successful extraction, while ``no_text`` tells the operator the document
needs another route (a person, a better scan).
"""

from __future__ import annotations

from pipeline.config import Settings
from pipeline.errors import DocloopError, NoText
from pipeline.hygiene import strip_hidden_characters
from pipeline.parsers import ParseOptions, parse_plain
from pipeline.sandbox import run_isolated
from pipeline.state import DocStatus, DocumentState, ParsedDocument, Stage


def parse(state: DocumentState, data: bytes, settings: Settings) -> DocumentState:
    """``state`` with ``parsed`` set and stage ``parsed``, or failed with a typed code.

    A failed state, or one already parsed, is returned unchanged (idempotent).
    """
    if state.status == DocStatus.failed or state.parsed is not None:
        return state
    try:
        plain = run_isolated(
            parse_plain, data, state.media_type or "", ParseOptions.from_settings(settings),
            timeout_s=settings.parse_timeout_s, memory_mb=settings.parse_memory_mb,
        )
        parsed = strip_hidden_characters(ParsedDocument.model_validate(plain))  # bidi controls, zero-width
        if not parsed.text.strip():
            raise NoText("no text in the document, even after OCR")
    except DocloopError as exc:
        return state.failed(exc.code, exc.message)
    return state.model_copy(update={"parsed": parsed, "stage": Stage.parsed})


def warm_up(settings: Settings) -> None:
    """Start a warm parse child that has loaded what plain text needs (spaCy, unstructured):
    a -j worker does it before it counts as started, so no document waits on its cold start."""
    run_isolated(
        parse_plain, b"Warm up.", "text/plain", ParseOptions.from_settings(settings),
        timeout_s=settings.parse_timeout_s, memory_mb=settings.parse_memory_mb,
    )
