"""Calendar dates: the printed-date grammar, its parser, grounding and generic finder."""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache

from pipeline.cues import Cues
from pipeline.extractors.finding import Context, LabelLink, Proposal, link_label
from pipeline.infer import range_end
from pipeline.kinds.base import Kind
from pipeline.infer import spelled
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


_NO_YEAR = re.compile(rf"(?P<day>\d{{1,2}})(?P<sep>[./-])\d{{1,2}}|\d{{1,2}}\.?[ \t-]*{_MONTH}|{_MONTH}[ \t]*\d{{1,2}}", re.IGNORECASE)


def in_documents_year(printed: str, document: ParsedDocument, cues: Cues) -> date | None:
    """A date printed without its year ("03 Mar", "02-04": a statement's lines) in the year that
    puts it nearest the document's own dates (its period: "1 March 2025 to 31 March 2025"), read
    as the document reads its dates; None where it is no such date or the document prints none."""
    m = _NO_YEAR.fullmatch(printed.strip())
    if m is None:
        return None
    dated = [d for found in _DATE.finditer(document.text) if (d := in_document_order(found.group(), document, cues))]
    if not dated:
        return None
    first, last = min(dated), max(dated)
    sep = m.group("sep") or " "
    read = [d for year in sorted({d.year for d in dated} | {first.year - 1, last.year + 1})
            if (d := in_document_order(f"{m.group()}{sep}{year}", document, cues))]
    return min(read, key=lambda d: max((first - d).days, (d - last).days, 0), default=None)


def _dateline(ctx: Context, start: int, end: int) -> bool:
    """The date stands alone on its line in the top half of the first page, with at most a
    time of day after it or before it the name of a town of this document's addresses: how
    letters and many invoices print their own date ("Reichenschwand 04.07.2023", "11/5/23").
    A browser's print header ("23.06.23, 11:09 Invoice | Shop") has words after the date."""
    line = ctx.line_at(start)
    if line.page != 1 or ctx.layout.relative_y(line) >= 0.5:
        return False
    # the whole printed line, columns beside the date's included
    first, last = ctx.text.rfind("\n", 0, start) + 1, ctx.text.find("\n", end) % (len(ctx.text) + 1)
    before = ctx.text[first:start].strip(" \t,")
    after = _TIME.sub("", ctx.text[end:last])
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
    first = next((f for f in fields if f.kind == "date"), None)
    return first is not None and first.name == spec.name and not set(spelled(spec.name)) & LATER


# words naming a moment after the document is made: a schema's first date named so ("travel_date",
# "check_in", "delivery_date") is that moment, read under its labels, not the document's date
LATER = frozenset(
    "travel trip journey flight departure arrival check delivery dispatch despatch ship shipping pickup "
    "collection due expiry expiration expires end birth dob".split()
)


def _either_way(printed: str) -> bool:
    """A numeric date whose day and month could be swapped ("04/02/24")."""
    n = _NUMERIC.match(printed)
    return bool(n) and int(n.group(1)) <= 12 and int(n.group(2)) <= 12 and n.group(1) != n.group(2)


def order_guessed(printed: str, document: ParsedDocument, cues: Cues) -> bool:
    """The date is printed so that it reads either way and neither the document's other dates
    nor a regional pack say which: read day first by default, a guess (``pipeline.route``)."""
    return _either_way(printed.strip()) and document_order(document) is None and not cues.regional


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
    side = _range_side(spec)
    ends = _range_ends(ctx, spec, side) if side is not None else {}
    out = []
    for m in _DATE.finditer(ctx.text):
        value = read_date(m.group(), reads_month_first(m.group(), document, ctx.cues))
        if value is None:
            continue
        link = link_label(ctx, spec, m.start(), m.end())
        if m.start() in ends and link.match < ends[m.start()]:
            link = LabelLink(ends[m.start()], 1.0, True)  # the start or end of a printed range
        if own and link.match < DATELINE and _dateline(ctx, m.start(), m.end()):
            link = LabelLink(DATELINE, 1.0)
        if not own and not link.own:
            continue
        out.append(_proposal(ctx, m, value, link))
        if undecided and _either_way(m.group()):
            # the other reading is proposed too, a little weaker: the default decides, and the
            # rival it leaves says to a person that the order was a guess
            swapped = read_date(m.group(), not reads_month_first(m.group(), document, ctx.cues))
            rival = _proposal(ctx, m, swapped, link)
            rival.signals["typed"] *= 0.9
            out.append(rival)
    return out + find_range_ends(ctx, spec)


def _proposal(ctx: Context, m: re.Match, value: date, link: LabelLink) -> Proposal:
    short_year = bool(re.search(r"(?<!\d)\d{2}$", m.group().strip()))
    return Proposal(
        value=value.isoformat(),
        spans=[(m.start(), m.end())],
        signals={
            "match": link.match,
            "typed": 0.8 if short_year else 1.0,
            "layout": link.layout,
            "position": 1.0 - ctx.layout.relative_y(ctx.line_at(m.start())) / 2,
        },
    )


# what joins a range's two dates, once times of day and "on"/"at" are left out ("1 March 2025 to
# 31 March 2025", "01/02/2025 - 28/02/2025", "From 00:01 on 14 June 2025 to 23:59 on 13 June
# 2026", "01-04-2025 t/m 30-04-2025"); cue packs add their languages' words under "range"
RANGE_WORDS = frozenset("to till until through thru".split())
SPAN_WORDS = ("period", "term")  # what a document may call any span it prints as a range
_JOIN = re.compile(r"^\s*(?:[-–—~]|t/m|(?P<word>[^\W\d_]+))\s*$")


def date_ranges(ctx: Context) -> list[tuple[re.Match, re.Match]]:
    """Pairs of consecutive dates printed as one range, on one line or across a line break
    ("From 6 April 2024" / "To 5 April 2025"); found once per document."""
    if "date_ranges" not in ctx.memo:
        joins = ctx.cues.words("range", RANGE_WORDS)
        found = list(_DATE.finditer(ctx.text))
        pairs = []
        for first, second in zip(found, found[1:]):
            between = ctx.text[first.end() : second.start()]
            join = _JOIN.match(re.sub(r"(?i)\b(?:on|at)\b", " ", _TIME.sub(" ", between)))
            if between.count("\n") <= 1 and join and (not join.group("word") or join.group("word").casefold() in joins):
                pairs.append((first, second))
        ctx.memo["date_ranges"] = pairs
    return ctx.memo["date_ranges"]


def find_range_ends(ctx: Context, spec: FieldSpec) -> list[Proposal]:
    """One end of a span printed as a range under the span's label (``pay_period_end``: the
    second date of "Pay Period 01/02/2025 - 28/02/2025"); none for a field that is no end of a
    span (:func:`pipeline.infer.range_end`)."""
    end = range_end(spec.name)
    if end is None:
        return []
    label, which = end
    document = _order(ctx)
    # the span's label, else a word for any span ("cover_end_date" under "Period of Insurance
    # 14 June 2025 to 13 June 2026"), each as a field of its own kind ("\0" is in no field's
    # name or kind): the schema's dates are no rivals of it, the label of its other end least
    for labels in ((label,), tuple(w for w in SPAN_WORDS if w != label)):
        span = FieldSpec(name=f"{spec.name}\0{labels[0]}", description="", kind="\0span", aliases=labels)
        out = []
        for pair in date_ranges(ctx):
            link = link_label(ctx, span, pair[0].start(), pair[0].end())  # the label stands before the range
            m = pair[which]
            value = read_date(m.group(), reads_month_first(m.group(), document, ctx.cues))
            if link.own and value is not None:
                out.append(_proposal(ctx, m, value, link))
        if out:
            return out
    return []



RANGE_MATCH = 0.6  # label strength of a range's first or last date for a start or end field
# what a range of dates prints between its two: "03 Feb 2026 - 06 Feb 2026", "1 July to 30 June"
_BETWEEN = re.compile(r"(?i)\s*(?:[-–—/]|to|until|till|through|thru)\s*")
# names of a range's start and of its end ("check_in", "start_date"; "check_out", "end_date")
_STARTS = frozenset("start starts starting begin begins beginning commencement arrival from".split())
_ENDS = frozenset("end ends ending until till through departure expiry expiration to".split())


def _range_side(spec: FieldSpec) -> int | None:
    """0 for a field named for where a range starts, 1 for where it ends, else None."""
    named = spelled(spec.name.rsplit(".", 1)[-1])
    if named[-2:] == ["check", "in"] or set(named) & _STARTS:
        return 0
    if named[-2:] == ["check", "out"] or set(named) & _ENDS:
        return 1
    return None


def _range_ends(ctx: Context, spec: FieldSpec, side: int) -> dict[int, float]:
    """Where the dates that start (``side`` 0) or end (1) a printed range begin, with their
    label strength: two dates on one line with only a dash, a slash or "to" between them
    ("Stay: 03 Feb 2026 - 06 Feb 2026"); stronger where the words before the range share one
    with the field's name ("Service period:" for "period_start")."""
    found = list(_DATE.finditer(ctx.text))
    named = set(spelled(spec.name.rsplit(".", 1)[-1])) - _STARTS - _ENDS - {"date", "check", "in", "out"}
    out = {}
    for a, b in zip(found, found[1:]):
        if _BETWEEN.fullmatch(ctx.text[a.end() : b.start()]):
            before = set(spelled(ctx.text[ctx.line_at(a.start()).start : a.start()]))
            out[(a, b)[side].start()] = RANGE_MATCH + (0.2 if named & before else 0.0)
    return out


class DateKind(Kind):
    name = "date"
    json_type = Date
    grounding = GROUNDING
    hint = "a date, as printed"
    parse = staticmethod(parse_date)

    def find(self, ctx, spec):
        return find_dates(ctx, spec)
