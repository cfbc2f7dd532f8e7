"""Calendar dates: the printed-date grammar, its parser, grounding and generic finder."""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache

from pipeline.cues import Cues
from pipeline.extractors.finding import Context, LabelLink, Proposal, link_label
from pipeline.kinds.base import Kind
from pipeline.kinds.lines import POSTCODE
from pipeline.schemas import FieldSpec, part_specs
from pipeline.state import ParsedDocument
from schemas.types import Date, parse_date

_MONTH = (
    r"(?:jan|feb|m[aä]r|apr|ma[iy]|mei|jun|jul|aug|ago|ogo|sep|o[ck]t|nov|de[cz]|dis|f[eé]v|avr|"
    r"juil|ao[uû]|d[eé]c)[^\W\d_]*\.?"
)
_DATE = re.compile(
    rf"(?<![\d.])(?:\d{{4}}[-/.]\d{{1,2}}[-/.]\d{{1,2}}"
    r"|\d{4}\s?[年년]\s?\d{1,2}\s?[月월]\s?\d{1,2}\s?[日일]"
    rf"|\d{{1,2}}[-/.]\d{{1,2}}[-/.](?:\d{{4}}|\d{{2}})"
    rf"|\d{{1,2}}(?:st|nd|rd|th)?\.?[ \t\-/]*{_MONTH}[ \t\-/,]*(?:\d{{4}}|\d{{2}})"
    rf"|{_MONTH}[ \t\-/]*\d{{1,2}}(?:st|nd|rd|th)?,?[ \t]*\d{{4}})(?![\d])",
    re.IGNORECASE,
)
_NUMERIC = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.]\d{2,4}$")
_TIME = re.compile(r"(?<!\d)\d{1,2}[:.]\d{2}(?:[:.]\d{2})?(?:\s*[ap]\.?m\b\.?)?", re.IGNORECASE)
DATELINE = 0.6  # label strength of a dateline, as the contract pack rates one


# Substrings worth parsing when grounding a date (looser than the finder's grammar: any
# month word, "5th day of May").
GROUNDING = (
    r"\b\d{1,4}[./-]\d{1,2}[./-]\d{1,4}\b"
    r"|\b\d{1,2}(?:st|nd|rd|th)?\s+(?:day\s+of\s+)?[A-Za-z]{3,9}\.?,?\s+\d{2,4}\b"
    r"|\b[A-Za-z]{3,9}\.?\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4}\b"
    r"|\d{4}\s?[年년]\s?\d{1,2}\s?[月월]\s?\d{1,2}\s?[日일]"
)


@lru_cache(maxsize=4096)
def _parse_date(text: str, day_first: bool) -> date | None:
    return parse_date(text, day_first=day_first)


def document_order(document: ParsedDocument) -> bool | None:
    """Whether a document writes numeric dates month first: yes where some date only reads
    that way, no where some date only reads day first, else None (its dates read either way).
    A word OCR was unsure of decides nothing: a scan's "SP-NULL-18/06/04" read as "SP-rul1-18/06/04"
    holds "1-18/06", which only reads month first, and turned its sure "04/06/2018" into April."""
    pairs = [
        (int(n.group(1)), int(n.group(2)))
        for d in _DATE.finditer(document.text)
        if (n := _NUMERIC.match(d.group())) and document.ocr_sure(d.start(), d.end())
    ]
    if any(second > 12 >= first for first, second in pairs):
        return True
    if any(first > 12 >= second for first, second in pairs):
        return False
    return None


def _order(ctx: Context) -> bool | None:
    """``document_order`` of the document, found once per document."""
    if "month_first" not in ctx.memo:
        ctx.memo["month_first"] = document_order(ctx.document)
    return ctx.memo["month_first"]


def reads_month_first(printed: str, document: bool | None, cues: Cues) -> bool:
    """How to read one printed date: as the document's other dates show, else as its region
    writes them (a cue pack's ``DATE_ORDER``); a date written with dots is day first anywhere."""
    if document is not None:
        return document
    return cues.month_first and "." not in printed


def read_date(printed: str, month_first: bool) -> date | None:
    """A printed date in the order given, or the other where only that one is a date."""
    return _parse_date(printed, not month_first) or _parse_date(printed, month_first)


def in_document_order(printed: str, document: ParsedDocument, cues: Cues) -> date | None:
    """``printed``, a date as ``document`` prints it, read as that document reads its dates."""
    return read_date(printed, reads_month_first(printed, document_order(document), cues))


def _dateline(ctx: Context, start: int, end: int) -> bool:
    """The date stands alone on its line in the top half of the first page, with at most a
    time of day after it or before it the name of a town of this document's addresses: how
    letters and many invoices print their own date ("Reichenschwand 04.07.2023", "11/5/23").
    A browser's print header ("23.06.23, 11:09 Invoice | Shop") has words after the date."""
    line = ctx.line_at(start)
    if line.page != 1 or ctx.layout.relative_y(line) >= 0.5:
        return False
    before = ctx.text[line.start : start].strip(" \t,")
    after = _TIME.sub("", ctx.text[end : line.end])
    if re.search(r"\w", after) or re.search(r"\d", before):
        return False
    place = re.findall(r"[^\W\d_]+", before)
    if len(place) > 3 or re.search(r"[^\w\s,-]", before):
        return False
    return all(w in _address_words(ctx) for w in place)


def _address_words(ctx: Context) -> set[str]:
    """The words of the document's lines that hold a postcode (towns among them)."""
    if "address_words" not in ctx.memo:
        ctx.memo["address_words"] = {
            w for ln in ctx.lines if POSTCODE.search(ln.text) for w in re.findall(r"[^\W\d_]+", ln.text)
        }
    return ctx.memo["address_words"]


def _own_date(ctx: Context, spec: FieldSpec) -> bool:
    """The schema's first date field stands for the document's own date (the issue date comes
    before due, delivery or expiry dates in the schemas people write); a record's dates count
    where the record stands (``receipt.date`` of a schema that wraps the receipt in one field)."""
    fields = (p for s in ctx.specs for p in (part_specs(ctx.schema, s.name) if s.kind == "object" else (s,)))
    return next((f.name for f in fields if f.kind == "date"), None) == spec.name


def _either_way(printed: str) -> bool:
    """A numeric date whose day and month could be swapped ("04/02/24")."""
    n = _NUMERIC.match(printed)
    return bool(n) and int(n.group(1)) <= 12 and int(n.group(2)) <= 12 and n.group(1) != n.group(2)


def find_dates(ctx: Context, spec: FieldSpec) -> list[Proposal]:
    """Every date in the text, with the field's label nearby and a preference for the top;
    for the document's own date, a dateline counts as a label. Any other date (due,
    delivery, expiry) is read only under one of its labels: an invoice that prints no due
    date has none, and its issue date is no answer."""
    document = _order(ctx)
    # neither the document's other dates nor its region say how "04/02/24" reads: the day
    # first default is a guess, which no value should be accepted on without a person
    undecided = document is None and not ctx.cues.regional
    own = _own_date(ctx, spec)
    out = []
    for m in _DATE.finditer(ctx.text):
        value = read_date(m.group(), reads_month_first(m.group(), document, ctx.cues))
        if value is None:
            continue
        link = link_label(ctx, spec, m.start(), m.end())
        if own and link.match < DATELINE and _dateline(ctx, m.start(), m.end()):
            link = LabelLink(DATELINE, 1.0)
        if not own and not link.own:
            continue
        short_year = bool(re.search(r"(?<!\d)\d{2}$", m.group().strip()))
        signals = {
            "match": link.match,
            "typed": 0.8 if short_year else 1.0,
            "layout": link.layout,
            "position": 1.0 - ctx.layout.relative_y(ctx.line_at(m.start())) / 2,
        }
        out.append(Proposal(value=value.isoformat(), spans=[(m.start(), m.end())], signals=signals))
        if undecided and _either_way(m.group()):
            # the other reading is proposed too, a little weaker: the default decides, and the
            # rival it leaves says to a person that the order was a guess
            swapped = read_date(m.group(), not reads_month_first(m.group(), document, ctx.cues))
            out.append(Proposal(value=swapped.isoformat(), spans=[(m.start(), m.end())], signals={**signals, "typed": signals["typed"] * 0.9}))
    return out



class DateKind(Kind):
    name = "date"
    json_type = Date
    grounding = GROUNDING
    hint = "a date, as printed"
    parse = staticmethod(parse_date)

    def find(self, ctx, spec):
        return find_dates(ctx, spec)
