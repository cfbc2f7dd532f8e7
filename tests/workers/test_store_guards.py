"""The store's guards for queue workers, on SQLite and a real PostgreSQL, and the 0002 migration on both."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone

from alembic import command
from alembic.config import Config
from sqlalchemy import inspect

from pipeline.state import DocStatus, DocumentState, ModelCall, Stage
from pipeline.store import MIGRATIONS, Store


def doc(n: int = 0) -> DocumentState:
    digest = f"{n:064x}"
    return DocumentState(id=digest[:16], source=f"s3://b/inbox/{n}.txt", sha256=digest, size=10, schema_name="receipt", schema_version="1")


def test_advance_lets_exactly_one_result_through(any_store):
    state = doc()
    run_id, _ = any_store.claim(state, "k", "v", "p")
    parsed = state.model_copy(update={"stage": Stage.parsed})
    with ThreadPoolExecutor(8) as pool:
        moved = list(pool.map(lambda _: any_store.advance(run_id, "ingested", "pending", parsed), range(16)))
    assert sum(moved) == 1
    assert any_store.progress(run_id).stage == "parsed"
    # a late duplicate of the same step changes nothing
    assert not any_store.advance(run_id, "ingested", "pending", parsed)


def test_advance_records_schema_chosen_after_auto(any_store):
    state = doc().model_copy(update={"schema_name": "auto", "schema_version": ""})
    run_id, _ = any_store.claim(state, "k-auto", "v", "p")
    classified = state.model_copy(update={"schema_name": "invoice", "schema_version": "1", "stage": Stage.parsed})
    assert any_store.advance(run_id, "ingested", "pending", classified)
    assert [r.schema_name for r in any_store.runs()] == ["invoice"]


def test_progress_and_attempts(any_store):
    run_id, _ = any_store.claim(doc(), "k", "v", "p")
    any_store.note_attempt(run_id)
    any_store.note_attempt(run_id)
    done = doc().model_copy(update={"stage": Stage.exported, "status": DocStatus.completed})
    assert any_store.advance(run_id, "ingested", "pending", done, exported=True)
    assert any_store.progress(run_id) == ("exported", "completed", True, 2)
    assert any_store.progress(run_id + 100) is None


def test_exclusive_admits_one_holder_at_a_time(any_store):
    other = Store(any_store.url)
    with any_store.exclusive(7) as first:
        with other.exclusive(7) as second:
            pass
        with other.exclusive(8) as unrelated:
            pass
    with other.exclusive(7) as after_release:
        pass
    assert first and unrelated and after_release
    # PostgreSQL refuses the second holder; SQLite (single host, embedded) relies on advance alone
    assert second is (any_store.engine.dialect.name != "postgresql")
    other.engine.dispose()


def test_dead_letters_are_recorded_once_and_redriven_once(any_store):
    run_id, _ = any_store.claim(doc(), "k", "v", "p")
    message = {"queue_name": "extract", "actor_name": "extract", "args": [run_id], "kwargs": {}, "options": {}, "message_id": "m1"}
    assert any_store.record_dead_letter("m1", "extract", "extract", run_id, message, "ModelError: 500", attempts=3)
    assert not any_store.record_dead_letter("m1", "extract", "extract", run_id, message, "again", attempts=3)
    [letter] = any_store.dead_letters()
    assert (letter.run_id, letter.reason, letter.message["args"]) == (run_id, "ModelError: 500", [run_id])
    assert any_store.mark_redriven(letter.id)
    assert not any_store.mark_redriven(letter.id)
    assert any_store.dead_letters() == []
    assert len(any_store.dead_letters(include_redriven=True)) == 1


def test_seen_objects_remember_versions(any_store):
    assert not any_store.is_seen("s3://b", "inbox/a.pdf", "e1")
    assert any_store.mark_seen("s3://b", "inbox/a.pdf", "e1", 10)
    assert not any_store.mark_seen("s3://b", "inbox/a.pdf", "e1", 10)
    assert any_store.mark_seen("s3://b", "inbox/a.pdf", "e2", 12)  # replaced: a new version
    assert any_store.mark_seen("s3://other", "inbox/a.pdf", "e1", 10)
    assert any_store.is_seen("s3://b", "inbox/a.pdf", "e1")
    assert any_store.seen_keys("s3://b") == {("inbox/a.pdf", "e1"), ("inbox/a.pdf", "e2")}


def test_tokens_since_sums_model_calls(any_store):
    run_id, _ = any_store.claim(doc(), "k", "v", "p")
    calls = [ModelCall(provider="openai", model="m", prompt_version="p", fields=["total"], input_tokens=100, output_tokens=20)] * 2
    any_store.save(run_id, doc().model_copy(update={"model_calls": calls}))
    now = datetime.now(timezone.utc)
    assert any_store.tokens_since(now - timedelta(hours=1)) == 240
    assert any_store.tokens_since(now + timedelta(hours=1)) == 0


def test_migration_0002_upgrades_and_downgrades(any_store):
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with any_store.engine.begin() as connection:
        cfg.attributes["connection"] = connection
        command.downgrade(cfg, "0001")
    tables = set(inspect(any_store.engine).get_table_names())
    assert not {"dead_letters", "seen_objects"} & tables
    assert "attempts" not in {c["name"] for c in inspect(any_store.engine).get_columns("runs")}
    any_store.migrate()
    assert {"dead_letters", "seen_objects"} <= set(inspect(any_store.engine).get_table_names())
