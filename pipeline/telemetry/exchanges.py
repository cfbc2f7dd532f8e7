"""Model exchanges recorded at the provider boundary: what was sent, what came back.

``observed`` wraps every ``Provider.complete``: a ``docloop.model_call`` span with the GenAI
attributes, the latency histogram, and an exchange record (request messages, raw answer,
parsed value, token log probabilities, model file hash) appended to the list that the
surrounding ``capturing`` block collects. ``attach`` then puts each exchange on the
``ModelCall`` the extractor reported for it, and the store keeps it with that call.

``DOCLOOP_STORE_PROMPTS`` decides what is kept: ``full`` (everything), ``hash`` (the
request only as its SHA-256; answers kept, so replay still works), ``none`` (neither
request nor answer; no replay).
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from pipeline.telemetry import metrics
from pipeline.telemetry.tracing import tracer

if TYPE_CHECKING:
    from pipeline.providers.base import Completion, Provider
    from pipeline.state import ModelCall

log = logging.getLogger(__name__)

_captured: ContextVar[list[dict[str, Any]] | None] = ContextVar("docloop_exchanges", default=None)
_prompt_version: ContextVar[str | None] = ContextVar("docloop_prompt_version", default=None)


def model_call_attributes(provider: str, model: str, prompt_version: str, cache_hit: bool) -> dict[str, Any]:
    """What a model-call span says before the answer: OpenInference and GenAI names."""
    return {
        "openinference.span.kind": "LLM",
        "gen_ai.operation.name": "chat",
        "gen_ai.provider.name": provider,
        "gen_ai.request.model": model,
        "llm.model_name": model,
        "docloop.prompt.version": prompt_version,
        "docloop.model_call.cache_hit": cache_hit,
    }


def usage_attributes(tokens_in: int, tokens_out: int, latency_s: float, cost_usd: float) -> dict[str, Any]:
    """What it cost: tokens (both conventions), latency, USD."""
    return {
        "gen_ai.usage.input_tokens": tokens_in,
        "gen_ai.usage.output_tokens": tokens_out,
        "llm.token_count.prompt": tokens_in,
        "llm.token_count.completion": tokens_out,
        "llm.token_count.total": tokens_in + tokens_out,
        "docloop.model_call.latency_s": round(latency_s, 3),
        "docloop.model_call.cost_usd": cost_usd,
    }


def request_digest(provider: str, model: str, messages: list[dict[str, str]], response_model: type[BaseModel]) -> str:
    """Same backend, model, messages and answer schema: the same question (replay's lookup key)."""
    parts = [provider, model, messages, response_model.model_json_schema()]
    return hashlib.sha256(json.dumps(parts, ensure_ascii=False, sort_keys=True).encode()).hexdigest()


@lru_cache(maxsize=8)
def _file_sha256(path: str, size: int, mtime: float) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def model_sha256(provider: Provider) -> str | None:
    """The SHA-256 of the weights file behind a local model (None for a remote API)."""
    path = provider.model_file()
    if path is None:
        return None
    stat = Path(path).stat()
    return _file_sha256(str(path), stat.st_size, stat.st_mtime)


def prompt_version_of(extractor: Any) -> str | None:
    prompt = getattr(extractor, "prompt", None)
    return getattr(prompt, "version", None)


@contextmanager
def capturing(prompt_version: str | None = None) -> Iterator[list[dict[str, Any]]]:
    """Collect the exchanges made inside the block (this thread / task only)."""
    captured: list[dict[str, Any]] = []
    tokens = (_captured.set(captured), _prompt_version.set(prompt_version))
    try:
        yield captured
    finally:
        _captured.reset(tokens[0])
        _prompt_version.reset(tokens[1])


def attach(calls: list[ModelCall], captured: list[dict[str, Any]]) -> None:
    """Each exchange onto its call: the extractor reports one call per exchange, in order,
    plus calls answered from its cache (no exchange)."""
    asked = [c for c in calls if not c.cache_hit and c.exchange is None]
    if len(asked) != len(captured):
        log.warning("%d model calls reported but %d exchanges seen; exchanges not attached", len(asked), len(captured))
        return
    for call, exchange in zip(asked, captured):
        call.exchange = exchange


def _kept(mode: str, messages: list[dict[str, str]], digest: str, content: str | None, parsed: Any, logprobs: Any) -> dict[str, Any]:
    if mode == "none":
        return {"request_sha256": None, "request": None, "response": None, "parsed": None, "logprobs": None}
    return {
        "request_sha256": digest,
        "request": messages if mode == "full" else None,
        "response": content,
        "parsed": parsed,
        "logprobs": [list(t) for t in logprobs] if logprobs else None,
    }


def observed(provider: Provider, messages: list[dict[str, str]], response_model: type[BaseModel], call: Callable[[], Completion]) -> Completion:
    """``call()`` (the provider's structured completion) with its span, metrics and exchange record."""
    from pipeline.providers.base import ProviderError

    attributes = model_call_attributes(provider.name, provider.model, _prompt_version.get() or "", cache_hit=False)
    mode = provider.settings.store_prompts
    with tracer().start_as_current_span("docloop.model_call", attributes=attributes) as span:
        start = time.perf_counter()
        done: Completion | None = None
        error: ProviderError | None = None
        try:
            done = call()
            return done
        except ProviderError as err:
            error = err
            raise
        finally:
            latency = time.perf_counter() - start
            source = done or error
            tokens_in, tokens_out = (source.input_tokens, source.output_tokens) if source is not None else (0, 0)
            outcome = "ok" if done else ("transient_error" if error is not None and not error.permanent else "error")
            metrics.MODEL_CALLS.labels(provider.name, provider.model, outcome).inc()
            metrics.MODEL_SECONDS.labels(provider.name, provider.model).observe(latency)
            cost = provider.cost(tokens_in, tokens_out)
            span.set_attributes(usage_attributes(tokens_in, tokens_out, latency, cost))
            if source is not None and (captured := _captured.get()) is not None:
                content = done.content if done else error.content
                logprobs = done.token_logprobs if done else error.token_logprobs
                parsed = done.parsed.model_dump(mode="json") if done else None
                digest = request_digest(provider.name, provider.model, messages, response_model)
                captured.append({
                    **_kept(mode, messages, digest, content, parsed, logprobs),
                    "store_mode": mode,
                    "model_sha256": model_sha256(provider),
                    "error_permanent": None if done else error.permanent,
                })
