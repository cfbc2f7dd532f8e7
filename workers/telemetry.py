"""Traces and metrics across the queue: a document handled by several workers is one trace.

- ``TraceContext``: a sent message carries the W3C trace context of the span that sent it
  (in ``message.options["trace"]``); the worker that runs it opens a ``docloop.message``
  span under that context, so every step, retry and redelivery of a run is a span of one
  trace. A retried message keeps the context it was first sent with.
- ``QueueMetrics``: retries and dead letters counted, ``/metrics`` served by every worker
  process (``DOCLOOP_METRICS_PORT``, the next free port when several processes share it),
  queue depth read from the broker when scraped.
- ``BreakerGauge``: a pybreaker listener keeping ``docloop_breaker_open`` current.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from typing import Any

import pybreaker
from dramatiq import Middleware
from opentelemetry import context, propagate, trace
from opentelemetry.trace import Status, StatusCode
from prometheus_client import REGISTRY
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from pipeline.store import Store
from pipeline.telemetry import metrics
from pipeline.telemetry.tracing import flush, tracer

log = logging.getLogger(__name__)
CARRIER = "trace"


class TraceContext(Middleware):
    """W3C trace context in every message; a span per message processed."""

    def __init__(self) -> None:
        self._local = threading.local()

    def before_enqueue(self, broker: Any, message: Any, delay: int) -> None:
        if CARRIER not in message.options:
            carrier: dict[str, str] = {}
            propagate.inject(carrier)
            if carrier:
                message.options[CARRIER] = carrier

    def before_process_message(self, broker: Any, message: Any) -> None:
        parent = propagate.extract(message.options.get(CARRIER) or {})
        attempt = message.options.get("retries", 0)
        attributes = {
            "messaging.system": "dramatiq",
            "messaging.operation.type": "process",
            "messaging.destination.name": message.queue_name,
            "messaging.message.id": message.message_id,
            "docloop.actor": message.actor_name,
            "docloop.attempt": attempt,
        }
        if message.args and isinstance(message.args[0], int):
            attributes["docloop.run.id"] = message.args[0]
        span = tracer().start_span(f"docloop.message {message.actor_name}", context=parent, kind=trace.SpanKind.CONSUMER, attributes=attributes)
        token = context.attach(trace.set_span_in_context(span, parent))
        self._local.current = (span, token)

    def _end(self, exception: BaseException | None) -> None:
        span, token = getattr(self._local, "current", (None, None))
        if span is None:
            return
        self._local.current = (None, None)
        if exception is not None:
            span.record_exception(exception)
            span.set_status(Status(StatusCode.ERROR, f"{type(exception).__name__}: {exception}"))
        span.end()
        context.detach(token)

    def after_process_message(self, broker: Any, message: Any, *, result: Any = None, exception: BaseException | None = None) -> None:
        self._end(exception)

    def after_skip_message(self, broker: Any, message: Any) -> None:
        self._end(None)

    def before_worker_shutdown(self, broker: Any, worker: Any) -> None:
        flush()


class QueueMetrics(Middleware):
    """Placed before ``Retries`` like ``DeadLetters``, so it sees the message after Retries decided."""

    def __init__(self, port: int, store: Callable[[], Store]):
        self.port, self.store = port, store

    def after_process_boot(self, broker: Any) -> None:
        REGISTRY.register(QueueDepth(broker))
        port = metrics.serve(self.port, self.store)
        log.info("metrics on :%d/metrics", port)

    def before_process_message(self, broker: Any, message: Any) -> None:
        if message.options.get("retries", 0):
            metrics.RETRIES.labels(message.queue_name).inc()

    def after_process_message(self, broker: Any, message: Any, *, result: Any = None, exception: BaseException | None = None) -> None:
        if message.failed:
            metrics.DEAD_LETTERS.labels(message.queue_name).inc()

    def after_skip_message(self, broker: Any, message: Any) -> None:
        if message.failed:
            metrics.DEAD_LETTERS.labels(message.queue_name).inc()


class QueueDepth(Collector):
    """Messages waiting per declared queue, asked of the broker at scrape time."""

    def __init__(self, broker: Any):
        self.broker = broker

    def _depth(self, queue: str) -> int:
        if hasattr(self.broker, "get_queue_message_counts"):  # RabbitMQ: ready, delayed, dead
            ready, delayed, _ = self.broker.get_queue_message_counts(queue)
            return ready + delayed
        return int(self.broker.do_qsize(queue))  # Redis

    def collect(self) -> Iterable[GaugeMetricFamily]:
        family = GaugeMetricFamily(metrics.QUEUE_DEPTH, "Messages waiting (and delayed) per queue.", labels=["queue"])
        for queue in sorted(self.broker.get_declared_queues()):
            try:
                family.add_metric([queue], self._depth(queue))
            except Exception as e:  # a broker hiccup must not break the scrape
                log.warning("queue depth of %s: %s", queue, e)
        yield family


class BreakerGauge(pybreaker.CircuitBreakerListener):
    @staticmethod
    def closed(provider: str) -> None:
        metrics.BREAKER_OPEN.labels(provider).set(0)

    def state_change(self, cb: pybreaker.CircuitBreaker, old_state: Any, new_state: Any) -> None:
        metrics.BREAKER_OPEN.labels(cb.name).set(1 if new_state.name == pybreaker.STATE_OPEN else 0)
