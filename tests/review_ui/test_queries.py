"""The queue, its filters and counts, and claims, on SQLite and PostgreSQL."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from sqlalchemy import select, update

from pipeline.store import FieldRow, RunRow, utcnow
from review_ui import queries
from review_ui.queries import QueueFilter


def pending_ids(store) -> list[int]:
    with store.session() as s:
        return list(s.scalars(select(FieldRow.id).where(FieldRow.status == "needs_review").order_by(FieldRow.id)))


def run_ids(store) -> list[int]:
    with store.session() as s:
        return list(s.scalars(select(RunRow.id).order_by(RunRow.id)))


def test_pipeline_leaves_fields_for_review(seeded):
    assert len(pending_ids(seeded.store)) >= 2
    assert {s.status.value for s in seeded.states} == {"needs_review"}


def test_queue_lists_documents_lowest_confidence_first_with_counts(seeded):
    items = queries.queue(seeded.store, QueueFilter())
    counts = queries.queue_counts(seeded.store, QueueFilter())
    assert [i.min_confidence for i in items] == sorted(i.min_confidence for i in items)
    assert sum(i.fields for i in items) == counts.fields == len(pending_ids(seeded.store))
    assert counts.documents == len(items) == 2
    assert counts.by_schema == {"invoice": counts.fields}
    assert counts.claimed == 0


def test_queue_breaks_ties_by_age_then_schema(seeded):
    store = seeded.store
    first, second = run_ids(store)
    now = utcnow()
    with store.session.begin() as s:
        s.execute(update(FieldRow).values(confidence=0.5))
        s.execute(update(RunRow).where(RunRow.id == first).values(created_at=now))
        s.execute(update(RunRow).where(RunRow.id == second).values(created_at=now - timedelta(hours=2)))
    assert [i.run_id for i in queries.queue(store, QueueFilter())] == [second, first]
    with store.session.begin() as s:
        s.execute(update(RunRow).values(created_at=now))
        s.execute(update(RunRow).where(RunRow.id == first).values(schema_name="aaa"))
    assert [i.run_id for i in queries.queue(store, QueueFilter())] == [first, second]


def test_filters_narrow_queue_and_counts(seeded):
    store = seeded.store
    source = seeded.states[0].source
    assert queries.queue_counts(store, QueueFilter(schemas=("nda",))).fields == 0
    only = queries.queue(store, QueueFilter(source=source[-12:]))
    assert [i.source for i in only] == [source]
    today = utcnow().date()
    assert queries.queue_counts(store, QueueFilter(since=today, until=today)).documents == 2
    assert queries.queue_counts(store, QueueFilter(since=today + timedelta(days=1))).fields == 0
    auto = queries.queue_counts(store, QueueFilter(status="auto_accepted")).fields
    with store.session() as s:
        assert auto == len(list(s.scalars(select(FieldRow.id).where(FieldRow.status == "auto_accepted"))))


def test_source_filter_treats_wildcards_literally(seeded):
    assert queries.queue_counts(seeded.store, QueueFilter(source="%")).fields == 0


def test_two_reviewers_never_hold_the_same_field(seeded):
    store, pending = seeded.store, pending_ids(seeded.store)
    reviewers = [f"r{i}" for i in range(len(pending) + 3)]
    with ThreadPoolExecutor(8) as pool:
        got = list(pool.map(lambda r: queries.claim_next(store, r, QueueFilter(), 15), reviewers))
    held = [g for g in got if g is not None]
    assert sorted(held) == pending  # every field went to exactly one reviewer
    assert got.count(None) == 3
    with store.session() as s:
        holders = dict(s.execute(select(FieldRow.id, FieldRow.claimed_by).where(FieldRow.id.in_(held))).all())
    assert {holders[f] for f in held} == {r for r, g in zip(reviewers, got) if g is not None}
    assert queries.queue_counts(store, QueueFilter()).claimed == len(pending)


def test_claim_is_compare_and_set_and_expires(seeded):
    store, field = seeded.store, pending_ids(seeded.store)[0]
    assert queries.claim(store, field, "alice", 15)
    assert not queries.claim(store, field, "bob", 15)
    assert queries.claim(store, field, "alice", 15)  # renewing your own claim
    later = utcnow() + timedelta(minutes=16)
    assert queries.claim(store, field, "bob", 15, now=later)
    assert queries.field_view(store, field).claimed_by == "bob"


def test_a_reviewer_holds_one_field_and_can_release_it(seeded):
    store = seeded.store
    a, b = pending_ids(store)[:2]
    assert queries.claim(store, a, "alice", 15)
    assert queries.claim(store, b, "alice", 15)
    assert queries.field_view(store, a).claimed_by is None
    queries.release(store, b, "bob")  # not bob's to release
    assert queries.field_view(store, b).claimed_by == "alice"
    queries.release(store, b, "alice")
    assert queries.field_view(store, b).claimed_by is None


def test_claim_next_prefers_the_open_document(seeded):
    store = seeded.store
    urgent = queries.queue(store, QueueFilter())
    other = urgent[-1].run_id
    got = queries.claim_next(store, "alice", QueueFilter(), 15, prefer_run=other)
    assert queries.field_view(store, got).run_id == other
    assert queries.claim_next(store, "bob", QueueFilter(), 15) != got


def test_field_and_document_views(seeded):
    store = seeded.store
    run_id = run_ids(store)[0]
    fields = queries.document_fields(store, run_id)
    assert [f.name for f in fields] == list(seeded.states[0].fields)
    view = queries.field_view(store, fields[0].id)
    assert view.source == seeded.states[0].source and view.schema_name == "invoice"
    content = queries.document_content(store, run_id)
    assert content.parsed.text == seeded.states[0].parsed.text and content.bucket_key is None
    assert queries.pending_in_run(store, run_id) == sum(f.status == "needs_review" for f in fields)
