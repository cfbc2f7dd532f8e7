"""Periods: the agreement's term ("shall expire two (2) years from the date hereof"), how long each
renewal runs, and the notice that stops the next one.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace

from pipeline.cues.contracts_us.text import per_value, sentence_bounds
from pipeline.extractors.finding import Context, Proposal
from pipeline.schemas import FieldSpec
from schemas.types import COUNT_WORDS, count_in_words, parse_term

_NUMBER = rf"(?:\d+|{COUNT_WORDS})"
_DURATION = re.compile(
    rf"(?i)\b{_NUMBER}\s*(?:\(\s*\d+\s*\)\s*)?[-\s]?(?:calendar\s+)?(?:year|month|week|day)s?\b"
)
# The subject is the agreement (or its obligations) and the verb ends or bounds it.
_TERM_SUBJECT = re.compile(
    r"(?i)\b(?:this\s+(?:letter\s+)?(?:agreement|lease|contract|licen[cs]e)|this\s+nda|this\s+undertaking|"
    r"obligations?\s+(?:of\s+confidentiality\s+)?(?:hereunder|under\s+this\s+(?:letter\s+)?agreement|"
    r"of\s+(?:the\s+)?(?:parties|each\s+party))|"
    r"(?:the\s+)?term\s+of\s+this\s+(?:letter\s+)?(?:agreement|lease|contract|licen[cs]e)|\bterm\s*(?:and\s+termination)?\s*[.:]\s|"
    r"the\s+(?:lease|initial|contract|agreement)\s+term\s+(?:is|shall\s+be|will\s+be)\b|"
    # "the restrictions and covenants set forth herein shall terminate", 'The "Term" means'
    r"(?:restrictions|covenants|obligations)\s+(?:and\s+\w+\s+)?(?:set\s+forth|contained)\s+herein|"
    r"the\s+[\"“]term[\"”]\s+means)|[\"“]term[\"”]\s+means"  # and a definition opening its line
)
_TERM_VERB = re.compile(
    r"(?i)\b(?:expire|expiration|terminate|remain\s+in\s+(?:full\s+)?(?:force|effect)|"
    r"continue|in\s+effect|be\s+in\s+force|(?:be|become|remain)\s+effective|last|term|survive|no\s+further\s+force|"
    r"end|cease|govern)\w*"
)
_FROM_START = re.compile(
    r"(?i)^[\s,]*(?:from|after|following|of|commencing\s+on|beginning\s+on)\s+(?:and\s+after\s+)?"
    r"(?:the\s+)?(?:date\s+(?:hereof|of\s+this|first|on\s+which\s+this|this)|execution|"
    r"effective\s+date(?!\s+of\s+(?:the|an?|such)\s+(?!agreement))|"  # not "the effective date of the Order"
    r"its\s+effective|the\s+date\s+of\s+(?:this|execution))"
)
# Periods of something else: covenants after employment ends, notice and cure periods (also
# possessive: "three months' notice", "one week's prior notice").
_NOT_TERM = re.compile(
    r"(?i)^(?:['’]s?)?[\s,]*(?:thereafter|prior|notice|written\s+notice|before|preceding|immediately\s+preceding|"
    r"(?:after|following|from)\b[^.;,]{0,60}?\b(?:termination|employment|receipt|expiration|request|"
    r"separation|resignation|service|order|closing|consummation))"
)
_TERM_WINDOW = 180  # characters before the duration where its subject and verb must be
_TERM_WINDOW_FROM_START = 300  # wider for periods from the date hereof (subjects with long exceptions)


def find_term(ctx: Context, spec: FieldSpec) -> list[Proposal]:
    """How long the agreement lasts: "This Agreement shall expire two (2) years from the date hereof".

    Only a duration whose clause has the agreement (or its obligations) as
    subject and a verb that bounds it (expire, terminate, remain in effect,
    continue) counts; running "from the date hereof/the Effective Date" is
    strongest. Covenants "for one year thereafter" or "after termination of
    employment", and notice periods, are other periods, not the term.
    """
    text = ctx.text
    found: list[tuple[object, int, int, dict[str, float]]] = []
    for m in _DURATION.finditer(text):
        value = parse_term(m.group())
        after = text[m.end() : m.end() + 100]
        from_start = bool(_FROM_START.match(after))
        # "from the date hereof or (ii) the date of consummation": the term, whatever else follows
        if not value or (_NOT_TERM.match(after) and not from_start):
            continue
        s, _ = sentence_bounds(text, m.start(), m.end())
        window = text[max(s, m.start() - (_TERM_WINDOW_FROM_START if from_start else _TERM_WINDOW)) : m.start()]
        window = re.split(r"\.\s", window)[-1]  # not past a sentence or heading ("6.\nNonsolicitation.\n")
        if not (_TERM_SUBJECT.search(window) and _TERM_VERB.search(window)):
            continue
        if re.search(r"(?i)\bwithin\s+$", window):
            continue  # a deadline: "terminated for Cause within one year after the date of this Agreement"
        if value.endswith("days"):
            continue  # agreements rarely run for days; notice and cure periods do
        strength = 0.85 if from_start else 0.7
        found.append((value, m.start(), m.end(), {"match": strength, "typed": 1.0}))
    return per_value(found)


# a period as contracts print it: "ninety (90) calendar days", "one-year", "30 days", "one further
# year" (a word between the number and its unit), "annually", "from year to year"
_PERIOD = re.compile(
    r"(?i)(?:\b[a-z]+(?:-[a-z]+)?\s*\(\s*(?P<paren>\d+)\s*\)|\b(?P<digits>\d+)|\b(?P<word>"
    + COUNT_WORDS
    + r"))\s*[-\s]?(?:(?:further|additional|successive|consecutive|more)\s+)?(?:calendar\s+|business\s+)?"
    r"(?P<unit>year|month|week|day)s?\b"
    r"|\b(?P<every>annually|(?:from\s+)?year[-\s]+to[-\s]+year|(?:from\s+)?month[-\s]+to[-\s]+month)\b"
)
# the agreement renews: "renewed", "automatic renewal", "shall be extended", "an option to extend"
_RENEWS = re.compile(
    r"(?i)\b(?:renew(?:s|ed|ing|al|als)?|extended|extension|to\s+extend|(?:from\s+)?year[-\s]+to[-\s]+year)\b"
)
# it renews by itself ("automatically", "unless either party gives notice", "from year to year") or
# at one party's choice ("has the right to renew", "at its option"); not by a new agreement of both
_AUTOMATIC = re.compile(
    r"(?i)\bautomatic\w*|\bunless\s+(?:(?:either|one|a|the\s+other)\s+party|(?:[\w,]+\s+){0,6}notice)\b|"
    r"\byear[-\s]+to[-\s]+year\b|\bmonth[-\s]+to[-\s]+month\b"
)
_AT_OPTION = re.compile(
    r"(?i)\b(?:option|right|elect\w*)\s+(?:\w+\s+){0,2}to\s+(?:renew|extend)|\bexercis\w+\s+(?:its|their|the|his|her)\s+(?:right|option)|"
    r"\bat\s+(?:its|their|the)\s+(?:sole\s+)?(?:option|election|discretion)"
)
_BY_BOTH = re.compile(
    r"(?i)\bmutual\w*|\bagree\w*\s+in\s+writing|\b(?:if|as|when)\s+the\s+parties\s+(?:may\s+|so\s+)?agree|"
    r"\b(?:upon|by|subject\s+to)\s+(?:the\s+)?(?:written\s+)?(?:agreement|consent)\s+of\s+(?:both|the)\s+parties"
)
_RENEWED_THING = re.compile(r"(?i)\b(?:agreement|term|contract|licen[cs]e|franchise|lease|period)\b")
# a period of notice, not of the renewal: "at least thirty (30) days prior", "upon 30 days written notice"
_NOTICE_BEFORE = re.compile(
    r"(?i)\b(?:at\s+least|not\s+less\s+than|no\s+(?:less|later|fewer)\s+than|minimum\s+of|within|upon|giving|gives?|"
    r"give[ns]?|provides?|providing|with)\s+(?:an?\s+)?(?:prior\s+)?$"
)
_NOTICE_AFTER = re.compile(
    r"(?i)[\s'’s]*(?:prior|before|in\s+advance|advance|(?:prior\s+)?(?:written\s+)?notice|notification)\b"
)
# a period that runs from an end, not before it: "within sixty (60) days after termination"
_RUNS_AFTER = re.compile(r"(?i)[\s'’]*(?:after|following|from|thereafter|of\s+(?:the|such)\s+(?:termination|expiration))\b")
_RENEWAL_WINDOW = 160  # characters after the renewal word where its length is stated


def _length(m: re.Match[str]) -> str | None:
    """A ``_PERIOD`` as a term: "ninety (90) days" -> "90 days", "annually" -> "1 years"."""
    if m.group("every"):
        return "1 months" if "month" in m.group("every").lower() else "1 years"
    digits = m.group("paren") or m.group("digits")
    n = int(digits) if digits else count_in_words(m.group("word"))
    return f"{n} {m.group('unit').lower()}s" if n else None


def _renewals(ctx: Context) -> list[tuple[str, int, int, dict[str, float], tuple[int, int]]]:
    """Each renewal the agreement states with its length: (term, start, end, signals, sentence)."""
    if "renewals" in ctx.memo:
        return ctx.memo["renewals"]
    text, found = ctx.text, []
    for m in _RENEWS.finditer(text):
        s, e = sentence_bounds(text, m.start(), m.end())
        sentence = text[s:e]
        if _BY_BOTH.search(sentence) or not _RENEWED_THING.search(sentence):
            continue  # "may be extended for one year upon the parties' mutual agreement": a new deal
        automatic = _AUTOMATIC.search(sentence)
        if not (automatic or _AT_OPTION.search(sentence)):
            continue  # "renewals of the foregoing patents", "the opportunity to renew"
        if m.group().lower().endswith("year"):  # "from year to year" is itself the length
            found.append(("1 years", m.start(), m.end(), {"match": 0.85, "typed": 1.0}, (s, e)))
            continue
        for d in _PERIOD.finditer(text, m.end(), min(e, m.end() + _RENEWAL_WINDOW)):
            if _NOTICE_BEFORE.search(text, max(s, d.start() - 40), d.start()) or _NOTICE_AFTER.match(text, d.end(), e):
                continue  # the notice that stops it, not its length
            if value := _length(d):
                strength = 0.9 if automatic else 0.7
                found.append((value, d.start(), d.end(), {"match": strength, "typed": 1.0}, (s, e)))
            break
    ctx.memo["renewals"] = found
    return found


def find_renewal_term(ctx: Context, spec: FieldSpec) -> list[Proposal]:
    """How long each renewal of the agreement runs: "shall automatically renew for successive
    one (1) year periods", "renewing annually thereafter", "you have the right to renew the
    franchise for two (2) successive terms equal to five (5) years each" (one renewal's length,
    five years). Only a renewal that happens by itself or at one party's option counts; an
    extension both parties would have to agree on is a new deal, and none is stated then."""
    return per_value([found[:4] for found in _renewals(ctx)])


# the notice's sentence speaks of the term's end: "non-renewal", "not to renew", "prior to the
# expiration of the Initial Term or then current renewal term"
_TERM_END = re.compile(
    r"(?i)\bnon-?\s?renew\w*|\bnot\s+to\s+renew|\brenew\w*|\bexpir\w*|\bend\s+of\s+(?:the|such|any|each|its)\s+"
    r"(?:(?:initial|then[-\s]current|current|renewal|applicable|relevant)\s+)*(?:term|period)"
)
_NOTICE = re.compile(r"(?i)\bnoti(?:ce|fy|fies|fication)\b")


# the notice stops the term: "notice of non-renewal", "of termination", "election not to renew"
_STOPS = re.compile(r"(?i)\bnon-?\s?renew\w*|\bnot\s+(?:to\s+)?(?:be\s+)?renew\w*|\bterminat\w*|\bcancel\w*|\belect\w*\s+not\b")


def _notice_periods(text: str) -> Iterator[tuple[re.Match[str], int, int]]:
    """Periods of notice ("at least thirty (30) days prior", "three months' notice") with the bounds
    of a sentence that speaks of notice; not a recurring period nor one running from an end."""
    for d in _PERIOD.finditer(text):
        if d.group("every") or _RUNS_AFTER.match(text, d.end()):
            continue
        if not (_NOTICE_BEFORE.search(text, max(0, d.start() - 40), d.start()) or _NOTICE_AFTER.match(text, d.end())):
            continue
        s, e = sentence_bounds(text, d.start(), d.end())
        if _NOTICE.search(text, s, e):
            yield d, s, e


def find_notice_period(ctx: Context, spec: FieldSpec) -> list[Proposal]:
    """The notice a party must give to stop the agreement renewing: "unless either party gives
    notice of non-renewal at least thirty (30) days prior to the end of the then-current term",
    "upon ninety (90) days written notice prior to the expiration of the Term". Read only in an
    agreement that renews (see :func:`find_renewal_term`): in the renewal's sentence, else in a
    sentence about ending the term (strongest where it says the notice terminates or does not
    renew, "notice of your desire to renew" is weak); none otherwise."""
    renewals = _renewals(ctx)
    if not renewals:
        return []
    text = ctx.text
    clauses = {sentence for *_, sentence in renewals}
    found: list[tuple[object, int, int, dict[str, float]]] = []
    for d, s, e in _notice_periods(text):
        if any(cs <= d.start() < ce for cs, ce in clauses):
            strength = 0.9
        elif _TERM_END.search(text, s, e):
            strength = 0.8 if _STOPS.search(text, s, e) else 0.5
        else:
            continue
        if value := _length(d):
            found.append((value, d.start(), d.end(), {"match": strength, "typed": 1.0}))
    return per_value(found)


# ending the agreement (or the employment, engagement) by notice, not its renewal; a cure period after
# a breach or a probation's shorter notice is another period than the notice a party gives to end it
_TERMINATES = re.compile(r"(?i)\bterminat\w*|\bend\s+(?:this|the|its|his|her|your)\b|\bresign\w*")
_NOT_ENDING_NOTICE = re.compile(r"(?i)\brenew\w*|\bexpir\w*|\bbreach\w*|\bcure[ds]?\b|\bdefault|\bprobation\w*|\bfor\s+cause\b")


def find_ending_notice(ctx: Context, spec: FieldSpec) -> list[Proposal]:
    """The notice either party gives to end the agreement or the employment: "terminated by either
    party giving not less than three months' notice in writing", "upon sixty (60) days' prior
    written notice"; a notice not to renew is weaker, a cure period or a probation's notice weakest."""
    text = ctx.text
    found: list[tuple[object, int, int, dict[str, float]]] = []
    for d, s, e in _notice_periods(text):
        if not _TERMINATES.search(text, s, e):
            continue
        if value := _length(d):
            strength = 0.4 if _NOT_ENDING_NOTICE.search(text, s, e) else 0.85
            found.append((value, d.start(), d.end(), {"match": strength, "typed": 1.0}))
    # the notice that stops a renewal, where the agreement renews, is weaker than one that ends it
    renewal = [replace(p, signals={**p.signals, "match": 0.6 * p.signals["match"]}) for p in find_notice_period(ctx, spec)]
    ending = per_value(found)
    said = {p.value for p in ending}
    return ending + [p for p in renewal if p.value not in said]


# a term field about renewal ("renewal_term", "renewal period") or about the notice that stops it
_RENEWAL_ALIAS = re.compile(r"(?i)\b(?:renew\w*|extension)\b")
_NOTICE_ALIAS = re.compile(r"(?i)\bnoti(?:ce|fy|fication)\b")


def find_period(ctx: Context, spec: FieldSpec) -> list[Proposal]:
    """A contract's period: the notice that stops its renewal (for a notice field whose labels or
    description speak of renewal or expiry; one that does not, "notice_period", is the notice that ends the agreement
    first), a renewal's length, else how long the agreement lasts (its term), by what the
    field's labels speak of."""
    if any(_NOTICE_ALIAS.search(a) for a in spec.aliases):
        said = (*spec.aliases, spec.description or "")  # "Notice needed to stop the contract renewing."
        if any(_RENEWAL_ALIAS.search(a) or re.search(r"(?i)\bexpir|\bnon\b", a) for a in said):
            return find_notice_period(ctx, spec)
        return find_ending_notice(ctx, spec)
    if any(_RENEWAL_ALIAS.search(a) for a in spec.aliases):
        return find_renewal_term(ctx, spec)
    return find_term(ctx, spec)
