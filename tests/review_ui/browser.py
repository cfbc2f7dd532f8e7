"""Shared by the browser tests: ``docloop review`` served by Streamlit on a seeded
SQLite database, driven by Debian's headless Chromium through Playwright."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from playwright.sync_api import Page, expect, sync_playwright
from sqlalchemy import select

from pipeline.store import FieldRow, Store
from review_ui.remember import COOKIE
from pipeline.schemas import FieldSpec

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
DOCLOOP = Path(sys.executable).parent / "docloop"
PASSWORD = "correct horse battery"
WAIT_MS = 30_000
# the correction and quote inputs of the field page shown
CORRECTION = ".st-key-correction_value input, .st-key-correction_value textarea"
QUOTE = ".st-key-correction_quote input"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    url: str
    store: Store
    out: Path
    env: dict[str, str]
    home: Path


def app_env(home: Path) -> dict[str, str]:
    db = f"sqlite:///{home / 'docloop.db'}"
    return {**os.environ, "DOCLOOP_HOME": str(home), "DOCLOOP_DATABASE_URL": db, "DOCLOOP_LLM_PROVIDER": "none",
            "DOCLOOP_REVIEW_USERS_FILE": str(home / "reviewers.yaml"), "DOCLOOP_REVIEW_PASSWORD": PASSWORD}


@contextmanager
def serve(home: Path, seed: Callable[[Store, dict[str, str]], object]) -> Iterator[Server]:
    """The review app on a fresh database that ``seed(store, env)`` fills; alice can log in."""
    env = app_env(home)
    store = Store(env["DOCLOOP_DATABASE_URL"])
    store.migrate()
    seed(store, env)
    subprocess.run([str(DOCLOOP), "review-user", "alice"], env=env, cwd=home, check=True, capture_output=True)
    port, out = free_port(), home / "out"
    log = (home / "server.log").open("w")
    proc = subprocess.Popen([str(DOCLOOP), "review", "--port", str(port), "--out", str(out)],
                            env=env, cwd=home, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if urllib.request.urlopen(f"{url}/_stcore/health", timeout=2).read() == b"ok":
                    break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise RuntimeError((home / "server.log").read_text())
                time.sleep(0.5)
        yield Server(url, store, out, env, home)
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        log.close()
        store.engine.dispose()


@contextmanager
def browser_page() -> Iterator[Page]:
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield browser.new_page(viewport={"width": 1440, "height": 1100})
        finally:
            browser.close()


def login(page: Page, url: str, username: str = "alice", lands_on: str = "Review queue") -> None:
    page.goto(url)
    fill_login(page, username)
    expect(page.get_by_role("heading", name=lands_on)).to_be_visible(timeout=WAIT_MS)
    idle(page)
    # the page fetches its login cookie right after logging in: a reload before that logs out
    wait_until(lambda: any(c["name"] == COOKIE and c["httpOnly"] for c in page.context.cookies()), "the login cookie")


def fill_login(page: Page, username: str = "alice") -> None:
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.keyboard.press("Enter")


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


def status_of(store: Store, field_id: int) -> str:
    with store.session() as s:
        return s.get(FieldRow, field_id).status


def idle(page: Page) -> None:
    """Wait for the app's script run to end: keys pressed while it runs may be dropped."""
    expect(page.locator('[data-test-script-state="notRunning"]')).to_have_count(1, timeout=WAIT_MS)


def done(page: Page, store: Store, field: FieldRow, status: str, flash: str) -> None:
    """Wait for a decision: in the database, then its note on the next page shown."""
    wait_until(lambda: status_of(store, field.id) == status, f"{field.name} to become {status}")
    expect(page.get_by_test_id("stAlertContentSuccess").first).to_contain_text(flash, timeout=WAIT_MS)
    idle(page)


def start_reviewing(page: Page, store: Store) -> FieldRow:
    """From the queue, N claims and opens the most urgent field."""
    page.keyboard.press("n")
    first = wait_until(lambda: held(store), "a claimed field")
    expect(page.locator("h1").first).to_have_text(first.name, timeout=WAIT_MS)
    idle(page)
    return first


def on_field(page: Page, store: Store) -> FieldRow:
    """The field now held, once its page is the one shown."""
    field = wait_until(lambda: held(store), "a claimed field")
    expect(page.locator("h1").first).to_have_text(field.name, timeout=WAIT_MS)
    idle(page)
    return field


def typed(spec: FieldSpec) -> str:
    """What a reviewer types for a field of this kind."""
    return {"date": "20240131", "money": "123.45", "percent": "7", "currency": "EUR", "term": "3 years"}.get(spec.kind, "Corrected Example Ltd")


def is_table(spec: FieldSpec) -> bool:
    return spec.many and spec.kind == "object"


def mark_absent(page: Page, store: Store, field: FieldRow, spec: FieldSpec) -> None:
    page.keyboard.press("x")
    done(page, store, field, "rejected", f"Marked {field.name} not present.")
