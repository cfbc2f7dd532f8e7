"""Access control of the review UI: login throttling and lockout, session expiry, the audit log,
and hostile values shown as text in every view (AppTest on a seeded database)."""

from __future__ import annotations

import logging
import time

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DatabaseError

from pipeline.config import Settings
from pipeline.run import Pipeline
from pipeline.store import FieldRow, ReviewRow
from review_ui import auth, remember, review
from review_ui.context import DASHBOARD, DOCUMENT, QUEUE
from review_ui.guard import LoginGuard, RememberedLogins, SessionClock
from tests.review_ui.test_pages import app, button, open_field, shown_as_markdown

PASSWORD = "s3cret pass"


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_guard_locks_an_account_and_a_client_after_n_failures(caplog) -> None:
    clock = Clock()
    guard = LoginGuard(max_failures=3, window_s=60, lockout_s=300, clock=clock)
    with caplog.at_level(logging.WARNING, logger="docloop.review.auth"):
        for _ in range(3):
            assert not guard.locked("alice", "10.0.0.1")
            guard.failed("alice", "10.0.0.1")
    assert guard.locked("alice", "10.0.0.2")  # the account, from any client
    assert guard.locked("bob", "10.0.0.1")  # the client, for any account
    assert not guard.locked("bob", "10.0.0.2")
    assert sum("login failed for account 'alice' from 10.0.0.1" in r.message for r in caplog.records) == 3
    assert any("locked out" in r.message for r in caplog.records)
    clock.now += 301
    assert not guard.locked("alice", "10.0.0.1")


def test_guard_forgets_failures_outside_its_window_and_after_a_success() -> None:
    clock = Clock()
    guard = LoginGuard(max_failures=3, window_s=60, lockout_s=300, clock=clock)
    guard.failed("alice", "a")
    guard.failed("alice", "a")
    clock.now += 61
    guard.failed("alice", "b")
    assert not guard.locked("alice", "c")
    guard.failed("carol", "d")
    guard.failed("carol", "d")
    guard.succeeded("carol", "d")
    guard.failed("carol", "e")
    assert not guard.locked("carol", "f")


def test_sessions_expire_by_age_and_by_idleness() -> None:
    clock = SessionClock(session_s=3600, idle_s=600)
    assert not clock.expired(started=0, last_seen=3000, now=3500)
    assert clock.expired(started=0, last_seen=3590, now=3601)
    assert clock.expired(started=0, last_seen=100, now=701)


def test_a_remembered_login_resumes_only_while_live_and_until_logged_out() -> None:
    logins = RememberedLogins(SessionClock(session_s=3600, idle_s=600))
    token = logins.issue("alice", started=0)
    assert len(token) >= 40 and logins.issue("alice", started=0) != token  # random, one per login
    assert logins.resume(token, now=500) == ("alice", 0)
    assert logins.resume(token, now=1000) == ("alice", 0)  # the resume at 500 counted as activity
    assert logins.resume("forged", now=1000) is None
    assert logins.resume(token, now=1601) is None and logins.resume(token, now=1000) is None  # idle: gone for good
    other = logins.issue("bob", started=0)
    ticket = logins.ticket(other, now=10)
    assert logins.redeem(ticket, now=20) == other and logins.redeem(ticket, now=21) is None  # one use
    assert logins.redeem(logins.ticket(other, now=10), now=71) is None  # a minute to use it
    assert logins.redeem("guessed", now=10) is None
    late = logins.ticket(other, now=30)
    logins.revoke(other)
    assert logins.resume(other, now=31) is None and logins.redeem(late, now=32) is None


def _login(at, username: str, password: str):
    at.text_input[0].input(username)
    at.text_input[1].input(password)
    return button(at, "Log in").click().run()


def test_logging_out_in_one_tab_ends_the_login_in_the_others(app_env) -> None:
    auth.save_account(app_env.settings.home / "reviewers.yaml", "alice", PASSWORD)
    first = _login(app(None).run(), "alice", PASSWORD)
    token = first.session_state[auth.TOKEN_KEY]
    second = app(None)  # another tab: its session resumed from the same token
    for key in (auth.SESSION_KEY, auth.TOKEN_KEY):
        second.session_state[key] = first.session_state[key]
    assert second.run().title[0].value == "Review queue"
    button(first, "Log out").click().run()
    assert remember.logins().resume(token, now=time.monotonic()) is None
    assert [t.value for t in second.run().title] == ["docloop review"]


def test_login_form_locks_out_after_repeated_failures_even_with_the_right_password(app_env, monkeypatch, caplog) -> None:
    monkeypatch.setenv("DOCLOOP_REVIEW_MAX_FAILED_LOGINS", "3")
    monkeypatch.setattr(auth, "FAILED_LOGIN_DELAY_S", 0.0)
    auth.save_account(app_env.settings.home / "reviewers.yaml", "alice", PASSWORD)
    at = app(None).run()
    with caplog.at_level(logging.WARNING, logger="docloop.review.auth"):
        for _ in range(3):
            _login(at, "alice", "guess")
            assert at.error[0].value == "Wrong username or password."
        _login(at, "alice", PASSWORD)
    assert at.error[0].value == "Too many failed logins. Try again later."
    assert auth.SESSION_KEY not in at.session_state and not at.metric
    assert any("locked out" in r.message for r in caplog.records)


def test_an_expired_login_shows_the_login_form_again(app_env, monkeypatch) -> None:
    auth.save_account(app_env.settings.home / "reviewers.yaml", "alice", PASSWORD)
    at = app(None).run()
    _login(at, "alice", PASSWORD)
    assert at.title[0].value == "Review queue"
    at.session_state[auth.SEEN_AT] = at.session_state[auth.SEEN_AT] - 31 * 60  # idle past the 30-minute default
    at.run()
    assert auth.SESSION_KEY not in at.session_state and [t.value for t in at.title] == ["docloop review"]


@pytest.mark.parametrize("statement", ["UPDATE reviews SET reviewer = 'mallory'", "DELETE FROM reviews"])
def test_the_audit_log_is_append_only(any_store, tmp_path, statement) -> None:
    from tests.review_ui.conftest import invoice_files, seed

    seed(any_store, tmp_path, invoice_files(1))
    with any_store.session() as s:
        f = s.scalars(select(FieldRow).where(FieldRow.status == "needs_review")).first()
    review.accept(any_store, f.id, "alice", tmp_path / "out")
    with pytest.raises(DatabaseError, match="append-only"):
        with any_store.session.begin() as s:
            s.execute(text(statement))
    with any_store.session() as s:
        assert [r.reviewer for r in s.scalars(select(ReviewRow))] == ["alice"]


HOSTILE = "<img src=x onerror=alert(1)> **bold** [link](javascript:alert(2))"


def _seed_hostile(app_env) -> dict[str, FieldRow]:
    """A receipt whose company, address and candidates are markup, and whose source name is too."""
    lines = [f"{HOSTILE} SDN BHD", "12 JALAN <script>alert(3)</script>, 50000 KUALA LUMPUR", "DATE: 03/04/2019",
             "TOTAL: RM 7.00", "TOTAL: RM 8.00"]
    pipe = Pipeline(Settings(home=app_env.settings.home, database_url=app_env.store.url, llm_provider="none"),
                    extractor_names=["rules"], store=app_env.store)
    pipe.process("\n".join(lines).encode(), f"inbox/{HOSTILE}.txt", "receipt")
    with app_env.store.session() as s:
        run_id = s.scalar(select(func.max(FieldRow.run_id)))
        return {f.name: f for f in s.scalars(select(FieldRow).where(FieldRow.run_id == run_id))}


def _no_markup(at) -> None:
    shown = shown_as_markdown(at)
    assert "alert" not in shown and "javascript" not in shown and "<img" not in shown
    assert not at.exception


def test_hostile_values_are_text_in_every_view(app_env) -> None:
    fields = _seed_hostile(app_env)
    company = str(fields["company"].value)
    assert "javascript:" in company and "<script>" in str(fields["address"].value) and fields["total"].candidates
    review.reject(app_env.store, fields["total"].id, "alice", app_env.out)
    at = app().run()  # the queue
    _no_markup(at)
    assert any(HOSTILE in str(v) for d in at.dataframe for v in d.value.astype(str).values.ravel())
    for name in ("company", "address", "total"):  # the value, its candidates and its history
        f = fields[name]
        at = open_field(app(), f.id)
        _no_markup(at)
        if name != "total":  # (rejected: no value left, its candidates and history are shown)
            assert any(c.value == str(f.value) for c in at.code)
        at.session_state["run_id"] = f.run_id
        at.switch_page(DOCUMENT).run()
        _no_markup(at)
    assert any(company == str(v) for d in at.dataframe for v in d.value.astype(str).values.ravel())
    for page in (QUEUE, DASHBOARD):
        _no_markup(app().switch_page(page).run())


def _queue_sources(at) -> set[str]:
    return {str(v) for d in at.dataframe for v in d.value["source"]} if at.dataframe else set()


def test_a_reviewer_sees_only_the_schemas_allowed(app_env) -> None:
    users = app_env.settings.home / "reviewers.yaml"
    auth.save_account(users, "rita", PASSWORD, role="reviewer", schemas=["receipt"])
    auth.save_account(users, "ada", PASSWORD, role="admin", schemas=["receipt"])
    fields = _seed_hostile(app_env)
    with app_env.store.session() as s:
        invoice = s.scalars(select(FieldRow).where(FieldRow.run_id != fields["company"].run_id)).first()

    at = app("rita").run()
    assert _queue_sources(at) and all(src.startswith("inbox/") for src in _queue_sources(at))  # the receipt only
    at = open_field(app("rita"), invoice.id)
    assert at.error[0].value == "This document type is not among yours." and not at.code
    at = app("rita")
    at.session_state["run_id"] = invoice.run_id
    at.switch_page(DOCUMENT).run()
    assert at.error[0].value == "This document type is not among yours." and not at.dataframe
    assert app("rita").switch_page(DASHBOARD).run().error[0].value.startswith("This page covers every document type")

    at = app("ada").run()  # an admin sees every type, whatever schemas the account lists
    assert any(not src.startswith("inbox/") for src in _queue_sources(at))
    assert open_field(app("ada"), invoice.id).code and not app("ada").switch_page(DASHBOARD).run().error
