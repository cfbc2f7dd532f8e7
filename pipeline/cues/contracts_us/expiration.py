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
    r"(?i)(?:\b(?:expir(?:e|es|ed|ing|ation|y)|terminat(?:e|es|ing|ion)|end(?:s|ing)?|conclud(?:e|es|ing)|"
    r"until|through|thru|up\s+to\s+and\s+including)|(?<=\d)[\s,]+to)\b[\s,:]*"
    # and a time of day: "ending at 11:59 p.m. on March 31, 2030", "expires at midnight on"
    r"(?:(?:on|as\s+of|at|(?:and\s+)?including|the\s+close\s+of\s+business\s+on|date\s*:?|midnight|noon|"
    r"\d{1,2}(?:[:.]\d\d)?\s*(?:[ap]\.?\s?m\.?)?(?:\s*\([^()]{1,30}\))?)[\s,]+){0,3}$"
)
# what ends: the agreement or its term, or what it is ("the engagement", "your employment", "the Lease")
_PERIOD_WORDS = re.compile(
    r"(?i)\b(?:term|period|agreement|contract|expir\w*|terminat\w*|engagement|employment|appointment|"
    r"lease|subscription|memorandum|licen[cs]e|valid(?:ity)?)\b"
)
# a recital tells what was ("WHEREAS, the Agreement by its terms expires on May 31, 2025"); the
# operative clauses what is agreed (an amendment's "shall continue through December 31, 2026")
_RECITAL = re.compile(r"(?i)\b(?P<recital>whereas)\b|\bnow,?\s+therefore\b|\bagree[sd]?(?:\s+as\s+follows)?\s*:")


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
        if not value or not (ends := _ENDS.search(before)):
            continue
        # the sentence of the word that ends it ("ending at 11:59 p.m. on": not from "p.m.")
        at = m.start() - len(before) + ends.start()
        s, _ = sentence_bounds(text, at, at + 1)
        if _PERIOD_WORDS.search(text[max(s, at - 300) : m.start()]):
            said = list(_RECITAL.finditer(text, max(0, at - 400), at))
            recital = bool(said and said[-1].group("recital"))
            found.append((value, m.start(), m.end(), {"match": 0.5 if recital else 0.8, "typed": 1.0}))
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
