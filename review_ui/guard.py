"""Login throttling and session lifetime for the local accounts.

- A failed login counts against the account *and* the client (its address);
  after ``max_failures`` within ``window`` either is locked out for
  ``lockout``: further attempts fail without checking the password, so
  guessing costs the same whatever the guess. Every failure and lockout is
  logged (logger ``docloop.review.auth``) with the account and the client.
- A login lasts ``session_hours`` at most and ends after ``idle_minutes``
  without a page run.

The guard lives in the server process (``st.cache_resource``): Streamlit serves
every session from one process, so every session's attempts meet here.
"""

from __future__ import annotations

import logging
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
