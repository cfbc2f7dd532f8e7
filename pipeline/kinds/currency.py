"""Currencies: ISO 4217 codes and the symbols that stand for them."""

from __future__ import annotations

import re

from pipeline.extractors.finding import Context, Proposal, link_label
from pipeline.kinds.base import Kind
from pipeline.schemas import FieldSpec
from schemas.types import ISO_4217, SHARED_SIGNS, Currency, parse_currency

_CURRENCY = re.compile(
    r"(?<![A-Za-z])(?:" + "|".join(sorted(ISO_4217)) + r")(?![A-Za-z])|(?:US|MX|NZ|HK|[SACR])\$|[$€£¥₹]|\bRM(?=[ \t]?\d)|\bRs\.?(?=[ \t]?\d)"
    # złoty and krona after or before an amount; a lone "R" only before an amount with cents (rand)
    r"|(?<=\d[ \t])(?:zł|kr)(?!\w)|\bkr\.?(?=[ \t]?\d)|\bR(?=[ \t]?\d{1,3}(?:[ \u00a0]?\d{3})*[.,]\d{2}(?!\d))"
)


def find_currency(ctx: Context, spec: FieldSpec) -> list[Proposal]:
    """Currency codes and symbols, the most used one first; stronger next to a labelled amount.
    Where none is printed, the one currency of the document's region (``Cues.currency``)."""
    by_code: dict[str, list[re.Match]] = {}
    for m in _CURRENCY.finditer(ctx.text):
        code = parse_currency(m.group().rstrip("."))
        if code:
            by_code.setdefault(code, []).append(m)
    _shared_signs(by_code)
    total = sum(len(v) for v in by_code.values())
    out = []
    for code, hits in by_code.items():
        links = [link_label(ctx, spec, m.start(), m.end()) for m in hits]
        best = max(range(len(hits)), key=lambda i: (links[i].match * links[i].layout, -i))
        symbol_only = all(m.group() in SHARED_SIGNS for m in hits)
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


def _shared_signs(by_code: dict[str, list[re.Match]]) -> None:
    """A bare "$", "¥" or "kr" means the one currency of its sign the document names by code
    ("Moneda: MXN" beside "$9,860.00"), not the sign's default: their hits join that code's."""
    for sign, codes in SHARED_SIGNS.items():
        default = parse_currency(sign)
        named = {c for c, hits in by_code.items() if c in codes and c != default and any(m.group().upper() == c for m in hits)}
        # where the document names the sign's own currency by code too, its bare sign stays that one
        if len(named) != 1 or default not in by_code or any(m.group().upper() == default for m in by_code[default]):
            continue
        bare = [m for m in by_code[default] if m.group().rstrip(".") == sign]
        if not bare:
            continue
        code = named.pop()
        by_code[code] = sorted(by_code[code] + bare, key=lambda m: m.start())
        by_code[default] = [m for m in by_code[default] if m not in bare]
        if not by_code[default]:
            del by_code[default]


def _next_to_amount(ctx: Context, m: re.Match) -> bool:
    return bool(re.match(r"[ \t]?\d", ctx.text[m.end() : m.end() + 2])) or bool(
        re.search(r"\d[ \t]?$", ctx.text[max(m.start() - 2, 0) : m.start()])
    )



class CurrencyKind(Kind):
    name = "currency"
    json_type = Currency
    grounding = r"\b[A-Z]{3}\b|(?:US|MX|NZ|HK|[SACR])\$|[$€£¥]|\bRM\b|zł|\bkr\b|\bR(?=[ \t]?\d)"
    hint = "an ISO 4217 currency code"
    parse = staticmethod(parse_currency)

    def find(self, ctx, spec):
        return find_currency(ctx, spec)
