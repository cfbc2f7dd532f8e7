"""The Streamlit pages and their actions, run with AppTest against a seeded database."""

from __future__ import annotations

import json
from contextlib import contextmanager
from datetime import date

import pytest
from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from pipeline.schemas import registry
from pipeline.store import FieldRow, ReviewRow
from review_ui import auth, review
from review_ui.context import DASHBOARD, DOCUMENT, FIELD, QUEUE
from review_ui.queries import QueueFilter, queue_counts
from tests.conftest import ROOT
from tests.review_ui.conftest import invoice_files, seed

APP = ROOT / "review_ui" / "app.py"
TIMEOUT = 60


def app(reviewer: str | None = "alice") -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    if reviewer:
        at.session_state[auth.SESSION_KEY] = reviewer
    return at


def field(store, run_id: int | None = None, name: str | None = None, status: str | None = None) -> FieldRow:
    with store.session() as s:
        q = select(FieldRow).order_by(FieldRow.id)
        if name:
            q = q.where(FieldRow.name == name)
        if status:
            q = q.where(FieldRow.status == status)
        return s.scalars(q).first()


def reviews(store) -> list[ReviewRow]:
    with store.session() as s:
        return list(s.scalars(select(ReviewRow).order_by(ReviewRow.id)))


def button(at: AppTest, label: str):
    return next(b for b in [*at.button, *at.get("form_submit_button")] if b.label == label)


def metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


@contextmanager
def user_schema(tmp_path, monkeypatch, js: dict):
    """A user's JSON Schema on ``DOCLOOP_SCHEMA_PATH`` while the block runs."""
    folder = tmp_path / "user_schemas"
    folder.mkdir()
    (folder / "user.json").write_text(json.dumps(js))
    monkeypatch.setenv("DOCLOOP_SCHEMA_PATH", str(folder))
    registry.cache_clear()
    try:
        yield
    finally:
        registry.cache_clear()


def open_field(at: AppTest, field_id: int) -> AppTest:
    at.session_state["field_id"] = field_id
    return at.switch_page(FIELD).run()


def shown_as_markdown(at: AppTest) -> str:
    return " ".join(str(m.value) for m in [*at.markdown, *at.caption])


# ------------------------------------------------------------------ access


def test_without_login_only_the_login_form_exists(app_env):
    auth.save_account(app_env.settings.home / "reviewers.yaml", "alice", "s3cret pass")
    at = app(None).run()
    assert [t.value for t in at.title] == ["docloop review"]
    assert not at.metric and not at.dataframe
    with pytest.raises(Exception):
        at.switch_page(QUEUE).run()  # not a page of this session
    at.text_input[0].input("alice")
    at.text_input[1].input("wrong")
    button(at, "Log in").click().run()
    assert at.error and at.error[0].value == "Wrong username or password."
    assert auth.SESSION_KEY not in at.session_state
    at.text_input[1].input("s3cret pass")
    button(at, "Log in").click().run()
    assert at.title[0].value == "Review queue"
    assert any(t.value == "Reviewer: alice" for t in at.sidebar.text)


def test_no_accounts_configured_means_nobody_gets_in(app_env):
    at = app(None).run()
    assert at.error[0].value == "No reviewer accounts are configured."
    assert not at.text_input and not at.metric


def test_oidc_login_is_required_when_configured(app_env):
    at = app(None)
    at.secrets["auth"] = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "x" * 32,
                          "client_id": "docloop", "client_secret": "s", "server_metadata_url": "https://idp.example/.well-known/openid-configuration"}
    at.user = {"is_logged_in": False}
    at.run()
    assert [b.label for b in at.button] == ["Log in with single sign-on"]
    assert not at.metric and not at.text_input
    at.user = {"is_logged_in": True, "email": "carol@example.com"}
    at.run()
    assert at.title[0].value == "Review queue"
    assert any(t.value == "Reviewer: carol@example.com" for t in at.sidebar.text)


def test_log_out_ends_the_session(app_env):
    at = app().run()
    assert at.metric
    button(at, "Log out").click().run()
    # (AppTest keeps asking for the page it was on; the browser test sees the login form.)
    assert auth.SESSION_KEY not in at.session_state
    assert not at.metric and not at.dataframe and not at.button


# ------------------------------------------------------------------ queue


def test_queue_shows_counts_documents_and_filters(app_env):
    pending = queue_counts(app_env.store, QueueFilter()).fields
    at = app().run()
    assert metric(at, "Fields") == str(pending) and metric(at, "Documents") == "2"
    assert len(at.dataframe[0].value) == 2
    assert list(at.dataframe[0].value["lowest confidence"]) == sorted(at.dataframe[0].value["lowest confidence"])
    at.text_input[0].input("no such source").run()
    assert metric(at, "Fields") == "0" and at.dataframe[0].value.empty
    at.text_input[0].input("").run()
    at.selectbox[0].select("auto_accepted").run()
    assert metric(at, "Fields") == str(queue_counts(app_env.store, QueueFilter(status="auto_accepted")).fields)


def test_review_next_claims_the_most_urgent_field(app_env):
    at = app().run()
    button(at, "Review next").click().run()
    with app_env.store.session() as s:
        held = s.scalars(select(FieldRow).where(FieldRow.claimed_by == "alice")).all()
    assert len(held) == 1 and held[0].status == "needs_review"
    assert at.title[0].value == held[0].name
    assert held[0].confidence == min(f.confidence for f in _all(app_env.store) if f.status == "needs_review")


def _all(store) -> list[FieldRow]:
    with store.session() as s:
        return list(s.scalars(select(FieldRow)))


# ------------------------------------------------------------------ field review


def test_accept_records_the_review_and_moves_on(app_env):
    at = app().switch_page(FIELD).run()
    first = next(f for f in _all(app_env.store) if f.claimed_by == "alice")
    assert at.title[0].value == first.name
    button(at, "Accept").click().run()
    [r] = reviews(app_env.store)
    assert (r.field_id, r.reviewer, r.action, r.after) == (first.id, "alice", "accepted", first.value)
    assert at.success[0].value.startswith(f"Accepted {first.name}")
    nxt = next(f for f in _all(app_env.store) if f.claimed_by == "alice")
    assert nxt.id != first.id and at.title[0].value == nxt.name


def test_undo_takes_back_the_last_decision_and_shows_that_field_again(app_env):
    at = app().switch_page(FIELD).run()
    assert button(at, "Undo").disabled  # nothing decided yet
    first = next(f for f in _all(app_env.store) if f.claimed_by == "alice")
    button(at, "Not present").click().run()
    assert at.title[0].value != first.name
    button(at, "Undo").click().run()
    assert at.success[0].value == "Last decision undone."
    assert at.title[0].value == first.name and at.query_params["field"] == str(first.id)
    now = {f.id: f for f in _all(app_env.store)}[first.id]
    assert (now.status, now.value, now.claimed_by) == ("needs_review", first.value, "alice")
    assert [(r.action, r.undoes) for r in reviews(app_env.store)] == [("rejected", None), ("undone", reviews(app_env.store)[0].id)]
    assert button(at, "Undo").disabled  # one undo per decision


def test_skip_hands_the_field_back_and_moves_on(app_env):
    at = app().switch_page(FIELD).run()
    first = next(f for f in _all(app_env.store) if f.claimed_by == "alice")
    button(at, "Skip").click().run()
    now = {f.id: f for f in _all(app_env.store)}
    second = next(f for f in now.values() if f.claimed_by == "alice")
    assert second.id != first.id and now[first.id].claimed_by is None
    assert now[first.id].status == "needs_review" and reviews(app_env.store) == []
    assert at.title[0].value == second.name


def test_text_correction_through_the_form(app_env):
    issuer = field(app_env.store, name="issuer")
    at = open_field(app(), issuer.id)
    at.text_input(key=f"correction_value-{issuer.id}").input("Example Trading GmbH")
    button(at, "Save correction").click().run()
    assert field(app_env.store, name="issuer").value == "Example Trading GmbH"
    assert reviews(app_env.store)[0].action == "corrected"


def test_money_is_corrected_with_a_decimal_input(app_env):
    total = field(app_env.store, name="total")
    at = open_field(app(), total.id)
    at.number_input(key=f"correction_value-{total.id}").set_value(1234.5)
    button(at, "Save correction").click().run()
    assert field(app_env.store, name="total").value == "1234.50"


def test_date_is_corrected_with_a_date_picker(app_env):
    d = field(app_env.store, name="date")
    at = open_field(app(), d.id)
    at.date_input(key=f"correction_value-{d.id}").set_value(date(2024, 1, 31))
    button(at, "Save correction").click().run()
    assert field(app_env.store, name="date").value == "2024-01-31"


def test_list_field_is_edited_as_rows(app_env):
    items = field(app_env.store, name="line_items")
    at = open_field(app(), items.id)
    first = len(items.value or [])  # the first spare row under the extracted items
    at.text_input(key=f"correction_value-{items.id}-{first}-description").input("Freight")
    at.text_input(key=f"correction_value-{items.id}-{first}-amount").input("12.5")
    button(at, "Save correction").click().run()
    after = field(app_env.store, name="line_items")
    assert (after.status, after.value[-1]) == ("corrected", {"description": "Freight", "quantity": None, "unit_price": None, "amount": "12.50", "tax_rate": None})


def test_a_nested_record_is_corrected_as_one_row(app_env, tmp_path, monkeypatch):
    """A user's schema with one nested record (``seller: {name, address}``): its parts are
    edited as the cells of one row, and the correction is the record."""
    with user_schema(tmp_path, monkeypatch, {"title": "Bill", "properties": {
        "seller": {"type": "object", "x-review-threshold": 1.0,  # always to a person
                   "properties": {"name": {"type": "string"}, "address": {"type": "string"}}},
        "total": {"type": "number"},
    }}):
        [state] = seed(app_env.store, tmp_path, invoice_files(1), "bill")
        seller = field(app_env.store, name="seller")
        assert state.fields["seller"].value and set(state.fields["seller"].value) == {"name", "address"}
        at = open_field(app(), seller.id)
        at.text_input(key=f"correction_value-{seller.id}-0-name").input("Medienpilot Verlag GmbH")
        button(at, "Save correction").click().run()
        after = field(app_env.store, name="seller")
        assert after.status == "corrected"
        assert after.value == {"name": "Medienpilot Verlag GmbH", "address": state.fields["seller"].value["address"]}


def test_a_field_that_is_one_of_a_few_words_is_corrected_by_choosing_one(app_env, tmp_path, monkeypatch):
    with user_schema(tmp_path, monkeypatch, {"title": "Paid", "properties": {
        "payment": {"type": "string", "enum": ["cash", "card", "transfer"], "x-review-threshold": 1.0},
    }}):
        seed(app_env.store, tmp_path, invoice_files(1), "paid")
        payment = field(app_env.store, name="payment")
        at = open_field(app(), payment.id)
        box = at.selectbox(key=f"correction_value-{payment.id}")
        assert list(box.options) == ["cash", "card", "transfer"]
        box.set_value("transfer")
        button(at, "Save correction").click().run()
        assert (field(app_env.store, name="payment").status, field(app_env.store, name="payment").value) == ("corrected", "transfer")


def test_an_empty_table_is_never_saved_as_a_correction(app_env):
    items = field(app_env.store, name="line_items")
    at = open_field(app(), items.id)
    for i, row in enumerate(items.value or []):
        for name in row:
            at.text_input(key=f"correction_value-{items.id}-{i}-{name}").input("")
    button(at, "Save correction").click().run()
    assert at.error and "empty table" in at.error[0].value
    assert field(app_env.store, name="line_items").status == "needs_review" and reviews(app_env.store) == []


def test_taking_another_candidate_keeps_its_evidence(app_env):
    f = next(f for f in _all(app_env.store) if f.candidates and f.name != "line_items")
    cand = f.candidates[0]
    at = open_field(app(), f.id)
    assert [c.value for c in at.code][:2] == [str(f.value), str(cand["value"])]  # the value, then the candidate
    next(b for b in at.button if b.key == "use-0").click().run()
    with app_env.store.session() as s:
        after = s.get(FieldRow, f.id)
    assert (after.status, after.value) == ("corrected", review.validate("invoice", f.name, cand["value"]))
    assert after.evidence == cand["evidence"]


def test_invalid_correction_shows_an_error_and_stores_nothing(app_env):
    cur = field(app_env.store, name="currency")
    at = open_field(app(), cur.id)
    at.text_input(key=f"correction_value-{cur.id}").input("not money")
    button(at, "Save correction").click().run()
    assert at.error and at.error[0].value.startswith("Not a valid currency")
    assert reviews(app_env.store) == []


def test_not_present_empties_the_field(app_env):
    issuer = field(app_env.store, name="issuer")
    at = open_field(app(), issuer.id)
    button(at, "Not present").click().run()
    after = field(app_env.store, name="issuer")
    assert (after.status, after.value) == ("rejected", None)


def test_field_held_by_someone_else_is_not_shown_for_decision(app_env):
    from review_ui.queries import claim

    f = field(app_env.store, status="needs_review")
    assert claim(app_env.store, f.id, "bob", 15)
    at = open_field(app(), f.id)
    assert at.warning and any(t.value.startswith("Held by bob") for t in at.text)
    assert not any(b.label == "Accept" for b in at.button)


def test_document_content_is_shown_as_text_never_markup(app_env):
    hostile = "<script>alert('x')</script> **bold** [link](http://evil.example)"
    issuer = field(app_env.store, name="issuer")
    review.correct(app_env.store, issuer.id, "bob", hostile, app_env.out)
    at = open_field(app(), issuer.id)
    assert any(c.value == hostile for c in at.code)
    assert "alert" not in shown_as_markdown(at) and "evil.example" not in shown_as_markdown(at)
    at.session_state["run_id"] = issuer.run_id
    at.switch_page(DOCUMENT).run()
    assert hostile in list(at.dataframe[0].value["value"])
    assert "alert" not in shown_as_markdown(at)


# ------------------------------------------------------------------ document and dashboard


def test_document_view_lists_every_field_including_auto_accepted(app_env):
    state = app_env.states[0]
    run_id = field(app_env.store).run_id
    at = app()
    at.session_state["run_id"] = run_id
    at.switch_page(DOCUMENT).run()
    table = at.dataframe[0].value
    assert list(table["field"]) == list(state.fields)
    assert list(table["status"]) == [r.status.value for r in state.fields.values()]


def test_dashboard_reports_volume_backlog_and_review_accuracy(app_env):
    f = field(app_env.store, status="needs_review")
    review.reject(app_env.store, f.id, "alice", app_env.out)
    at = app().switch_page(DASHBOARD).run()
    assert metric(at, "Documents processed") == "2"
    assert metric(at, "Fields reviewed") == "1"
    assert metric(at, "Review changed the value") == ("100%" if f.value is not None else "0%")
    assert metric(at, "Fields waiting") == str(queue_counts(app_env.store, QueueFilter()).fields)
    assert not at.exception
