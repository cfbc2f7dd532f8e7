"""A value the memory extractor proposed says, on the field page, which reviewed document it was learned from."""

from __future__ import annotations

from pipeline.config import Settings
from pipeline.run import Pipeline
from review_ui import queries, review
from tests.review_ui.test_pages import app, open_field


def invoice(number: str, date: str, total: str) -> bytes:
    return (f"Harbour Widgets Ltd\n12 Quay Street, Bristol BS1 4DJ\nVAT reg GB 123 4567 89\n\nINVOICE\n"
            f"Invoice number: {number}\nInvoice date: {date}\n\nWidgets, blue   2 x 10.00   20.00\nNet 20.00\n"
            f"VAT 20% 4.00\nAmount payable GBP {total}\n").encode()


def process(env, data: bytes, source: str):
    # a new pipeline each time: the memory extractor reads what was learned when it starts
    settings = Settings(home=env.settings.home, database_url=env.store.url, llm_provider="none")
    return Pipeline(settings, extractor_names=["rules", "memory"], store=env.store).process(data, source, "invoice")


def test_field_page_names_the_reviewed_document_a_memory_value_came_from(app_env):
    store, home = app_env.store, app_env.settings.home
    first = process(app_env, invoice("HW-1001", "03 February 2024", "24.00"), str(home / "first <b>*reviewed*</b>.txt"))
    run1 = max(r.id for r in store.runs())
    for f in queries.document_fields(store, run1):
        if f.status == "needs_review":
            review.reject(store, f.id, "alice", app_env.out)  # completes the document: memory learns it
    second = process(app_env, invoice("HW-1002", "17 March 2024", "36.00"), str(home / "second.txt"))
    assert second.fields["issuer"].extractor == "memory"
    run2 = max(r.id for r in store.runs())
    issuer = next(f for f in queries.document_fields(store, run2) if f.name == "issuer")
    assert queries.learned_from(store, run2, "issuer", issuer.value) == [first.id]
    total = next(f for f in queries.document_fields(store, run2) if f.name == "total")
    assert queries.learned_from(store, run2, "total", total.value) == []  # not a value memory proposed

    at = open_field(app(), issuer.id)
    assert f"Learned from reviewed documents:\n• {first.source}  (document {first.id})" in [t.value for t in at.text]
    assert not any("reviewed" in str(m.value) for m in at.markdown)  # the source's markup stays text
    at = open_field(app(), total.id)
    assert at.title[0].value == "total"
    assert not any(t.value.startswith("Learned from") for t in at.text)
