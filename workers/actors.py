"""The stages as dramatiq actors, each on its own queue so each gets its own pool.

``ingest`` (bucket key) -> ``parse`` (parse/OCR, CPU) -> ``extract`` (model
calls) -> ``finalise`` (JSON to the bucket). Messages carry a bucket key or a
run id, never document bytes. Start workers with ``docloop worker`` (or
``python -m dramatiq workers.actors``); ``--queues parse`` gives an OCR pool,
``--queues extract`` a model pool. Importing this module needs
``DOCLOOP_BROKER_URL``.
"""

from __future__ import annotations

import threading

import dramatiq
from pybreaker import CircuitBreakerError

from pipeline.config import get_settings
from pipeline.store import Store
from pipeline.telemetry.logs import configure as configure_logging
from workers.broker import make_broker
from workers.flow import STEPS, Busy, Flow, build_flow
from workers.middleware import retry_after_ms
from workers.settings import get_worker_settings

settings, worker = get_settings(), get_worker_settings()
configure_logging(settings.log_format)  # dramatiq set up this process's handlers; JSON lines if asked
if not settings.broker_url:
    raise RuntimeError("DOCLOOP_BROKER_URL is not set: the queue workers need amqp://... or redis://...")

_flow: Flow | None = None
_flow_lock = threading.Lock()


def flow() -> Flow:
    """This process's flow, built once on first use (worker threads share it)."""
    global _flow
    with _flow_lock:
        if _flow is None:
            _flow = build_flow(Store(settings.resolved_database_url))  # `docloop worker` migrated it before starting us
        return _flow


broker = make_broker(settings.broker_url, worker, lambda: flow().store)
dramatiq.set_broker(broker)


def queue(stage: str) -> str:
    return worker.queue_prefix + stage


def send(step: str | None, run_id: int) -> None:
    if step:
        STAGES[step].send(run_id)


@dramatiq.actor(actor_name="ingest", queue_name=queue("ingest"), time_limit=int(worker.time_limit_ingest_s * 1000))
def ingest_object(key: str) -> None:
    """A new bucket object: claim its run, then send the step the run needs (a duplicate resumes, never repeats)."""
    run_id = flow().admit(key)
    if run_id is not None:
        send(flow().due(run_id), run_id)
        if not flow().link(run_id, key):  # the same content under another key, still being processed
            ingest_object.send_with_options(args=(key,), delay=worker.link_retry_ms)


def _stage_actor(name: str) -> dramatiq.Actor:
    def run_stage(run_id: int) -> None:
        f = flow()
        try:
            following = f.step(name, run_id)
        except Busy:
            # not a fault, so no retry is spent: look again shortly
            STAGES[name].send_with_options(args=(run_id,), delay=worker.busy_retry_ms)
            return
        except CircuitBreakerError:
            # the provider is down: park the work for a reset period instead of spending retries on it
            STAGES[name].send_with_options(args=(run_id,), delay=int(f.breakers.reset_s * 1000))
            return
        except Exception as e:
            if (delay := retry_after_ms(e)) is not None:
                raise dramatiq.Retry(str(e), delay=delay) from e  # wait as long as the provider asked
            raise
        send(following, run_id)

    run_stage.__name__ = run_stage.__qualname__ = name
    limit_ms = int(getattr(worker, f"time_limit_{name}_s") * 1000)
    return dramatiq.actor(run_stage, actor_name=name, queue_name=queue(name), time_limit=limit_ms)


STAGES: dict[str, dramatiq.Actor] = {name: _stage_actor(name) for name in STEPS}
