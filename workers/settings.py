"""Settings of the queue workers, the watcher and the event receiver (``DOCLOOP_*`` env).

Kept apart from ``pipeline.config.Settings``: only ``docloop worker | watch |
events | redrive`` read them; ``docloop extract`` and ``docloop run`` never do.
"""

from functools import lru_cache

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class WorkerSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="DOCLOOP_", env_file=".env", extra="ignore")

    queue_prefix: str = Field("", description="Prepended to every queue name (several stacks on one broker).")
    extractors: str = Field("rules,tables,memory,llm", description="Extractors in cascade order for the extract stage.")

    # retries: transient faults back off exponentially from min to max; then the message is dead-lettered
    max_retries: int = 5
    min_backoff_ms: int = 1_000
    max_backoff_ms: int = 300_000

    busy_retry_ms: int = Field(2_000, description="When another worker holds a run, look again after this long.")
    link_retry_ms: int = Field(
        10_000, description="A key whose content another key's run is still processing: look again after this long."
    )

    # per-stage time limits, seconds
    time_limit_ingest_s: float = 60
    time_limit_parse_s: float = 300
    time_limit_extract_s: float = 900
    time_limit_finalise_s: float = 60

    # model providers: a breaker per provider opens after this many failures in a row
    breaker_fail_max: int = 5
    breaker_reset_s: float = 30
    token_budget_per_day: int = 5_000_000

    # how long an idle consumer waits between looks (dramatiq's worker timeout); Redis polls, so this
    # is also how late an idle Redis worker may notice a message (dramatiq's default: up to 1 s per hop)
    poll_ms: int = 100

    # redis: how soon messages of a dead worker go back to the queue
    redis_heartbeat_timeout_ms: int = 15_000
    redis_maintenance_chance: int = 50_000  # per million broker commands (dramatiq: 1,000): finds dead workers sooner

    # ingestion
    watch_interval_s: float = 5.0
    events_host: str = "0.0.0.0"
    events_port: int = 8088
    events_token: str | None = Field(None, description="Bearer token the event sender must present, if set.")
    metrics_port: int = Field(9464, description="/metrics of each worker process (the next free port when taken).")


@lru_cache
def get_worker_settings() -> WorkerSettings:
    return WorkerSettings()
