"""Percentages (tax rates)."""

from __future__ import annotations

import re
from decimal import Decimal

from pipeline.extractors.finding import Context, Proposal, link_label
from pipeline.kinds.base import Kind
from pipeline.schemas import FieldSpec
from schemas.types import Percent, parse_percent

_PERCENT = re.compile(r"(?<![\w.,])(\d{1,3}(?:[.,]\d{1,3})?)[ \t]?%")
_NUMBER_WORD = (
    r"(?:zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|"
    r"seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred|half|quarter|"
    r"quarters|one-half|one-quarter|three-quarters|tenths?|hundredths?|point|and)"
)
_SPELLED = re.compile(rf"(?i)\b{_NUMBER_WORD}(?:[\s-]+{_NUMBER_WORD})*\s+per\s?cent\s*\(\s*$")


def find_percent(ctx: Context, spec: FieldSpec) -> list[Proposal]:
    out = []
    for m in _PERCENT.finditer(ctx.text):
        value = Decimal(m.group(1).replace(",", "."))
        if value > 100:
            continue
        # a rate spelled out before its figure ("seven and one-half percent (7.5%)") is labelled
        # where its words begin: they are no words between its label and it
        spelled = _SPELLED.search(ctx.text, max(0, m.start() - 60), m.start())
        link = link_label(ctx, spec, spelled.start() if spelled else m.start(), m.end())
        # a rate printed inside its own label ("VAT 19%") has the alias just before it
        out.append(
            Proposal(
                value=format(value.to_integral_value(), "f") if value == value.to_integral() else str(value),
                spans=[(m.start(), m.end())],
                signals={"match": link.match, "typed": 1.0, "layout": link.layout},
            )
        )
    return out



class PercentKind(Kind):
    name = "percent"
    json_type = Percent
    grounding = r"\d+(?:[.,]\d+)?\s?%"
    hint = "a percentage"
    parse = staticmethod(parse_percent)

    def find(self, ctx, spec):
        return find_percent(ctx, spec)
