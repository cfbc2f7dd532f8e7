"""When the agreement ends: "expires on ...", "... through ...", or else its date plus its term (a
derived value, weaker).
"""

from __future__ import annotations

import re

from pipeline.cues.contracts_us.dates import DATE, date_value, find_contract_date
from pipeline.cues.contracts_us.periods import find_term
from pipeline.cues.contracts_us.text import per_value, sentence_bounds
from pipeline.extractors.finding import Context, Proposal
from pipeline.schemas import FieldSpec

# "shall expire on", "terminating on", "shall end as of", "Contract end:", "through", "until", "concluding",
# "up to and including", and "to" after a date (a period "November 1, 2014 to October 31,
# 2017"): a lone "to" is no end ("on or prior to December 1, 2022" is a deadline)
_ENDS = re.compile(
    r"(?i)(?:\b(?:expir(?:e|es|ed|ing|ation)|terminat(?:e|es|ing|ion)|end(?:s|ing)?|conclud(?:e|es|ing)|"
    r"until|through|thru|up\s+to\s+and\s+including)|(?<=\d)[\s,]+to)\b[\s,:]*"
    r"(?:(?:on|as\s+of|at|the\s+close\s+of\s+business\s+on|date\s*:?)[\s,]+){0,3}$"
)
_PERIOD_WORDS = re.compile(r"(?i)\b(?:term|period|agreement|contract|expir\w*|terminat\w*)\b")


def find_expiration(ctx: Context, spec: FieldSpec) -> list[Proposal]:
    """When the agreement ends: a date it says the term ends on ("shall expire on December 31,
    2028", "TERM: November 1, 2014 to October 31, 2017"), else its own date plus its term
    ("for a period of five (5) years from the Effective Date"), a value derived from two
    printed ones (weaker, and evidenced by both)."""
    text = ctx.text
    found: list[tuple[object, int, int, dict[str, float]]] = []
    for m in DATE.finditer(text):
        value = date_value(m)
        before = text[max(0, m.start() - 60) : m.start()]
        if not value or not _ENDS.search(before):
            continue
        s, _ = sentence_bounds(text, m.start(), m.end())
        if _PERIOD_WORDS.search(text[max(s, m.start() - 300) : m.start()]):
            found.append((value, m.start(), m.end(), {"match": 0.8, "typed": 1.0}))
    if found:
        return per_value(found)
    return _start_plus_term(ctx, spec)


def _start_plus_term(ctx: Context, spec: FieldSpec) -> list[Proposal]:
    from datetime import date

    from dateutil.relativedelta import relativedelta

    terms = find_term(ctx, spec)
    starts = find_contract_date(ctx, spec)
    if not terms or not starts:
        return []
    term = max(terms, key=lambda p: p.signals["match"])
    start = max(starts, key=lambda p: p.signals["match"])
    n, unit = term.value.split()
    ends = date.fromisoformat(start.value) + relativedelta(**{unit: int(n)})
    strength = 0.5 * min(term.signals["match"], start.signals["match"])
    return [Proposal(value=ends.isoformat(), spans=start.spans + term.spans, signals={"match": strength, "typed": 1.0, "derived": 1.0})]
