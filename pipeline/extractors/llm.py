"""The LLM extractor: one structured model call per chunk, answers checked against the text.

For each chunk the model is asked for the requested fields (value + verbatim
quote, see ``pipeline.prompting``). Every proposed value becomes a Candidate
whose signals say how well the document backs it:

- ``quote_found``: the quote occurs in the document (1.0 verbatim, less when
  only case-insensitively or fuzzily, 0 when not at all);
- ``value_in_quote``: the typed value occurs inside that quote (1.0), only
  elsewhere in the document (half its match score), or nowhere (0);
- ``logprob``: the model's own probability of the value's tokens, when the
  provider returns token log probabilities;
- ``model``: the provider's prior (small for the embedded 270M model).

Evidence is the span where the *value* occurs, never the quote alone: a value
that is not in the document has no evidence and no ``raw`` text, so grounding
and scoring cannot mistake it for a read value and it is never auto-accepted.

Every call (or cache hit) is recorded as a ModelCall. Provider failures do not
stop extraction: the failed call is recorded and the other chunks go on, unless
``raise_transient`` asks for transient failures to surface (queue workers
retry the whole stage). An answer still invalid after its re-asks is not lost
whole: the fields that validate on their own are kept, the others dropped
(named in the call's ``error``), so one unreadable date does not cost the total.
"""

from __future__ import annotations

import hashlib
import json
import math
import sqlite3
from contextlib import closing
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, ClassVar, Protocol

from pydantic import BaseModel, ValidationError
from pydantic_core import to_jsonable_python

from pipeline.config import Settings, get_settings
from pipeline.cues import Cues, cues_for
from pipeline.extractors.base import ExtractionRequest, ExtractionResult, Extractor, register
from pipeline.ground import locate, span_at
from pipeline.kinds import is_typed, parser
from pipeline.kinds.date import in_document_order
from pipeline.prompting import PROMPT_VERSION, PromptConfig, build_messages, response_model
from pipeline.providers import Provider, ProviderError, get_provider
from pipeline.state import Candidate, Chunk, ModelCall, Page, ParsedDocument, Span
from schemas.base import DocumentSchema
from pipeline.schemas import FieldSpec

Hit = tuple[Span, float]


class AnswerCache(Protocol):
    """Where validated answers are kept, by a key of everything that determines them."""

    def get(self, key: str) -> dict[str, Any] | None: ...

    def put(self, key: str, entry: dict[str, Any]) -> None: ...


class SqliteAnswerCache:
    """Answers in one SQLite file (WAL, so several worker processes can share it)."""

    def __init__(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        with closing(self._connect()) as db, db:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("CREATE TABLE IF NOT EXISTS answers (key TEXT PRIMARY KEY, entry TEXT NOT NULL)")

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self.path, timeout=30)

    def get(self, key: str) -> dict[str, Any] | None:
        with closing(self._connect()) as db:
            row = db.execute("SELECT entry FROM answers WHERE key = ?", (key,)).fetchone()
        return json.loads(row[0]) if row else None

    def put(self, key: str, entry: dict[str, Any]) -> None:
        with closing(self._connect()) as db, db:
            db.execute("INSERT OR REPLACE INTO answers (key, entry) VALUES (?, ?)", (key, json.dumps(entry)))


def answer_cache(settings: Settings) -> SqliteAnswerCache:
    """The answer cache every model-asking part of a run shares, under the run's home."""
    return SqliteAnswerCache(settings.home / "cache" / "llm_answers.sqlite3")


def cache_key(
    provider: Provider, messages: list[dict[str, str]], answer_model: type[BaseModel], version: str = PROMPT_VERSION
) -> str:
    """Same model, prompt version, prompt text (fields and chunk) and answer schema -> same answer.

    Keyed on what is actually sent, so a wording change that forgot to bump
    PROMPT_VERSION still never reuses an answer to a different question.
    """
    parts = [provider.name, provider.model, version, messages, answer_model.model_json_schema()]
    return hashlib.sha256(json.dumps(parts, ensure_ascii=False, sort_keys=True).encode()).hexdigest()


_DECODER = json.JSONDecoder()


def _members(content: str, start: int) -> dict[str, tuple[int, int]]:
    """Offsets of each member's value in the JSON object that opens at ``start``."""
    spans: dict[str, tuple[int, int]] = {}
    i = start + 1
    while True:
        while content[i].isspace() or content[i] == ",":
            i += 1
        if content[i] == "}":
            return spans
        key, i = _DECODER.raw_decode(content, i)
        i = content.index(":", i) + 1
        while content[i].isspace():
            i += 1
        _, end = _DECODER.raw_decode(content, i)
        spans[key] = (i, end)
        i = end


def value_probabilities(
    content: str | None, tokens: list[tuple[str, float]] | None, names: list[str]
) -> dict[str, float]:
    """Per field, exp(mean log prob) of the tokens that wrote its value (the whole list for lists).

    Finds each field's ``"value"`` member in the answer JSON and averages the
    log probabilities of the tokens overlapping it. Returns nothing when the
    answer is not a JSON object or the tokens do not spell it out exactly
    (offsets would be wrong).
    """
    if not content or not tokens or "".join(t for t, _ in tokens) != content:
        return {}
    try:
        fields = _members(content, content.index("{"))
        spans = {
            name: fields[name] if content[fields[name][0]] != "{" else _members(content, fields[name][0]).get("value")
            for name in names
            if name in fields
        }
    except (ValueError, IndexError):
        return {}
    bounds, at = [], 0
    for text, _ in tokens:
        bounds.append((at, at + len(text)))
        at += len(text)
    probabilities = {}
    for name, span in spans.items():
        lps = [lp for (_, lp), (ts, te) in zip(tokens, bounds) if span and ts < span[1] and te > span[0]]
        if lps:
            probabilities[name] = round(math.exp(sum(lps) / len(lps)), 4)
    return probabilities


def validate_fields(
    schema: type[DocumentSchema], fields: tuple[FieldSpec, ...], data: Any
) -> tuple[dict[str, Any], list[str]]:
    """Each field's answer validated on its own: (field -> answer, names that failed)."""
    kept: dict[str, Any] = {}
    dropped: list[str] = []
    for spec in fields:
        try:
            one = response_model(schema, (spec,)).model_validate({spec.name: data.get(spec.name)})
        except (ValidationError, AttributeError):
            dropped.append(spec.name)
            continue
        kept[spec.name] = getattr(one, spec.name)
    return kept, dropped


def salvage(schema: type[DocumentSchema], fields: tuple[FieldSpec, ...], content: str | None) -> tuple[dict[str, Any], list[str]]:
    """The valid fields of an answer that failed validation as a whole."""
    try:
        data = json.loads(content or "")
    except ValueError:
        return {}, [f.name for f in fields]
    return validate_fields(schema, fields, data if isinstance(data, dict) else {})


def _dump(answers: dict[str, Any]) -> dict[str, Any]:
    return {
        name: [a.model_dump(mode="json") for a in answer] if isinstance(answer, list) else answer.model_dump(mode="json")
        for name, answer in answers.items()
    }


def normalise(kind: str, value: Any) -> Any:
    """A validated value as the JSON the pipeline exchanges (ISO dates, decimal strings)."""
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    parse = parser(kind)
    parsed = parse(value) if parse else value
    return to_jsonable_python(parsed if parsed is not None else value)


def _find(document: ParsedDocument, kind: str, value: Any, near: int | None) -> Hit | None:
    if is_typed(kind):
        return locate(document, None, kind, value, near)
    return locate(document, str(value), kind, None, near)


def _find_in(document: ParsedDocument, span: Span, kind: str, value: Any) -> Hit | None:
    """Where ``value`` occurs inside ``span`` (offsets in the whole document)."""
    part = ParsedDocument(
        text=span.text, pages=[Page(number=span.page, start=0, end=len(span.text))], parser="span"
    )
    hit = _find(part, kind, value, None)
    if hit is None:
        return None
    inner, score = hit
    return span_at(document, span.start + inner.start, span.start + inner.end), score


def _leaves(value: BaseModel) -> list[tuple[str, Any]]:
    """The scalar parts of a record with the kind to look for them as."""
    out = []
    for v in value.model_dump().values():
        if isinstance(v, (Decimal, int, float)):
            out.append(("money", v))
        elif isinstance(v, date):
            out.append(("date", v))
        elif v not in (None, ""):
            out.append(("text", str(v)))
    return out


@register("llm")
class LLMExtractor(Extractor):
    """Structured model calls per chunk; see the module docstring for the signals."""

    spends_tokens: ClassVar[bool] = True  # the cascade meters it per chunk against the token budget

    def __init__(
        self,
        settings: Settings | None = None,
        provider: Provider | None = None,
        cache: AnswerCache | None | bool = True,
        model_prior: float | None = None,
        raise_transient: bool = False,
        prompt: PromptConfig | None = None,
    ):
        self.settings = settings or get_settings()
        self.provider = provider or get_provider(self.settings)
        self.prompt = prompt or PromptConfig()  # the prompt version in use (pipeline.prompts picks the active one)
        self._providers: dict[str, Provider] = {self.provider.model: self.provider}
        if cache is True:
            cache = answer_cache(self.settings)
        self.cache: AnswerCache | None = cache or None
        self.model_prior = self.provider.prior if model_prior is None else model_prior
        self.raise_transient = raise_transient

    def extract(self, request: ExtractionRequest) -> ExtractionResult:
        result = ExtractionResult()
        fields = tuple(request.fields)
        if not fields:
            return result
        cues = cues_for(request.schema, request.document.text)  # how the document's region writes dates
        for provider, group in self._by_model(request.schema, fields):
            for chunk in request.chunks:
                answers, probabilities, call = self._ask(provider, request.schema, group, chunk)
                result.model_calls.append(call)
                result.candidates += self._candidates(request.document, cues, group, chunk, answers, probabilities)
        return result

    def _by_model(self, schema: type[DocumentSchema], fields: tuple[FieldSpec, ...]) -> list[tuple[Provider, tuple[FieldSpec, ...]]]:
        """Fields grouped by the model the prompt version chose for them (the configured one by default)."""
        chosen = self.prompt.models.get(schema.name, {})
        groups: dict[str, list[FieldSpec]] = {}
        for spec in fields:
            groups.setdefault(chosen.get(spec.name, self.provider.model), []).append(spec)
        out = []
        for model, specs in groups.items():
            if model not in self._providers:
                self._providers[model] = get_provider(self.settings.model_copy(update={"llm_model": model}))
            out.append((self._providers[model], tuple(specs)))
        return out

    def _call(self, provider: Provider, fields: tuple[FieldSpec, ...], chunk: Chunk, **spent: Any) -> ModelCall:
        return ModelCall(
            provider=provider.name,
            model=provider.model,
            prompt_version=self.prompt.version,
            fields=[f.name for f in fields],
            chunk=chunk.index,
            **spent,
        )

    def _ask(
        self, provider: Provider, schema: type[DocumentSchema], fields: tuple[FieldSpec, ...], chunk: Chunk
    ) -> tuple[dict[str, Any], dict[str, float], ModelCall]:
        """The validated answers for one chunk (from cache or the model), their value probabilities, the call."""
        messages = build_messages(schema, list(fields), chunk.text, self.prompt)
        answer_model = response_model(schema, fields)
        key = cache_key(provider, messages, answer_model, self.prompt.version)
        if self.cache is not None and (entry := self.cache.get(key)) is not None:
            answers, _ = validate_fields(schema, fields, entry["answers"])
            return answers, entry["probabilities"], self._call(provider, fields, chunk, cache_hit=True)
        try:
            done = provider.complete(messages, answer_model)
        except ProviderError as err:
            if self.raise_transient and not err.permanent:
                raise
            answers, dropped = salvage(schema, fields, err.content) if err.content else ({}, [])
            spent = {
                "input_tokens": err.input_tokens,
                "output_tokens": err.output_tokens,
                "latency_s": round(err.latency_s, 3),
                "cost_usd": provider.cost(err.input_tokens, err.output_tokens),
            }
            if not answers:
                return {}, {}, self._call(provider, fields, chunk, ok=False, error=err.message, **spent)
            error = f"invalid fields dropped ({', '.join(dropped)}): {err.message}"
            call = self._call(provider, fields, chunk, error=error, **spent)
            content, tokens = err.content, err.token_logprobs
        else:
            answers = {f.name: getattr(done.parsed, f.name) for f in fields}
            content, tokens = done.content, done.token_logprobs
            call = self._call(
                provider,
                fields,
                chunk,
                input_tokens=done.input_tokens,
                output_tokens=done.output_tokens,
                latency_s=round(done.latency_s, 3),
                cost_usd=provider.cost(done.input_tokens, done.output_tokens),
            )
        probabilities = value_probabilities(content, tokens, list(answers))
        if self.cache is not None:
            self.cache.put(key, {"answers": _dump(answers), "probabilities": probabilities})
        return answers, probabilities, call

    def _candidates(
        self,
        document: ParsedDocument,
        cues: Cues,
        fields: tuple[FieldSpec, ...],
        chunk: Chunk,
        answers: dict[str, Any],
        probabilities: dict[str, float],
    ) -> list[Candidate]:
        out = []
        for spec in fields:
            items = answers.get(spec.name)
            for item in (items or []) if spec.many else [items]:
                if item is None or item.value is None:
                    continue
                candidate = self._candidate(document, cues, spec, chunk, item.value, item.quote)
                if spec.name in probabilities:
                    candidate.signals["logprob"] = probabilities[spec.name]
                out.append(candidate)
        return out

    def _candidate(
        self, document: ParsedDocument, cues: Cues, spec: FieldSpec, chunk: Chunk, value: Any, quote: str | None
    ) -> Candidate:
        quote_hit = locate(document, quote, "text", near=chunk.start) if quote else None
        if isinstance(value, BaseModel):
            # a record (e.g. an invoice line): its parts should all be in the quote
            leaves = _leaves(value)
            found = [_find_in(document, quote_hit[0], k, v) for k, v in leaves] if quote_hit else []
            share = sum(h is not None for h in found) / len(leaves) if leaves else 0.0
            value_hit = quote_hit if share >= 0.5 else None
            in_quote = share
        else:
            inside = _find_in(document, quote_hit[0], spec.kind, value) if quote_hit else None
            value_hit = inside or _find(document, spec.kind, value, chunk.start)
            in_quote = inside[1] if inside else (0.5 * value_hit[1] if value_hit else 0.0)
            if spec.kind == "date" and value_hit:
                # the answer was read day first; "11-04-2023" on a US receipt is the 4th of November
                value = in_document_order(value_hit[0].text, document, cues) or value
        signals = {
            "quote_found": round(quote_hit[1], 3) if quote_hit else 0.0,
            "value_in_quote": round(in_quote, 3),
            "model": self.model_prior,
        }
        return Candidate(
            field=spec.name,
            value=normalise(spec.kind, value),
            raw=value_hit[0].text if value_hit else None,
            extractor=self.name,
            evidence=[value_hit[0]] if value_hit else [],
            signals=signals,
        )
