"""A reviewer's decisions on fields, and what follows from them.

Plain functions over a :class:`~pipeline.store.Store`: accept a value, correct
it (validated with the document type's own field types), or mark it not
present. Each decision is one transaction that compare-and-sets the field
(unclaimed, expired, or held by this reviewer) and records a ``ReviewRow`` with
the value before and after and the evidence the reviewer relied on. When a
decision resolves a document's last pending field, the document is
``completed``, its JSON export is written again, now with the reviewed
statuses, and the memory extractor learns it. A bulk accept is a run of single
accepts; undoing a decision lives in ``review_ui.undo``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from pipeline.bucket import open_bucket, result_key
from pipeline.config import get_settings
from pipeline.export import export
from pipeline.ground import locate
from pipeline.run import export_stem, write_export
from pipeline.state import DocStatus, DocumentState, FieldStatus, ParsedDocument, Span
from pipeline.store import FieldRow, ReviewRow, RunRow, Store, utcnow
from review_ui.queries import PENDING, claimable, document_content
from pipeline.schemas import FieldSpec, field_specs, get_schema

if TYPE_CHECKING:  # the memory extractor loads rapidfuzz: imported where a document is resolved
    from pipeline.extractors.memory import MemoryStore

REVIEW_EXTRACTOR = "review"  # the extractor named in the export for a value a person typed


class Conflict(Exception):
    """Another reviewer holds the field, or it changed since it was shown."""


class InvalidValue(ValueError):
    """A correction the document type's field type does not accept."""


class NotACorrection(InvalidValue):
    """A correction that changes nothing, or empties a list (most likely a stray Enter): never saved."""


@dataclass(frozen=True)
class Outcome:
    field_id: int
    run_id: int
    status: str
    completed: bool  # this decision resolved the document's last pending field
    export: str | None  # where the completed document's JSON was written (path or bucket URI)


def spec_for(schema_name: str, field: str) -> FieldSpec:
    return next(s for s in field_specs(get_schema(schema_name)) if s.name == field)


def validate(schema_name: str, field: str, value: Any) -> Any:
    """``value`` as the document type reads it, JSON-ready (ISO dates, decimal strings).

    Validation is the schema's own pydantic model, so a correction obeys exactly
    the types extraction does. Raises InvalidValue with the model's message.
    """
    model = get_schema(schema_name)
    if field not in model.model_fields:
        raise InvalidValue(f"{schema_name} has no field {field!r}")
    try:
        typed = model.model_validate({field: value})
    except ValidationError as e:
        raise InvalidValue("; ".join(err["msg"] for err in e.errors())) from None
    return typed.model_dump(mode="json")[field]


def locate_evidence(parsed: ParsedDocument | None, kind: str, value: Any, quote: str | None = None) -> list[Span]:
    """Where the reviewer's quote is in the document, else where the corrected value is
    (a quote that matches nothing does not erase the value's own evidence); [] if nowhere."""
    if parsed is None:
        return []
    if quote and (hit := locate(parsed, quote.strip())):
        return [hit[0]]
    items = value if isinstance(value, list) else [value]
    spans = []
    for item in items:
        if item is None or isinstance(item, dict):  # nested records have no single quote
            continue
        hit = locate(parsed, None, kind, item)
        if hit is not None:
            spans.append(hit[0])
    return spans


def accept(store: Store, field_id: int, reviewer: str, out: Path, expect_status: str | None = None) -> Outcome:
    """The value is right as extracted."""
    return _decide(store, field_id, reviewer, FieldStatus.accepted, None, None, out, expect_status)


def correct(
    store: Store,
    field_id: int,
    reviewer: str,
    value: Any,
    out: Path,
    *,
    quote: str | None = None,
    evidence: list[Span] | None = None,
    expect_status: str | None = None,
) -> Outcome:
    """Replace the value. Evidence: ``evidence`` as given (a candidate's), else
    where ``quote`` or the new value occurs in the document."""
    run_id, schema_name, name = _identify(store, field_id)
    clean = validate(schema_name, name, value)
    spec = spec_for(schema_name, name)
    filled = [v for v in clean if (any(v.values()) if isinstance(v, dict) else v not in (None, ""))] if spec.many else clean
    if spec.many and not filled:  # what an empty table sent by a stray Enter looks like
        raise NotACorrection("An empty table is not saved as a correction: Not present (X) says the document has none.")
    if clean == _current(store, field_id):  # a "correction" would tell calibration the value was wrong
        raise NotACorrection("Nothing changed: Accept (A) keeps the value as it is.")
    if evidence is None:
        evidence = locate_evidence(document_content(store, run_id).parsed, spec.kind, clean, quote)
    return _decide(store, field_id, reviewer, FieldStatus.corrected, clean, evidence, out, expect_status)


@dataclass(frozen=True)
class BulkOutcome:
    accepted: list[Outcome]
    skipped: list[int]  # fields another reviewer held, or that were decided on since they were listed


def accept_many(store: Store, field_ids: list[int], reviewer: str, out: Path) -> BulkOutcome:
    """Accept each still-pending field as its own decision (same claim rules, one review row
    each); a field that cannot be taken is skipped, not a reason to stop."""
    accepted, skipped = [], []
    for field_id in field_ids:
        try:
            accepted.append(accept(store, field_id, reviewer, out, expect_status=PENDING))
        except Conflict:
            skipped.append(field_id)
    return BulkOutcome(accepted, skipped)


def reject(store: Store, field_id: int, reviewer: str, out: Path, expect_status: str | None = None) -> Outcome:
    """The document does not hold this field: its value becomes empty."""
    run_id, schema_name, name = _identify(store, field_id)
    empty: Any = [] if spec_for(schema_name, name).many else None
    return _decide(store, field_id, reviewer, FieldStatus.rejected, empty, [], out, expect_status)


def _identify(store: Store, field_id: int) -> tuple[int, str, str]:
    with store.session() as s:
        row = s.execute(
            select(FieldRow.run_id, RunRow.schema_name, FieldRow.name).join(RunRow, RunRow.id == FieldRow.run_id).where(FieldRow.id == field_id)
        ).first()
    if row is None:
        raise Conflict(f"field {field_id} does not exist")
    return row[0], row[1], row[2]


def _current(store: Store, field_id: int) -> Any:
    with store.session() as s:
        return s.scalar(select(FieldRow.value).where(FieldRow.id == field_id))


def _decide(
    store: Store,
    field_id: int,
    reviewer: str,
    action: FieldStatus,
    after: Any,
    evidence: list[Span] | None,
    out: Path,
    expect_status: str | None,
) -> Outcome:
    now = utcnow()
    with store.session.begin() as s:
        row = take(s, field_id, reviewer, now, expect_status)
        before = row.value
        if action == FieldStatus.accepted:
            after, spans = before, row.evidence
        else:
            spans = [e.model_dump(mode="json") for e in evidence or []]
            row.value, row.evidence = after, spans
            row.extractor = REVIEW_EXTRACTOR if action == FieldStatus.corrected else None
        row.status = action.value
        row.claimed_by = row.claimed_until = None
        s.add(ReviewRow(field_id=field_id, reviewer=reviewer, action=action.value, before=before, after=after, evidence=spans, at=now))
        s.flush()
        remaining = s.scalar(select(func.count(FieldRow.id)).where(FieldRow.run_id == row.run_id, FieldRow.status == PENDING))
        run = s.get(RunRow, row.run_id)
        completed = remaining == 0 and run.status != DocStatus.completed.value
        if remaining == 0:
            _mark_completed(run)
        run_id = row.run_id
    target = republish(store, run_id, out) if remaining == 0 else None
    return Outcome(field_id, run_id, action.value, completed, target)


def take(s: Session, field_id: int, reviewer: str, now: datetime, expect_status: str | None) -> FieldRow:
    """Claim the field inside a decision's transaction, or raise Conflict.

    Compare-and-set first: it fails unless the field is free or ours (and still in
    the status the reviewer saw), and it locks the row for the rest of the
    transaction, so what the caller reads from the returned row is the truth.
    """
    guard = [FieldRow.id == field_id, claimable(reviewer, now)]
    if expect_status is not None:
        guard.append(FieldRow.status == expect_status)
    taken = s.execute(
        update(FieldRow).where(*guard).values(claimed_by=reviewer, claimed_until=now + timedelta(minutes=1))
        .execution_options(synchronize_session=False)
    ).rowcount
    if taken != 1:
        raise Conflict("another reviewer holds this field, or it changed since it was shown")
    return s.get(FieldRow, field_id)


def republish(store: Store, run_id: int, out: Path) -> str:
    """Write the document's export again and bring the memory extractor in line with it:
    a completed document teaches its confirmed values (replacing what it taught before),
    a reopened one (an undo) is forgotten until it is completed again. Returns where the
    export went."""
    from pipeline.extractors.memory import MemoryStore

    target = export_document(store, run_id, out)
    state = store.load(run_id)
    memory = MemoryStore(get_settings().home / "memory")
    if state.status == DocStatus.completed:
        learn_from(state, memory)
    else:
        memory.forget(state.schema_name, state.id)
    return target


def learn_from(state: DocumentState, memory: MemoryStore) -> None:
    """A resolved document teaches the memory extractor its confirmed values and where
    they are printed, so the next document from the same issuer comes out right."""
    from pipeline.extractors.memory import remember

    if state.parsed is None:
        return
    confirmed: dict[str, list[tuple[Any, int | None, int | None]]] = {}
    for name, result in state.fields.items():
        if result.status == FieldStatus.rejected or result.value in (None, "", []):
            continue
        values = result.value if isinstance(result.value, list) else [result.value]
        spans = result.evidence if len(result.evidence) == len(values) else [None] * len(values)
        confirmed[name] = [(v, s.start, s.end) if s else (v, None, None) for v, s in zip(values, spans)]
    remember(memory, state.parsed, state.schema_name, state.id, confirmed)


def _mark_completed(run: RunRow) -> None:
    # Only the status changes in the state snapshot: its fields stay as the
    # pipeline routed them (the dashboard reads that), the field rows hold the
    # reviewed values and are what Store.load returns.
    run.status = DocStatus.completed.value
    run.state = {**run.state, "status": DocStatus.completed.value}


def export_document(store: Store, run_id: int, out: Path) -> str:
    """Write the document's export where the pipeline wrote it before, replacing it; returns where.

    From the bucket: ``out/<key>.json`` in the bucket, as the workers do. Else the file
    ``docloop extract`` recorded; for a run with no recorded export, ``out/<source stem>.json``
    (with the document id when another source's export holds that name).
    """
    state = store.load(run_id)
    key, recorded = state.provenance.get("bucket_key"), state.provenance.get("export")
    if key:
        bucket = open_bucket(get_settings().resolved_bucket)
        bucket.put_json(result_key(key), export(state))
        target = bucket.uri_of(result_key(key))
    elif recorded:
        target = str(write_export(state, Path(recorded).parent, Path(recorded).stem))
    else:
        target = str(write_export(state, out, export_stem(state, out)))
    with store.session.begin() as s:
        s.get(RunRow, run_id).exported_at = utcnow()
    return target
