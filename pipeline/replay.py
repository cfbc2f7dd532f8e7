"""Replay: a stored document again, from its stored parse.

- ``replay_stored``: the same run from its stored parse and its stored model exchanges (no model
  is called; a request with no stored answer is an error). The export must come out byte for
  byte the same: the proof that a stored run explains its result.
- ``replay_window``: the documents of a time window re-run live with a candidate prompt version
  or model. Per field: what changed, and where a person reviewed the field, whether the old and
  the new value are right; tokens, cost and time of the candidate. ``eval.replay_gate`` turns
  such a report into the promotion decision.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select

from pipeline.config import Settings
from pipeline.errors import DocloopError
from pipeline.export import export
from pipeline.extractors.llm import LLMExtractor
from pipeline.providers import ProviderError, get_provider
from pipeline.providers.base import Completion, Provider
from pipeline import prompts
from pipeline.prompting import PromptConfig
from pipeline.run import Pipeline, build_pipeline
from pipeline.state import DocStatus, DocumentState, Stage
from pipeline.store import FieldRow, ModelCallRow, RunRow, Store
from pipeline.telemetry.exchanges import request_digest

REVIEWED = ("accepted", "corrected", "rejected")


class NotReplayable(DocloopError):
    code = "not_replayable"


def export_bytes(state: DocumentState) -> bytes:
    """The export exactly as ``write_export`` writes it."""
    return json.dumps(export(state), indent=2, ensure_ascii=False, default=str).encode()


class StoredAnswers:
    """A provider stand-in answering each request from the exchange stored for it.

    A replayed call costs what the stored one cost: prices are the run's, not those of
    whoever replays it (a replay from a shell without the price settings is the same run).
    """

    def __init__(self, provider: Provider, store: Store):
        self.provider, self.store = provider, store
        self._costs: dict[tuple[int, int], float] = {}  # (input, output tokens) of answered calls -> stored cost

    def __getattr__(self, name: str) -> Any:  # name, model, prior, settings: the original's
        return getattr(self.provider, name)

    def cost(self, input_tokens: int, output_tokens: int) -> float:
        stored = self._costs.get((input_tokens, output_tokens))
        return stored if stored is not None else self.provider.cost(input_tokens, output_tokens)

    def complete(self, messages: list[dict[str, str]], response_model: Any) -> Completion:
        digest = request_digest(self.provider.name, self.provider.model, messages, response_model)
        with self.store.session() as s:
            row = s.scalars(
                select(ModelCallRow).where(ModelCallRow.request_sha256 == digest, ModelCallRow.cache_hit.is_(False)).order_by(ModelCallRow.id)
            ).first()
        if row is None or (row.parsed is None and row.response is None and row.error is None):
            raise NotReplayable(f"no stored answer for a {self.provider.model} request ({digest[:12]}); stored with DOCLOOP_STORE_PROMPTS=none?")
        logprobs = [tuple(t) for t in row.logprobs] if row.logprobs else None
        self._costs[(row.input_tokens, row.output_tokens)] = row.cost_usd
        if row.parsed is None:
            raise ProviderError(row.error or "failed", permanent=bool(row.error_permanent), input_tokens=row.input_tokens,
                                output_tokens=row.output_tokens, latency_s=row.latency_s, content=row.response, token_logprobs=logprobs)
        return Completion(parsed=response_model.model_validate(row.parsed), input_tokens=row.input_tokens, output_tokens=row.output_tokens,
                          latency_s=row.latency_s, attempts=1, content=row.response, token_logprobs=logprobs)


def from_parse(stored: DocumentState) -> DocumentState:
    """The stored run as it stood after parsing (and classification)."""
    return stored.model_copy(update={
        "stage": Stage.parsed, "status": DocStatus.pending, "error": None,
        "chunks": [], "candidates": {}, "fields": {}, "model_calls": [],
    })


def _prompt(store: Store, version: str) -> PromptConfig:
    return prompts.get(store, version)


def _extractors(stored: DocumentState) -> list[str]:
    """The extractors the run asked, in order (one never asked would not be asked again)."""
    return list((stored.provenance.get("extract") or {}).get("asked") or {})


def _stored_state(store: Store, run_id: int) -> DocumentState:
    with store.session() as s:
        return DocumentState.model_validate(s.get(RunRow, run_id).state)


def _model_settings(settings: Settings, stored: DocumentState) -> Settings:
    call = next((c for c in stored.model_calls), None)
    return settings.model_copy(update={"llm_provider": call.provider, "llm_model": call.model}) if call else settings


def replaying_pipeline(settings: Settings, store: Store, names: list[str], prompt: PromptConfig) -> Pipeline:
    pipe = build_pipeline(settings, names, None, prompt)
    for extractor in pipe.extractors_for(prompt):
        if isinstance(extractor, LLMExtractor):
            models = {extractor.provider.model, *(m for fields in prompt.models.values() for m in fields.values())}
            providers = {m: get_provider(settings.model_copy(update={"llm_model": m})) for m in models}
            extractor._providers = {m: StoredAnswers(p, store) for m, p in providers.items()}
            extractor.provider = extractor._providers[extractor.provider.model]
            extractor.cache = None  # the stored exchange is the answer, not whatever the cache holds now
    return pipe


@dataclass
class Replayed:
    run_id: int
    document_id: str
    identical: bool
    changed_fields: list[str]
    error: str | None = None


def latest_run(store: Store, document: str) -> int:
    """A run id given as such, or the newest exported run of a document id."""
    with store.session() as s:
        if document.isdigit() and s.get(RunRow, int(document)) is not None:
            return int(document)
        run = s.scalar(select(RunRow.id).where(RunRow.document_id == document).order_by(RunRow.id.desc()))
    if run is None:
        raise KeyError(f"no stored run for document {document!r}")
    return run


def replay_stored(store: Store, settings: Settings, run_id: int) -> Replayed:
    stored = _stored_state(store, run_id)
    if stored.parsed is None:  # failed before parsing: the stored result is all there is
        return Replayed(run_id, stored.id, True, [])
    with store.session() as s:
        version = s.get(RunRow, run_id).prompt_version
    prompt = _prompt(store, stored.provenance.get("prompt_version") or version)
    pipe = replaying_pipeline(_model_settings(settings, stored), store, _extractors(stored), prompt)
    try:
        again = pipe.extract_fields(from_parse(stored))
    except NotReplayable as e:
        return Replayed(run_id, stored.id, False, [], e.message)
    before, after = export(stored), export(again)
    changed = sorted(n for n in set(before["fields"]) | set(after["fields"]) if before["fields"].get(n) != after["fields"].get(n))
    return Replayed(run_id, stored.id, export_bytes(stored) == export_bytes(again), changed)


# --- a window re-run live with a candidate -------------------------------------------------


@dataclass
class FieldChange:
    changed: int = 0
    reviewed: int = 0  # changed or not, fields with a person's answer
    right_before: int = 0
    right_after: int = 0


@dataclass
class WindowReport:
    candidate: str
    documents: int = 0
    fields: dict[str, FieldChange] = field(default_factory=dict)
    per_document: dict[str, tuple[float, float]] = field(default_factory=dict)  # reviewed share right, before and after
    input_tokens: int = 0
    output_tokens: int = 0
    cost_usd: float = 0.0
    seconds: float = 0.0
    errors: dict[str, str] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "candidate": self.candidate, "documents": self.documents, "input_tokens": self.input_tokens, "output_tokens": self.output_tokens,
            "cost_usd": round(self.cost_usd, 6), "seconds": round(self.seconds, 3), "errors": self.errors,
            "fields": {k: vars(v) for k, v in sorted(self.fields.items())},
            "per_document": {k: list(v) for k, v in sorted(self.per_document.items())},
        }


def _truth(store: Store, run_id: int) -> dict[str, Any]:
    """What people said each reviewed field is (None: not present)."""
    with store.session() as s:
        rows = s.execute(select(FieldRow.name, FieldRow.status, FieldRow.value).where(FieldRow.run_id == run_id, FieldRow.status.in_(REVIEWED))).all()
    return {name: (None if status == "rejected" else value) for name, status, value in rows}


def replay_window(
    store: Store, settings: Settings, since: datetime, prompt_version: str | None = None, model: str | None = None,
    schema: str | None = None, limit: int | None = None,
) -> WindowReport:
    """Every exported run since ``since`` again, live, with the candidate; nothing is stored."""
    with store.session() as s:
        q = select(RunRow.id).where(RunRow.created_at >= since, RunRow.exported_at.is_not(None)).order_by(RunRow.id)
        if schema:
            q = q.where(RunRow.schema_name == schema)
        runs = list(s.scalars(q.limit(limit) if limit else q))
    report = WindowReport(candidate=prompt_version or f"model:{model}")
    for run_id in runs:
        stored = _stored_state(store, run_id)
        if stored.parsed is None:
            continue
        prompt = _prompt(store, prompt_version or stored.provenance.get("prompt_version") or "")
        run_settings = _model_settings(settings, stored)
        run_settings = run_settings.model_copy(update={"llm_model": model}) if model else run_settings
        names = _extractors(stored) or ["rules", "memory", "llm"]
        if "llm" not in names and run_settings.llm_provider != "none":
            names.append("llm")  # a candidate prompt or model is a model change: ask it where weak
        pipe = build_pipeline(run_settings, names, None, prompt)
        for extractor in pipe.extractors_for(prompt):
            if isinstance(extractor, LLMExtractor):
                extractor.cache = None  # what the candidate costs, not what a cache spares
        start = time.perf_counter()
        try:
            again = pipe.extract_fields(from_parse(stored))
        except DocloopError as e:
            report.errors[str(run_id)] = e.message
            continue
        report.seconds += time.perf_counter() - start
        report.documents += 1
        for call in again.model_calls:
            report.input_tokens += call.input_tokens
            report.output_tokens += call.output_tokens
            report.cost_usd += call.cost_usd
        truth = _truth(store, run_id)
        right = Counter()
        for name in set(stored.fields) | set(again.fields):
            old = stored.fields[name].value if name in stored.fields else None
            new = again.fields[name].value if name in again.fields else None
            change = report.fields.setdefault(f"{stored.schema_name}.{name}", FieldChange())
            change.changed += old != new
            if name in truth:
                change.reviewed += 1
                change.right_before += old == truth[name]
                change.right_after += new == truth[name]
                right["before"] += old == truth[name]
                right["after"] += new == truth[name]
        if truth:
            report.per_document[stored.id] = (right["before"] / len(truth), right["after"] / len(truth))
    return report
