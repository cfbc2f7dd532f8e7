"""Hostile-input hygiene: characters that hide, digits that pose, text that gives orders.

- Bidi controls and zero-width characters change what a person sees without
  showing themselves (U+202E shows "99.9999" as "9999.99"; U+200B splits a
  number a reader sees whole). ``strip_hidden_characters`` removes them from a
  parsed document, keeping every offset consistent, and records where they
  were; a value read from such a line is flagged.
- Digits of other scripts (Arabic-Indic, Devanagari, fullwidth...) parse as
  numbers, so a typed value comes out in ASCII; the evidence still shows them,
  and such a value is flagged rather than silently accepted.
- Instruction-like text ("ignore previous instructions", "you are now...") is
  aimed at a model, never at a reader of a receipt: a value read from or next
  to it, or any model answer for a document holding it, is flagged.
- A value read from words that the OCR of the rendered page does not show
  (``pipeline.parsers.visibility.cross_check``) is flagged.
- Markup in a value (HTML tags, ``javascript:`` links, Markdown links) is kept
  as the data it is, and flagged.

``flag_fields`` adds the typed reasons (``pipeline.reasons``) to the fields;
routing never auto-accepts a field carrying one of ``BLOCKING``.
Comparison of values uses ``comparable`` (NFKC, case-folded).
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left, bisect_right
from typing import Any

from pipeline.reasons import Reason
from pipeline.state import FieldResult, ParsedDocument, Span

# bidi embeddings/overrides/isolates and marks, zero-width space/joiners, word joiner, BOM, soft hyphen
HIDDEN_CHARACTERS = re.compile("[\u061c\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
_INSTRUCTIONS = re.compile(
    r"\b(?:ignore|disregard|forget|override|bypass)\b[^\n]{0,40}?\b(?:previous|prior|above|earlier|all|any|your|the)\b"
    r"[^\n]{0,30}?\b(?:instructions?|prompts?|rules|directions|guidelines)\b"
    r"|\b(?:system|developer)\s*(?:prompt|message|override)\b|^\s*(?:system|assistant)\s*:"
    r"|\byou\s+are\s+now\b|\bnew\s+instructions?\b|\bas\s+an?\s+(?:ai|language\s+model)\b"
    r"|<\|?(?:im_start|im_end|system|endoftext)\|?>|\[/?INST\]",
    re.IGNORECASE | re.MULTILINE,
)
_MARKUP = re.compile(r"<\s*/?\s*[a-z][a-z0-9]*[\s>/]|javascript\s*:|data\s*:\s*text/html|\]\([^)]*\)|on\w+\s*=", re.IGNORECASE)
BLOCKING = frozenset({
    Reason.not_grounded, Reason.invisible, Reason.ocr_mismatch, Reason.hidden_characters,
    Reason.foreign_digits, Reason.injection, Reason.markup,
})
HIDDEN_CHARACTERS_KEY = "hidden_characters"  # ParsedDocument.metadata: offsets where some were removed
BIDI_OVERRIDE_KEY = "bidi_override"  # ParsedDocument.metadata: True when the text forced a direction
_OVERRIDES = re.compile("[\u202d\u202e]")  # LRO/RLO reorder what follows: no text order can be trusted


def comparable(value: Any) -> str:
    """A value as compared with another: NFKC-normalised (fullwidth, ligatures, compatibility forms) and case-folded."""
    return unicodedata.normalize("NFKC", str(value)).casefold()


def strip_hidden_characters(parsed: ParsedDocument) -> ParsedDocument:
    """``parsed`` without bidi controls and zero-width characters, offsets remapped.

    ``metadata["hidden_characters"]`` lists the offsets (in the new text) where
    some were removed. Returns ``parsed`` itself when it has none.
    """
    removed = [m.start() for m in HIDDEN_CHARACTERS.finditer(parsed.text)]
    if not removed:
        return parsed

    def new(offset: int) -> int:  # characters removed before ``offset`` shift it left
        return offset - bisect_left(removed, offset)

    text = HIDDEN_CHARACTERS.sub("", parsed.text)
    pages = []
    for page in parsed.pages:
        words = []
        for w in page.words:
            cleaned = HIDDEN_CHARACTERS.sub("", w.text)
            if cleaned:
                words.append(w.model_copy(update={"text": cleaned, "start": new(w.start), "end": new(w.end)}))
        pages.append(page.model_copy(update={"start": new(page.start), "end": new(page.end), "words": words}))
    where = sorted({new(offset) for offset in removed})
    metadata = dict(parsed.metadata, **{HIDDEN_CHARACTERS_KEY: where})
    if _OVERRIDES.search(parsed.text):
        metadata[BIDI_OVERRIDE_KEY] = True
    return ParsedDocument(text=text, pages=pages, parser=parsed.parser, metadata=metadata)


def _line(text: str, span: Span) -> tuple[int, int]:
    start = max(text.rfind("\n", 0, span.start), text.rfind("\f", 0, span.start)) + 1
    ends = [i for i in (text.find("\n", span.end), text.find("\f", span.end)) if i >= 0]
    return start, min(ends, default=len(text))


def injection_lines(text: str) -> list[tuple[int, int]]:
    """(start, end) of the lines holding instruction-like text, and of the line after each
    (an instruction often sets up the line that follows it)."""
    out = []
    for m in _INSTRUCTIONS.finditer(text):
        start = text.rfind("\n", 0, m.start()) + 1
        end = text.find("\n", m.end())
        if end >= 0:  # through the end of the next line
            end = text.find("\n", end + 1)
        out.append((start, len(text) if end < 0 else end))
    return out


def _foreign_digits(text: str) -> bool:
    return any(c.isdecimal() and not ("0" <= c <= "9") for c in text)


def field_reasons(parsed: ParsedDocument, result: FieldResult, injections: list[tuple[int, int]]) -> list[Reason]:
    """The hygiene reasons one field's value and evidence call for."""
    if result.value in (None, "", []):
        return []
    reasons = []
    values = result.value if isinstance(result.value, list) else [result.value]
    hidden_at = parsed.metadata.get(HIDDEN_CHARACTERS_KEY) or []
    lines = [_line(parsed.text, s) for s in result.evidence]
    if (
        parsed.metadata.get(BIDI_OVERRIDE_KEY)
        or any(bisect_right(hidden_at, e) > bisect_left(hidden_at, s) for s, e in lines)
        or any(HIDDEN_CHARACTERS.search(str(v)) for v in values)
    ):
        reasons.append(Reason.hidden_characters)
    if any(_foreign_digits(s.text) for s in result.evidence) or any(_foreign_digits(str(v)) for v in values):
        reasons.append(Reason.foreign_digits)
    if not all(parsed.ocr_agrees(s.start, s.end) for s in result.evidence):
        reasons.append(Reason.ocr_mismatch)
    near = any(s < ie and e > is_ for s, e in lines for is_, ie in injections)
    from_model = "llm" in (result.extractor or "").split(",")
    if injections and (near or from_model):
        reasons.append(Reason.injection)
    if any(_MARKUP.search(str(v)) for v in values):
        reasons.append(Reason.markup)
    return reasons


def clean_value(value: Any) -> Any:
    """A value without bidi controls and zero-width characters (lists item by item)."""
    if isinstance(value, list):
        return [clean_value(v) for v in value]
    return HIDDEN_CHARACTERS.sub("", value) if isinstance(value, str) else value


def flag_fields(parsed: ParsedDocument | None, fields: dict[str, FieldResult]) -> dict[str, FieldResult]:
    """Every field with its value cleaned and the hygiene reasons it calls for added."""
    if parsed is None:
        return fields
    injections = injection_lines(parsed.text)
    out = {}
    for name, result in fields.items():
        extra = [r for r in field_reasons(parsed, result, injections) if r not in result.reasons]
        value = clean_value(result.value)
        out[name] = result.model_copy(update={"value": value, "reasons": [*result.reasons, *extra]}) if extra or value != result.value else result
    return out
