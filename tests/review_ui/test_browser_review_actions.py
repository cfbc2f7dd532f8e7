"""Issue 17's later review actions in a real browser, from the keyboard and the address bar:
U undoes the last decision."""

from __future__ import annotations

from playwright.sync_api import expect
from sqlalchemy import select

from pipeline.store import ReviewRow
from review_ui import review
from tests.review_ui.browser import WAIT_MS, browser_page, idle, login, mark_absent, on_field, serve, start_reviewing, status_of, wait_until
from tests.review_ui.conftest import invoice_files, seed


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
