"""Storage: documents, extraction runs, fields, reviews and model calls.

SQLAlchemy 2 models; the schema itself is created and changed only by Alembic
migrations (``pipeline/migrations``). SQLite by default, PostgreSQL through
``DOCLOOP_DATABASE_URL``. A run is keyed by content hash + schema + pipeline and
prompt versions (``run_key``): the unique key is what makes re-processing the
same file a no-op, and a new prompt version a deliberate re-run.
"""

from __future__ import annotations

import re
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterator, NamedTuple

from sqlalchemy import (
    JSON,
    Boolean,
    ColumnElement,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    BigInteger,
    UniqueConstraint,
    and_,
    create_engine,
    event,
    func,
    inspect,
    select,
    text,
    update,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, relationship, sessionmaker

from pipeline.state import DocumentState, FieldResult, FieldStatus

JSONType = JSON().with_variant(JSONB(), "postgresql")
MIGRATIONS = Path(__file__).parent / "migrations"
_REVISION = re.compile(r"^(down_revision|revision)\b[^=\n]*=\s*['\"]?(\w+)", re.M)


def _head_revision() -> str | None:
    """The one migration no other builds on, read from the scripts without loading Alembic.

    None when that is not clear (several heads, a script in another form): then
    Alembic itself decides.
    """
    revisions, parents = set(), set()
    for script in (MIGRATIONS / "versions").glob("*.py"):
        found = dict(m.groups() for m in _REVISION.finditer(script.read_text()))
        if "revision" not in found:
            return None
        revisions.add(found["revision"])
        parents.add(found.get("down_revision"))
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 else None


_LOCK_NAMESPACE = 0x646C  # advisory-lock key space of run ids ("dl")


def aware(moment: datetime | None) -> datetime | None:
    """SQLite hands datetimes back without a zone; every stored time is UTC."""
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=timezone.utc)
    return moment


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class Base(DeclarativeBase):
    pass


class DocumentRow(Base):
    __tablename__ = "documents"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    source: Mapped[str] = mapped_column(Text)
    size: Mapped[int] = mapped_column(Integer)
    media_type: Mapped[str | None] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class RunRow(Base):
    __tablename__ = "runs"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_key: Mapped[str] = mapped_column(String(256), unique=True)
    document_id: Mapped[str] = mapped_column(ForeignKey("documents.id"), index=True)
    schema_name: Mapped[str] = mapped_column(String(128), index=True)
    schema_version: Mapped[str] = mapped_column(String(32))
    pipeline_version: Mapped[str] = mapped_column(String(32))
    prompt_version: Mapped[str] = mapped_column(String(64))
    stage: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(32), index=True)
    error_code: Mapped[str | None] = mapped_column(String(64))
    error_message: Mapped[str | None] = mapped_column(Text)
    state: Mapped[dict[str, Any]] = mapped_column(JSONType)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)
    exported_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")  # stage executions, retries included
    fields: Mapped[list[FieldRow]] = relationship(back_populates="run", cascade="all, delete-orphan")


class FieldRow(Base):
    __tablename__ = "fields"
    __table_args__ = (UniqueConstraint("run_id", "name"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id"), index=True)
    name: Mapped[str] = mapped_column(String(128))
    value: Mapped[Any] = mapped_column(JSONType, nullable=True)
    confidence: Mapped[float] = mapped_column(Float, index=True)
    status: Mapped[str] = mapped_column(String(32), index=True)
    evidence: Mapped[list[Any]] = mapped_column(JSONType)
    extractor: Mapped[str | None] = mapped_column(String(128))
    reasons: Mapped[list[str]] = mapped_column(JSONType)
    candidates: Mapped[list[Any]] = mapped_column(JSONType)
    claimed_by: Mapped[str | None] = mapped_column(String(128))
    claimed_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    run: Mapped[RunRow] = relationship(back_populates="fields")


class ReviewRow(Base):
    __tablename__ = "reviews"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    field_id: Mapped[int] = mapped_column(ForeignKey("fields.id"), index=True)
    reviewer: Mapped[str] = mapped_column(String(128), index=True)
    action: Mapped[str] = mapped_column(String(32))  # accepted | corrected | rejected | undone
    before: Mapped[Any] = mapped_column(JSONType, nullable=True)
    after: Mapped[Any] = mapped_column(JSONType, nullable=True)
    evidence: Mapped[list[Any]] = mapped_column(JSONType)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    undoes: Mapped[int | None] = mapped_column(Integer, index=True)  # set on an "undone" row: the decision it takes back


UNDONE = "undone"  # the action of a review that takes back an earlier decision


def standing() -> ColumnElement[bool]:
    """Reviews that are decisions still in force: not an undo, and not undone by one.

    What every reader of decisions (gold labels, calibration, the dashboard) counts;
    the audit log itself keeps every row.
    """
    undone = select(ReviewRow.undoes).where(ReviewRow.undoes.is_not(None))
    return and_(ReviewRow.undoes.is_(None), ReviewRow.id.not_in(undone))


class ModelCallRow(Base):
    __tablename__ = "model_calls"
    __table_args__ = (UniqueConstraint("run_id", "seq"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id"), index=True)
    seq: Mapped[int] = mapped_column(Integer)  # position in the run: saving twice adds nothing
    provider: Mapped[str] = mapped_column(String(64))
    model: Mapped[str] = mapped_column(String(256))
    prompt_version: Mapped[str] = mapped_column(String(64))
    fields: Mapped[list[str]] = mapped_column(JSONType)
    chunk: Mapped[int | None] = mapped_column(Integer)
    input_tokens: Mapped[int] = mapped_column(Integer)
    output_tokens: Mapped[int] = mapped_column(Integer)
    latency_s: Mapped[float] = mapped_column(Float)
    cost_usd: Mapped[float] = mapped_column(Float)
    cache_hit: Mapped[bool] = mapped_column(Boolean)
    ok: Mapped[bool] = mapped_column(Boolean)
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # the exchange itself (pipeline.telemetry.exchanges), as much as DOCLOOP_STORE_PROMPTS keeps
    request_sha256: Mapped[str | None] = mapped_column(String(64), index=True)
    request: Mapped[list[Any] | None] = mapped_column(JSONType, nullable=True)
    response: Mapped[str | None] = mapped_column(Text)
    parsed: Mapped[Any] = mapped_column(JSONType, nullable=True)
    logprobs: Mapped[list[Any] | None] = mapped_column(JSONType, nullable=True)
    error_permanent: Mapped[bool | None] = mapped_column(Boolean)
    model_sha256: Mapped[str | None] = mapped_column(String(64))
    store_mode: Mapped[str | None] = mapped_column(String(8))


class DeadLetterRow(Base):
    """A queue message that ran out of retries, kept with its reason until re-driven."""

    __tablename__ = "dead_letters"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    message_id: Mapped[str] = mapped_column(String(64), unique=True)  # recording twice adds nothing
    queue: Mapped[str] = mapped_column(String(128))
    actor: Mapped[str] = mapped_column(String(128))
    run_id: Mapped[int | None] = mapped_column(ForeignKey("runs.id"), index=True)
    message: Mapped[dict[str, Any]] = mapped_column(JSONType)
    reason: Mapped[str] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    redriven_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)


class SeenObjectRow(Base):
    """A bucket object version the watcher or the event receiver has already enqueued."""

    __tablename__ = "seen_objects"
    __table_args__ = (UniqueConstraint("bucket", "key", "etag"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    bucket: Mapped[str] = mapped_column(String(512))
    key: Mapped[str] = mapped_column(String(1024))
    etag: Mapped[str] = mapped_column(String(128))
    size: Mapped[int] = mapped_column(BigInteger)
    seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class PromptVersionRow(Base):
    """A prompt/program configuration (pipeline.prompts), its lineage and what it scored."""

    __tablename__ = "prompt_versions"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # the version string runs record
    parent: Mapped[str | None] = mapped_column(String(64))
    config: Mapped[dict[str, Any]] = mapped_column(JSONType)
    status: Mapped[str] = mapped_column(String(16), index=True)  # candidate | active | retired
    traffic_share: Mapped[float] = mapped_column(Float, default=0.0, server_default="0")  # A/B share of a candidate
    note: Mapped[str | None] = mapped_column(Text)
    eval_results: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    created_by: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class PromptEventRow(Base):
    """Who changed which version's status, when, and why (promote, rollback, A/B share)."""

    __tablename__ = "prompt_events"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version: Mapped[str] = mapped_column(ForeignKey("prompt_versions.id"), index=True)
    action: Mapped[str] = mapped_column(String(32))
    actor: Mapped[str] = mapped_column(String(128))
    detail: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class EvalSetRow(Base):
    """One version of a named eval set: its examples with their split (eval.evalsets)."""

    __tablename__ = "eval_sets"
    __table_args__ = (UniqueConstraint("name", "version"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(128), index=True)
    version: Mapped[int] = mapped_column(Integer)
    schema_name: Mapped[str] = mapped_column(String(128))
    sources: Mapped[list[Any]] = mapped_column(JSONType)
    examples: Mapped[list[Any]] = mapped_column(JSONType)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class EvalRunRow(Base):
    """The metrics of one evaluation of an eval set split under one prompt version."""

    __tablename__ = "eval_runs"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    eval_set_id: Mapped[int] = mapped_column(ForeignKey("eval_sets.id"), index=True)
    split: Mapped[str | None] = mapped_column(String(16))
    prompt_version: Mapped[str] = mapped_column(String(64), index=True)
    extractors: Mapped[list[str]] = mapped_column(JSONType)
    metrics: Mapped[dict[str, Any]] = mapped_column(JSONType)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Progress(NamedTuple):
    """Where a run stands, read without loading its state."""

    stage: str
    status: str
    exported: bool
    attempts: int


def run_key(state: DocumentState, pipeline_version: str, prompt_version: str) -> str:
    return f"{state.sha256}:{state.schema_name}:{state.schema_version}:{pipeline_version}:{prompt_version}"


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    # WAL lets the review UI read while a worker writes; a busy timeout instead of "database is locked".
    cur = dbapi_connection.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.close()


class Store:
    """The database behind a small interface: the stages never see SQL."""

    def __init__(self, url: str, **engine_options: Any):
        self.url = url
        if url.startswith("sqlite:///"):
            Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        self.engine = create_engine(url, pool_pre_ping=True, **engine_options)
        if self.engine.dialect.name == "sqlite":
            event.listen(self.engine, "connect", _sqlite_pragmas)
        self.session = sessionmaker(self.engine, expire_on_commit=False)

    def migrate(self) -> None:
        """Bring the database to the newest schema (Alembic ``upgrade head``).

        A database already at the head revision returns at once: loading Alembic
        costs more than a one-document command's whole extraction.
        """
        head = _head_revision()
        if head is not None and self._revisions() == {head}:
            return
        from alembic import command
        from alembic.config import Config

        cfg = Config()
        cfg.set_main_option("script_location", str(MIGRATIONS))
        cfg.set_main_option("sqlalchemy.url", self.url.replace("%", "%%"))
        with self.engine.begin() as connection:
            cfg.attributes["connection"] = connection
            command.upgrade(cfg, "head")

    def _revisions(self) -> set[str]:
        """The revisions recorded in ``alembic_version`` (none before the first migration)."""
        with self.engine.connect() as connection:
            if not inspect(connection).has_table("alembic_version"):
                return set()
            return set(connection.scalars(text("SELECT version_num FROM alembic_version")))

    def claim(self, state: DocumentState, key: str, pipeline_version: str, prompt_version: str) -> tuple[int, bool]:
        """The run for ``key``, created if new. Returns (run id, created).

        The unique ``run_key`` makes this safe under concurrency: of two workers
        claiming the same work, exactly one creates the run.
        """
        with self.session() as s:
            existing = s.scalar(select(RunRow.id).where(RunRow.run_key == key))
            if existing is not None:
                return existing, False
            try:
                if s.get(DocumentRow, state.id) is None:
                    s.add(DocumentRow(id=state.id, sha256=state.sha256, source=state.source, size=state.size, media_type=state.media_type))
                    s.flush()
                row = RunRow(
                    run_key=key,
                    document_id=state.id,
                    schema_name=state.schema_name,
                    schema_version=state.schema_version,
                    pipeline_version=pipeline_version,
                    prompt_version=prompt_version,
                    stage=state.stage.value,
                    status=state.status.value,
                    state=state.model_dump(mode="json"),
                )
                s.add(row)
                s.commit()
                return row.id, True
            except IntegrityError:
                s.rollback()
                return s.scalar(select(RunRow.id).where(RunRow.run_key == key)), False

    def save(self, run_id: int, state: DocumentState, exported: bool = False) -> None:
        """Write a run's state, its fields and any model calls not yet recorded."""
        with self.session.begin() as s:
            self._write(s, run_id, state, exported)

    def advance(self, run_id: int, expected_stage: str, expected_status: str, state: DocumentState, exported: bool = False) -> bool:
        """Compare-and-set: write ``state`` only if the run is still at (expected_stage, expected_status).

        Of two workers finishing the same stage (a redelivered message, a
        duplicate event), exactly one moves the run on; the other gets False and
        must not act on its result.
        """
        with self.session.begin() as s:
            moved = s.execute(
                update(RunRow)
                .where(RunRow.id == run_id, RunRow.stage == expected_stage, RunRow.status == expected_status)
                .values(stage=state.stage.value, status=state.status.value)
            ).rowcount
            if moved != 1:
                return False
            self._write(s, run_id, state, exported)
        return True

    def _write(self, s: Session, run_id: int, state: DocumentState, exported: bool) -> None:
        """The body of ``save``, shared with ``advance`` so both write the same way."""
        run = s.get(RunRow, run_id)
        run.schema_name, run.schema_version = state.schema_name, state.schema_version  # "auto" becomes the classified type
        run.stage = state.stage.value
        run.status = state.status.value
        run.error_code = state.error.code if state.error else None
        run.error_message = state.error.message if state.error else None
        run.state = state.model_dump(mode="json")
        if exported:
            run.exported_at = utcnow()
        rows = {f.name: f for f in run.fields}
        for name, result in state.fields.items():
            row = rows.get(name) or FieldRow(run_id=run_id, name=name)
            _fill_field(row, result)
            if name not in rows:
                run.fields.append(row)
        known = s.scalar(select(ModelCallRow.seq).where(ModelCallRow.run_id == run_id).order_by(ModelCallRow.seq.desc()).limit(1))
        for seq, call in enumerate(state.model_calls):
            if known is None or seq > known:
                s.add(ModelCallRow(run_id=run_id, seq=seq, **call.model_dump(), **(call.exchange or {})))

    def record_export(self, key: str, target: str) -> None:
        """Note where a run's export was written (``provenance["export"]``), so a later
        export of it (after review) replaces that file; no-op for an unknown run."""
        with self.session.begin() as s:
            run = s.scalar(select(RunRow).where(RunRow.run_key == key))
            if run is not None:
                run.state = {**run.state, "provenance": {**run.state.get("provenance", {}), "export": target}}
                run.exported_at = utcnow()

    def load(self, run_id: int) -> DocumentState:
        with self.session() as s:
            run = s.get(RunRow, run_id)
            state = DocumentState.model_validate(run.state)
            fields = {f.name: _field_result(f) for f in run.fields}
        return state.model_copy(update={"fields": fields or state.fields})

    def runs(self, status: str | None = None) -> Iterator[RunRow]:
        with self.session() as s:
            q = select(RunRow).order_by(RunRow.id)
            if status:
                q = q.where(RunRow.status == status)
            yield from s.scalars(q)

    # --- queue workers: progress guards, dead letters, seen bucket objects, token spend ---

    def progress(self, run_id: int) -> Progress | None:
        with self.session() as s:
            row = s.execute(select(RunRow.stage, RunRow.status, RunRow.exported_at, RunRow.attempts).where(RunRow.id == run_id)).first()
        return None if row is None else Progress(row.stage, row.status, row.exported_at is not None, row.attempts)

    def note_attempt(self, run_id: int) -> None:
        with self.session.begin() as s:
            s.execute(update(RunRow).where(RunRow.id == run_id).values(attempts=RunRow.attempts + 1))

    @contextmanager
    def exclusive(self, run_id: int) -> Iterator[bool]:
        """Yields whether this process may work on the run now.

        On PostgreSQL a session advisory lock, held on its own connection for
        the block: a second worker handed the same run (a duplicate message) is
        told False instead of repeating paid work, and when a worker dies the
        server drops its connection and the lock with it, so redelivery is not
        held up by a lease. SQLite (one host, the embedded default) always yields
        True; ``advance`` still lets only one result through.
        """
        if self.engine.dialect.name != "postgresql":
            yield True
            return
        key = {"ns": _LOCK_NAMESPACE, "id": run_id}
        with self.engine.connect() as conn:
            got = bool(conn.execute(text("SELECT pg_try_advisory_lock(:ns, :id)"), key).scalar())
            conn.commit()  # the lock outlives the transaction; do not sit idle in one
            try:
                yield got
            finally:
                if got:
                    conn.execute(text("SELECT pg_advisory_unlock(:ns, :id)"), key)
                    conn.commit()

    def record_dead_letter(
        self, message_id: str, queue: str, actor: str, run_id: int | None, message: dict[str, Any], reason: str, attempts: int
    ) -> bool:
        """Keep a message that ran out of retries; False if it was already recorded."""
        return self._insert_once(DeadLetterRow(message_id=message_id, queue=queue, actor=actor, run_id=run_id, message=message, reason=reason, attempts=attempts))

    def dead_letters(self, include_redriven: bool = False) -> list[DeadLetterRow]:
        with self.session() as s:
            q = select(DeadLetterRow).order_by(DeadLetterRow.id)
            if not include_redriven:
                q = q.where(DeadLetterRow.redriven_at.is_(None))
            return list(s.scalars(q))

    def mark_redriven(self, dead_letter_id: int) -> bool:
        """Compare-and-set, so two ``redrive`` runs never send the same message twice."""
        with self.session.begin() as s:
            return s.execute(
                update(DeadLetterRow).where(DeadLetterRow.id == dead_letter_id, DeadLetterRow.redriven_at.is_(None)).values(redriven_at=utcnow())
            ).rowcount == 1

    def seen_keys(self, bucket: str) -> set[tuple[str, str]]:
        """(key, etag) of every object version of ``bucket`` already enqueued."""
        with self.session() as s:
            return {(r.key, r.etag) for r in s.execute(select(SeenObjectRow.key, SeenObjectRow.etag).where(SeenObjectRow.bucket == bucket))}

    def is_seen(self, bucket: str, key: str, etag: str) -> bool:
        with self.session() as s:
            q = select(SeenObjectRow.id).where(SeenObjectRow.bucket == bucket, SeenObjectRow.key == key, SeenObjectRow.etag == etag)
            return s.scalar(q) is not None

    def mark_seen(self, bucket: str, key: str, etag: str, size: int) -> bool:
        """Remember an enqueued object version; False if it was already remembered.

        Callers enqueue first and remember after, so a crash in between repeats
        an enqueue (harmless: runs are unique) rather than losing one.
        """
        return self._insert_once(SeenObjectRow(bucket=bucket, key=key, etag=etag, size=size))

    def _insert_once(self, row: Base) -> bool:
        """Insert a row a unique key guards; False when it was there already."""
        with self.session() as s:
            s.add(row)
            try:
                s.commit()
                return True
            except IntegrityError:
                s.rollback()
                return False

    def tokens_since(self, since: datetime) -> int:
        """Model tokens (in + out) recorded since ``since``: the per-day budget reads this."""
        with self.session() as s:
            total = s.scalar(
                select(func.coalesce(func.sum(ModelCallRow.input_tokens + ModelCallRow.output_tokens), 0)).where(ModelCallRow.created_at >= since)
            )
        return int(total or 0)

    def gold(self, schema: str | None = None) -> Iterator[dict[str, Any]]:
        """The last standing decision on every reviewed field, as a labelled example (oldest first);
        a field whose decisions were all undone is not an example."""
        last = select(func.max(ReviewRow.id).label("id")).where(standing()).group_by(ReviewRow.field_id).subquery()
        q = (
            select(ReviewRow, FieldRow.name, RunRow.schema_name, RunRow.schema_version, DocumentRow.id, DocumentRow.source, DocumentRow.sha256)
            .join(last, last.c.id == ReviewRow.id)
            .join(FieldRow, FieldRow.id == ReviewRow.field_id)
            .join(RunRow, RunRow.id == FieldRow.run_id)
            .join(DocumentRow, DocumentRow.id == RunRow.document_id)
            .order_by(ReviewRow.id)
        )
        if schema:
            q = q.where(RunRow.schema_name == schema)
        with self.session() as s:
            for review, name, schema_name, version, doc_id, source, sha in s.execute(q):
                yield {
                    "document": {"id": doc_id, "source": source, "sha256": sha},
                    "schema": {"name": schema_name, "version": version},
                    "field": name,
                    "value": review.after,
                    "action": review.action,
                    "before": review.before,
                    "evidence": review.evidence,
                    "reviewer": review.reviewer,
                    "at": aware(review.at).isoformat(),
                }


def _fill_field(row: FieldRow, result: FieldResult) -> None:
    row.value = result.value
    row.confidence = result.confidence
    row.status = result.status.value
    row.evidence = [e.model_dump(mode="json") for e in result.evidence]
    row.extractor = result.extractor
    row.reasons = list(result.reasons)
    row.candidates = [c.model_dump(mode="json") for c in result.candidates]


def _field_result(row: FieldRow) -> FieldResult:
    return FieldResult(
        value=row.value,
        confidence=row.confidence,
        status=FieldStatus(row.status),
        evidence=row.evidence,
        extractor=row.extractor,
        reasons=row.reasons,
        candidates=row.candidates,
    )
