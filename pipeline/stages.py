"""The stage sequence, declared once; the embedded run (``pipeline.run``) and the queue
workers (``workers.flow``) both walk it.

A document takes three steps, each a group of stages:

- ``parse``: bytes to text and layout, then, for ``--schema auto``, the document type;
- ``extract``: chunk, extract, ground, score and route its fields;
- ``finalise``: a run that failed before a type was known is recorded as ``unknown``;
  then the result is exported (where to is the caller's: a folder, a bucket).

:func:`next_step` reads which step is due from the stored stage and status alone,
so a worker picking up a run anywhere resumes it, and a failed run goes straight to
``finalise``.
"""

from __future__ import annotations

from pipeline.classify import classify
from pipeline.config import Settings
from pipeline.parse import parse
from pipeline.schemas import get_schema
from pipeline.state import DocStatus, DocumentState, Stage
from pipeline.telemetry import stage

AUTO = "auto"  # the schema name that asks the classifier for the document type
UNKNOWN = "unknown"  # the type recorded for a run that failed before one was known
STEPS = ("parse", "extract", "finalise")


def next_step(stage: str, status: str, exported: bool) -> str | None:
    """The step a run needs next, from its stage and status; None once exported."""
    if exported or stage == Stage.exported:
        return None
    if status == DocStatus.failed or stage == Stage.routed:
        return "finalise"
    if stage == Stage.ingested:
        return "parse"
    return "extract"


def with_schema(state: DocumentState, name: str) -> DocumentState:
    """The state bound to a document type (after ``--schema auto`` picked one)."""
    model = get_schema(name)
    return state.model_copy(update={"schema_name": model.name, "schema_version": model.version})


def classify_if_auto(state: DocumentState) -> DocumentState:
    if state.schema_name != AUTO or state.parsed is None:
        return state
    name, probability = stage("classify", classify, state.parsed)
    state = with_schema(state, name)
    return state.model_copy(update={"provenance": dict(state.provenance, classifier={"schema": name, "probability": probability})})


def parse_step(state: DocumentState, data: bytes, settings: Settings) -> DocumentState:
    """Step ``parse``: the document's text and layout, and its type when it was asked to be found."""
    return classify_if_auto(stage("parse", parse, state, data, settings))


def settle_schema(state: DocumentState) -> DocumentState:
    """The first part of ``finalise``: a run that failed before a type was known is ``unknown``."""
    if state.schema_name == AUTO:
        return state.model_copy(update={"schema_name": UNKNOWN})
    return state
