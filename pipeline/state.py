"""The plain data that flows through the stages.

Every stage is a function ``stage(state, ...) -> state``: it reads a
``DocumentState`` and returns the next one (a copy, never mutated in place), so
the embedded run and the queue workers can persist the state between stages and
re-run a stage idempotently after a crash.

Offsets: ``ParsedDocument.text`` is the whole document as one string, pages
joined by a form feed (``\\f``). Every ``start``/``end`` in this module indexes
that string, so ``parsed.text[span.start:span.end] == span.text`` always holds.
"""

from __future__ import annotations

from bisect import bisect_left
from enum import StrEnum
from functools import cached_property
from typing import Any

from pydantic import BaseModel, Field

PAGE_BREAK = "\f"

BBox = tuple[float, float, float, float]
"""x0, y0, x1, y1 in page units (PDF points, or pixels for images), origin top-left."""


class Word(BaseModel):
    """A word as the parser or OCR engine located it."""

    text: str
    start: int
    end: int
    bbox: BBox | None = None
    confidence: float | None = None  # OCR confidence 0..1, None for a text layer
    visible: bool = True  # False: a person cannot see it (see Page.styles for why)
    style: int | None = None  # index into Page.styles, for PDF text-layer words
    ocr_agrees: bool | None = None  # the OCR cross-check: False where the page image does not show it


class TextStyle(BaseModel):
    """How one PDF text object is drawn (``pipeline.parsers.visibility``)."""

    render_mode: int = 0
    fill: str | None = None  # "#rrggbb", the colour the text shows in
    background: str | None = None  # the colour beneath it, None where unknown (an image)
    font_size: float | None = None  # points, after the transform
    in_crop: bool = True
    covered: bool = False  # an opaque shape or image is painted over it
    hidden: list[str] = Field(default_factory=list)  # why a person cannot see it; empty: visible


class Page(BaseModel):
    number: int  # 1-based
    start: int  # offset of the page's first character in ParsedDocument.text
    end: int
    width: float | None = None
    height: float | None = None
    ocr: bool = False
    words: list[Word] = Field(default_factory=list)
    styles: list[TextStyle] = Field(default_factory=list)
    ocr_checked: bool = False  # its text layer was compared with an OCR of its rendering

    def hidden_reasons(self, word: Word) -> list[str]:
        """Why ``word`` cannot be seen (empty when it can)."""
        if word.visible:
            return []
        return self.styles[word.style].hidden if word.style is not None else ["not visible"]


# Tesseract's word confidence below which a value read from the word is never auto-accepted:
# on SROIE's 40 scans, the wrongly accepted dates were read from words at 0.02 and 0.76, and
# every value from words at 0.92 or more was right (bench/ocr_scans.py)
OCR_SURE = 0.9


def _touches(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    """Whether [start, end) overlaps one of ``spans`` (sorted, not overlapping each other)."""
    i = bisect_left(spans, (end,))  # spans[:i] start before ``end``
    return i > 0 and spans[i - 1][1] > start


class Cell(BaseModel):
    """One cell of a table element, at its offsets in the text."""

    row: int
    col: int
    start: int
    end: int
    bbox: BBox | None = None


class Element(BaseModel):
    """A typed block of the document (from ``unstructured``): where it is and what it is.

    ``type`` is e.g. ``title``, ``narrative_text``, ``list_item``, ``table``,
    ``header``, ``footer``; a table lists its cells.
    """

    type: str
    start: int
    end: int
    page: int
    bbox: BBox | None = None
    cells: list[Cell] = Field(default_factory=list)


class ParsedDocument(BaseModel):
    text: str
    pages: list[Page]
    parser: str  # which parser produced it, e.g. "pdfium", "tesseract", "docx"
    metadata: dict[str, Any] = Field(default_factory=dict)
    elements: list[Element] = Field(default_factory=list)  # empty for formats parsed into words only

    @cached_property
    def hidden_spans(self) -> list[tuple[int, int]]:
        """(start, end) of every word a person cannot see, in order (words never change after parsing)."""
        return [(w.start, w.end) for p in self.pages for w in p.words if not w.visible]

    @cached_property
    def ocr_mismatch_spans(self) -> list[tuple[int, int]]:
        """(start, end) of every visible word that the OCR of its page did not read."""
        return [(w.start, w.end) for p in self.pages for w in p.words if w.ocr_agrees is False]

    @cached_property
    def unsure_ocr_spans(self) -> list[tuple[int, int]]:
        """(start, end) of every word OCR read with less confidence than ``OCR_SURE``."""
        return [(w.start, w.end) for p in self.pages for w in p.words if w.confidence is not None and w.confidence < OCR_SURE]

    def ocr_sure(self, start: int, end: int) -> bool:
        """Whether ``text[start:end]`` touches no word that OCR read unsure (text layers always are)."""
        return not _touches(self.unsure_ocr_spans, start, end)

    def visible(self, start: int, end: int) -> bool:
        """Whether ``text[start:end]`` touches no invisible word, nor one the page image does not show."""
        return not _touches(self.hidden_spans, start, end) and self.ocr_agrees(start, end)

    def ocr_agrees(self, start: int, end: int) -> bool:
        """Whether the page images show ``text[start:end]`` as the text layer has it (where checked)."""
        return not _touches(self.ocr_mismatch_spans, start, end)

    def page_at(self, offset: int) -> Page:
        """The page holding character ``offset``."""
        for page in self.pages:
            if offset <= page.end:
                return page
        return self.pages[-1]


class Chunk(BaseModel):
    """A contiguous slice of the document that a model can read in one call."""

    index: int
    start: int
    end: int
    pages: list[int]
    text: str


class Span(BaseModel):
    """Where a value was read: the evidence exported with every field."""

    page: int
    start: int
    end: int
    text: str
    bbox: BBox | None = None
    visible: bool = True  # False: some of it is text a person cannot see
    path: str | None = None  # inside a record: its field, e.g. "amount"; "0.amount" once placed in a list


class Candidate(BaseModel):
    """One extractor's proposal for one field, with the signals behind it.

    ``value`` is already normalised to the field's type and JSON-ready
    (ISO dates, decimal strings); ``raw`` is the text it was read from.
    ``signals`` are numbers in 0..1 that the scorer combines into a confidence,
    e.g. ``match`` (how strongly a label/anchor matched), ``logprob``,
    ``validated``, ``grounded``, ``agreement``.
    """

    field: str
    value: Any
    raw: str | None = None
    extractor: str
    evidence: list[Span] = Field(default_factory=list)
    signals: dict[str, float] = Field(default_factory=dict)
    learned_from: list[str] = Field(default_factory=list)  # memory: the reviewed documents (ids) behind it, most similar first


def other_party(signals: dict[str, float]) -> bool:
    """A value read inside the other party's block (bill to, customer: signal ``role`` 0, see
    ``pipeline.kinds.organization``) names that party: evidence against a value for this
    field, never the answer, and no rival of the field's own values."""
    return signals.get("role") == 0.0


class FieldStatus(StrEnum):
    auto_accepted = "auto_accepted"
    needs_review = "needs_review"
    accepted = "accepted"
    corrected = "corrected"
    rejected = "rejected"


class FieldResult(BaseModel):
    value: Any = None
    confidence: float = 0.0
    status: FieldStatus = FieldStatus.needs_review
    evidence: list[Span] = Field(default_factory=list)
    extractor: str | None = None
    reasons: list[str] = Field(default_factory=list)  # why it needs review
    features: dict[str, float] = Field(default_factory=dict)  # what the scorer saw; calibration refits on them
    candidates: list[Candidate] = Field(default_factory=list)  # the ones not chosen


class DocStatus(StrEnum):
    pending = "pending"
    completed = "completed"
    needs_review = "needs_review"
    failed = "failed"


class Stage(StrEnum):
    """How far a document got; stored so a redelivered message resumes, not repeats."""

    ingested = "ingested"
    parsed = "parsed"
    chunked = "chunked"
    extracted = "extracted"
    grounded = "grounded"
    scored = "scored"
    routed = "routed"
    exported = "exported"


class ErrorInfo(BaseModel):
    code: str
    message: str


class ModelCall(BaseModel):
    """One paid (or embedded) model call, recorded for cost accounting."""

    provider: str
    model: str
    prompt_version: str
    fields: list[str]
    chunk: int | None = None
    input_tokens: int = 0
    output_tokens: int = 0
    latency_s: float = 0.0
    cost_usd: float = 0.0
    cache_hit: bool = False
    ok: bool = True
    error: str | None = None
    # what was sent and received (pipeline.telemetry.exchanges); kept in its own columns, not in the state
    exchange: dict[str, Any] | None = Field(default=None, exclude=True)


class DocumentState(BaseModel):
    id: str
    source: str
    sha256: str
    size: int
    media_type: str | None = None
    schema_name: str
    schema_version: str
    stage: Stage = Stage.ingested
    status: DocStatus = DocStatus.pending
    error: ErrorInfo | None = None
    parsed: ParsedDocument | None = None
    chunks: list[Chunk] = Field(default_factory=list)
    candidates: dict[str, list[Candidate]] = Field(default_factory=dict)
    fields: dict[str, FieldResult] = Field(default_factory=dict)
    model_calls: list[ModelCall] = Field(default_factory=list)
    provenance: dict[str, Any] = Field(default_factory=dict)

    def failed(self, code: str, message: str) -> DocumentState:
        """The terminal state for a document that cannot be processed."""
        return self.model_copy(
            update={"status": DocStatus.failed, "error": ErrorInfo(code=code, message=message)}
        )
