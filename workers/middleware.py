"""Fault handling around the actors: dead letters, circuit breakers, Retry-After.

- ``DeadLetters``: a message that ran out of retries (or outlived its age
  limit) is kept in the database with its reason, for ``docloop redrive``.
- ``Breakers``: one pybreaker circuit per model provider. While a provider is
  down its circuit is open and model work is parked (re-sent with a delay)
  instead of burning retries against it.
- ``retry_after_ms``: the delay a rate-limited provider asked for (HTTP
  ``Retry-After``), so a retry waits as long as it was told to.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pybreaker
from dramatiq import Middleware

from pipeline.errors import DocloopError
from pipeline.providers.base import RETRY_AFTER_MAX_S, retry_after_s
from pipeline.store import Store
from workers.telemetry import BreakerGauge


class DeadLetters(Middleware):
    """Records failed messages (retries exhausted, age limit) with their reason.

    Placed before ``Retries`` in the broker's middleware list: ``after_*`` hooks
    run in reverse order, so this one sees the message after Retries decided.
    """

    def __init__(self, store: Callable[[], Store]):
        self.store = store

    def _record(self, broker: Any, message: Any, reason: str) -> None:
        # run-stage messages carry the run id as their only argument; ingest messages a bucket key
        run_id = message.args[0] if message.args and isinstance(message.args[0], int) else None
        self.store().record_dead_letter(
            message.message_id, message.queue_name, message.actor_name, run_id, message.asdict(), reason,
            attempts=message.options.get("retries", 0),  # Retries counted every failed execution
        )

    def after_process_message(self, broker: Any, message: Any, *, result: Any = None, exception: BaseException | None = None) -> None:
        if message.failed:
            self._record(broker, message, _reason(exception) if exception else "failed")

    def after_skip_message(self, broker: Any, message: Any) -> None:
        if message.failed:
            self._record(broker, message, "skipped: older than its age limit")


def _reason(exc: BaseException) -> str:
    chain = []
    while exc is not None and len(chain) < 3:
        chain.append(f"{type(exc).__name__}: {exc}")
        exc = exc.__cause__ or exc.__context__
    return " <- ".join(chain)


def permanent(exc: BaseException) -> bool:
    """Bad input, not a flaky dependency: retrying cannot help, and the provider is not to blame."""
    return isinstance(exc, DocloopError) and exc.permanent


class Breakers:
    """A circuit breaker per model provider, shared by the threads of a worker process."""

    def __init__(self, fail_max: int, reset_s: float):
        self.fail_max, self.reset_s = fail_max, reset_s
        self._breakers: dict[str, pybreaker.CircuitBreaker] = {}
        self._lock = threading.Lock()

    def __call__(self, provider: str) -> pybreaker.CircuitBreaker:
        with self._lock:
            if provider not in self._breakers:
                self._breakers[provider] = pybreaker.CircuitBreaker(
                    fail_max=self.fail_max, reset_timeout=self.reset_s, exclude=[permanent], name=provider,
                    throw_new_error_on_trip=False,  # the failure that trips it surfaces as itself (and its cost is kept)
                    listeners=[BreakerGauge()],
                )
                BreakerGauge.closed(provider)
            return self._breakers[provider]


def retry_after_ms(exc: BaseException | None) -> int | None:
    """The Retry-After a provider sent with this error or one behind it (the SDK error a
    ``ProviderError`` wraps), in ms, capped like the provider's own retries."""
    for _ in range(5):
        if exc is None:
            return None
        if (seconds := retry_after_s(exc)) is not None:
            return int(min(seconds, RETRY_AFTER_MAX_S) * 1000)
        exc = exc.__cause__ or exc.__context__
    return None
