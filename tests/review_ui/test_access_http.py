"""Access control tested from outside: the real ``docloop review`` server, raw HTTP and Chromium.

Without a session nothing but the login form is served: no page, no widget,
no page image or other ``/media/`` file; repeated failed logins lock the
account out in the browser too; XSRF protection is on, and no cookie the
server sets is readable by scripts except Streamlit's XSRF token, which the
page's own script must read to send it back (by design of the double-submit
check), and which carries no identity; the login cookie (HttpOnly) is set only for a
ticket the server handed to its own page.
"""

from __future__ import annotations

import http.client
import time
import urllib.error
import urllib.request
from urllib.parse import urlparse

from playwright.sync_api import expect, sync_playwright

from tests.review_ui.test_e2e_browser import CHROMIUM, CHROMIUM_ARGS, PASSWORD, WAIT_MS, idle, server  # noqa: F401

PAGES = ("", "queue", "field", "document", "dashboard", "login")


def _get(url: str) -> tuple[int, dict[str, str], bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()


def _seeded_words(server) -> list[str]:
    """Words only the seeded documents hold (their sources' file names)."""
    from sqlalchemy import select

    from pipeline.store import DocumentRow

    with server.store.session() as s:
        return [src.rsplit("/", 1)[-1] for src in s.scalars(select(DocumentRow.source))]


def test_raw_http_without_a_session_gets_no_data(server) -> None:
    names = _seeded_words(server)
    for path in PAGES:
        status, _, body = _get(f"{server.url}/{path}")
        assert status == 200 and not any(n.encode() in body for n in names)  # the static shell only
    shell = _get(server.url)[2]
    for path in ("media/0123456789abcdef.png", "media/../reviewers.yaml", "app/static/reviewers.yaml",
                 "app/static/../../reviewers.yaml", "_stcore/upload_file/x/y", "docloop.db"):
        status, _, body = _get(f"{server.url}/{path}")
        # refused, or (unknown paths) the same static shell as any page: never a file of ours
        assert status in (400, 403, 404, 405) or body == shell, (path, status)
        assert b"$2b$" not in body and b"SQLite format" not in body
    # the websocket that carries every page and widget action refuses a cross-site origin
    host = urlparse(server.url)
    conn = http.client.HTTPConnection(host.hostname, host.port, timeout=10)
    conn.request("GET", "/_stcore/stream", headers={
        "Upgrade": "websocket", "Connection": "Upgrade", "Sec-WebSocket-Version": "13",
        "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==", "Origin": "http://evil.example",
    })
    assert conn.getresponse().status == 403
    conn.close()


def test_the_login_cookie_route_sets_nothing_for_a_stranger(server) -> None:
    """The route that sets the login cookie answers only this site's page, and only for a
    ticket the server handed out (one use, one minute); a stranger gets no cookie."""
    from review_ui.remember import ROUTE

    host = urlparse(server.url)
    for origin, body in ((None, '{"ticket": "x"}'), ("http://evil.example", '{"ticket": "x"}'),
                         (server.url, '{"ticket": "guessed"}'), (server.url, "not json"), (server.url, '["x"]')):
        conn = http.client.HTTPConnection(host.hostname, host.port, timeout=10)
        conn.request("POST", ROUTE, body=body, headers={"Content-Type": "application/json", **({"Origin": origin} if origin else {})})
        answer = conn.getresponse()
        assert answer.status == 403 and answer.getheader("Set-Cookie") is None, (origin, body)
        conn.close()


def test_the_browser_without_a_session_sees_only_the_login_form_and_media_dies_with_the_session(server) -> None:
    names = _seeded_words(server)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            stranger = browser.new_context().new_page()
            for path in PAGES:
                stranger.goto(f"{server.url}/{path}")
                expect(stranger.get_by_label("Username")).to_be_visible(timeout=WAIT_MS)
                idle(stranger)
                content = stranger.content()
                assert not any(n in content for n in names) and "Review queue" not in content
                assert stranger.locator("img[src*='/media/']").count() == 0

            context = browser.new_context()
            alice = context.new_page()
            alice.goto(server.url)
            alice.get_by_label("Username").fill("alice")
            alice.get_by_label("Password", exact=True).fill(PASSWORD)
            alice.keyboard.press("Enter")
            expect(alice.get_by_role("heading", name="Review queue")).to_be_visible(timeout=WAIT_MS)
            idle(alice)
            alice.keyboard.press("n")  # a field, with its page image
            image = alice.locator("img[src*='/media/']").first
            expect(image).to_be_visible(timeout=WAIT_MS)
            media = image.get_attribute("src")
            url = media if media.startswith("http") else f"{server.url}{media}"
            cookies = {c["name"]: c for c in context.cookies()}
            assert all(c["httpOnly"] for name, c in cookies.items() if name != "_streamlit_xsrf"), cookies
            assert "_streamlit_xsrf" in cookies  # XSRF protection is on
            assert _get(url)[0] == 200  # a capability URL while alice's page shows it

            alice.get_by_role("button", name="Log out").click()
            expect(alice.get_by_label("Username")).to_be_visible(timeout=WAIT_MS)
            idle(alice)
            context.close()  # the session ends: its files go with it
            deadline = time.monotonic() + 10
            while _get(url)[0] != 404:
                assert time.monotonic() < deadline, "the page image stayed reachable after the session ended"
                time.sleep(0.2)
        finally:
            browser.close()


def test_the_browser_is_locked_out_after_repeated_failures(server) -> None:
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            page = browser.new_page()
            page.goto(server.url)
            for _ in range(5):  # the default limit
                page.get_by_label("Username").fill("alice")
                page.get_by_label("Password", exact=True).fill("wrong guess")
                page.keyboard.press("Enter")
                page.wait_for_timeout(300)  # the run (which waits a second on a failure) has begun
                idle(page)
                expect(page.get_by_text("Wrong username or password.")).to_be_visible(timeout=WAIT_MS)
            page.get_by_label("Password", exact=True).fill(PASSWORD)
            page.keyboard.press("Enter")
            expect(page.get_by_text("Too many failed logins. Try again later.")).to_be_visible(timeout=WAIT_MS)
            expect(page.get_by_role("heading", name="Review queue")).to_have_count(0)
        finally:
            browser.close()
    log = (server.out.parent / "server.log").read_text()
    assert log.count("login failed for account 'alice'") >= 6 and "locked out" in log
