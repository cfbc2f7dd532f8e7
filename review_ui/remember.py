"""The login cookie: what lets a reload (a new Streamlit session) resume a login.

The cookie must be HttpOnly (no script on the page may read it), and a Streamlit page
cannot set headers, so ``docloop review`` serves the app with one extra route
(``review_ui/server.py``): right after a login the page's script posts a one-time
ticket to :data:`ROUTE`, and the answer sets the cookie holding the login's token.
The registry of tokens is this process's (:func:`logins`); the app and the route share it.
"""

from __future__ import annotations

import time
from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from review_ui.config import get_review_settings
from review_ui.guard import RememberedLogins, SessionClock

COOKIE = "docloop_login"
ROUTE = "/_docloop/remember"
_registry: list[RememberedLogins] = []  # the one registry, made on first use (settings are read then)


def logins() -> RememberedLogins:
    if not _registry:
        cfg = get_review_settings()
        _registry.append(RememberedLogins(SessionClock(cfg.session_hours * 3600, cfg.idle_minutes * 60)))
    return _registry[0]


def ticket_script(ticket: str) -> str:
    """The page's script that trades ``ticket`` (URL-safe characters this server made) for the cookie."""
    return (f"<script>fetch('{ROUTE}', {{method: 'POST', credentials: 'same-origin', "
            f"headers: {{'Content-Type': 'application/json'}}, body: JSON.stringify({{ticket: '{ticket}'}})}});</script>")


async def remember(request: Request) -> Response:
    """Set the login cookie for a fresh ticket posted from this site's own page."""
    if urlsplit(request.headers.get("origin", "")).netloc != request.headers.get("host"):
        return PlainTextResponse("only the review app's own page may ask", status_code=403)
    try:
        ticket = (await request.json()).get("ticket")
    except (ValueError, AttributeError):
        ticket = None
    token = logins().redeem(ticket, time.monotonic()) if isinstance(ticket, str) else None
    if token is None:
        return PlainTextResponse("unknown or expired ticket", status_code=403)
    response = Response(status_code=204)
    response.set_cookie(COOKIE, token, max_age=int(logins().clock.session_s), path="/", httponly=True,
                        samesite="strict", secure=request.url.scheme == "https" or request.headers.get("x-forwarded-proto") == "https")
    return response
