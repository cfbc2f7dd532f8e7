"""Issue 17's later review actions in a real browser, from the keyboard and the address bar:
U undoes the last decision, a reload keeps the login and the page, and a field its
reviewer left is free for another at once."""

from __future__ import annotations

import subprocess

from playwright.sync_api import expect
from sqlalchemy import select

from pipeline.store import FieldRow, ReviewRow
from review_ui import remember, review
from tests.review_ui.browser import (
    DOCLOOP, WAIT_MS, browser_page, fill_login, held, idle, login, mark_absent, on_field, serve, start_reviewing, status_of, wait_until,
)
from tests.review_ui.conftest import invoice_files, seed


def holder(store, field_id: int) -> str | None:
    with store.session() as s:
        return s.get(FieldRow, field_id).claimed_by


def test_u_undoes_the_last_decision_and_shows_that_field_again(tmp_path):
    with serve(tmp_path, lambda store, env: seed(store, tmp_path, invoice_files(1))) as server, browser_page() as page:
        store = server.store
        login(page, server.url)
        first = start_reviewing(page, store)
        mark_absent(page, store, first, review.spec_for("invoice", first.name))
        assert on_field(page, store).id != first.id

        page.keyboard.press("u")
        wait_until(lambda: status_of(store, first.id) == "needs_review", "the decision to be undone")
        expect(page.get_by_test_id("stAlertContentSuccess").first).to_contain_text("Last decision undone.", timeout=WAIT_MS)
        expect(page.locator("h1").first).to_have_text(first.name, timeout=WAIT_MS)
        idle(page)
        assert f"field={first.id}" in page.url
    with store.session() as s:
        log = [(r.field_id, r.action) for r in s.scalars(select(ReviewRow).order_by(ReviewRow.id))]
    assert log == [(first.id, "rejected"), (first.id, "undone")]


def test_a_reload_keeps_the_login_and_the_page(tmp_path):
    with serve(tmp_path, lambda store, env: seed(store, tmp_path, invoice_files(1))) as server, browser_page() as page:
        store = server.store
        login(page, server.url)
        field = start_reviewing(page, store)
        assert f"field={field.id}" in page.url

        page.reload()
        expect(page.locator("h1").first).to_have_text(field.name, timeout=WAIT_MS)
        idle(page)
        expect(page.get_by_text("Reviewer: alice")).to_be_visible()
        assert held(store).id == field.id  # still this reviewer's field

        page.goto(f"{server.url}/dashboard")  # a typed address: a new session, as a reload
        expect(page.get_by_role("heading", name="Dashboard")).to_be_visible(timeout=WAIT_MS)
        idle(page)
        expect(page.get_by_text("Page not found")).to_have_count(0)
        page.reload()
        expect(page.get_by_role("heading", name="Dashboard")).to_be_visible(timeout=WAIT_MS)
        idle(page)

        page.get_by_role("button", name="Log out").click()
        expect(page.get_by_role("heading", name="docloop review")).to_be_visible(timeout=WAIT_MS)
        idle(page)
        page.goto(f"{server.url}/dashboard")  # the old token was revoked: the login form, at that address
        expect(page.get_by_label("Username")).to_be_visible(timeout=WAIT_MS)
        expect(page.get_by_text("Page not found")).to_have_count(0)
        fill_login(page)
        expect(page.get_by_role("heading", name="Dashboard")).to_be_visible(timeout=WAIT_MS)  # where the link pointed
        idle(page)

        page.context.clear_cookies()
        page.context.add_cookies([{"name": remember.COOKIE, "value": "forged-token", "url": server.url}])
        page.goto(f"{server.url}/queue")
        expect(page.get_by_label("Username")).to_be_visible(timeout=WAIT_MS)


def test_after_a_leaves_the_field_b_takes_it_at_once(tmp_path):
    with serve(tmp_path, lambda store, env: seed(store, tmp_path, invoice_files(1))) as server, browser_page() as a:
        store = server.store
        subprocess.run([str(DOCLOOP), "review-user", "bob"], env=server.env, cwd=tmp_path, check=True, capture_output=True)
        login(a, server.url)
        field = start_reviewing(a, store)
        b = a.context.browser.new_context().new_page()  # another browser profile: bob's own cookies and session
        login(b, server.url, "bob")
        b.goto(f"{server.url}/field?field={field.id}")
        expect(b.get_by_text("Another reviewer is working on this field.")).to_be_visible(timeout=WAIT_MS)
        idle(b)

        a.keyboard.press("d")  # alice goes to the document view
        expect(a.get_by_role("heading", name="Document")).to_be_visible(timeout=WAIT_MS)
        wait_until(lambda: holder(store, field.id) is None, "alice's claim to be given back")
        b.reload()
        expect(b.locator("h1").first).to_have_text(field.name, timeout=WAIT_MS)
        idle(b)
        assert holder(store, field.id) == "bob"
