"""Grounding: find where each value came from in the document.

A value is grounded when a span of the document *means* it: typed kinds are
compared as typed values ("$8,000.00" grounds 8000, "25 DEC 2018" grounds
2018-12-25), text kinds exactly, then case-insensitively, then fuzzily
(rapidfuzz alignment, for quotes with OCR noise or re-flowed whitespace). An
ungrounded value keeps its place but gets ``grounded = 0``, which the scorer
turns into low confidence, so a value the model invented is never auto-accepted.

Visible text wins: of several places a value occurs, one a person can see is
chosen, and evidence in invisible text (``pipeline.parsers.visibility``) is
swapped for a visible occurrence of the same value where there is one. A
candidate left with invisible evidence gets ``visible = 0``; scoring ranks it
below every visible rival and routing never accepts it without a person.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from rapidfuzz import fuzz

from pipeline.kinds import get_kind, parser
from pipeline.schemas import field_specs, get_schema
from pipeline.state import Candidate, DocumentState, ParsedDocument, Span, Stage

FUZZY_MIN = 90.0  # partial_ratio below this is not the same text


def span_at(document: ParsedDocument, start: int, end: int) -> Span:
    """The evidence span for ``document.text[start:end]``, with page and word boxes."""
    page = document.page_at(start)
    boxes = [w.bbox for w in page.words if w.bbox and w.start < end and w.end > start]
    bbox = None
    if boxes:
        bbox = (
            min(b[0] for b in boxes),
            min(b[1] for b in boxes),
            max(b[2] for b in boxes),
            max(b[3] for b in boxes),
        )
    return Span(
        page=page.number, start=start, end=end, text=document.text[start:end], bbox=bbox,
        visible=document.visible(start, end),
    )


def _closest(document: ParsedDocument, starts: list[tuple[int, int]], near: int | None) -> tuple[int, int]:
    """The occurrence nearest ``near`` (else the first), among the visible ones if any is."""
    starts = [se for se in starts if document.visible(*se)] or starts
    if near is None:
        return starts[0]
    return min(starts, key=lambda se: abs(se[0] - near))


def _same_value(kind: str, text: str, value: Any) -> bool:
    parse = parser(kind)
    if parse is None or value is None:
        return False
    parsed = parse(text)
    return parsed is not None and _as_json(parsed) == _as_json(parse(value) or value)


def _as_json(value: Any) -> str:
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


@lru_cache(maxsize=8)
def _folded(text: str) -> str:
    return text.casefold()


def locate(
    document: ParsedDocument,
    text: str | None,
    kind: str = "text",
    value: Any = None,
    near: int | None = None,
) -> tuple[Span, float] | None:
    """Where ``text`` (a quote) or ``value`` occurs, and how sure the match is (0..1).

    Tries, in order: the exact text; the typed value among substrings of the
    kind's shape; the text case-insensitively; a fuzzy alignment.
    """
    doc = document.text
    known = get_kind(kind)
    pattern = known.grounding if known is not None else None  # typed kinds: substrings of the kind's shape
    if text:
        hits = [(m.start(), m.end()) for m in re.finditer(re.escape(text), doc)]
        if hits:
            return span_at(document, *_closest(document, hits, near)), 1.0
    if pattern is not None and value is not None:
        hits = [
            (m.start(), m.end())
            for m in re.finditer(pattern, doc, re.IGNORECASE)
            if _same_value(kind, m.group(0).strip(), value)
        ]
        if hits:
            s, e = _closest(document, hits, near)
            while doc[s].isspace():
                s += 1
            return span_at(document, s, e), 1.0
    needle = text or (str(value) if value is not None and pattern is None else None)
    if not needle or len(needle) < 2:
        return None
    folded = _folded(doc)
    hits = [(m.start(), m.end()) for m in re.finditer(re.escape(needle.casefold()), folded)]
    if hits:
        return span_at(document, *_closest(document, hits, near)), 0.95
    # Whitespace-insensitive fuzzy alignment; bounded so long documents stay fast.
    if len(needle) >= 4:
        alignment = fuzz.partial_ratio_alignment(needle.casefold(), folded, score_cutoff=FUZZY_MIN)
        if alignment is not None:
            s, e = alignment.dest_start, alignment.dest_end
            return span_at(document, s, e), alignment.score / 100.0
    return None


def verify(document: ParsedDocument, span: Span) -> bool:
    """True when a span's offsets really hold its text."""
    return 0 <= span.start <= span.end <= len(document.text) and (
        document.text[span.start : span.end] == span.text
    )


def ground_candidate(document: ParsedDocument, candidate: Candidate, kind: str) -> Candidate:
    """The candidate with verified evidence and a ``grounded`` signal in 0..1."""
    values = candidate.value if isinstance(candidate.value, list) else [candidate.value]
    # an extractor's spans are checked, and told whether a person can see them
    evidence = [s.model_copy(update={"visible": document.visible(s.start, s.end)}) for s in candidate.evidence if verify(document, s)]
    score = 1.0 if evidence and len(evidence) >= len([v for v in values if v is not None]) else 0.0
    if not evidence:
        found = []
        for v in values:
            hit = locate(document, candidate.raw if len(values) == 1 else None, kind, v)
            if hit is None:
                hit = locate(document, None, kind, v)
            if hit is not None:
                found.append(hit)
        evidence = [span for span, _ in found]
        if found:
            score = min(s for _, s in found) * len(found) / max(1, len(values))
    if len(values) == 1 and any(not s.visible for s in evidence):
        # read from hidden text: the same value where a person can see it, if it is printed
        hit = locate(document, candidate.raw, kind, values[0]) or locate(document, None, kind, values[0])
        if hit is not None and hit[0].visible:
            evidence = [hit[0]]
    if candidate.signals.get("derived"):
        # computed from printed values (a start date plus a term): its spans are the inputs,
        # the value itself is printed nowhere, so a person must confirm it
        score = 0.0
    signals = dict(candidate.signals, grounded=round(score, 3))
    if evidence:
        signals["visible"] = 1.0 if all(s.visible for s in evidence) else 0.0
    return candidate.model_copy(update={"evidence": evidence, "signals": signals})


def ground(state: DocumentState) -> DocumentState:
    """Stage: every candidate located in the source, with a ``grounded`` signal."""
    if state.parsed is None:
        return state
    kinds = {s.name: s.kind for s in field_specs(get_schema(state.schema_name))}
    candidates = {
        name: [ground_candidate(state.parsed, c, kinds.get(name, "text")) for c in cands]
        for name, cands in state.candidates.items()
    }
    return state.model_copy(update={"candidates": candidates, "stage": Stage.grounded})
