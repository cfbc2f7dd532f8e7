"""A document's way through the stages, one step at a time, with its progress in the database.

The queue actors and the in-process watcher both go through here, and the
steps call the same stage functions as the embedded ``Pipeline``. What makes a
step safe to repeat (a redelivered message, a duplicate bucket event, the same
file dropped twice):

- ``admit`` claims the run on the unique run key (content hash + schema +
  pipeline/prompt versions): the same work maps to the same run, once;
- a step runs only while its worker holds the run (``Store.exclusive``) and only
  if the run's stage says it is the step due; its result is written with a
  compare-and-set on that stage (``Store.advance``), so exactly one result
  moves the run on, one export is written, one set of review items exists;
- a message for a step already done re-sends the step now due, so a worker
  killed between "write" and "send next" loses nothing;
- events may arrive late or out of order and a key may be replaced: a run
  reads exactly the version it hashed (else it fails ``superseded``), and only
  the run of a key's current content writes that key's result.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field
from datetime import datetime, time, timezone

from pipeline.bucket import Bucket, ObjectMissing, open_bucket, result_key, schema_for
from pipeline.config import Settings, get_settings
from pipeline.errors import DocloopError
from pipeline.export import PIPELINE_VERSION, export
from pipeline.extractors.llm import LLMExtractor
from pipeline.ingest import ingest
from pipeline.parse import parse
from pipeline.run import AUTO, Pipeline, build_pipeline, classify_if_auto, with_schema
from pipeline.providers import ProviderError
from pipeline.state import DocStatus, DocumentState, FieldStatus, ModelCall, Stage
from pipeline.store import Progress, Store
from pipeline.schemas import registry
from pipeline.telemetry import stage
from workers.middleware import Breakers
from workers.settings import WorkerSettings, get_worker_settings

log = logging.getLogger(__name__)

STEPS = ("parse", "extract", "finalise")


class Superseded(DocloopError):
    code = "superseded"


class Busy(Exception):
    """Another worker holds the run. Its message carries the run on, unless that worker just died
    and the database has not yet let go of its lock: so the caller comes back later rather than
    dropping the message."""


def next_step(p: Progress) -> str | None:
    """The step a run needs next, from its stored stage and status; None once exported."""
    if p.exported or p.stage == Stage.exported:
        return None
    if p.status == DocStatus.failed or p.stage == Stage.routed:
        return "finalise"
    if p.stage == Stage.ingested:
        return "parse"
    return "extract"


def with_review_reason(state: DocumentState, reason: str) -> DocumentState:
    """``reason`` added to every field waiting for a person, and to the extract provenance."""
    fields = {
        name: r.model_copy(update={"reasons": [*r.reasons, reason]}) if r.status == FieldStatus.needs_review else r
        for name, r in state.fields.items()
    }
    provenance = dict(state.provenance, extract={**state.provenance.get("extract", {}), "stopped": reason})
    return state.model_copy(update={"fields": fields, "provenance": provenance})


@dataclass
class Flow:
    pipeline: Pipeline
    bucket: Bucket
    worker: WorkerSettings
    breakers: Breakers = field(init=False)
    frugal: Pipeline | None = field(default=None, init=False)  # the same pipeline without the model, built when first needed

    def __post_init__(self) -> None:
        self.breakers = Breakers(self.worker.breaker_fail_max, self.worker.breaker_reset_s)

    @property
    def store(self) -> Store:
        assert self.pipeline.store is not None
        return self.pipeline.store

    @property
    def provider(self) -> str | None:
        """The model provider the extract step calls, if it calls one."""
        return self.pipeline.settings.llm_provider if "llm" in self.pipeline.extractor_names else None

    def admit(self, key: str) -> int | None:
        """Ingest bucket object ``key``: the id of its run (new, or the one that already has this work).

        None if the object is gone (deleted before we got to it): nothing to record.
        """
        try:
            data, info = self.bucket.fetch(key)
        except ObjectMissing as e:
            log.warning("%s", e)
            return None
        schema = schema_for(key, info.metadata, registry())
        state = stage("ingest", ingest, data, self.bucket.uri_of(key), schema, self.pipeline.settings)
        origin = {"bucket_key": key, "bucket_etag": info.etag, "bucket_version": info.version}
        state = state.model_copy(update={"provenance": {**state.provenance, **origin}})
        if schema != AUTO and state.status != DocStatus.failed:
            try:
                state = with_schema(state, schema)
            except DocloopError as e:  # metadata named a type we do not know
                state = state.failed(e.code, e.message)
        run_id, _ = self.store.claim(state, self.pipeline.key(state), PIPELINE_VERSION, self.pipeline.prompt_version(state))
        return run_id

    def link(self, run_id: int, key: str) -> bool:
        """Give ``key`` its own result when its content was admitted under another key: the first
        run's export, with this key as its source and ``provenance.same_content_as`` naming the
        first key and run. No second extraction. True once done (or when ``key`` is the run's own);
        False while the first run is still going: ask again later."""
        state = self.store.load(run_id)
        first = state.provenance.get("bucket_key")
        if first is None or first == key:
            return True
        progress = self.store.progress(run_id)
        if progress is None or not (progress.exported or progress.stage == Stage.exported):
            return False
        provenance = {**state.provenance, "bucket_key": key, "same_content_as": {"key": first, "run_id": run_id}}
        alias = state.model_copy(update={"source": self.bucket.uri_of(key), "provenance": provenance})
        self.bucket.put_json(result_key(key), export(alias))
        return True

    def due(self, run_id: int) -> str | None:
        progress = self.store.progress(run_id)
        return next_step(progress) if progress else None

    def step(self, name: str, run_id: int) -> str | None:
        """Do step ``name`` if it is the one the run needs now. Returns the step to send next.

        Transient faults propagate (the broker retries the message); permanent
        ones end the run ``failed`` with their reason, which is then exported.
        ``Busy`` if another worker holds the run.
        """
        with self.store.exclusive(run_id) as ours:
            if not ours:
                raise Busy(run_id)
            progress = self.store.progress(run_id)
            due = next_step(progress) if progress else None
            if due != name:
                return due
            self.store.note_attempt(run_id)
            state = self.store.load(run_id)
            try:
                new = getattr(self, f"_{name}")(run_id, state)
            except DocloopError as e:
                if not e.permanent:
                    raise
                new = state.failed(e.code, e.message)
            if not self.store.advance(run_id, progress.stage, progress.status, new, exported=name == "finalise"):
                return None
            return next_step(Progress(new.stage.value, new.status.value, name == "finalise", 0))

    def drive(self, run_id: int) -> None:
        """All remaining steps of a run, here in this process (no broker).

        Stops on ``Busy``: then another process is carrying the run on.
        """
        due = self.due(run_id)
        try:
            while due:
                due = self.step(due, run_id)
        except Busy:
            log.info("run %s is being processed elsewhere", run_id)

    def _parse(self, run_id: int, state: DocumentState) -> DocumentState:
        origin = state.provenance
        data, _ = self.bucket.fetch(origin["bucket_key"], origin.get("bucket_version"))
        if hashlib.sha256(data).hexdigest() != state.sha256:
            raise Superseded(f"{origin['bucket_key']} was replaced before it was parsed; the new content has its own run")
        return classify_if_auto(stage("parse", parse, state, data, self.pipeline.settings))

    def _extract(self, run_id: int, state: DocumentState) -> DocumentState:
        """The cascade (which keeps to the per-document token budget itself, counting the cost of
        earlier failed attempts recorded here), behind the provider's circuit breaker and the
        per-day budget."""
        if self.provider is None:
            return self.pipeline.extract_fields(state)
        midnight = datetime.combine(datetime.now(timezone.utc).date(), time(), tzinfo=timezone.utc)
        if self.store.tokens_since(midnight) >= self.worker.token_budget_per_day:
            return self._without_model(state, f"token budget for the day ({self.worker.token_budget_per_day}) spent; model not asked")
        try:
            with self.breakers(self.provider).calling():
                return self.pipeline.extract_fields(state)
        except ProviderError as e:
            # a transient failure surfaced for a retry: what it cost stays on the run, and counts
            failed = ModelCall(
                provider=self.provider, model=self.pipeline.settings.llm_model or "", prompt_version=self.pipeline.prompt_version(state), fields=[],
                input_tokens=e.input_tokens, output_tokens=e.output_tokens, latency_s=round(e.latency_s, 3), ok=False, error=e.message,
            )
            self.store.save(run_id, state.model_copy(update={"model_calls": [*state.model_calls, failed]}))
            raise

    def _without_model(self, state: DocumentState, reason: str) -> DocumentState:
        """Stop spending: the other extractors only; the fields they leave weak go to a person, saying why."""
        if self.frugal is None:
            names = [n for n in self.pipeline.extractor_names if n != "llm"]
            self.frugal = build_pipeline(self.pipeline.settings, names, self.store)
        return with_review_reason(self.frugal.extract_fields(state), reason)

    def _finalise(self, run_id: int, state: DocumentState) -> DocumentState:
        if state.schema_name == AUTO:  # failed before a type was known
            state = state.model_copy(update={"schema_name": "unknown"})
        key = state.provenance["bucket_key"]
        try:
            replaced = self.bucket.head(key).etag != state.provenance.get("bucket_etag")
        except ObjectMissing:  # deleted since: the result still stands for what was read
            replaced = False
        if replaced:
            # newer content under this key has its own run, which writes this key's result
            log.info("%s was replaced; result of the older content not written", key)
        else:
            self.bucket.put_json(result_key(key), stage("export", export, state))
        return state.model_copy(update={"stage": Stage.exported})


def worker_pipeline(settings: Settings, extractor_names: list[str], store: Store) -> Pipeline:
    """The embedded pipeline, except that a transient model failure surfaces instead of being
    recorded and skipped: here the broker retries the whole stage (with backoff, Retry-After,
    a circuit breaker), and the answer cache spares the chunks already answered."""
    pipeline = build_pipeline(settings, extractor_names, store)
    for prompt in [pipeline.prompt, *(candidate for candidate, _ in pipeline.trials)]:
        for extractor in pipeline.extractors_for(prompt):
            if isinstance(extractor, LLMExtractor):
                extractor.raise_transient = True
    return pipeline


def build_flow(store: Store) -> Flow:
    """The flow this process runs, from the environment (``DOCLOOP_*``), on a migrated ``store``."""
    settings, worker = get_settings(), get_worker_settings()
    names = [n.strip() for n in worker.extractors.split(",") if n.strip()]
    return Flow(worker_pipeline(settings, names, store), open_bucket(settings.resolved_bucket), worker)
