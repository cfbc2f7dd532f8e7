"""Currencies: ISO 4217 codes and the symbols that stand for them."""

from __future__ import annotations

import re

from pipeline.extractors.finding import Context, Proposal, link_label
from pipeline.kinds.base import Kind
from pipeline.schemas import FieldSpec
from schemas.types import ISO_4217, Currency, parse_currency

_CURRENCY = re.compile(
    r"(?<![A-Za-z])(?:" + "|".join(sorted(ISO_4217)) + r")(?![A-Za-z])|US\$|S\$|A\$|C\$|[$€£¥₹]|\bRM(?=[ \t]?\d)|\bRs\.?(?=[ \t]?\d)"
)


def find_currency(ctx: Context, spec: FieldSpec) -> list[Proposal]:
    """Currency codes and symbols, the most used one first; stronger next to a labelled amount.
    Where none is printed, the one currency of the document's region (``Cues.currency``)."""
    by_code: dict[str, list[re.Match]] = {}
    for m in _CURRENCY.finditer(ctx.text):
        code = parse_currency(m.group())
        if code:
            by_code.setdefault(code, []).append(m)
    _dollar_named(by_code)
    total = sum(len(v) for v in by_code.values())
    out = []
    for code, hits in by_code.items():
        links = [link_label(ctx, spec, m.start(), m.end()) for m in hits]
        best = max(range(len(hits)), key=lambda i: (links[i].match * links[i].layout, -i))
        symbol_only = all(len(m.group()) == 1 and m.group() == "$" for m in hits)
        out.append(
            Proposal(
                value=code,
                spans=[(hits[best].start(), hits[best].end())],
                signals={
                    "typed": 0.7 if symbol_only else 1.0,
                    "share": len(hits) / total,
                    "match": max(links[best].match, 0.5 if _next_to_amount(ctx, hits[best]) else 0.0),
                },
            )
        )
    if not out and ctx.cues.currency:
        # printed nowhere: the region's currency, derived from the document's regional signs, for a person to confirm
        out.append(Proposal(value=ctx.cues.currency, spans=[], signals={"typed": 0.5, "share": 1.0, "match": 0.0, "derived": 1.0}))
    return out


# the dollars other than the US dollar: a document that names one by its code or mark means it by "$"
_DOLLARS = frozenset("AUD CAD SGD NZD HKD TWD JMD BSD BBD BZD FJD LRD NAD SBD TTD XCD BND KYD GYD SRD ZWL".split())


def _dollar_named(by_code: dict[str, list[re.Match]]) -> None:
    """A bare "$" counted for the dollar the document names ("$750.00 AUD", "A$ 12.00"): where it
    names exactly one dollar other than the US dollar and never "USD" or "US$", "$" is that one."""
    named = [code for code in by_code if code in _DOLLARS]
    bare = [m for m in by_code.get("USD", []) if m.group() == "$"]
    if len(named) == 1 and bare and len(bare) == len(by_code["USD"]):
        by_code[named[0]] = sorted(by_code[named[0]] + by_code.pop("USD"), key=lambda m: m.start())


def _next_to_amount(ctx: Context, m: re.Match) -> bool:
    return bool(re.match(r"[ \t]?\d", ctx.text[m.end() : m.end() + 2])) or bool(
        re.search(r"\d[ \t]?$", ctx.text[max(m.start() - 2, 0) : m.start()])
    )



class CurrencyKind(Kind):
    name = "currency"
    json_type = Currency
    grounding = r"\b[A-Z]{3}\b|[$€£¥]|\bRM\b"
    hint = "an ISO 4217 currency code"
    parse = staticmethod(parse_currency)

    def find(self, ctx, spec):
        return find_currency(ctx, spec)
