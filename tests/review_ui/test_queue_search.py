"""The queue searched by any field value: SQL parameters (wildcards literal), counts, text only."""

from __future__ import annotations

from sqlalchemy import update

from pipeline.store import FieldRow
from review_ui import queries
from review_ui.context import QUEUE
from review_ui.queries import QueueFilter
from tests.review_ui.test_pages import app, metric
from tests.review_ui.test_queries import pending_ids, run_ids

ODD = "Zürich's <b>100%_Ö</b>"  # quotes, wildcards, markup and non-ASCII in one value


def plant(store) -> int:
    """Put ODD into an auto-accepted field of the second document; its run id."""
    second = run_ids(store)[1]
    with store.session.begin() as s:
        s.execute(update(FieldRow).where(FieldRow.run_id == second, FieldRow.name == "currency").values(value=ODD))
    return second


def test_any_field_value_finds_its_documents_with_counts(seeded):
    store = seeded.store
    second = plant(store)
    found = QueueFilter(value="zürich's <b>100%_")
    assert [i.run_id for i in queries.queue(store, found)] == [second]
    counts = queries.queue_counts(store, found)
    pending_there = [f for f in pending_ids(store) if f in {v.id for v in queries.document_fields(store, second)}]
    assert (counts.documents, counts.fields) == (1, len(pending_there))  # the document's pending fields, not the matched one
    assert queries.value_hits(store, [second], found.value) == {second: ["currency"]}
    assert queries.claim_next(store, "alice", found, 15) in pending_there
    issuer = queries.document_fields(store, run_ids(store)[0])[0]
    assert [i.run_id for i in queries.queue(store, QueueFilter(value=issuer.value[:8].lower()))] == [issuer.run_id]


def test_value_search_is_literal_and_parameterised(seeded):
    store = seeded.store
    plant(store)
    for text in ("1%0", "100__", "' OR 1=1 --", "\\", "x') OR ('1'='1"):
        assert queries.queue_counts(store, QueueFilter(value=text)).documents == 0, text


def test_queue_page_searches_values_and_shows_them_as_text(app_env):
    second = plant(app_env.store)
    at = app().switch_page(QUEUE).run()
    at.text_input(key="f_value").input("zürich").run()
    assert (metric(at, "Documents"), metric(at, "In review now")) == ("1", "0")
    table = at.dataframe[0].value
    assert list(table["value found in"]) == ["currency"] and len(table) == 1
    assert queries.queue(app_env.store, at.session_state["queue_filter"])[0].run_id == second
    at.text_input(key="f_value").input("<b>").run()  # markup is searched as text, never rendered
    assert metric(at, "Documents") == "1" and not any("<b>" in str(m.value) for m in at.markdown)
