"""Storage: documents, extraction runs, fields, reviews and model calls.

SQLAlchemy 2 models; the schema itself is created and changed only by Alembic
migrations (``pipeline/migrations``). SQLite by default, PostgreSQL through
``DOCLOOP_DATABASE_URL``. A run is keyed by content hash + schema + pipeline and
prompt versions (``run_key``): the unique key is what makes re-processing the
same file a no-op, and a new prompt version a deliberate re-run.
"""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterator

from alembic import command
from alembic.config import Config
from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    create_engine,
    event,
    select,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, relationship, sessionmaker

from pipeline.state import DocumentState, FieldResult, FieldStatus

JSONType = JSON().with_variant(JSONB(), "postgresql")
MIGRATIONS = Path(__file__).parent / "migrations"


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
    reviewer: Mapped[str] = mapped_column(String(128))
    action: Mapped[str] = mapped_column(String(32))  # accepted | corrected | rejected
    before: Mapped[Any] = mapped_column(JSONType, nullable=True)
    after: Mapped[Any] = mapped_column(JSONType, nullable=True)
    evidence: Mapped[list[Any]] = mapped_column(JSONType)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


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

    def __init__(self, url: str):
        self.url = url
        if url.startswith("sqlite:///"):
            Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        self.engine = create_engine(url, pool_pre_ping=True)
        if self.engine.dialect.name == "sqlite":
            event.listen(self.engine, "connect", _sqlite_pragmas)
        self.session = sessionmaker(self.engine, expire_on_commit=False)

    def migrate(self) -> None:
        """Bring the database to the newest schema (Alembic ``upgrade head``)."""
        cfg = Config()
        cfg.set_main_option("script_location", str(MIGRATIONS))
        cfg.set_main_option("sqlalchemy.url", self.url.replace("%", "%%"))
        with self.engine.begin() as connection:
            cfg.attributes["connection"] = connection
            command.upgrade(cfg, "head")

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
            run = s.get(RunRow, run_id)
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
                    s.add(ModelCallRow(run_id=run_id, seq=seq, **call.model_dump()))

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
