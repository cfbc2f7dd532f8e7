"""Calendar dates: the printed-date grammar, its parser, grounding and generic finder."""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache

from pipeline.extractors.finding import Context, Proposal, link_label
from pipeline.kinds.base import Kind
from pipeline.schemas import FieldSpec
from schemas.types import Date, parse_date

_MONTH = (
    r"(?:jan|feb|m[aä]r|apr|ma[iy]|mei|jun|jul|aug|ago|ogo|sep|o[ck]t|nov|de[cz]|dis|f[eé]v|avr|"
    r"juil|ao[uû]|d[eé]c)[^\W\d_]*\.?"
)
_DATE = re.compile(
    rf"(?<![\d.])(?:\d{{4}}[-/.]\d{{1,2}}[-/.]\d{{1,2}}"
    rf"|\d{{1,2}}[-/.]\d{{1,2}}[-/.](?:\d{{4}}|\d{{2}})"
    rf"|\d{{1,2}}(?:st|nd|rd|th)?\.?[ \t\-/]*{_MONTH}[ \t\-/,]*(?:\d{{4}}|\d{{2}})"
    rf"|{_MONTH}[ \t\-/]*\d{{1,2}}(?:st|nd|rd|th)?,?[ \t]*\d{{4}})(?![\d])",
    re.IGNORECASE,
)
_NUMERIC = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.]\d{2,4}$")


# Substrings worth parsing when grounding a date (looser than the finder's grammar: any
# month word, "5th day of May").
GROUNDING = (
    r"\b\d{1,4}[./-]\d{1,2}[./-]\d{1,4}\b"
    r"|\b\d{1,2}(?:st|nd|rd|th)?\s+(?:day\s+of\s+)?[A-Za-z]{3,9}\.?,?\s+\d{2,4}\b"
    r"|\b[A-Za-z]{3,9}\.?\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4}\b"
)


@lru_cache(maxsize=4096)
def _parse_date(text: str, day_first: bool) -> date | None:
    return parse_date(text, day_first=day_first)


def _month_first(ctx: Context) -> bool:
    """Whether this document writes numeric dates month first (some date only reads that way)."""
    for d in _DATE.finditer(ctx.text):
        n = _NUMERIC.match(d.group())
        if n and int(n.group(2)) > 12 >= int(n.group(1)):
            return True
    return False



def find_dates(ctx: Context, spec: FieldSpec) -> list[Proposal]:
    """Every date in the text, with the field's label nearby and a preference for the top."""
    month_first = _month_first(ctx)
    out = []
    for m in _DATE.finditer(ctx.text):
        value = _parse_date(m.group(), not month_first) or _parse_date(m.group(), month_first)
        if value is None:
            continue
        link = link_label(ctx, spec, m.start(), m.end())
        short_year = bool(re.search(r"(?<!\d)\d{2}$", m.group().strip()))
        out.append(
            Proposal(
                value=value.isoformat(),
                spans=[(m.start(), m.end())],
                signals={
                    "match": link.match,
                    "typed": 0.8 if short_year else 1.0,
                    "layout": link.layout,
                    "position": 1.0 - ctx.layout.relative_y(ctx.line_at(m.start())) / 2,
                },
            )
        )
    return out



class DateKind(Kind):
    name = "date"
    json_type = Date
    grounding = GROUNDING
    hint = "a date, as printed"
    parse = staticmethod(parse_date)

    def find(self, ctx, spec):
        return find_dates(ctx, spec)
