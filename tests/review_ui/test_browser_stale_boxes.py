"""Bug 1 of issue 17, in a real browser: every field page starts with that field's own
value in the correction box and an empty evidence box, whatever was typed on the page
before (another field, another document)."""

from __future__ import annotations

import re
from decimal import Decimal

from playwright.sync_api import Page, expect

from review_ui import review
from tests.review_ui.browser import (
    CORRECTION, QUOTE, WAIT_MS, browser_page, done, held, login, mark_absent, on_field, serve, start_reviewing, status_of,
    wait_until,
)
from tests.review_ui.conftest import invoice_files, seed

TYPED_VALUE, TYPED_QUOTE = "Stale Example Holdings", "no such words in the document"


def own_box_text(value, kind: str) -> str | None:
    """What the correction box must hold for a field; None where it is not a plain box."""
    if kind == "date":
        return None
    if kind in ("money", "percent"):
        return "" if value is None else f"{Decimal(str(value)):.2f}"
    return "" if value is None else str(value)


def box_value(page: Page, selector: str) -> str:
    page.locator(selector).first.wait_for(timeout=WAIT_MS)
    return page.locator(selector).first.input_value()


def test_each_field_page_starts_with_its_own_value(tmp_path):
    # three invoices: one may leave no plain box to review (its fields auto-accepted or dates)
    with serve(tmp_path, lambda store, env: seed(store, tmp_path, invoice_files(3))) as server, browser_page() as page:
        store = server.store
        login(page, server.url)
        start_reviewing(page, store)
        seen: list[tuple[str, str, str, str, str]] = []  # (run, field, box, expected box, quote box)
        corrected = None
        while (field := held(store)) is not None:
            field = on_field(page, store)
            spec = review.spec_for("invoice", field.name)
            expected = None if spec.many else own_box_text(field.value, spec.kind)
            if expected is not None:
                seen.append((field.run_id, field.name, box_value(page, CORRECTION), expected, box_value(page, QUOTE)))
            if corrected is None and not spec.many and spec.kind not in ("date", "money", "percent"):
                page.keyboard.press("e")
                page.locator(".st-key-correction_value :focus").wait_for(timeout=WAIT_MS)
                page.keyboard.press("ControlOrMeta+a")
                page.keyboard.type(TYPED_VALUE)
                page.keyboard.press("Tab")  # on to the evidence box
                page.keyboard.type(TYPED_QUOTE)
                page.keyboard.press("Enter")
                corrected = field
                done(page, store, field, "corrected", f"Corrected {field.name}.")
            else:
                mark_absent(page, store, field, spec)
        assert corrected is not None
        later = [s for s in seen if (s[0], s[1]) != (corrected.run_id, corrected.name)]
        runs = {s[0] for s in later}
        # after the correction came another field of its document and another document's fields
        assert corrected.run_id in runs and runs - {corrected.run_id}
        assert [(run, name, box) for run, name, box, _, _ in later] == [(run, name, want) for run, name, _, want, _ in later]
        assert [quote for *_, quote in later] == [""] * len(later)


def test_a_field_has_its_own_link_and_n_moves_on(tmp_path):
    with serve(tmp_path, lambda store, env: seed(store, tmp_path, invoice_files(1))) as server, browser_page() as page:
        store = server.store
        login(page, server.url)
        first = start_reviewing(page, store)
        expect(page).to_have_url(re.compile(rf"[?&]field={first.id}\b"), timeout=WAIT_MS)
        page.keyboard.press("n")
        wait_until(lambda: (f := held(store)) is not None and f.id != first.id, "N to move on")
        second = on_field(page, store)
        assert second.id != first.id and status_of(store, first.id) == "needs_review"
        expect(page).to_have_url(re.compile(rf"[?&]field={second.id}\b"), timeout=WAIT_MS)
