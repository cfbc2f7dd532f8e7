"""Shared fixtures: the datasets folder, small parsed documents, and stores on both databases."""

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest

from pipeline.store import Store

from pipeline.state import PAGE_BREAK, Page, ParsedDocument, Word

ROOT = Path(__file__).resolve().parents[1]
DATASETS = ROOT / ".." / "shared" / "datasets"
PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"


@pytest.fixture(autouse=True)
def _schema_path_of_its_own() -> Iterator[None]:
    """Each test starts with the process's own ``DOCLOOP_SCHEMA_PATH``: the evaluation adds its
    user schemas to it for the rest of a process (``eval.run.user_schemas``), and a later test's
    ``docloop`` child would otherwise classify among them too."""
    from pipeline.schemas import registry

    before = os.environ.get("DOCLOOP_SCHEMA_PATH")
    yield
    if os.environ.get("DOCLOOP_SCHEMA_PATH") != before:
        if before is None:
            del os.environ["DOCLOOP_SCHEMA_PATH"]
        else:
            os.environ["DOCLOOP_SCHEMA_PATH"] = before
        registry.cache_clear()


@contextmanager
def postgres_database() -> Iterator[str]:
    """A fresh database on the local PostgreSQL, dropped afterwards; yields its SQLAlchemy URL."""
    name = f"docloop_test_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    finally:
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", "postgresql"])
def any_store(request, tmp_path) -> Iterator[Store]:
    """A migrated store on SQLite and, as a second case, on a real PostgreSQL."""
    if request.param == "sqlite":
        s = Store(f"sqlite:///{tmp_path / 'docloop.db'}")
        s.migrate()
        yield s
        s.engine.dispose()
        return
    with postgres_database() as url:
        s = Store(url)
        s.migrate()
        yield s
        s.engine.dispose()


def docx_bytes(*paragraphs: str) -> bytes:
    """A DOCX file holding these paragraphs, as python-docx writes it."""
    import io

    import docx

    document = docx.Document()
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def make_document(*pages: str) -> ParsedDocument:
    """A parsed document from page texts, one Word (without boxes) per token."""
    import re

    text = PAGE_BREAK.join(pages)
    out, offset = [], 0
    for number, page_text in enumerate(pages, start=1):
        words = [
            Word(text=m.group(0), start=offset + m.start(), end=offset + m.end(), bbox=(m.start(), number, m.end(), number + 1))
            for m in re.finditer(r"\S+", page_text)
        ]
        out.append(Page(number=number, start=offset, end=offset + len(page_text), words=words))
        offset += len(page_text) + len(PAGE_BREAK)
    return ParsedDocument(text=text, pages=out, parser="test")


@pytest.fixture
def datasets() -> Path:
    return DATASETS
