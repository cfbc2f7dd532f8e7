"""The store against both databases it supports: SQLite and a real PostgreSQL."""

from concurrent.futures import ThreadPoolExecutor

import pytest

from pipeline.state import ModelCall
from pipeline.store import FieldRow, ModelCallRow, RunRow
from pipeline.route import route
from pipeline.score import score
from tests.pipeline.test_score_route import cand, state

@pytest.fixture
def store(any_store):
    return any_store


def routed():
    s = route(score(state([cand("total", "106.00", "106.00", match=1.0, layout=1.0)])))
    call = ModelCall(provider="embedded", model="qwen2.5-coder-1.5b-instruct-q4_k_m", prompt_version="p1", fields=["issuer"], input_tokens=10, output_tokens=5)
    return s.model_copy(update={"model_calls": [call]})


def test_claim_is_exactly_once_under_concurrency(store):
    s = routed()
    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda _: store.claim(s, "k1", "v", "p"), range(16)))
    assert len({run_id for run_id, _ in results}) == 1
    assert sum(created for _, created in results) == 1


def test_save_is_idempotent_and_round_trips(store):
    s = routed()
    run_id, _ = store.claim(s, "k2", "v", "p")
    store.save(run_id, s)
    store.save(run_id, s)  # a redelivered message saves again
    with store.session() as db:
        assert db.query(FieldRow).filter_by(run_id=run_id).count() == len(s.fields)
        assert db.query(ModelCallRow).filter_by(run_id=run_id).count() == 1
        assert db.get(RunRow, run_id).status == s.status.value
    back = store.load(run_id)
    assert back.fields["total"].value == "106.00"
    assert back.fields["total"].evidence[0].text == "106.00"
    assert back.parsed.text == s.parsed.text


def test_migrate_twice_is_a_no_op(store):
    store.migrate()


def test_migrate_at_head_does_not_load_alembic(tmp_path):
    import subprocess
    import sys

    from pipeline.store import Store, _head_revision

    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    Store(url).migrate()  # a fresh database: Alembic creates the schema
    assert Store(url)._revisions() == {_head_revision()}
    # a new process finds the database at head and returns without importing Alembic (slow to load)
    check = f"import sys; from pipeline.store import Store; Store({url!r}).migrate(); print('alembic' in sys.modules)"
    run = subprocess.run([sys.executable, "-c", check], capture_output=True, text=True, timeout=300)
    assert run.stdout.strip() == "False", run.stderr
