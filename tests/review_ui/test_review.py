"""Decisions on fields: reviews recorded, corrections typed, documents completed and exported."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from pipeline.config import get_settings
from pipeline.export import Export
from pipeline.store import FieldRow, ReviewRow, RunRow, utcnow
from review_ui import queries, review
from review_ui.review import Conflict, InvalidValue


def fields_of(store, run_id: int) -> dict[str, FieldRow]:
    with store.session() as s:
        return {f.name: f for f in s.scalars(select(FieldRow).where(FieldRow.run_id == run_id))}


def reviews_of(store, field_id: int) -> list[ReviewRow]:
    with store.session() as s:
        return list(s.scalars(select(ReviewRow).where(ReviewRow.field_id == field_id).order_by(ReviewRow.id)))


def first_run(store) -> int:
    with store.session() as s:
        return s.scalar(select(RunRow.id).order_by(RunRow.id))


def pending(store, run_id: int) -> list[FieldRow]:
    return [f for f in fields_of(store, run_id).values() if f.status == "needs_review"]


def test_accept_records_who_and_keeps_value_and_evidence(seeded):
    store = seeded.store
    field = pending(store, first_run(store))[0]
    outcome = review.accept(store, field.id, "alice", seeded.out)
    after = fields_of(store, field.run_id)[field.name]
    assert outcome.status == after.status == "accepted"
    assert after.value == field.value and after.claimed_by is None
    [r] = reviews_of(store, field.id)
    assert (r.reviewer, r.action, r.before, r.after, r.evidence) == ("alice", "accepted", field.value, field.value, field.evidence)


def test_correction_is_typed_by_the_schema(seeded):
    store = seeded.store
    fields = fields_of(store, first_run(store))
    review.correct(store, fields["date"].id, "alice", "31 December 2023", seeded.out)
    review.correct(store, fields["total"].id, "alice", "1.234,50 €", seeded.out)
    review.correct(store, fields["currency"].id, "alice", "£", seeded.out)
    now = fields_of(store, first_run(store))
    assert (now["date"].value, now["total"].value, now["currency"].value) == ("2023-12-31", "1234.50", "GBP")
    assert now["total"].status == "corrected" and now["total"].extractor == review.REVIEW_EXTRACTOR
    [r] = reviews_of(store, fields["total"].id)
    assert (r.action, r.before, r.after) == ("corrected", fields["total"].value, "1234.50")


def test_a_correction_that_changes_nothing_or_empties_a_table_is_refused(seeded):
    """Saved, either would tell calibration a right value was wrong (a stray Enter)."""
    store = seeded.store
    fields = fields_of(store, first_run(store))
    with pytest.raises(review.NotACorrection):
        review.correct(store, fields["currency"].id, "alice", fields["currency"].value, seeded.out)
    with pytest.raises(review.NotACorrection):
        review.correct(store, fields["line_items"].id, "alice", [{}], seeded.out)
    assert reviews_of(store, fields["currency"].id) == reviews_of(store, fields["line_items"].id) == []


def test_invalid_correction_is_refused_and_nothing_is_stored(seeded):
    store = seeded.store
    field = fields_of(store, first_run(store))["date"]
    with pytest.raises(InvalidValue):
        review.correct(store, field.id, "alice", "not a date", seeded.out)
    assert reviews_of(store, field.id) == []
    assert fields_of(store, field.run_id)["date"].status == field.status


def test_correction_evidence_is_found_in_the_document(seeded):
    store = seeded.store
    run_id = first_run(store)
    text = seeded.states[0].parsed.text
    field = fields_of(store, run_id)["issuer"]
    quote = next(line.strip() for line in text.splitlines() if len(line.strip()) > 8 and line.strip() != field.value)
    review.correct(store, field.id, "alice", quote, seeded.out, quote=quote)
    [span] = fields_of(store, run_id)["issuer"].evidence
    assert span["text"] == quote and text[span["start"]:span["end"]] == quote
    assert reviews_of(store, field.id)[0].evidence == [span]


def test_list_fields_take_list_corrections(seeded):
    store = seeded.store
    field = fields_of(store, first_run(store))["line_items"]
    review.correct(store, field.id, "alice", [{"description": "Support", "amount": "1,000.00"}], seeded.out)
    assert fields_of(store, field.run_id)["line_items"].value == [
        {"description": "Support", "quantity": None, "unit_price": None, "amount": "1000.00", "tax_rate": None}
    ]


def test_not_present_empties_the_value(seeded):
    store = seeded.store
    fields = fields_of(store, first_run(store))
    review.reject(store, fields["issuer"].id, "alice", seeded.out)
    review.reject(store, fields["line_items"].id, "alice", seeded.out)
    now = fields_of(store, first_run(store))
    assert (now["issuer"].value, now["issuer"].status, now["issuer"].evidence) == (None, "rejected", [])
    assert now["line_items"].value == []


def test_field_held_by_another_reviewer_cannot_be_decided(seeded):
    store = seeded.store
    field = pending(store, first_run(store))[0]
    assert queries.claim(store, field.id, "bob", 15)
    with pytest.raises(Conflict):
        review.accept(store, field.id, "alice", seeded.out)
    assert reviews_of(store, field.id) == []
    assert queries.claim(store, field.id, "alice", 15, now=utcnow() + timedelta(minutes=20))  # bob's claim ran out
    review.accept(store, field.id, "alice", seeded.out)


def test_decision_on_a_field_that_changed_since_it_was_shown_conflicts(seeded):
    store = seeded.store
    field = pending(store, first_run(store))[0]
    review.accept(store, field.id, "bob", seeded.out, expect_status="needs_review")
    with pytest.raises(Conflict):
        review.reject(store, field.id, "alice", seeded.out, expect_status="needs_review")


def test_resolving_the_last_field_completes_and_exports_the_document(seeded):
    store, out = seeded.store, seeded.out
    run_id = first_run(store)
    outcomes = [review.correct(store, fields_of(store, run_id)["date"].id, "alice", "2024-01-31", out)]
    for i, field in enumerate(pending(store, run_id)):
        decide = review.accept if i == 0 else review.reject
        outcomes.append(decide(store, field.id, "alice", out))
    assert [o.completed for o in outcomes] == [False] * (len(outcomes) - 1) + [True]
    with store.session() as s:
        assert s.get(RunRow, run_id).status == "completed"
        assert s.get(RunRow, run_id).exported_at is not None
    exported = json.loads(open(outcomes[-1].export).read())
    Export.model_validate(exported)
    assert exported["status"] == "completed"
    assert outcomes[-1].export == str(out / f"{Path(seeded.states[0].source).stem}.json")
    now = fields_of(store, run_id)
    assert {name: f["status"] for name, f in exported["fields"].items()} == {name: f.status for name, f in now.items()}
    assert exported["fields"]["date"]["status"] == "corrected" and exported["data"]["date"] == "2024-01-31"
    assert "needs_review" not in {f.status for f in now.values()}
    assert exported["data"] == {name: f.value for name, f in now.items()}
    assert store.load(run_id).status.value == "completed"
    # the resolved document now teaches the memory extractor, corrected value included
    from pipeline.extractors.memory import MemoryStore, header

    memory = MemoryStore(seeded.settings.home / "memory")
    state = store.load(run_id)
    remembered = memory.similar("invoice", header(state.parsed.text), minimum=0)
    assert remembered and remembered[0][0].key == state.id
    assert [a.value for a in remembered[0][0].fields["date"]][0] == "2024-01-31"


def test_document_from_the_bucket_is_exported_back_to_it(seeded, tmp_path, monkeypatch):
    store = seeded.store
    bucket = tmp_path / "bucket"
    monkeypatch.setenv("DOCLOOP_BUCKET", str(bucket))
    get_settings.cache_clear()
    try:
        run_id = first_run(store)
        state = store.load(run_id)
        store.save(run_id, state.model_copy(update={"provenance": {**state.provenance, "bucket_key": "inbox/invoice/a.pdf"}}))
        target = review.export_document(store, run_id, seeded.out)
        assert target.endswith("out/invoice/a.pdf.json")
        assert json.loads((bucket / "out" / "invoice" / "a.pdf.json").read_text())["document"]["id"] == state.id
    finally:
        get_settings.cache_clear()


def test_dashboard_measures_accuracy_from_reviews(seeded):
    store = seeded.store
    run_id = first_run(store)
    fields = fields_of(store, run_id)
    sent = pending(store, run_id)[0]
    review.accept(store, sent.id, "alice", seeded.out)
    auto = next((f for f in fields.values() if f.status == "auto_accepted"), None)
    if auto is not None:  # an auto-accepted value a reviewer later finds wrong
        review.reject(store, auto.id, "alice", seeded.out)
    reviewed = {r.field_id: r for r in queries.reviewed_fields(store)}
    assert reviewed[sent.id].routed_status == "needs_review" and not reviewed[sent.id].changed
    if auto is not None:
        assert reviewed[auto.id].routed_status == "auto_accepted"
        assert reviewed[auto.id].changed == (auto.value is not None)
    points = queries.calibration(list(reviewed.values()))
    assert sum(n for _, n, _ in points) == len(reviewed)
    assert all(0 <= acc <= 1 and 0 < mid < 1 for mid, _, acc in points)


def test_gold_examples_are_the_last_review_of_each_field(seeded, monkeypatch):
    store = seeded.store
    fields = fields_of(store, first_run(store))
    review.correct(store, fields["date"].id, "alice", "2023-12-31", seeded.out)
    review.correct(store, fields["date"].id, "bob", "2024-01-02", seeded.out)
    review.reject(store, fields["issuer"].id, "alice", seeded.out)
    rows = list(store.gold())
    assert [(r["field"], r["value"], r["reviewer"]) for r in rows] == [("date", "2024-01-02", "bob"), ("issuer", None, "alice")]
    assert rows[0]["document"]["sha256"] == seeded.states[0].sha256 and rows[0]["before"] == "2023-12-31"
    assert list(store.gold(schema="nda")) == []

    from pipeline.cli import app

    monkeypatch.setenv("DOCLOOP_DATABASE_URL", store.url)
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(app, ["export-gold"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    assert [json.loads(line)["value"] for line in result.stdout.splitlines()] == ["2024-01-02", None]
