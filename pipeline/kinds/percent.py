"""Percentages (tax rates)."""

from __future__ import annotations

import re
from decimal import Decimal

from pipeline.extractors.finding import Context, Proposal, link_label
from pipeline.kinds.base import Kind
from pipeline.schemas import FieldSpec
from schemas.types import Percent, parse_percent

_PERCENT = re.compile(r"(?<![\w.,])(\d{1,3}(?:[.,]\d{1,3})?)[ \t]?%")


def find_percent(ctx: Context, spec: FieldSpec) -> list[Proposal]:
    out = []
    for m in _PERCENT.finditer(ctx.text):
        value = Decimal(m.group(1).replace(",", "."))
        if value > 100:
            continue
        link = link_label(ctx, spec, m.start(), m.end())
        # a rate printed inside its own label ("VAT 19%") has the alias just before it
        out.append(
            Proposal(
                value=str(value.normalize()) if value == value.to_integral() else str(value),
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
