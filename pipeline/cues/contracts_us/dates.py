"""The agreement's own date: when it was made, signed or takes effect, read from its phrasing
("entered into as of January 1, 2020").
"""

from __future__ import annotations

import re
from functools import lru_cache

from pipeline.cues.contracts_us.parties import signature_region
from pipeline.cues.contracts_us.text import OPENING, per_value, position_weight, sentence_bounds, ws
from pipeline.extractors.finding import Context, Proposal
from pipeline.schemas import FieldSpec
from schemas.types import parse_date

_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
    r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
# an ordinal suffix, which PDF text extraction often splits off or apart ("20 th", "20t h": a superscript)
_ORD = r"(?:\s?(?:s\s?t|n\s?d|r\s?d|t\s?h))?"
DATE = re.compile(
    rf"(?i)\b(?:"
    rf"(?P<d1>\d{{1,2}}){_ORD}\s+day\s+of\s+(?P<m1>{_MONTH})\s*,?\s*(?:in\s+the\s+year\s+)?(?P<y1>(?:19|20)\d\d)"
    rf"|(?P<m2>{_MONTH})\s*(?P<d2>\d{{1,2}}){_ORD}\s*,\s*(?P<y2>(?:19|20)\d\d)"
    rf"|(?P<m4>{_MONTH})\s+(?P<d4>\d{{1,2}}){_ORD}\s+(?P<y4>(?:19|20)\d\d)"
    rf"|(?P<d3>\d{{1,2}}){_ORD}\s+(?P<m3>{_MONTH})\s*,?\s*(?P<y3>(?:19|20)\d\d)"
    rf"|(?P<num>\d{{1,2}}[/.-]\d{{1,2}}[/.-](?:19|20)?\d\d|(?:19|20)\d\d-\d\d-\d\d)"
    rf")(?!\d)"
)


def date_value(m: re.Match[str]) -> str | None:
    """ISO date of a ``DATE`` match; numeric dates read month-first, as US filings print them,
    but for those written with dots ("01.04.2025"), which are day first wherever they are written."""
    if m.group("num"):
        first, second = (int(n) for n in re.split(r"[/.-]", m.group("num"))[:2])
        # dotted day first, unless only month first reads it ("DATE: 3.26.01")
        day_first = "." in m.group("num") and not (second > 12 >= first)
        parsed = parse_date(m.group("num"), day_first=day_first)
    else:
        for i in "1234":
            if m.group(f"m{i}"):
                month, day, year = m.group(f"m{i}"), m.group(f"d{i}"), m.group(f"y{i}")
                break
        parsed = parse_date(f"{month.rstrip('.')} {day} {year}", day_first=False)
    return parsed.isoformat() if parsed else None


# What may sit between an anchor and its date: "as of the 5th day of", "this", "on".
_FILLER = r"[\s,]*(?:(?:on|as\s+of|of|this|the|effective|dated|shall\s+be|will\s+be|is)[\s,]+){0,4}"
_CONTRACT_DATE_ANCHORS = (
    "effective as of", "dated as of", "entered into as of", "made as of", "made and entered into as of",
    "entered into on", "entered into this", "made this", "made on", "is dated", "dated", "effective", "effective date",
    "made and entered into this", "made and entered into on", "as of", "is made", "was made",
    "date of agreement", "date of this agreement", "agreement date",
    # by the signatures: "have executed this Agreement this 16th day of May", "AGREED TO THIS 11 DAY OF"
    "executed this agreement", "agreed to this",
)
_DEFINED_DATE = re.compile(r"""(?i)\s*,?\s*\((?:the\s+|this\s+)?["“”']*\s*(?:effective|agreement)\s+date""")
# A document named with its determiner: "this Agreement", "the Registration Rights Agreement",
# "(the “Nomination Agreement”)", "the Company's prior agreement". Quotes may wrap the name. "a/an"
# introduce a document ("This is an Agreement, entered into on") rather than point at one.
_DOC_MENTION = re.compile(
    r"""(?i)\b(?P<det>this|the|that|its|such|said|any|certain|prior|\w+['’]s)\s+["“”']?"""
    r"""(?P<name>(?:(?!(?:this|the|that|an?)\b)[\w"“”'-]+\s+){0,6}?)["“”']?"""
    r"(?P<noun>agreement|plan|letter|amendment|notes?|nda)\b"
)
# What may sit between a document's name and the anchor: "Agreement”), dated", "Agreement
# between the Company and me dated".
_UP_TO_ANCHOR = re.compile(
    r"""["“”')\s,]*(?:(?:entered\s+into\s+)?(?:by\s+and\s+)?between\b(?:[^.;()]|\.(?!\s+[A-Z])){0,80})?\Z"""
)
# Words that point at another document: "that certain ...", "supersedes the ...", "amends ...".
_OTHER_CONTEXT = re.compile(
    r"(?i)\b(?:that\s+certain|pursuant\s+to|defined\s+in|referred\s+to\s+in|under\s+the|"
    r"supersed\w*|amend\w*|prior|previous|existing)\b[^.;]{0,80}\Z"
)
# "NDA dated as of <date> (this “Agreement”)": the date is this agreement's, whatever the title;
# "... dated as of <date> (the “Prior Agreement”)" defines another document.
_OWN_DEFINED = re.compile(r"""(?i)\s*,?\s*\((?:this|the)\s+["“”']*agreement["“”']*\)""")
_OTHER_DEFINED = re.compile(r"""(?i)\s*,?\s*\((?:the\s+)?["“”']+[\w\s-]+\s+(?:agreement|plan)["“”']*\)""")
_THIS_AGREEMENT = re.compile(r"(?i)\b(?:this|the)\s+(?:[\w-]+\s+){0,6}?(?:agreement|nda|letter|lease|contract)\b")


def _other_document(prefix: str, after: str) -> bool:
    """Whether an anchored date (``prefix`` before the anchor, ``after`` the date) is another
    document's than this agreement's.

    The nearest document mentioned decides: "this ... Agreement" (or the bare defined term
    "the Agreement") is ours; another one named right before the anchor ("the Registration
    Rights Agreement dated as of"), defined right after the date, or following words like
    "supersedes" is not. A title without determiner ("MUTUAL NDA dated as of") is ours.
    """
    mentions = list(_DOC_MENTION.finditer(prefix))
    if mentions:
        last = mentions[-1]
        det, name = last["det"].lower(), last["name"].strip(" \"“”'")
        if det == "this" or (det == "the" and not name and last["noun"].lower() == "agreement"):
            return False
        if _UP_TO_ANCHOR.match(prefix, last.end()):
            return True
    return bool(_OTHER_DEFINED.match(after) or _OTHER_CONTEXT.search(prefix))


@lru_cache(maxsize=32)
def _anchor_re(aliases: tuple[str, ...]) -> re.Pattern[str]:
    """The field's aliases and the stock contract phrasings, ending where a date starts."""
    phrases = sorted({a.lower() for a in aliases + _CONTRACT_DATE_ANCHORS}, key=len, reverse=True)
    return re.compile(r"(?i)\b(?:" + "|".join(ws(p) for p in phrases) + "|" + _MADE_AT + r")\s*:?" + _FILLER + r"$")


# where it was made, then when, as English and Indian agreements say it: "executed at Mumbai on
# this 5th day of August, 2025", "made at London on"
_MADE_AT = r"(?:executed|made|signed|entered\s+into)\s+at\s+(?-i:[A-Z][\w.'-]*)(?:[\s,]+(?-i:[A-Z][\w.'-]*)){0,3}[\s,]+on"


# when the agreement takes effect, said as such: "shall commence on", "will begin on", "Contract
# start:", "EFFECTIVE DATE:", "The effective date of this Agreement shall be:", ""Effective Date"
# shall mean"
_STARTS = re.compile(
    r"(?i)(?:\b(?:commenc(?:e|es|ed|ing)|begin(?:s|ning)?|began|start(?:s|ed|ing)?|become\s+effective|take\s+effect)"
    r"(?:\s+(?:on|as\s+of|from))?|\b(?:effective|start|commencement)\s+date[\"”']?\s*(?:of\s+(?:this|the)\s+"
    r"(?:[\w-]+\s+){0,3}?(?:agreement|contract)\s+)?(?:shall\s+(?:be|mean)|is|means|:)|\bcontract\s+start)"
    r"\s*:?\s*(?:the\s+)?$"
)
# ... of this agreement or its term ("The term of this Agreement will begin on"), not of something
# else in it ("the term of Employee's employment, which commenced")
_STARTS_WHAT = re.compile(
    r"(?i)\bthis\s+(?:[\w-]+\s+){0,4}?(?:agreement|contract)\b|\b(?:the|its|initial)\s+(?:lease\s+|initial\s+)?term\b(?!\s+of\s+(?!this\b))|"
    r"\b(?:effective|commencement)\s+date\b|\bcontract\s+start\b"
)
# a date field for when the agreement takes effect, not when it was made or signed
_START_ALIAS = re.compile(r"(?i)\b(?:effective|commencement|commences|start|starts|starting|begins|beginning)\b")
_MADE_ALIAS = re.compile(r"(?i)\b(?:agreement|contract|signed|signing|execution|executed|entered|made|dated)\b")


_OWN_START = re.compile(r"(?i)\bthis\s+(?:[\w-]+\s+){0,4}?(?:agreement|contract)\b|\beffective\b")


def _start_field(spec: FieldSpec) -> bool:
    return any(_START_ALIAS.search(a) for a in spec.aliases) and not any(_MADE_ALIAS.search(a) for a in spec.aliases)


def find_contract_date(ctx: Context, spec: FieldSpec) -> list[Proposal]:
    """The agreement's own date: "entered into as of <date>", "<date> (the "Effective Date")".

    Strength by where and how the date is stated: anchored in the opening
    sentence that names this agreement (strongest), defined as the Effective
    Date, a dateline alone on a line at the top (letters), a "Date:" line by a
    signature (weakest); failing all these, a date among the signature blocks.
    Dates of other agreements ("the Merger Agreement dated ...") are skipped.
    """
    text = ctx.text
    anchor = _anchor_re(tuple(spec.aliases))
    starts = _start_field(spec)
    effective_only = any("effective" in a for a in spec.aliases) and not any(re.search(r"(?i)commenc|start|begin", a) for a in spec.aliases)
    signing = signature_region(text) or (0, 0)
    found: list[tuple[object, int, int, dict[str, float]]] = []
    signed: list[tuple[object, int, int, dict[str, float]]] = []  # dates among the signatures
    for m in DATE.finditer(text):
        value = date_value(m)
        if not value:
            continue
        before = text[max(0, m.start() - 200) : m.start()]
        line_start = text.rfind("\n", 0, m.start()) + 1
        line_end = text.find("\n", m.end())
        line = text[line_start : line_end if line_end >= 0 else len(text)]
        a = anchor.search(before)
        if a and signing[0] <= m.start() < signing[1] and re.match(rf"(?i){_MADE_AT}", a.group()):
            a = None  # "SIGNED at Pretoria on this 31st day of March": when it was signed, by the signatures
        strength = 0.0
        window = (max(sentence_bounds(text, m.start(), m.end())[0], m.start() - 150), m.start())
        if starts and _STARTS.search(before) and _STARTS_WHAT.search(text, *window):
            # for an effective date, when the agreement itself or its effective date starts; a term's
            # or an appointment's commencement ranks under the agreement's own date in its opening
            own = not effective_only or bool(_OWN_START.search(text, *window))
            found.append((value, m.start(), m.end(), {"match": 0.95 if own else 0.85, "typed": 1.0, "position": 1.0}))
            continue  # "This Agreement shall commence on 1 January 1998": when it takes effect, wherever said
        if _DEFINED_DATE.match(text, m.end(), m.end() + 60):
            strength = 0.95
        elif a:
            after = text[m.end() : m.end() + 60]
            own = bool(_OWN_DEFINED.match(after))
            if not own and _other_document(before[: a.start()], after):
                continue  # "the Purchase Agreement, dated as of ...": another agreement's date
            opening = m.start() < OPENING
            about_this = own or bool(_THIS_AGREEMENT.search(text, max(0, m.start() - 250), m.start()))
            strength = 0.9 if opening and about_this else 0.75 if opening else 0.55 if about_this else 0.3
        elif re.fullmatch(r"[\s,]*", line.replace(m.group(), "", 1)) and m.start() < OPENING:
            strength = 0.6  # a dateline: the date alone on its line near the top
        elif re.search(r"(?i)\bdate\s*:\s*$", before) and m.start() < min(OPENING, len(text) / 2):
            strength = 0.6  # a "DATE:" heading at the top
        elif re.search(r"(?i)\bdate[d]?\s*:?\s*$", before) and m.start() > len(text) / 2:
            # "Date: ..." by a signature; the last one is when the agreement was concluded
            strength = 0.35 + 0.05 * m.start() / len(text)
        elif signing[0] <= m.start() < signing[1]:
            signed.append((value, m.start(), m.end(), {"match": 0.3, "typed": 1.0, "position": position_weight(ctx, m.start())}))
        if strength:
            found.append(
                (value, m.start(), m.end(), {"match": strength, "typed": 1.0, "position": position_weight(ctx, m.start())})
            )
    # when the agreement states no date of its own, it is dated when it was signed ("signed on this
    # 31st day of March 2001" by the signatures); such dates never dilute the share of one it states
    return per_value(found or signed)


def find_defined_date(ctx: Context, spec: FieldSpec) -> list[Proposal]:
    """Dates the contract defines as the field's own label: "due and payable in full on November 1,
    2032 (the "Maturity Date")", "shall begin on September 2, 2025 (the "Start Date")", also with
    words before it ("(the "Term Commencement Date")")."""
    # the agreement's own date defined so ("(the "Effective Date")") is weighed with its other
    # statements of it (find_contract_date): a long agreement defines it late, its dateline is on top
    labels = [a for a in spec.aliases if len(a.split()) > 1 and "date" in a.split() and not _DEFINED_DATE.match(f'("{a}")')]
    if not labels:
        return []
    defined = re.compile(
        r"""(?i)\s*,?\s*\((?:the\s+|this\s+|such\s+)?["“”']+\s*(?:[\w-]+\s+){0,2}(?:""" + "|".join(ws(a) for a in labels) + r""")\s*["“”']+\s*\)"""
    )
    found = []
    for m in DATE.finditer(ctx.text):
        if (value := date_value(m)) and defined.match(ctx.text, m.end()):
            found.append((value, m.start(), m.end(), {"match": 0.95, "typed": 1.0, "position": position_weight(ctx, m.start())}))
    return per_value(found)
