"""Stage: the extraction cascade, cheap extractors first, models only where they are needed.

Extractors run in the order given (``rules`` before ``llm``). After each, every
field's best candidate gets a provisional confidence
(``pipeline.score.candidate_confidence``); the next extractor is asked only for
the fields still missing or below their review threshold, and only with the
chunks relevant to them: chunks are ranked per field by its printed labels
(aliases, fuzzily, for OCR noise), the words of its description, and where
earlier extractors found weak candidates; at most ``chunks_per_field`` are
kept, so a 100-page contract never goes whole to a model.

Extractors that spend tokens (``spends_tokens = True``, e.g. the LLM extractor)
are called once per chunk with just the fields that chunk is relevant to, and
``Settings.token_budget_per_document`` is checked before each call (counting
calls already on the state, e.g. from an earlier attempt): once it is spent,
no more calls are made, the remaining fields go to review with what they have,
and ``provenance["extract"]`` says why.

All candidates of all extractors are kept (the scorer uses their agreement).
"""

from __future__ import annotations

import inspect
import re
from collections import defaultdict
from functools import lru_cache
from typing import Any

from rapidfuzz import fuzz

from pipeline.config import Settings
from pipeline.extractors.base import ExtractionRequest, Extractor, create, extractor_class
from pipeline.retrieve import bm25_scores
from pipeline.score import candidate_confidence
from pipeline.state import Candidate, Chunk, DocumentState, ModelCall, Stage
from pipeline.stopwords import english_stop_words
from pipeline.telemetry.stages import extractor_call
from schemas.base import DocumentSchema
from pipeline.schemas import FieldSpec, field_specs

CHUNKS_PER_FIELD = 2
OPENING_BONUS = 0.5
ALIAS_MIN = 85  # rapidfuzz partial_ratio for a label to count as printed in a chunk


def build_extractors(names: list[str], settings: Settings, **options: Any) -> list[Extractor]:
    """Extractors by name, in order; each gets ``settings``, the ``cascade``'s names (what runs
    beside it) and those ``options`` (e.g. ``prompt``) its constructor takes."""
    extractors = []
    given = {"settings": settings, "cascade": tuple(names), **options}
    for name in names:
        params = inspect.signature(extractor_class(name)).parameters
        extractors.append(create(name, **{k: v for k, v in given.items() if k in params}))
    return extractors


def threshold(spec: FieldSpec, settings: Settings) -> float:
    return spec.review_threshold if spec.review_threshold is not None else settings.review_threshold


def provisional(spec: FieldSpec, candidates: list[Candidate]) -> float:
    """How sure the field is so far: its best candidate, or for a list its weakest item."""
    if not candidates:
        return 0.0
    scores = [candidate_confidence(c, spec) for c in candidates]
    return min(scores) if spec.many else max(scores)


def weak_fields(specs: list[FieldSpec], candidates: dict[str, list[Candidate]], settings: Settings) -> list[FieldSpec]:
    """Fields missing or below their review threshold."""
    return [s for s in specs if provisional(s, candidates.get(s.name, [])) < threshold(s, settings)]


@lru_cache(maxsize=1024)
def _words(text: str) -> frozenset[str]:
    return frozenset(w for w in re.findall(r"[a-z]{3,}", text.casefold()) if w not in english_stop_words())


def relevance(spec: FieldSpec, chunk: Chunk, near: list[int]) -> float:
    """How likely ``chunk`` holds ``spec``: printed label (0..1), description words (0..0.5),
    +1 when an earlier extractor placed a candidate for it there, +0.5 for the document's opening."""
    folded = chunk.text.casefold()
    label = max((fuzz.partial_ratio(a.casefold(), folded, score_cutoff=ALIAS_MIN) for a in spec.aliases), default=0.0)
    wanted = _words(f"{spec.name.replace('_', ' ')} {spec.description}")
    words = len(wanted & _words(chunk.text)) / len(wanted) if wanted else 0.0
    placed = any(chunk.start <= at < chunk.end for at in near)
    # the opening states what most documents are about (title, parties, dates, numbers)
    opening = OPENING_BONUS if chunk.index == 0 else 0.0
    return label / 100.0 + 0.5 * words + (1.0 if placed else 0.0) + opening


def relevant_chunks(spec: FieldSpec, chunks: list[Chunk], candidates: list[Candidate], cap: int) -> list[Chunk]:
    """At most ``cap`` chunks likely to hold the field, best first: those scoring at least half
    the best score; the document's first chunks when nothing points anywhere (headers)."""
    if len(chunks) < 2:  # the scores only rank chunks against each other: one chunk is chosen anyway
        return chunks[:cap]
    near = [span.start for c in candidates for span in c.evidence]
    bm25 = bm25_scores(spec, tuple(ch.text for ch in chunks))
    scored = sorted(
        ((relevance(spec, ch, near) + b, ch) for ch, b in zip(chunks, bm25)), key=lambda t: (-t[0], t[1].index)
    )
    best = scored[0][0] if scored else 0.0
    if best <= 0:
        return chunks[:cap]
    return [ch for score, ch in scored if score >= best / 2][:cap]


def spent(calls: list[ModelCall]) -> int:
    return sum(c.input_tokens + c.output_tokens for c in calls)


def extract(
    state: DocumentState,
    extractors: list[Extractor],
    schema: type[DocumentSchema],
    settings: Settings,
    hints: dict[str, Any] | None = None,
    chunks_per_field: int = CHUNKS_PER_FIELD,
) -> DocumentState:
    """Stage: ``state.candidates`` from the cascade; ``state.model_calls`` extended."""
    if state.parsed is None:
        return state
    specs = field_specs(schema)
    candidates: dict[str, list[Candidate]] = defaultdict(list)
    calls = list(state.model_calls)
    budget = settings.token_budget_per_document
    log: dict[str, Any] = {"asked": {}, "token_budget": budget}
    chunks = state.chunks or [Chunk(index=0, start=0, end=len(state.parsed.text), pages=[p.number for p in state.parsed.pages], text=state.parsed.text)]

    settled: set[str] = set()  # fields a document type's phrasings answered (a value, or none stated)
    concluded: set[str] = set()  # fields a conclusive extractor read
    for extractor in extractors:
        metered = extractor.spends_tokens
        # an extractor declaring ``every_field`` (cheap, its agreement is evidence: memory) sees all fields,
        # and so does the model under the "check" policy (a second reader before anything is auto-accepted)
        every = extractor.every_field or (metered and settings.llm_policy == "check")
        weak = specs if every else [
            s for s in weak_fields(specs, candidates, settings) if s.name not in settled
        ]
        weak = [s for s in weak if not (metered and s.name in concluded)]
        if not weak:
            continue
        plan = {s.name: relevant_chunks(s, chunks, candidates.get(s.name, []), chunks_per_field) for s in weak}
        asked = log["asked"].setdefault(extractor.name, [])
        for request in _requests(state, schema, weak, plan, hints or {}, per_chunk=metered):
            if metered and spent(calls) >= budget:
                log["stopped"] = f"token budget per document ({budget}) spent after {spent(calls)} tokens"
                log.setdefault("skipped", []).append(
                    {"extractor": extractor.name, "chunk": request.chunks[0].index, "fields": [f.name for f in request.fields]}
                )
                continue
            with extractor_call(extractor, schema.name, [f.name for f in request.fields], [c.index for c in request.chunks]) as done:
                result = extractor.extract(request)
                done(result)
            for c in result.candidates:
                candidates[c.field].append(c)
            settled |= result.settled
            if extractor.conclusive:
                concluded |= {c.field for c in result.candidates}
            calls += result.model_calls
            asked.append({"chunks": [ch.index for ch in request.chunks], "fields": [f.name for f in request.fields]})

    log["tokens"] = spent(calls)
    provenance = dict(state.provenance, extract=log)
    return state.model_copy(
        update={
            "candidates": dict(candidates),
            "model_calls": calls,
            "stage": Stage.extracted,
            "provenance": provenance,
        }
    )


def _requests(
    state: DocumentState,
    schema: type[DocumentSchema],
    weak: list[FieldSpec],
    plan: dict[str, list[Chunk]],
    hints: dict[str, Any],
    per_chunk: bool,
) -> list[ExtractionRequest]:
    """One request for all weak fields over their chunks; or, for token-spending
    extractors, one per chunk with only the fields that chunk is relevant to."""
    assert state.parsed is not None
    if not per_chunk:
        union = {ch.index: ch for s in weak for ch in plan[s.name]}
        return [ExtractionRequest(state.parsed, schema, weak, [union[i] for i in sorted(union)], hints)]
    by_chunk: dict[int, tuple[Chunk, list[FieldSpec]]] = {}
    for spec in weak:
        for ch in plan[spec.name]:
            by_chunk.setdefault(ch.index, (ch, []))[1].append(spec)
    return [ExtractionRequest(state.parsed, schema, fields, [ch], hints) for ch, fields in (by_chunk[i] for i in sorted(by_chunk))]
