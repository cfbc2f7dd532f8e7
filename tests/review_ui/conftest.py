"""Review UI fixtures: databases seeded by the real pipeline, and the app's environment.

Documents are real invoices from the shared datasets run through the real
pipeline (rules extractor, no model), so the queue holds whatever the pipeline
really leaves for a person.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import streamlit as st

from pipeline.config import Settings, get_settings
from pipeline.state import DocumentState
from pipeline.store import Store
from review_ui.config import get_review_settings
from tests.conftest import DATASETS

PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
INVOICES = DATASETS / "parsee_invoices" / "pdfs"


def invoice_files(n: int) -> list[Path]:
    return sorted(INVOICES.glob("*.pdf"))[:n]


@dataclass
class Seeded:
    store: Store
    settings: Settings
    states: list[DocumentState]
    out: Path


def seed(store: Store, home: Path, files: list[Path], schema: str = "invoice") -> list[DocumentState]:
    from pipeline.run import Pipeline

    settings = Settings(home=home, database_url=store.url, llm_provider="none")
    pipe = Pipeline(settings, extractor_names=["rules"], store=store)
    return [pipe.process(path.read_bytes(), str(path), schema) for path in files]


@pytest.fixture
def store(any_store) -> Store:
    return any_store


@pytest.fixture
def seeded(store, tmp_path, monkeypatch) -> Iterator[Seeded]:
    monkeypatch.setenv("DOCLOOP_HOME", str(tmp_path))  # where resolved documents are remembered
    get_settings.cache_clear()
    states = seed(store, tmp_path, invoice_files(2))
    yield Seeded(store, Settings(home=tmp_path, database_url=store.url, llm_provider="none"), states, tmp_path / "out")
    get_settings.cache_clear()


@pytest.fixture
def app_env(tmp_path, monkeypatch) -> Iterator[Seeded]:
    """The environment the Streamlit app reads, on a seeded SQLite database.

    The app reads settings from ``DOCLOOP_*`` and caches them (and its store)
    per process; AppTest runs the app in this process, so the caches are reset.
    """
    url = f"sqlite:///{tmp_path / 'docloop.db'}"
    out = tmp_path / "out"
    monkeypatch.setenv("DOCLOOP_HOME", str(tmp_path))
    monkeypatch.setenv("DOCLOOP_DATABASE_URL", url)
    monkeypatch.setenv("DOCLOOP_LLM_PROVIDER", "none")
    monkeypatch.setenv("DOCLOOP_REVIEW_OUT", str(out))
    monkeypatch.setenv("DOCLOOP_REVIEW_USERS_FILE", str(tmp_path / "reviewers.yaml"))
    monkeypatch.chdir(tmp_path)  # no stray .streamlit/secrets.toml or .env from the checkout
    _reset_caches()
    store = Store(url)
    store.migrate()
    states = seed(store, tmp_path, invoice_files(2))
    yield Seeded(store, get_settings(), states, out)
    store.engine.dispose()
    _reset_caches()


def _reset_caches() -> None:
    get_settings.cache_clear()
    get_review_settings.cache_clear()
    st.cache_resource.clear()
    st.cache_data.clear()
