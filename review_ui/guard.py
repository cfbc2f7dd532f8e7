"""Login throttling and session lifetime for the local accounts.

- A failed login counts against the account *and* the client (its address);
  after ``max_failures`` within ``window`` either is locked out for
  ``lockout``: further attempts fail without checking the password, so
  guessing costs the same whatever the guess. Every failure and lockout is
  logged (logger ``docloop.review.auth``) with the account and the client.
- A login lasts ``session_hours`` at most and ends after ``idle_minutes``
  without a page run.
- A login survives a reload: :class:`RememberedLogins` keeps it under a random
  token the browser holds in an HttpOnly cookie (``review_ui.remember``).

The guard lives in the server process (``st.cache_resource``): Streamlit serves
every session from one process, so every session's attempts meet here.
"""

from __future__ import annotations

import logging
import secrets
import threading
import time
from collections import defaultdict, deque
from dataclasses import dataclass, field

log = logging.getLogger("docloop.review.auth")


@dataclass
class LoginGuard:
    max_failures: int = 5
    window_s: float = 900.0
    lockout_s: float = 900.0
    clock: callable = time.monotonic  # type: ignore[valid-type]
    _failures: dict[str, deque[float]] = field(default_factory=lambda: defaultdict(deque))
    _locked_until: dict[str, float] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @staticmethod
    def _keys(username: str, client: str) -> tuple[str, str]:
        return f"account:{username.casefold()}", f"client:{client}"

    def locked(self, username: str, client: str) -> bool:
        """Whether the account or the client is locked out now."""
        now = self.clock()
        with self._lock:
            return any(self._locked_until.get(k, 0.0) > now for k in self._keys(username, client))

    def failed(self, username: str, client: str) -> None:
        """Count a failed login; lock the account or client that reached the limit."""
        now = self.clock()
        log.warning("login failed for account %r from %s", username, client)
        with self._lock:
            for key in self._keys(username, client):
                window = self._failures[key]
                window.append(now)
                while window and window[0] <= now - self.window_s:
                    window.popleft()
                if len(window) >= self.max_failures and self._locked_until.get(key, 0.0) <= now:
                    self._locked_until[key] = now + self.lockout_s
                    window.clear()
                    log.warning("%s locked out for %.0f s after %d failed logins", key, self.lockout_s, self.max_failures)

    def succeeded(self, username: str, client: str) -> None:
        """A correct login clears the account's failures (not the client's: one client may try many accounts)."""
        with self._lock:
            self._failures.pop(self._keys(username, client)[0], None)


@dataclass(frozen=True)
class SessionClock:
    """When a login ends: ``session_s`` after it began, or ``idle_s`` after the last page run."""

    session_s: float
    idle_s: float

    def expired(self, started: float, last_seen: float, now: float) -> bool:
        return now - started > self.session_s or now - last_seen > self.idle_s


@dataclass
class RememberedLogins:
    """Logins a browser can come back to after a reload or a link opened in a new tab.

    Streamlit starts a new session (and a new ``session_state``) on every page load,
    so a login is also kept here, under a random token the browser holds in a cookie.
    Only this server process knows the tokens: a forged, expired or logged-out token
    resumes nothing, and a restart logs everyone out. Expiry follows ``clock`` (the
    same limits as a session), over the activity of every tab of the login.
    """

    clock: SessionClock
    ticket_s: float = 60.0  # how long the browser has to trade a ticket for its cookie
    _logins: dict[str, list] = field(default_factory=dict)  # token -> [username, started, last seen]
    _tickets: dict[str, tuple[str, float]] = field(default_factory=dict)  # ticket -> (token, issued)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def issue(self, username: str, started: float) -> str:
        token = secrets.token_urlsafe(32)
        with self._lock:
            self._logins[token] = [username, started, started]
        return token

    def ticket(self, token: str, now: float) -> str:
        """A one-time ticket the page's script trades for the token's cookie (HttpOnly, so the
        script never holds the token itself)."""
        ticket = secrets.token_urlsafe(32)
        with self._lock:
            self._tickets[ticket] = (token, now)
        return ticket

    def redeem(self, ticket: str, now: float) -> str | None:
        """The token of a fresh, unused ticket (once); else None."""
        with self._lock:
            token, issued = self._tickets.pop(ticket, (None, 0.0))
        return token if token is not None and now - issued <= self.ticket_s and token in self._logins else None

    def resume(self, token: str, now: float) -> tuple[str, float] | None:
        """(username, when the login began) for a live token, which counts as activity; else None."""
        with self._lock:
            login = self._logins.get(token)
            if login is None:
                return None
            if self.clock.expired(login[1], login[2], now):
                del self._logins[token]
                return None
            login[2] = now
            return login[0], login[1]

    def revoke(self, token: str) -> None:
        with self._lock:
            self._logins.pop(token, None)
