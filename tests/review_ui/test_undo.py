"""Undo of a reviewer's last decision: the field restored, the log kept, export, gold and memory following."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import text

from eval import ab
from eval.calibrate import review_outcomes
from pipeline.extractors.memory import MemoryStore, header
from pipeline.store import RunRow
from review_ui import queries, review
from review_ui.undo import NothingToUndo, last_decision, undo_last
from tests.review_ui.test_review import fields_of, first_run, pending, reviews_of


def remembered(seeded, run_id: int):
    """What the memory extractor (read afresh from its files) holds for this run's document."""
    state = seeded.store.load(run_id)
    similar = MemoryStore(seeded.settings.home / "memory").similar("invoice", header(state.parsed.text), minimum=0)
    return next((memory for memory, _ in similar if memory.key == state.id), None)


def test_undo_restores_the_field_and_keeps_the_decision_in_the_log(seeded):
    store = seeded.store
    field = pending(store, first_run(store))[0]
    review.reject(store, field.id, "alice", seeded.out)
    assert list(store.gold()) and review_outcomes(store) and ab.compare(store)  # the decision is a gold label ...

    outcome = undo_last(store, "alice", seeded.out)
    now = fields_of(store, field.run_id)[field.name]
    assert outcome.field_id == field.id and outcome.status == "needs_review"
    assert (now.value, now.status, now.evidence, now.extractor, now.confidence) == (
        field.value, "needs_review", field.evidence, field.extractor, field.confidence)
    decision, undo = reviews_of(store, field.id)
    assert (decision.action, undo.action, undo.undoes, undo.reviewer) == ("rejected", "undone", decision.id, "alice")
    assert (undo.before, undo.after) == (decision.after, field.value)
    assert list(store.gold()) == []  # ... and is none once undone; nor does it teach calibration or count in A/B
    assert queries.reviewed_fields(store) == [] and review_outcomes(store) == [] and ab.compare(store) == {}
    with pytest.raises(NothingToUndo):  # only the last decision, once
        undo_last(store, "alice", seeded.out)
    with pytest.raises(Exception, match="append-only"):  # the log is still append-only
        with store.session.begin() as s:
            s.execute(text("DELETE FROM reviews"))


def test_only_my_own_last_decision_and_only_while_the_field_is_as_it_left_it(seeded):
    store = seeded.store
    first, second = pending(store, first_run(store))[:2]
    review.accept(store, first.id, "alice", seeded.out)
    with pytest.raises(NothingToUndo):
        undo_last(store, "bob", seeded.out)  # bob decided nothing
    review.correct(store, first.id, "bob", "2020-01-01" if first.name == "date" else "BOB", seeded.out, expect_status="accepted")
    with pytest.raises(review.Conflict):  # bob decided on it since: alice's undo would erase his
        undo_last(store, "alice", seeded.out)
    review.accept(store, second.id, "alice", seeded.out)
    assert queries.claim(store, second.id, "bob", 15)
    with pytest.raises(review.Conflict):  # bob holds the field now
        undo_last(store, "alice", seeded.out)
    assert fields_of(store, second.run_id)[second.name].status == "accepted"


def test_undoing_the_completing_decision_reopens_the_document_export_and_memory(seeded):
    store, out = seeded.store, seeded.out
    run_id = first_run(store)
    outcomes = [review.accept(store, f.id, "alice", out) for f in pending(store, run_id)]
    assert outcomes[-1].completed and remembered(seeded, run_id) is not None
    last = outcomes[-1]

    undone = undo_last(store, "alice", out)
    with store.session() as s:
        assert s.get(RunRow, run_id).status == "needs_review"
    assert store.load(run_id).status.value == "needs_review"
    exported = json.loads(open(undone.export).read())
    assert undone.export == last.export
    assert exported["status"] == "needs_review"
    name = fields_of(store, run_id)
    assert [n for n, f in exported["fields"].items() if f["status"] == "needs_review"] == [
        n for n, f in name.items() if f.id == last.field_id]
    assert remembered(seeded, run_id) is None  # a reopened document teaches nothing until completed again

    again = review.accept(store, last.field_id, "alice", out)
    assert again.completed and remembered(seeded, run_id) is not None


def test_undoing_a_later_correction_goes_back_to_the_earlier_decision(seeded):
    """A completed document stays completed; export, gold and memory carry the earlier value."""
    store, out = seeded.store, seeded.out
    run_id = first_run(store)
    date = fields_of(store, run_id)["date"]
    for f in pending(store, run_id):
        if f.name != "date":
            review.accept(store, f.id, "alice", out)
    assert review.accept(store, date.id, "alice", out).export  # accepted, whatever routing made of it
    accepted = fields_of(store, run_id)["date"]
    corrected = review.correct(store, date.id, "alice", "1999-12-31", out, expect_status=accepted.status)
    assert json.loads(open(corrected.export).read())["data"]["date"] == "1999-12-31"
    assert remembered(seeded, run_id).fields["date"][0].value == "1999-12-31"
    assert last_decision(store, "alice").action == "corrected"

    outcome = undo_last(store, "alice", out)
    now = fields_of(store, run_id)["date"]
    assert (now.value, now.status, now.extractor, now.evidence) == (accepted.value, accepted.status, accepted.extractor, accepted.evidence)
    assert store.load(run_id).status.value == "completed"
    exported = json.loads(open(outcome.export).read())
    assert exported["status"] == "completed" and exported["data"]["date"] == accepted.value
    assert remembered(seeded, run_id).fields["date"][0].value == accepted.value
    gold = {r["field"]: r for r in store.gold()}
    assert (gold["date"]["value"], gold["date"]["action"]) == (accepted.value, accepted.status)
    assert last_decision(store, "alice") is None
