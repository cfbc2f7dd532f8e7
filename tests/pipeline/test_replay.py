"""Stored model calls and replay: every document of a run replays to the same export bytes with no
model call; a window replayed with a changed prompt reports the fields it changes."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import select, update

from eval.replay_gate import gate
from pipeline import prompts
from pipeline.config import Settings
from pipeline.prompting import PromptConfig
from pipeline.replay import latest_run, replay_stored, replay_window
from pipeline.run import build_pipeline
from pipeline.store import FieldRow, ModelCallRow, RunRow, Store
from tests.fakes.openai_server import FakeOpenAI, FakeRequest
from tests.workers.stack import receipt

ROOT = Path(__file__).resolve().parents[2]
MARK = "Prefer the last line that fits."


def lines_answer(request: FakeRequest) -> dict:
    """Each field answered with a line of the chunk (the first; the last when the prompt says so)."""
    chunk = [line.strip() for line in request.messages[-1]["content"].splitlines() if line.strip()]
    pick = chunk[-1] if MARK in request.messages[0]["content"] else chunk[len(chunk) // 2]
    props = (request.schema or {}).get("properties", {})
    return {n: [] if p.get("type") == "array" else {"quote": pick, "value": pick} for n, p in props.items()}


@pytest.fixture
def model_server():
    with FakeOpenAI(answer=lines_answer) as server:
        yield server


def settings_for(tmp_path, server, **extra) -> Settings:
    return Settings(home=tmp_path, llm_provider="openai", llm_base_url=server.base_url, llm_model="fake", llm_api_key="x",
                    llm_max_retries=0, llm_price_in_per_mtok=1.0, llm_price_out_per_mtok=2.0, **extra)


def run_documents(settings: Settings, store: Store, n: int) -> None:
    pipe = build_pipeline(settings, ["rules", "llm"], store)
    for i in range(n):
        pipe.process(receipt(i, seed=7), f"r{i}.txt", "auto")


def test_every_document_of_a_50_document_run_replays_byte_for_byte_without_a_model(tmp_path, model_server):
    settings = settings_for(tmp_path, model_server)
    store = Store(settings.resolved_database_url)
    store.migrate()
    run_documents(settings, store, 50)
    with store.session() as s:
        calls = s.scalars(select(ModelCallRow)).all()
        runs = s.scalars(select(RunRow.id)).all()
    asked = [c for c in calls if not c.cache_hit]
    assert len(runs) == 50 and asked
    assert all(c.request and c.request_sha256 and c.response and c.input_tokens > 0 for c in asked)
    assert all(c.request[-1]["role"] == "user" for c in asked)

    requests = model_server.stats.requests
    results = [replay_stored(store, settings, run) for run in runs]
    assert model_server.stats.requests == requests  # no model call
    assert [r.run_id for r in results if not r.identical] == []
    assert latest_run(store, results[0].document_id) == results[0].run_id


def test_replay_reports_a_changed_stored_answer(tmp_path, model_server):
    """Replay really uses the stored answers: tamper with one and the export differs in that field."""
    settings = settings_for(tmp_path, model_server)
    store = Store(settings.resolved_database_url)
    store.migrate()
    run_documents(settings, store, 3)
    with store.session.begin() as s:
        call = s.scalars(select(ModelCallRow).where(ModelCallRow.parsed.is_not(None))).first()
        field = call.fields[0]
        parsed = dict(call.parsed)
        parsed[field] = {"quote": "THANK YOU", "value": "THANK YOU"}
        s.execute(update(ModelCallRow).where(ModelCallRow.id == call.id).values(parsed=parsed))
        run_id = call.run_id
    result = replay_stored(store, settings, run_id)
    assert not result.identical and field in result.changed_fields

    # the command: exit 1 when an export differs, 0 when all are the same (named by document id)
    with store.session() as s:
        others = [d for r, d in s.execute(select(RunRow.id, RunRow.document_id)) if r != run_id]
    env = {"DOCLOOP_HOME": str(tmp_path), "PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)}
    cli = [sys.executable, "-m", "pipeline.cli", "replay"]
    same = subprocess.run([*cli, *others], env=env, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert same.returncode == 0, same.stdout + same.stderr
    differs = subprocess.run([*cli, str(run_id)], env=env, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert differs.returncode == 1 and field in differs.stderr + differs.stdout


def test_hash_mode_keeps_no_prompt_and_none_mode_cannot_replay(tmp_path, model_server):
    for mode in ("hash", "none"):
        settings = settings_for(tmp_path / mode, model_server, store_prompts=mode)
        store = Store(settings.resolved_database_url)
        store.migrate()
        run_documents(settings, store, 2)
        with store.session() as s:
            calls = [c for c in s.scalars(select(ModelCallRow)).all() if not c.cache_hit]
            runs = s.scalars(select(RunRow.id)).all()
        assert calls and all(c.request is None for c in calls)
        replays = [replay_stored(store, settings, r) for r in runs]
        if mode == "hash":
            assert all(c.request_sha256 and c.response for c in calls) and all(r.identical for r in replays)
        else:
            assert all(c.request_sha256 is None and c.response is None for c in calls)
            assert all(not r.identical and r.error for r in replays)


def test_window_replay_with_a_changed_prompt_reports_changed_fields_and_gates(tmp_path, model_server):
    settings = settings_for(tmp_path, model_server)
    store = Store(settings.resolved_database_url)
    store.migrate()
    start = datetime.now(timezone.utc) - timedelta(seconds=1)
    run_documents(settings, store, 6)
    candidate = prompts.register(store, PromptConfig(instructions=PromptConfig().instructions + "\n" + MARK), "test")
    # a person reviewed one field the model was asked for: its truth is the stored value
    with store.session.begin() as s:
        call = s.scalars(select(ModelCallRow).where(ModelCallRow.parsed.is_not(None))).first()
        s.execute(update(FieldRow).where(FieldRow.run_id == call.run_id, FieldRow.name == call.fields[0]).values(status="accepted"))

    requests = model_server.stats.requests
    report = replay_window(store, settings, start, prompt_version=candidate.version)
    assert model_server.stats.requests > requests  # live
    assert report.documents == 6 and report.input_tokens > 0 and report.cost_usd > 0 and report.seconds > 0
    assert sum(f.changed for f in report.fields.values()) > 0
    assert sum(f.reviewed for f in report.fields.values()) == 1
    evidence = tmp_path / "replay.json"
    evidence.write_text(json.dumps(report.as_dict()))
    env = {"DOCLOOP_HOME": str(tmp_path), "PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)}
    said = subprocess.run([sys.executable, "-m", "pipeline.cli", "replay-gate", "--dry-run", str(evidence)], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=300, check=True).stdout
    assert "not promoted: replay of 6 documents" in said and prompts.active(store).version != candidate.version
    promoted, reason = gate(store, report.as_dict(), "test")
    assert "replay of 6 documents" in reason
    assert prompts.row(store, candidate.version).eval_results["replay"]["documents"] == 6
    assert promoted == (prompts.active(store).version == candidate.version)
