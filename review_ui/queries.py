"""Every database read and claim the review UI makes, on ``pipeline.store`` models.

Plain functions over a :class:`~pipeline.store.Store`, no Streamlit, so tests and
the benchmark call them directly. The queue reads only narrow columns (never the
run's ``state`` JSON, which holds the whole parsed document) and aggregates in
SQL, so it stays fast with many thousands of pending fields.

Claims: a reviewer holds a field through ``fields.claimed_by``/``claimed_until``.
Taking one is a compare-and-set ``UPDATE ... WHERE`` (unclaimed, expired, or
already mine), so of two reviewers racing for one field exactly one update
matches a row; a reviewer holds one field at a time.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta, timezone
from typing import Any, Iterable

from sqlalchemy import ColumnElement, Select, and_, case, exists, func, literal, or_, select, update
from sqlalchemy.orm import aliased

from pipeline.state import DocStatus, FieldStatus, ParsedDocument
from pipeline.store import DocumentRow, FieldRow, ModelCallRow, ReviewRow, RunRow, Store, aware, standing, utcnow

PENDING = FieldStatus.needs_review.value
CLAIM_SCAN = 20  # candidates tried per round when claiming the next field


@dataclass(frozen=True)
class QueueFilter:
    """What the queue shows: fields of a status, narrowed by schema, source, any field value and date."""

    status: str = PENDING
    schemas: tuple[str, ...] = ()
    source: str = ""  # substring of the document's source (path or URL)
    value: str = ""  # substring of any field value of the document, whatever that field's status
    since: date | None = None  # runs created on or after this day (UTC)
    until: date | None = None  # ... and on or before this day

    def apply(self, q: Select) -> Select:
        q = q.where(FieldRow.status == self.status)
        if self.schemas:
            q = q.where(RunRow.schema_name.in_(self.schemas))
        if self.source:
            q = q.where(DocumentRow.source.icontains(self.source, autoescape=True))
        if self.value:
            hit = aliased(FieldRow)
            q = q.where(exists().where(hit.run_id == RunRow.id, value_contains(hit, self.value)))
        if self.since:
            q = q.where(RunRow.created_at >= datetime.combine(self.since, time.min, timezone.utc))
        if self.until:
            q = q.where(RunRow.created_at < datetime.combine(self.until + timedelta(days=1), time.min, timezone.utc))
        return q


def value_contains(row: type[FieldRow], text: str) -> ColumnElement[bool]:
    """The field's value, as text, holds ``text`` (ignoring case; ``%`` and ``_`` are literal).

    A string value is compared unquoted and unescaped (``#>> '{}'`` on PostgreSQL,
    ``json_extract(value, '$')`` on SQLite); a table's rows as their JSON text.
    """
    return row.value[()].as_string().icontains(text, autoescape=True)


def _joined(*columns: Any) -> Select:
    return select(*columns).select_from(FieldRow).join(RunRow, FieldRow.run_id == RunRow.id).join(
        DocumentRow, RunRow.document_id == DocumentRow.id
    )


def _held(now: datetime) -> ColumnElement[bool]:
    return and_(FieldRow.claimed_by.is_not(None), FieldRow.claimed_until >= now)


def claimable(reviewer: str, now: datetime) -> ColumnElement[bool]:
    return or_(FieldRow.claimed_by.is_(None), FieldRow.claimed_until < now, FieldRow.claimed_by == reviewer)


# ---------------------------------------------------------------- the queue


@dataclass(frozen=True)
class QueueItem:
    """A document in the queue: its matching fields summarised."""

    run_id: int
    document_id: str
    source: str
    schema_name: str
    created_at: datetime
    fields: int
    min_confidence: float
    claimed: int  # how many of those fields a reviewer holds now


def queue(store: Store, flt: QueueFilter, limit: int = 50, offset: int = 0, now: datetime | None = None) -> list[QueueItem]:
    """Documents with matching fields, most urgent first: lowest confidence, oldest, then schema."""
    now = now or utcnow()
    lowest = func.min(FieldRow.confidence)
    q = flt.apply(
        _joined(
            RunRow.id, DocumentRow.id, DocumentRow.source, RunRow.schema_name, RunRow.created_at,
            func.count(FieldRow.id), lowest, func.sum(case((_held(now), 1), else_=0)),
        )
    )
    q = q.group_by(RunRow.id, DocumentRow.id, DocumentRow.source, RunRow.schema_name, RunRow.created_at)
    q = q.order_by(lowest, RunRow.created_at, RunRow.schema_name, RunRow.id).limit(limit).offset(offset)
    with store.session() as s:
        return [
            QueueItem(r[0], r[1], r[2], r[3], aware(r[4]), r[5], r[6], int(r[7] or 0))
            for r in s.execute(q)
        ]


@dataclass(frozen=True)
class QueueCounts:
    fields: int
    documents: int
    claimed: int
    by_schema: dict[str, int]  # schema -> matching fields


def queue_counts(store: Store, flt: QueueFilter, now: datetime | None = None) -> QueueCounts:
    now = now or utcnow()
    q = flt.apply(
        _joined(
            RunRow.schema_name, func.count(FieldRow.id), func.count(func.distinct(RunRow.id)),
            func.sum(case((_held(now), 1), else_=0)),
        )
    ).group_by(RunRow.schema_name)
    with store.session() as s:
        rows = s.execute(q).all()
    return QueueCounts(
        fields=sum(r[1] for r in rows),
        documents=sum(r[2] for r in rows),
        claimed=sum(int(r[3] or 0) for r in rows),
        by_schema={r[0]: r[1] for r in rows},
    )


def value_hits(store: Store, run_ids: list[int], text: str) -> dict[int, list[str]]:
    """Per run, the names of its fields whose value holds ``text``: why a value search listed it."""
    q = select(FieldRow.run_id, FieldRow.name).where(FieldRow.run_id.in_(run_ids), value_contains(FieldRow, text)).order_by(FieldRow.id)
    hits: dict[int, list[str]] = {}
    with store.session() as s:
        for run_id, name in s.execute(q):
            hits.setdefault(run_id, []).append(name)
    return hits


def schema_names(store: Store) -> list[str]:
    with store.session() as s:
        return list(s.scalars(select(RunRow.schema_name).distinct().order_by(RunRow.schema_name)))


# ---------------------------------------------------------------- claims


def claim(store: Store, field_id: int, reviewer: str, minutes: float, now: datetime | None = None) -> bool:
    """Take one field for ``reviewer`` (compare-and-set); their other claims are let go."""
    now = now or utcnow()
    with store.session.begin() as s:
        taken = s.execute(
            update(FieldRow)
            .where(FieldRow.id == field_id, claimable(reviewer, now))
            .values(claimed_by=reviewer, claimed_until=now + timedelta(minutes=minutes))
            .execution_options(synchronize_session=False)
        ).rowcount
        if taken == 1:
            s.execute(
                update(FieldRow)
                .where(FieldRow.claimed_by == reviewer, FieldRow.id != field_id)
                .values(claimed_by=None, claimed_until=None)
                .execution_options(synchronize_session=False)
            )
    return taken == 1


def claim_next(
    store: Store,
    reviewer: str,
    flt: QueueFilter,
    minutes: float,
    prefer_run: int | None = None,
    skip: Iterable[int] = (),
    now: datetime | None = None,
) -> int | None:
    """Claim the most urgent pending field nobody else holds; None when there is none.

    ``prefer_run`` first, so a reviewer finishes the document in front of them;
    ``skip``: fields this reviewer put aside. Losing a race for one field just
    moves on to the next.
    """
    now = now or utcnow()
    flt = replace(flt, status=PENDING)
    first = case((FieldRow.run_id == prefer_run, 0), else_=1) if prefer_run is not None else literal(1)
    q = flt.apply(_joined(FieldRow.id)).where(claimable(reviewer, now))
    if skip:
        q = q.where(FieldRow.id.not_in(list(skip)))
    q = q.order_by(first, FieldRow.confidence, RunRow.created_at, RunRow.schema_name, FieldRow.id).limit(CLAIM_SCAN)
    while True:
        with store.session() as s:
            ids = list(s.scalars(q))
        if not ids:
            return None
        for field_id in ids:
            if claim(store, field_id, reviewer, minutes, now):
                return field_id


def release(store: Store, field_id: int, reviewer: str) -> None:
    """Give a field back (only the holder can)."""
    with store.session.begin() as s:
        s.execute(
            update(FieldRow)
            .where(FieldRow.id == field_id, FieldRow.claimed_by == reviewer)
            .values(claimed_by=None, claimed_until=None)
            .execution_options(synchronize_session=False)
        )


# ---------------------------------------------------------------- one field, one document


@dataclass(frozen=True)
class FieldView:
    """A field with the document facts the review page shows beside it."""

    id: int
    run_id: int
    name: str
    value: Any
    confidence: float
    status: str
    evidence: list[dict[str, Any]]
    extractor: str | None
    reasons: list[str]
    candidates: list[dict[str, Any]]
    claimed_by: str | None
    claimed_until: datetime | None
    schema_name: str
    document_id: str
    source: str
    media_type: str | None
    created_at: datetime

    def held_by_other(self, reviewer: str, now: datetime | None = None) -> bool:
        return bool(self.claimed_by and self.claimed_by != reviewer and self.claimed_until and self.claimed_until >= (now or utcnow()))


_VIEW_COLUMNS = (
    FieldRow.id, FieldRow.run_id, FieldRow.name, FieldRow.value, FieldRow.confidence, FieldRow.status,
    FieldRow.evidence, FieldRow.extractor, FieldRow.reasons, FieldRow.candidates, FieldRow.claimed_by,
    FieldRow.claimed_until, RunRow.schema_name, DocumentRow.id, DocumentRow.source, DocumentRow.media_type,
    RunRow.created_at,
)


def _view(row: Any) -> FieldView:
    values = list(row)
    values[11] = aware(values[11])
    values[16] = aware(values[16])
    return FieldView(*values)


def field_view(store: Store, field_id: int) -> FieldView | None:
    with store.session() as s:
        row = s.execute(_joined(*_VIEW_COLUMNS).where(FieldRow.id == field_id)).first()
    return _view(row) if row else None


def document_fields(store: Store, run_id: int) -> list[FieldView]:
    """Every field of a run, in the order the pipeline stored them (the schema's)."""
    with store.session() as s:
        rows = s.execute(_joined(*_VIEW_COLUMNS).where(FieldRow.run_id == run_id).order_by(FieldRow.id)).all()
    return [_view(r) for r in rows]


class InvalidThreshold(ValueError):
    """A confidence threshold outside 0..1."""


def confident_pending(store: Store, run_id: int, minimum: float) -> list[FieldView]:
    """The run's pending fields at or above confidence ``minimum``, most confident first:
    what a bulk accept offers."""
    if not 0.0 <= minimum <= 1.0:
        raise InvalidThreshold(f"a confidence threshold is between 0 and 1, not {minimum}")
    q = _joined(*_VIEW_COLUMNS).where(FieldRow.run_id == run_id, FieldRow.status == PENDING, FieldRow.confidence >= minimum)
    with store.session() as s:
        return [_view(r) for r in s.execute(q.order_by(FieldRow.confidence.desc(), FieldRow.id))]


def pending_in_run(store: Store, run_id: int) -> int:
    with store.session() as s:
        return s.scalar(select(func.count(FieldRow.id)).where(FieldRow.run_id == run_id, FieldRow.status == PENDING)) or 0


def run_summary(store: Store, run_id: int) -> dict[str, Any] | None:
    """The run's own columns (not its state JSON)."""
    cols = (RunRow.id, RunRow.status, RunRow.schema_name, RunRow.schema_version, RunRow.created_at, RunRow.exported_at,
            RunRow.error_code, DocumentRow.source, DocumentRow.id)
    with store.session() as s:
        row = s.execute(select(*cols).join(DocumentRow, RunRow.document_id == DocumentRow.id).where(RunRow.id == run_id)).first()
    if row is None:
        return None
    keys = ("run_id", "status", "schema_name", "schema_version", "created_at", "exported_at", "error_code", "source", "document_id")
    out = dict(zip(keys, row))
    out["created_at"], out["exported_at"] = aware(out["created_at"]), aware(out["exported_at"])
    return out


def recent_runs(store: Store, limit: int = 200) -> list[tuple[int, str, str, str]]:
    """(run id, source, schema, status), newest first: the document picker."""
    q = (select(RunRow.id, DocumentRow.source, RunRow.schema_name, RunRow.status)
         .join(DocumentRow, RunRow.document_id == DocumentRow.id).order_by(RunRow.id.desc()).limit(limit))
    with store.session() as s:
        return [tuple(r) for r in s.execute(q)]


@dataclass(frozen=True)
class DocumentContent:
    """What the run's state JSON holds beyond the columns: text, pages, word boxes, origin."""

    parsed: ParsedDocument | None
    bucket_key: str | None  # the object's key when the document came from the bucket


def document_content(store: Store, run_id: int) -> DocumentContent:
    with store.session() as s:
        state = s.scalar(select(RunRow.state).where(RunRow.id == run_id)) or {}
    parsed = state.get("parsed")
    return DocumentContent(
        ParsedDocument.model_validate(parsed) if parsed else None,
        (state.get("provenance") or {}).get("bucket_key"),
    )


MEMORY_EXTRACTOR = "memory"


def learned_from(store: Store, run_id: int, name: str, value: Any) -> list[str]:
    """The reviewed documents (ids) the memory extractor learned ``value`` of field ``name``
    from, for this run: its proposals of that value (of an item, for a list), as kept in the
    run's state; [] when memory did not propose it."""
    with store.session() as s:
        proposals = s.scalar(select(RunRow.state[("candidates", name)]).where(RunRow.id == run_id)) or []
    values = value if isinstance(value, list) else [value]
    ids: dict[str, None] = {}  # ordered, without repeats
    for p in proposals:
        if p.get("extractor") == MEMORY_EXTRACTOR and p.get("value") in values:
            ids.update(dict.fromkeys(p.get("learned_from") or []))
    return list(ids)


def document_sources(store: Store, document_ids: list[str]) -> dict[str, str]:
    """Document id -> its source (path or URL)."""
    with store.session() as s:
        return dict(s.execute(select(DocumentRow.id, DocumentRow.source).where(DocumentRow.id.in_(document_ids))).all())


def history(store: Store, field_id: int) -> list[ReviewRow]:
    with store.session() as s:
        return list(s.scalars(select(ReviewRow).where(ReviewRow.field_id == field_id).order_by(ReviewRow.id)))


# ---------------------------------------------------------------- dashboard


def run_counts(store: Store) -> dict[str, int]:
    """Runs by document status."""
    with store.session() as s:
        return dict(s.execute(select(RunRow.status, func.count(RunRow.id)).group_by(RunRow.status)).all())


def field_counts(store: Store) -> dict[str, int]:
    """Fields by status (now, i.e. after reviews)."""
    with store.session() as s:
        return dict(s.execute(select(FieldRow.status, func.count(FieldRow.id)).group_by(FieldRow.status)).all())


def pending_documents(store: Store) -> list[tuple[int, datetime, int]]:
    """(run id, created, pending fields) of every document waiting for review: the backlog."""
    q = (select(RunRow.id, RunRow.created_at, func.count(FieldRow.id))
         .join(FieldRow, FieldRow.run_id == RunRow.id).where(FieldRow.status == PENDING)
         .group_by(RunRow.id, RunRow.created_at))
    with store.session() as s:
        return [(r[0], aware(r[1]), r[2]) for r in s.execute(q)]


def _routed_status(dialect: str) -> ColumnElement[str]:
    """The status routing gave a field, as kept in the run's state snapshot.

    Reviews overwrite ``fields.status``; the pipeline's own decision survives in
    ``runs.state['fields'][name]['status']`` (review never rewrites that part).
    """
    if dialect == "postgresql":
        return func.jsonb_extract_path_text(RunRow.state, "fields", FieldRow.name, "status")
    return func.json_extract(RunRow.state, literal('$.fields."') + FieldRow.name + literal('".status'))


@dataclass(frozen=True)
class ReviewedField:
    """A field people decided on: what the pipeline said, and what they made of it."""

    field_id: int
    schema_name: str
    name: str
    routed_status: str | None  # auto_accepted or needs_review
    confidence: float
    action: str  # the last decision
    pipeline_value: Any  # before the first review
    final_value: Any  # after the last review

    @property
    def changed(self) -> bool:
        return self.action != FieldStatus.accepted.value and self.final_value != self.pipeline_value


def reviewed_fields(store: Store) -> list[ReviewedField]:
    first = (select(ReviewRow.field_id, func.min(ReviewRow.id).label("first"), func.max(ReviewRow.id).label("last"))
             .where(standing()).group_by(ReviewRow.field_id).subquery())
    r1, r2 = ReviewRow.__table__.alias("r1"), ReviewRow.__table__.alias("r2")
    q = (
        select(FieldRow.id, RunRow.schema_name, FieldRow.name, _routed_status(store.engine.dialect.name),
               FieldRow.confidence, r2.c.action, r1.c.before, r2.c.after)
        .select_from(first)
        .join(FieldRow, FieldRow.id == first.c.field_id)
        .join(RunRow, RunRow.id == FieldRow.run_id)
        .join(r1, r1.c.id == first.c.first)
        .join(r2, r2.c.id == first.c.last)
    )
    with store.session() as s:
        return [ReviewedField(*r) for r in s.execute(q)]


def calibration(reviewed: list[ReviewedField], bins: int = 10) -> list[tuple[float, int, float]]:
    """(bin middle, fields, share whose value a person kept) per confidence bin with data.

    A well-calibrated scorer puts each point on the diagonal.
    """
    kept: dict[int, list[bool]] = {}
    for r in reviewed:
        kept.setdefault(min(int(r.confidence * bins), bins - 1), []).append(not r.changed)
    return [((b + 0.5) / bins, len(v), sum(v) / len(v)) for b, v in sorted(kept.items())]


def cost_by_schema(store: Store) -> list[tuple[str, int, float, int]]:
    """(schema, documents, total cost USD, model calls) over every run."""
    calls = (select(ModelCallRow.run_id, func.sum(ModelCallRow.cost_usd).label("cost"), func.count(ModelCallRow.id).label("n"))
             .group_by(ModelCallRow.run_id).subquery())
    q = (select(RunRow.schema_name, func.count(RunRow.id), func.coalesce(func.sum(calls.c.cost), 0.0), func.coalesce(func.sum(calls.c.n), 0))
         .outerjoin(calls, calls.c.run_id == RunRow.id)
         .where(RunRow.status != DocStatus.failed.value)
         .group_by(RunRow.schema_name).order_by(RunRow.schema_name))
    with store.session() as s:
        return [(r[0], r[1], float(r[2]), int(r[3])) for r in s.execute(q)]


# ---------------------------------------------------------------- gold labels
