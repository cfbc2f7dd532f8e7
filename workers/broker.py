"""The message broker named by ``DOCLOOP_BROKER_URL``, with docloop's middleware.

``amqp://`` gives RabbitMQ (publisher confirms on, so a send returns only once
the broker has the message), ``redis://`` gives Redis (a dead worker's
messages are re-queued after ``DOCLOOP_REDIS_HEARTBEAT_TIMEOUT_MS``).
"""

from __future__ import annotations

from collections.abc import Callable

import dramatiq
from dramatiq.brokers.rabbitmq import RabbitmqBroker
from dramatiq.brokers.redis import RedisBroker
from dramatiq.middleware import AgeLimit, Callbacks, CurrentMessage, Pipelines, Retries, ShutdownNotifications, TimeLimit

from pipeline.store import Store
from workers.middleware import DeadLetters
from workers.telemetry import QueueMetrics, TraceContext
from workers.settings import WorkerSettings


def make_broker(url: str, settings: WorkerSettings, store: Callable[[], Store]) -> dramatiq.Broker:
    middleware = [
        TraceContext(),  # first: its span is current while the others and the actor run
        AgeLimit(),
        TimeLimit(),
        ShutdownNotifications(),
        Callbacks(),
        Pipelines(),
        DeadLetters(store),  # before Retries: its after-hook then runs once Retries has decided
        QueueMetrics(settings.metrics_port, store),
        Retries(max_retries=settings.max_retries, min_backoff=settings.min_backoff_ms, max_backoff=settings.max_backoff_ms),
        CurrentMessage(),
    ]
    if url.startswith(("amqp://", "amqps://")):
        return RabbitmqBroker(url=url, confirm_delivery=True, middleware=middleware)
    if url.startswith(("redis://", "rediss://", "unix://")):
        return RedisBroker(
            url=url,
            middleware=middleware,
            heartbeat_timeout=settings.redis_heartbeat_timeout_ms,
            maintenance_chance=settings.redis_maintenance_chance,
        )
    raise ValueError(f"DOCLOOP_BROKER_URL must be amqp://... or redis://..., not {url!r}")
