"""End to end in a real browser: ``docloop review`` served by Streamlit, driven by
Debian's headless Chromium through Playwright.

A reviewer logs in, opens the queue, takes the most urgent field, corrects one
field with the keyboard, accepts another and marks the rest of that document not
present; the database must hold the reviews and statuses, and the document's
exported JSON the reviewed values. Screenshots go to ``test-artifacts/``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright
from sqlalchemy import select

from pipeline.store import FieldRow, ReviewRow, RunRow
from review_ui import review
from pipeline.schemas import FieldSpec
from tests.conftest import ROOT
from tests.review_ui.browser import (
    CHROMIUM, CHROMIUM_ARGS, PASSWORD, WAIT_MS, Server, done, held, idle, is_table, serve, typed, wait_until,
)
from tests.review_ui.conftest import invoice_files, seed

ARTIFACTS = ROOT / "test-artifacts"


@pytest.fixture
def server(tmp_path) -> Iterator[Server]:
    with serve(tmp_path, lambda store, env: seed(store, tmp_path, invoice_files(2))) as running:
        yield running


def test_review_in_a_real_browser(server):
    ARTIFACTS.mkdir(exist_ok=True)
    store = server.store
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        page = browser.new_page(viewport={"width": 1440, "height": 1100})
        try:
            # Before login no page is served: asking for the queue gets the login form.
            page.goto(f"{server.url}/queue")
            expect(page.get_by_label("Username")).to_be_visible(timeout=WAIT_MS)
            expect(page.get_by_role("heading", name="Review queue")).to_have_count(0)

            page.goto(server.url)
            page.get_by_label("Username").fill("alice")
            page.get_by_label("Password", exact=True).fill(PASSWORD)
            page.keyboard.press("Enter")
            expect(page.get_by_role("heading", name="Review queue")).to_be_visible(timeout=WAIT_MS)
            expect(page.get_by_text("Reviewer: alice")).to_be_visible()
            expect(page.get_by_test_id("stMetric").filter(has_text="Documents")).to_contain_text("2", timeout=WAIT_MS)
            expect(page.get_by_test_id("stDataFrame")).to_be_visible(timeout=WAIT_MS)
            idle(page)
            page.screenshot(path=str(ARTIFACTS / "review_queue.png"), full_page=True)

            page.keyboard.press("n")  # review next
            first = wait_until(lambda: held(store), "a claimed field")
            expect(page.locator("h1").first).to_have_text(first.name, timeout=WAIT_MS)
            idle(page)
            run_id = first.run_id

            corrected = accepted = None
            while (field := held(store)) is not None and field.run_id == run_id:
                spec = review.spec_for("invoice", field.name)
                if corrected is None and not spec.many:
                    page.screenshot(path=str(ARTIFACTS / "review_field.png"), full_page=True)
                    page.keyboard.press("e")
                    expect(page.locator(".st-key-correction_value :focus")).to_have_count(1, timeout=WAIT_MS)
                    page.keyboard.type(typed(spec))
                    if spec.kind == "date":  # a date picker: Tab past its calendar button to the next input
                        page.keyboard.press("Tab")
                        page.keyboard.press("Tab")
                    page.keyboard.press("Enter")
                    corrected = (field, review.validate("invoice", field.name, "2024-01-31" if spec.kind == "date" else typed(spec)))
                    done(page, store, field, "corrected", f"Corrected {field.name}.")
                elif accepted is None and not is_table(spec):
                    accepted = field
                    page.keyboard.press("a")
                    done(page, store, field, "accepted", f"Accepted {field.name}.")
                else:
                    page.keyboard.press("Alt+x" if is_table(spec) else "x")
                    done(page, store, field, "rejected", f"Marked {field.name} not present.")
            assert corrected and accepted

            expect(page.get_by_text("Document completed and exported")).to_be_visible(timeout=WAIT_MS)
            page.screenshot(path=str(ARTIFACTS / "review_completed.png"), full_page=True)

            page.get_by_role("link", name="Dashboard").click()
            expect(page.get_by_test_id("stMetric").filter(has_text="Fields reviewed")).to_be_visible(timeout=WAIT_MS)
            expect(page.get_by_test_id("stVegaLiteChart").first).to_be_visible(timeout=WAIT_MS)
            idle(page)
            page.screenshot(path=str(ARTIFACTS / "review_dashboard.png"), full_page=True)

            page.get_by_role("button", name="Log out").click()
            expect(page.get_by_label("Username")).to_be_visible(timeout=WAIT_MS)
        finally:
            browser.close()

    field, value = corrected
    with store.session() as s:
        reviews = {r.field_id: r for r in s.scalars(select(ReviewRow))}
        run = s.get(RunRow, run_id)
        statuses = {f.name: f.status for f in s.scalars(select(FieldRow).where(FieldRow.run_id == run_id))}
        assert run.status == "completed" and run.exported_at is not None
        source = run.state["source"]
    assert (reviews[field.id].reviewer, reviews[field.id].action, reviews[field.id].after) == ("alice", "corrected", value)
    assert reviews[field.id].before == field.value
    assert (reviews[accepted.id].action, reviews[accepted.id].after) == ("accepted", accepted.value)
    assert statuses[field.name] == "corrected" and statuses[accepted.name] == "accepted"
    assert "needs_review" not in statuses.values()

    exported = json.loads((server.out / f"{Path(source).stem}.json").read_text())
    assert exported["status"] == "completed"
    assert exported["data"][field.name] == value
    assert {n: f["status"] for n, f in exported["fields"].items()} == statuses
