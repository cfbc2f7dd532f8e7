"""Bug 3 of issue 17, in a real browser: a table field (invoice line items) is never saved
empty by accident (Enter from the evidence box with nothing entered), and it is edited
from the keyboard alone: E into the first cell, Tab from cell to cell, Enter saves."""

from __future__ import annotations

from playwright.sync_api import expect
from sqlalchemy import select

from pipeline.store import ReviewRow
from review_ui import review
from tests.review_ui.browser import QUOTE, WAIT_MS, browser_page, done, held, idle, login, mark_absent, on_field, serve, start_reviewing, status_of
from tests.review_ui.conftest import invoice_files, seed

ROW = {"description": "Consulting services, March", "quantity": "2", "unit_price": "50", "amount": "100"}


def test_line_items_from_the_keyboard_and_never_saved_empty(tmp_path):
    with serve(tmp_path, lambda store, env: seed(store, tmp_path, invoice_files(1))) as server, browser_page() as page:
        store = server.store
        login(page, server.url)
        start_reviewing(page, store)
        while (field := on_field(page, store)).name != "line_items":
            mark_absent(page, store, field, review.spec_for("invoice", field.name))
        assert field.value == []  # the rules found no lines: the table starts empty

        page.locator(QUOTE).first.focus()
        page.keyboard.press("Enter")  # the form is sent with an empty table
        expect(page.get_by_test_id("stAlertContentError").first).to_contain_text("empty", timeout=WAIT_MS)
        idle(page)
        assert status_of(store, field.id) == "needs_review"

        page.evaluate("document.activeElement.blur()")  # the reviewer leaves the box
        page.keyboard.press("e")
        expect(page.locator(".st-key-correction_value input:focus")).to_have_count(1, timeout=WAIT_MS)
        for i, cell in enumerate(ROW.values()):
            page.keyboard.type(cell)
            if i < len(ROW) - 1:
                page.keyboard.press("Tab")
        page.keyboard.press("Enter")
        done(page, store, field, "corrected", "Corrected line_items.")

    with store.session() as s:
        reviews = list(s.scalars(select(ReviewRow).where(ReviewRow.field_id == field.id)))
    assert [(r.action, r.after) for r in reviews] == [("corrected", review.validate("invoice", "line_items", [ROW]))]
