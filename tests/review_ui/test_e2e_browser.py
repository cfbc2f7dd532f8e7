"""End to end in a real browser: ``docloop review`` served by Streamlit, driven by
Debian's headless Chromium through Playwright.

A reviewer logs in, opens the queue, takes the most urgent field, corrects one
field with the keyboard, accepts another and marks the rest of that document not
present; the database must hold the reviews and statuses, and the document's
exported JSON the reviewed values. Screenshots go to ``test-artifacts/``.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect, sync_playwright
from sqlalchemy import select

from pipeline.store import FieldRow, ReviewRow, RunRow, Store
from review_ui import review
from pipeline.schemas import FieldSpec
from tests.conftest import ROOT
from tests.review_ui.conftest import invoice_files, seed

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
ARTIFACTS = ROOT / "test-artifacts"
DOCLOOP = Path(sys.executable).parent / "docloop"
PASSWORD = "correct horse battery"
WAIT_MS = 30_000


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, url: str, store: Store, out: Path):
        self.url, self.store, self.out = url, store, out


@pytest.fixture
def server(tmp_path) -> Iterator[Server]:
    db = f"sqlite:///{tmp_path / 'docloop.db'}"
    store = Store(db)
    store.migrate()
    seed(store, tmp_path, invoice_files(2))
    env = {**os.environ, "DOCLOOP_HOME": str(tmp_path), "DOCLOOP_DATABASE_URL": db, "DOCLOOP_LLM_PROVIDER": "none",
           "DOCLOOP_REVIEW_USERS_FILE": str(tmp_path / "reviewers.yaml"), "DOCLOOP_REVIEW_PASSWORD": PASSWORD}
    subprocess.run([str(DOCLOOP), "review-user", "alice"], env=env, cwd=tmp_path, check=True, capture_output=True)
    port, out = free_port(), tmp_path / "out"
    log = (tmp_path / "server.log").open("w")
    proc = subprocess.Popen([str(DOCLOOP), "review", "--port", str(port), "--out", str(out)],
                            env=env, cwd=tmp_path, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if urllib.request.urlopen(f"{url}/_stcore/health", timeout=2).read() == b"ok":
                    break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise RuntimeError((tmp_path / "server.log").read_text())
                time.sleep(0.5)
        yield Server(url, store, out)
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        log.close()
        store.engine.dispose()


def held(store: Store) -> FieldRow | None:
    """The field alice holds now."""
    with store.session() as s:
        return s.scalars(select(FieldRow).where(FieldRow.claimed_by == "alice")).first()


def wait_until(check, what: str, timeout_s: float = 30):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def typed(spec: FieldSpec) -> str:
    """What a reviewer types for a field of this kind."""
    return {"date": "20240131", "money": "123.45", "percent": "7", "currency": "EUR", "term": "3 years"}.get(spec.kind, "Corrected Example Ltd")


def is_table(spec: FieldSpec) -> bool:
    return spec.many and spec.kind == "object"


def done(page: Page, store: Store, field: FieldRow, status: str, flash: str) -> None:
    """Wait for a decision: in the database, then its note on the next page shown."""
    wait_until(lambda: _status(store, field.id) == status, f"{field.name} to become {status}")
    expect(page.get_by_test_id("stAlertContentSuccess").first).to_contain_text(flash, timeout=WAIT_MS)
    idle(page)


def idle(page: Page) -> None:
    """Wait for the app's script run to end: keys pressed while it runs may be dropped."""
    expect(page.locator('[data-test-script-state="notRunning"]')).to_have_count(1, timeout=WAIT_MS)


def _status(store: Store, field_id: int) -> str:
    with store.session() as s:
        return s.get(FieldRow, field_id).status


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
