"""Bug 1 of issue 17, in a real browser: every field page starts with that field's own
value in the correction box and an empty evidence box, whatever was typed on the page
before (another field, another document)."""

from __future__ import annotations

from decimal import Decimal

from playwright.sync_api import Page

from review_ui import review
from tests.review_ui.browser import CORRECTION, QUOTE, WAIT_MS, browser_page, done, held, login, mark_absent, on_field, serve, start_reviewing
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
    with serve(tmp_path, lambda store, env: seed(store, tmp_path, invoice_files(2))) as server, browser_page() as page:
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
        assert len({s[0] for s in later}) == 2  # pages of both documents came after the correction
        assert [(run, name, box) for run, name, box, _, _ in later] == [(run, name, want) for run, name, _, want, _ in later]
        assert [quote for *_, quote in later] == [""] * len(later)
