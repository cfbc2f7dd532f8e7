"""The Prometheus series docloop exports (prometheus-client, the process's default registry).

Counters and histograms are updated where things happen (the stage wrapper, the model-call
recorder, the queue middleware); gauges that describe the database (review backlog,
auto-accept share, corrections of auto-accepted fields, cost) are read from the store when
scraped (``StoreCollector``), so every process reports the same truth. ``METRIC_NAMES`` is
what the dashboard and alert rules may query (checked by a test).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from datetime import datetime, timezone
from typing import TYPE_CHECKING

from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, Counter, Gauge, Histogram, generate_latest, start_http_server
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

if TYPE_CHECKING:
    from pipeline.store import Store

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300)

STAGE_SECONDS = Histogram("docloop_stage_seconds", "Time spent in a pipeline stage.", ["stage"], buckets=LATENCY_BUCKETS)
STAGE_ERRORS = Counter("docloop_stage_errors_total", "Stage calls that raised.", ["stage"])
DOCUMENTS = Counter("docloop_documents_total", "Documents finished, by final status.", ["schema", "status"])
BUDGET_STOPS = Counter("docloop_budget_stops_total", "Documents whose model calls a token budget stopped (per document or per day).", ["schema"])
MODEL_CALLS = Counter("docloop_model_calls_total", "Model calls (cache hits included).", ["provider", "model", "outcome"])
MODEL_SECONDS = Histogram("docloop_model_call_seconds", "Latency of model calls (not cache hits).", ["provider", "model"], buckets=LATENCY_BUCKETS)
MODEL_TOKENS = Counter("docloop_model_tokens_total", "Model tokens spent.", ["schema", "direction"])
MODEL_COST = Counter("docloop_model_cost_usd_total", "Model cost in USD.", ["schema"])
FIELD_COST = Counter("docloop_field_cost_usd_total", "Model cost in USD per field (a call's cost shared by its fields).", ["schema", "field"])
RETRIES = Counter("docloop_message_retries_total", "Queue messages run again after a failure.", ["queue"])
DEAD_LETTERS = Counter("docloop_dead_letters_total", "Queue messages dead-lettered.", ["queue"])
BREAKER_OPEN = Gauge("docloop_breaker_open", "1 while a provider's circuit breaker is open.", ["provider"])

# read when scraped: from the broker (workers.telemetry.QueueDepth) or the store
QUEUE_DEPTH = "docloop_queue_depth"
REVIEW_BACKLOG = "docloop_review_backlog"
REVIEW_BACKLOG_AGE = "docloop_review_backlog_oldest_seconds"
FIELDS_ROUTED = "docloop_fields"
AUTO_ACCEPTED_CORRECTED = "docloop_auto_accepted_reviews"
DEAD_LETTERS_WAITING = "docloop_dead_letters_waiting"
STORED_COST = "docloop_stored_cost_usd"

_LIVE = (STAGE_SECONDS, STAGE_ERRORS, DOCUMENTS, BUDGET_STOPS, MODEL_CALLS, MODEL_SECONDS, MODEL_TOKENS, MODEL_COST, FIELD_COST, RETRIES, DEAD_LETTERS, BREAKER_OPEN)
_SUFFIXES = {"histogram": ("_bucket", "_sum", "_count"), "counter": ("_total",), "gauge": ("",)}


def _exported(metric) -> set[str]:
    kind = metric._type
    base = metric._name
    return {base + s for s in _SUFFIXES[kind]} | ({base} if kind == "histogram" else set())


METRIC_NAMES: frozenset[str] = frozenset(
    set().union(*(_exported(m) for m in _LIVE))
    | {QUEUE_DEPTH, REVIEW_BACKLOG, REVIEW_BACKLOG_AGE, FIELDS_ROUTED, AUTO_ACCEPTED_CORRECTED, DEAD_LETTERS_WAITING, STORED_COST}
)


class StoreCollector(Collector):
    """Series computed from the database when scraped: one indexed query each."""

    def __init__(self, store: Callable[[], Store]):
        self.store = store

    def collect(self) -> Iterable[GaugeMetricFamily]:
        from pipeline.telemetry.queries import backlog, dead_letters_waiting, field_statuses, reviews_of_auto_accepted, stored_cost

        store = self.store()
        now = datetime.now(timezone.utc)
        count = GaugeMetricFamily(REVIEW_BACKLOG, "Fields waiting for a person.", labels=["schema", "field"])
        age = GaugeMetricFamily(REVIEW_BACKLOG_AGE, "Age of the oldest field waiting for a person.", labels=["schema"])
        oldest: dict[str, datetime] = {}
        for schema, field, n, first in backlog(store):
            count.add_metric([schema, field], n)
            if first is not None:
                first = first if first.tzinfo else first.replace(tzinfo=timezone.utc)
                oldest[schema] = min(oldest.get(schema, first), first)
        for schema, first in oldest.items():
            age.add_metric([schema], (now - first).total_seconds())
        routed = GaugeMetricFamily(FIELDS_ROUTED, "Fields by how they were routed or resolved.", labels=["schema", "field", "status"])
        for schema, field, status, n in field_statuses(store):
            routed.add_metric([schema, field, status], n)
        audited = GaugeMetricFamily(AUTO_ACCEPTED_CORRECTED, "Reviews of auto-accepted fields (audits), by outcome.", labels=["schema", "field", "action"])
        for schema, field, action, n in reviews_of_auto_accepted(store):
            audited.add_metric([schema, field, action], n)
        dead = GaugeMetricFamily(DEAD_LETTERS_WAITING, "Dead letters not yet re-driven.", labels=["queue"])
        for queue, n in dead_letters_waiting(store):
            dead.add_metric([queue], n)
        cost = GaugeMetricFamily(STORED_COST, "Model cost kept in the store, by schema.", labels=["schema"])
        for schema, usd in stored_cost(store):
            cost.add_metric([schema], usd)
        yield from (count, age, routed, audited, dead, cost)


_served: dict[int, object] = {}
_serve_lock = threading.Lock()
_with_store: list[StoreCollector] = []


def include_store(store: Callable[[], Store]) -> None:
    """Serve the database series from this process too (once)."""
    with _serve_lock:
        if not _with_store:
            _with_store.append(StoreCollector(store))
            REGISTRY.register(_with_store[0])


def exposition(store: Callable[[], Store] | None = None) -> bytes:
    """This process's series in Prometheus' text format (with the database series given a store)."""
    if store is not None:
        include_store(store)
    return generate_latest(REGISTRY)


def serve(port: int, store: Callable[[], Store] | None = None, host: str = "0.0.0.0", tries: int = 64) -> int:
    """``/metrics`` over HTTP on ``port`` (or the next free one: several worker processes share a
    base port). Returns the port bound. With ``store``, the database series are served too."""
    if store is not None:
        include_store(store)
    with _serve_lock:
        if _served:
            return next(iter(_served))
        for candidate in range(port, port + tries):
            try:
                server, _ = start_http_server(candidate, addr=host)
            except OSError:
                continue
            _served[candidate] = server
            return candidate
        raise OSError(f"no free port for /metrics in {port}..{port + tries - 1}")
