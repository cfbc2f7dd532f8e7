"""US contracts (NDAs, filings): governing law, term, parties and the agreement's date.

Contracts state these in a handful of stock phrasings, so each finder reads the
phrase, not a label: "governed by ... the laws of the State of New York",
"shall expire two (2) years from the date hereof", "by and between Acme, Inc.,
a Delaware corporation (the "Company"), and ...", "entered into as of
January 1, 2020". A cue pack: a document type that selects ``contracts_us``
gets these finders for its ``jurisdiction``, ``term``, list-of-``organization``
fields, and its ``date`` fields whose aliases speak of the agreement's date.

Signals (all 0..1) say how strong the evidence is, not how much we hope:
``match`` is the strength of the phrase that anchored the value, ``typed``
whether the value parsed/validated as its kind, ``position`` how near the
start of the document it sits (contracts state parties and dates up front),
``share`` the part of all mentions that agree with the value, ``support`` (for
parties) how many preamble mentions back the name. The rules extractor adds
``unique``; the scorer calibrates them all.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field as dc_field, replace
from functools import lru_cache

import pycountry
from rapidfuzz import fuzz

from pipeline.extractors.finding import Context, Proposal
from pipeline.infer import spelled, words
from pipeline.schemas import FieldSpec
from schemas.types import COUNT_WORDS, count_in_words, parse_date, parse_term

# chosen for plain schemas about these (pipeline.cues.packs_about): the phrasings are
# those of contracts in English, not of one region's documents
TOPICS = frozenset("agreement agreements contract contracts nda lease license licence loan loans tenancy mortgage promissory".split())

# different marks of a contract (two are needed, see pipeline.cues.MIN_SIGNS): a type that
# names no pack gets these phrasings for a document that reads as an agreement
SIGNS = (
    r"(?i)\bthis\s+(?:[\w-]+\s+){0,3}agreement\b",
    r"(?i)\bin\s+witness\s+whereof\b",
    r"(?i)\bgoverned\s+by\b|\bgoverning\s+law\b",
    r"(?i)\b(?:hereinafter|hereto|hereunder|whereas)\b",
    r"(?i)\bentered\s+into\b|\bby\s+and\s+between\b",
)

OPENING = 2500  # characters from the start where contracts name their parties and date


def _position(ctx: Context, offset: int) -> float:
    """1.0 in the opening, falling to 0 over the first quarter of a long document."""
    n = len(ctx.text)
    return 1.0 if offset < OPENING or n <= OPENING else max(0.0, 1.0 - offset / (0.25 * n))


def _ws(pattern: str) -> str:
    """A literal phrase as a regex that tolerates any run of whitespace (line breaks, OCR gaps)."""
    return r"\s+".join(re.escape(w) for w in pattern.split())


def _per_value(found: list[tuple[object, int, int, dict[str, float]]]) -> list[Proposal]:
    """One proposal per distinct value (its strongest mention), with ``share``: the part of
    all mentions' weight that agrees with it."""
    best: dict[object, tuple[object, int, int, dict[str, float]]] = {}
    weight: dict[object, float] = {}
    for item in found:
        value, _, _, signals = item
        weight[value] = weight.get(value, 0.0) + signals["match"]
        if value not in best or signals["match"] > best[value][3]["match"]:
            best[value] = item
    total = sum(weight.values()) or 1.0
    return [
        Proposal(value=value, spans=[(start, end)], signals={**signals, "share": weight[value] / total})
        for value, (_, start, end, signals) in best.items()
    ]


# --------------------------------------------------------------------------------------------
# Jurisdiction
# --------------------------------------------------------------------------------------------

# Subdivisions that contracts choose as governing law, besides every country.
_SUBDIVISION_COUNTRIES = ("US", "CA", "AU", "GB")
_SUBDIVISION_TYPES = {"State", "District", "Province", "Territory", "Country", "Nation"}
_EXTRA_PLACES = ("England and Wales", "Hong Kong", "Puerto Rico")
# a legal system named by its adjective or initials: "construed in accordance with English law",
# "governed by PRC Laws"
_LAW_ADJECTIVES = {
    "English": "England and Wales", "Scottish": "Scotland", "Irish": "Ireland", "PRC": "China", "Chinese": "China",
    "French": "France", "German": "Germany", "Swiss": "Switzerland", "Dutch": "Netherlands", "Belgian": "Belgium",
    "Austrian": "Austria", "Italian": "Italy", "Spanish": "Spain", "Swedish": "Sweden", "Norwegian": "Norway",
    "Danish": "Denmark", "Finnish": "Finland", "Israeli": "Israel", "Japanese": "Japan", "Korean": "South Korea",
    "Indian": "India", "Singaporean": "Singapore", "Canadian": "Canada", "Australian": "Australia",
    "Brazilian": "Brazil", "Mexican": "Mexico",
}


@lru_cache(maxsize=1)
def _places() -> dict[str, str]:
    """Printed name (lower-case) -> canonical name, for countries and governing-law subdivisions."""
    names: dict[str, str] = {}
    for country in pycountry.countries:
        official = getattr(country, "official_name", None)
        # ISO's sorting order ("Virgin Islands, British") is how no contract prints a place
        canonical = getattr(country, "common_name", None) or country.name
        if "," in canonical and official and "," not in official:
            canonical = official
        before, _, after = country.name.partition(", ")
        for printed in (country.name, canonical, official, after and f"{after} {before}"):
            if printed:
                names[printed.lower()] = canonical
    for code in _SUBDIVISION_COUNTRIES:
        for sub in pycountry.subdivisions.get(country_code=code):
            if sub.type in _SUBDIVISION_TYPES:
                names[sub.name.lower()] = sub.name
    for place in _EXTRA_PLACES:
        names[place.lower()] = place
    for adjective, place in _LAW_ADJECTIVES.items():
        names[adjective.lower()] = place
    names["united states of america"] = names["usa"] = names["u.s.a."] = "United States"
    return names


@lru_cache(maxsize=1)
def _place_re() -> re.Pattern[str]:
    alternatives = sorted(_places(), key=len, reverse=True)  # longest first: "West Virginia"
    return re.compile(r"(?i)\b(?:" + "|".join(_ws(a) for a in alternatives) + r")(?![\w])")


@lru_cache(maxsize=1)
def _place_before_re() -> re.Pattern[str]:
    """A place name ending exactly where the search window ends."""
    return re.compile(_place_re().pattern + r"\Z")


def _place(text: str) -> str | None:
    return _places().get(re.sub(r"\s+", " ", text).strip().lower())


_GOVERNS = re.compile(r"(?i)\b(?:govern(?:ed|s|ing)?|constru(?:ed|e)|interpret(?:ed)?|enforced)\b")
_UNDER = re.compile(r"(?i)\b(?:subject\s+to|in\s+accordance\s+with|pursuant\s+to|under)\b")
_LAW_HEADING = re.compile(r"(?i)governing\s+law|applicable\s+law|choice\s+of\s+law")
_PLACE_LAW = re.compile(r"(?i)(?<=\w)\s+laws?\b")  # "Kansas law", "New York law"
_THEN_STATE = re.compile(r"(?i)[\s,]+(?:and\s+)?(?:the\s+)?(?:State|Commonwealth|Province)\s+of\s+")
_REGION_OF = r"(?:State|Commonwealth|Province|Republic)\s+of\s+(?:the\s+)?"
# "the laws of the State of X", "the applicable regulations of X", a dropped "of": "the laws State of X",
# and a note between: "the laws (other than the conflict of laws rules) of X"
_LAWS_OF = re.compile(
    rf"(?i)\b(?:laws?|regulations)\s+(?:\([^()]{{0,80}}\)\s+)?(?:and\s+\w+\s+)?"
    rf"(?:(?:of|in)\s+(?:the\s+)?(?:{_REGION_OF})?|{_REGION_OF})"
)
# "accepted in the State of Nevada and governed by the laws thereof": the law of the place named before
_LAWS_THEREOF = re.compile(r"(?i)\blaws?\s+thereof\b")
_INCORPORATION = re.compile(
    r"(?i)\b(?:organi[sz]ed|incorporated|existing|formed|registered|chartered)\s+(?:and\s+\w+\s+)?"
    r"(?:under|in|pursuant\s+to)\s+(?:the\s+)?$"
)
_VENUE = re.compile(
    r"(?i)\b(?:courts?\s+(?:of|in|located\s+in|sitting\s+in)|jurisdiction\s+of|venue\s+(?:in|of))\s+"
    r"(?:the\s+)?(?:(?:State|Commonwealth|County)\s+of\s+)?"
)


def _sentence(text: str, start: int, end: int) -> tuple[int, int]:
    """Bounds of the sentence around ``[start, end)`` (capped at 400 characters each way)."""
    left = max(text.rfind(". ", max(0, start - 400), start), text.rfind("\n\n", max(0, start - 400), start))
    m = re.compile(r"\.(?:\s|$)").search(text, end, min(len(text), end + 400))
    return (left + 1 if left >= 0 else max(0, start - 400)), (m.end() if m else min(len(text), end + 400))


def find_jurisdiction(ctx: Context, spec: FieldSpec) -> list[Proposal]:
    """The governing law's state or country: "governed by the laws of the State of X".

    A place after "laws of" in a sentence that governs/construes the agreement
    is strong evidence; "organized under the laws of X" (incorporation) is not
    governing law and is skipped; the courts' seat ("courts of the State of X")
    is weak evidence used only when no governing-law phrase names a place.
    """
    text = ctx.text
    places = _place_re()
    spots: list[tuple[int, re.Match[str]]] = []  # (where the law is named, the place)
    for m in _LAWS_OF.finditer(text):
        p = places.match(text, m.end())
        if p and not _INCORPORATION.search(text, max(0, m.start() - 60), m.start()):
            if _place(p.group()) == "United States":  # "the United States of America, State of California"
                p = (t := _THEN_STATE.match(text, p.end())) and places.match(text, t.end()) or p
            spots.append((m.start(), p))
    for m in _PLACE_LAW.finditer(text):
        if p := _place_before_re().search(text, max(0, m.start() - 40), m.start()):
            spots.append((p.start(), p))
    for m in _LAWS_THEREOF.finditer(text):
        s, _ = _sentence(text, m.start(), m.end())
        if before := list(places.finditer(text, s, m.start())):
            spots.append((m.start(), before[-1]))
    found: list[tuple[object, int, int, dict[str, float]]] = []
    for at, p in spots:
        s, e = _sentence(text, at, p.end())
        window = text[max(s, at - 150) : at]
        strength = 0.95 if re.search(r"(?i)\bgovern", window) else 0.85 if _GOVERNS.search(window) else (
            0.6 if _UNDER.search(window) else 0.45
        )
        if _LAW_HEADING.search(text, max(0, s - 60), at) or re.match(r"(?i)[^.;]{0,40}\bgovern", text[p.end() : e]):
            strength = max(strength, 0.9)  # a heading, or the law first: "The laws of X govern this Agreement"
        if text[at : p.start()] == "" and strength < 0.85:
            continue  # "X law" only counts where the agreement is governed by it
        if text[at : at + 10].lower() == "regulation" and not _GOVERNS.search(window):
            continue  # nor "regulations of X" ("comply with the export regulations of X" is no choice of law)
        found.append((_place(p.group()), p.start(), p.end(), {"match": strength, "typed": 1.0}))
    if any(v != "United States" for v, *_ in found):  # federal law beside a state's is not the choice
        found = [f for f in found if f[0] != "United States"]
    if not found:
        for m in _VENUE.finditer(text):
            p = places.match(text, m.end())
            if p and (value := _place(p.group())) and value != "United States":
                found.append((value, p.start(), p.end(), {"match": 0.5, "typed": 1.0}))
    return _per_value(found)


# --------------------------------------------------------------------------------------------
# Dates
# --------------------------------------------------------------------------------------------

_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
    r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
# an ordinal suffix, which PDF text extraction often splits off or apart ("20 th", "20t h": a superscript)
_ORD = r"(?:\s?(?:s\s?t|n\s?d|r\s?d|t\s?h))?"
_DATE = re.compile(
    rf"(?i)\b(?:"
    rf"(?P<d1>\d{{1,2}}){_ORD}\s+day\s+of\s+(?P<m1>{_MONTH})\s*,?\s*(?:in\s+the\s+year\s+)?(?P<y1>(?:19|20)\d\d)"
    rf"|(?P<m2>{_MONTH})\s*(?P<d2>\d{{1,2}}){_ORD}\s*,\s*(?P<y2>(?:19|20)\d\d)"
    rf"|(?P<m4>{_MONTH})\s+(?P<d4>\d{{1,2}}){_ORD}\s+(?P<y4>(?:19|20)\d\d)"
    rf"|(?P<d3>\d{{1,2}}){_ORD}\s+(?P<m3>{_MONTH})\s*,?\s*(?P<y3>(?:19|20)\d\d)"
    rf"|(?P<num>\d{{1,2}}[/.-]\d{{1,2}}[/.-](?:19|20)?\d\d|(?:19|20)\d\d-\d\d-\d\d)"
    rf")(?!\d)"
)


def _date_value(m: re.Match[str]) -> str | None:
    """ISO date of a ``_DATE`` match; numeric dates read month-first, as US filings print them,
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
    return re.compile(r"(?i)\b(?:" + "|".join(_ws(p) for p in phrases) + "|" + _MADE_AT + r")\s*:?" + _FILLER + r"$")


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
    signing = _signature_region(text) or (0, 0)
    found: list[tuple[object, int, int, dict[str, float]]] = []
    signed: list[tuple[object, int, int, dict[str, float]]] = []  # dates among the signatures
    for m in _DATE.finditer(text):
        value = _date_value(m)
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
        window = (max(_sentence(text, m.start(), m.end())[0], m.start() - 150), m.start())
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
            signed.append((value, m.start(), m.end(), {"match": 0.3, "typed": 1.0, "position": _position(ctx, m.start())}))
        if strength:
            found.append(
                (value, m.start(), m.end(), {"match": strength, "typed": 1.0, "position": _position(ctx, m.start())})
            )
    # when the agreement states no date of its own, it is dated when it was signed ("signed on this
    # 31st day of March 2001" by the signatures); such dates never dilute the share of one it states
    return _per_value(found or signed)


# --------------------------------------------------------------------------------------------
# Term
# --------------------------------------------------------------------------------------------

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
        s, _ = _sentence(text, m.start(), m.end())
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
    return _per_value(found)


# --------------------------------------------------------------------------------------------
# Renewal: how long each renewal runs, and the notice that stops the next one
# --------------------------------------------------------------------------------------------

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
        s, e = _sentence(text, m.start(), m.end())
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
    return _per_value([found[:4] for found in _renewals(ctx)])


# the notice's sentence speaks of the term's end: "non-renewal", "not to renew", "prior to the
# expiration of the Initial Term or then current renewal term"
_TERM_END = re.compile(
    r"(?i)\bnon-?\s?renew\w*|\bnot\s+to\s+renew|\brenew\w*|\bexpir\w*|\bend\s+of\s+(?:the|such|any|each|its)\s+"
    r"(?:(?:initial|then[-\s]current|current|renewal|applicable|relevant)\s+)*(?:term|period)"
)
_NOTICE = re.compile(r"(?i)\bnoti(?:ce|fy|fies|fication)\b")


# the notice stops the term: "notice of non-renewal", "of termination", "election not to renew"
_STOPS = re.compile(r"(?i)\bnon-?\s?renew\w*|\bnot\s+(?:to\s+)?(?:be\s+)?renew\w*|\bterminat\w*|\bcancel\w*|\belect\w*\s+not\b")


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
    for d in _PERIOD.finditer(text):
        if d.group("every") or _RUNS_AFTER.match(text, d.end()):
            continue
        if not (_NOTICE_BEFORE.search(text, max(0, d.start() - 40), d.start()) or _NOTICE_AFTER.match(text, d.end())):
            continue
        s, e = _sentence(text, d.start(), d.end())
        if not _NOTICE.search(text, s, e):
            continue
        if any(cs <= d.start() < ce for cs, ce in clauses):
            strength = 0.9
        elif _TERM_END.search(text, s, e):
            strength = 0.8 if _STOPS.search(text, s, e) else 0.5
        else:
            continue
        if value := _length(d):
            found.append((value, d.start(), d.end(), {"match": strength, "typed": 1.0}))
    return _per_value(found)


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
    for d in _PERIOD.finditer(text):
        if d.group("every") or _RUNS_AFTER.match(text, d.end()):
            continue
        if not (_NOTICE_BEFORE.search(text, max(0, d.start() - 40), d.start()) or _NOTICE_AFTER.match(text, d.end())):
            continue
        s, e = _sentence(text, d.start(), d.end())
        if not (_NOTICE.search(text, s, e) and _TERMINATES.search(text, s, e)):
            continue
        if value := _length(d):
            strength = 0.4 if _NOT_ENDING_NOTICE.search(text, s, e) else 0.85
            found.append((value, d.start(), d.end(), {"match": strength, "typed": 1.0}))
    # the notice that stops a renewal, where the agreement renews, is weaker than one that ends it
    renewal = [replace(p, signals={**p.signals, "match": 0.6 * p.signals["match"]}) for p in find_notice_period(ctx, spec)]
    ending = _per_value(found)
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


# --------------------------------------------------------------------------------------------
# Title
# --------------------------------------------------------------------------------------------

# a title in capitals ("ADDENDUM TO ZEBRA® PARTNERCONNECT DISTRIBUTOR AGREEMENT", "AMENDMENT NO. 1") or
# in title case ("Split-Dollar Endorsement Agreement"), at most a dozen words, ending in what it is
_UPPER_TITLE = re.compile(
    r"(?:(?:[A-Z0-9][A-Z0-9&®'’.,/()-]*|[-–&])\s+){0,11}"
    r"(?:AGREEMENT|CONTRACT|LICEN[CS]E|LEASE|ADDENDUM|AMENDMENT(?:\s+NO\.?\s*\d+)?|DEED|UNDERTAKING|"
    r"MEMORANDUM\s+OF\s+UNDERSTANDING)\b"
)
_CASED_TITLE = re.compile(
    r"(?:(?:[A-Z][\w&®'’.,/-]*|and|of|for|on|to|the|[-–&])\s+){0,11}"
    r"(?:Agreement|Contract|Licen[cs]e|Lease|Addendum|Amendment|Deed|Undertaking)\b"
)
# words a title never holds: a cover's ("EXHIBIT 10.1", "EXECUTION COPY", "REDACTED."), after which a
# heading starts, and a sentence's ("pursuant to the Supply Agreement"), after which another
# agreement is named; "THIS" opens the preamble's naming of this one
_COVER_WORD = re.compile(
    r"(?i)(?:exhibit|execution|copy|version|confidential|treatment|requested|source|page|form|attachment|"
    r"schedule|annex|appendix|this)|(?!no\.)[^\s]+[.:;]"
)
_SENTENCE_WORD = re.compile(
    r"(?i)that|these|is|are|was|has|have|been|be|will|shall|may|hereby|herein|which|by|with|between|among|"
    r"dated?|made|entered|certain|pursuant|under|in|as|at|from"
)
_JOINER = re.compile(r"(?i)and|of|for|on|to|the|[-–&,]|[\d.()\[\]]+|[ivxlc]+\.")
_TITLE_HEAD = 2500  # characters from the start where a contract prints its title


def _title_start(text: str, start: int, end: int) -> int:
    """Where the title in ``text[start:end]`` begins: after the last word no title holds
    ("EXHIBIT", "THIS", "REDACTED."), and past a number or joiner left at its edge ("10.1")."""
    words = list(re.finditer(r"\S+", text[start:end]))
    cut = max((i + 1 for i, w in enumerate(words[:-1]) if _not_title(w.group())), default=0)
    while cut < len(words) and _JOINER.fullmatch(words[cut].group()):
        cut += 1
    return start + words[cut].start() if cut < len(words) else end


def _not_title(word: str) -> bool:
    word = word.strip(",()")
    return bool(_COVER_WORD.fullmatch(word) or _SENTENCE_WORD.fullmatch(word))


def _running(text: str, start: int, end: int) -> bool:
    """Whether the line ``text[start:end]`` is a running header or footer: printed on three
    pages or more, page numbers aside ("TELKOM CONTRACT No. 076C/01", "Page 2 of 7")."""
    line = re.sub(r"\\d+", r"\\d+", re.escape(text[start:end]))
    return len(re.findall(line, text)) >= 3


def _head_segments(text: str) -> Iterator[tuple[int, int]]:
    """The opening's lines cut at wide gaps (columns: "BW-3 SYSTEMS, INC.      FRANCHISE
    AGREEMENT"), a piece that ends in a comma or a joiner ("ADDENDUM TO") joined to the next."""
    head = text[:_TITLE_HEAD]
    pieces = [(m.start(), m.end()) for m in re.finditer(r"\S+(?:[ \t]{1,2}\S+)*", head)]
    i = 0
    while i < len(pieces):
        s, e = pieces[i]
        while i + 1 < len(pieces) and re.search(r"(?:,|\b(?:TO|OF|AND|FOR|&))$", head[s:e]):
            i += 1
            e = pieces[i][1]
        yield s, e
        i += 1


def find_title(ctx: Context, spec: FieldSpec) -> list[Proposal] | None:
    """The agreement's title, for a field that asks for it ("title", "document_name",
    "agreement_name"): the heading at the top naming the agreement ("DISTRIBUTOR AGREEMENT",
    "Exhibit 10.4 Split-Dollar Endorsement Agreement"), strongest alone on its line, else
    opening a line ("CONSULTING AGREEMENT This Consulting Agreement ..."), else named in the
    preamble ("THIS ENDORSEMENT AGREEMENT (the "Agreement")"). A bare "Agreement" is no
    title, nor a name inside a sentence (another agreement's); a contract that prints none has
    none. A field for the employee (a person's name, text elsewhere, as on a payslip) is the party
    the agreement employs (:func:`find_party`). Other text fields are left to the next finder."""
    if set(spelled(spec.name)) & _PERSON_SIDE:
        return find_party(ctx, spec)
    if not _asks_title(spec):
        return None
    text = ctx.text
    found: list[tuple[object, int, int, dict[str, float]]] = []
    for s, e in _head_segments(text):
        for pattern, typed in ((_UPPER_TITLE, 1.0), (_CASED_TITLE, 0.8)):
            for m in pattern.finditer(text, s, e):
                start = _title_start(text, m.start(), m.end())
                value = " ".join(text[start : m.end()].split())
                if len(value.split()) < 2:
                    continue
                lead = [w for w in text[s:start].split() if not re.fullmatch(r"[\d.()\[\]]+|[-–]", w)]  # "Exhibit 10.1"
                if lead and not _COVER_WORD.fullmatch(lead[-1].strip(",()")):
                    continue  # inside a sentence: another agreement's name ("pursuant to the Supply Agreement")
                # a heading alone on its line, one that opens its line (past a cover's words), one
                # named in the preamble ("THIS ENDORSEMENT AGREEMENT (the "Agreement")"); a running
                # header is the title only where nothing else is
                strength = 0.6 if lead and lead[-1].lower() == "this" else 0.9 if not text[m.end() : e].strip() else 0.75
                if _running(text, s, e):
                    strength = 0.5
                position = 1.0 - s / (2 * _TITLE_HEAD)
                found.append((value, start, m.end(), {"match": strength, "typed": typed, "position": position}))
    # one title in other cases or spacing is one value, printed as its strongest mention
    printed: dict[str, object] = {}
    for value, *_, signals in sorted(found, key=lambda f: -f[3]["match"]):
        printed.setdefault(_folded(value), value)
    return _per_value([(printed[_folded(v)], st, en, sig) for v, st, en, sig in found])


def _folded(title: object) -> str:
    """A title compared case-folded without punctuation ("Co-Branding Agreement", "CO-BRANDING AGREEMENT")."""
    return re.sub(r"\W+", " ", str(title).casefold()).strip()


# a field that asks for the document's own name: "title", "document_name", "agreement_title"
_TITLE_FIELD_WORDS = frozenset("document agreement contract title name of the official full".split())


def _asks_title(spec: FieldSpec) -> bool:
    said = spelled(spec.name.rsplit(".", 1)[-1]) if "." not in spec.name else spelled(spec.name)
    return (
        not spec.many
        and set(said) <= _TITLE_FIELD_WORDS
        and ("title" in said or ("name" in said and bool({"document", "agreement", "contract"} & set(said))))
    )


# --------------------------------------------------------------------------------------------
# Parties
# --------------------------------------------------------------------------------------------

# Legal-form words that end an organisation's name (and may follow a comma: "Acme, Inc.").
_LEGAL = (
    r"(?i:Inc|Incorporated|Corp|Corporation|Co|Company|LLC|L\s?\.\s?L\s?\.\s?C|LLP|L\s?\.\s?L\s?\.\s?P|"
    r"LP|L\s?\.\s?P|Ltd|Limited|PLC|N\s?\.\s?V|B\s?\.\s?V|AG|SA|S\s?\.\s?A|GmbH|ASA|AB|"
    r"Pty(?:\.?\s+Ltd)?|S\.\s?p\.\s?A|SE|Bancorp|Bancshares|Holdings|Trust|Partners|"
    # a professional corporation or association and a national bank ("Bright Path Dental, P.C.",
    # "First Prairie Bank, N.A."), with their dots only: "PA" alone is Pennsylvania
    r"P\.\s?C|P\.\s?A|N\.\s?A|PLLC|Pvt(?:\.?\s+Ltd)?|Pte(?:\.?\s+Ltd)?|"
    r"Jr|Sr|II|III|IV|M\s?\.\s?D|Ph\s?\.\s?D|Esq)\b\.?(?:\s\.)?"
)
_ORG_SUFFIX = re.compile(
    r"(?i)\b(?:Inc|Incorporated|Corp|Corporation|Co|Company|LLC|L\.\s?L\.\s?C|LLP|LP|L\.\s?P|Ltd|Limited|"
    r"PLC|N\.\s?V|B\.\s?V|AG|S\.?A|GmbH|ASA|Pty|P\.\s?C|P\.\s?A|N\.\s?A|PLLC|Pvt|Pte|Bancorp|Bancshares|Bank|Holdings|Trust|Partners|Group|"
    r"Stores|Systems|Enterprises|Solutions|Technologies|Pharmaceuticals|Associates)\b\.?\s*$"
)
# A word of a name: capitalised ("Acme", "P.F.", "99¢", "Sri/Surgical") or camel-case ("eBay"); a hyphen
# may follow an OCR gap ("Build-A -Bear").
_TOKEN = (
    r"(?:(?:[A-Z0-9¢À-ÖØ-Þ]|[a-z]{1,2}(?=[A-Z]))(?:[\w'’&!¢/]|-(?:\n)?| -(?=[A-Za-z])|\.(?=\w))*"
    r"(?:\s?\.(?=[\s,A-Za-z]))?)"
)
_CONNECTOR = (
    r"(?:of|the|de|du|la|von|van|der|for|y|"
    r"and(?=\s+(?:[A-Z][\w\-]*\s+)?(?:Co\b|Company|Sons|Associates|Partners|Holdings|Trust|Bank|Group)))"
)
# Words join on a line, across "&" (on either side of a line break), or across a line break (names
# wrap; addresses start with digits, so a number joins only on the line, short and before a word:
# "Back 2 Basics Ltd.", "Pier 9 Imports").
_JOIN = (
    rf"(?:[ \t]*\n[ \t]*(?:{_CONNECTOR}[ \t]+)*(?![0-9])|[ \t]+(?:{_CONNECTOR}[ \t]+)*(?![0-9](?!\d?[ \t]+[A-Z][a-z]))"
    rf"|[ \t]*\n?[ \t]*&[ \t\n]*)"
)
_NAME = rf"{_TOKEN}(?:{_JOIN}{_TOKEN})*(?:[ \t]*,?\s*{_LEGAL})*"

# What follows a party's name in a preamble: its defined term, its description, its address.
_PAREN = r"""[ \t]*,?\s*\((?P<paren>[^()]{1,160})\)"""
_DESCRIBED = (  # "a Corporation organized under ..." also capitalised
    r"(?:[ \t]*,\s*|\s+)(?P<described>a\s+(?:[\w.\-]+\s+){0,6}?(?i:corporation\b)|(?:a|an)\s+(?:[\w.\-]+\s+){0,6}?"
    r"(?:corporation|company|partnership|limited|llc|individual|entity|bank|association|trust|"
    r"organization|organisation|resident|business|national|state|public|private|joint|citizen|person|"
    r"institution|institute|university|foundation|agency|society)"
    r"|(?i:having\s|with\s+(?:its|a|offices|principal)|located\s|whose\s|residing\s)|"
    # as English, Australian and Indian preambles describe a party: "Acme Limited incorporated and
    # registered in England and Wales", "Acme Pty Ltd ACN 612 345 678", "Jane Roe of 17 Rowan Close"
    r"(?i:incorporated\s|registered\s|(?:ACN|ABN|ARBN|CIN|company\s+(?:no|number|registration))\b)|of\s+(?=\d)|"
    r"(?:dba|d/b/a|f/k/a|c/o|formerly|on\s+behalf)\b|"
    # a name whose line (its address) ends where the next says what it is called: "Acme S.A., 18 rue
    # de Rivoli, Paris\n- hereinafter "Acme" -"
    r"(?=[^()\n]{0,150}\n[ \t\-–(]*(?i:hereinafter|hereafter)\b))"
)
# A party stated with its group before its defined term: "Acme, Inc. and its affiliates (the
# "Company")", "Acme, Inc., and its parent, divisions and subsidiaries (Acme)", "Acme, Inc, its
# subsidiary or its affiliate (together, the "Company")".
_GROUP = r"(?:[ \t]*,?\s*(?:(?:and|together\s+with|including)\s+)?(?:its|their)\s+[^().;:\"“”]{0,80}?(?=\s*\())?"
# "Acme Inc. and/or assigns, a Nevada corporation"
_ASSIGNS = r"(?:[ \t]*,?\s*and/or\s+(?:its\s+)?(?:permitted\s+)?(?:successors\s+and\s+)?assigns)?"
_MENTION = re.compile(rf"(?P<name>{_NAME}){_ASSIGNS}(?:{_GROUP}{_PAREN}|{_DESCRIBED})")
# a described party's defined term after its description and address, before the next name
# (a place's "and", "registered in England and Wales", is no next party)
_NEXT_PARTY = r"""(?!\band\s+(?!Wales\b)[A-Z"“])"""
_TERM_AFTER = re.compile(rf"""(?:{_NEXT_PARTY}[^();])*\((?P<paren>[^()]{{1,160}})\)""")
# the term given without brackets, after the description: "Acme Private Limited, a company incorporated
# under ..., hereinafter referred to as the "Lender" (which expression shall ...)"
_CALLED_AFTER = re.compile(
    rf"""(?:{_NEXT_PARTY}[^();"“”])*?\b(?:hereinafter|hereafter)[\s,]+(?:(?:referred\s+to\s+as|called|known\s+as)\s+)?"""
    r"""(?:the\s+)?["“](?P<term>[^"“”]{1,40})["”]"""
)
_LISTED = re.compile(
    # a letter's addressee after "To," on a line of its own, as Indian and British letters print it
    rf"\b(?:between|among|by|with|BETWEEN|AMONG|(?i:between\s*:|among\s*:|parties\s*:|to\s*:)|(?<![^\n])(?i:to)[ \t]*,|employment\s+with|employed\s+by|"
    rf"associate\s+of)[ \t]*\n?[ \t]*(?P<name>{_NAME})(?=[ \t]*(?:,|\.|;|\n|and\b|under\b|\()|(?<=\.)\s)"
)
# "between A and B", also past A's defined term: "between A ("Seller") and B"
_AND_NEXT = re.compile(
    rf"(?:[ \t]*,?\s*\([^()]{{1,160}}\))?[ \t]*,?\s*and\s+(?P<name>{_NAME})(?=[ \t]*(?:,|\.|;|\n|\())"
)
# A party named under its role, on a line or in a table's row of its own ("Lender: Acme Bank, N.A.",
# "Client: Lakeshore Medical Center", "Licensor<tab>Acme Corp., a Delaware corporation")
_ROLES = (
    r"landlord|tenant|lessor|lessee|sublessor|sublessee|licensor|licensee|lender|borrower|guarantor|employer|"
    r"employee|client|customer|supplier|vendor|seller|buyer|purchaser|distributor|contractor|consultant|"
    r"(?:service\s+)?provider|manufacturer|franchisor|franchisee|reseller|partner|agent|owner|"
    r"(?:first|second|third)\s+party|party\s+[ab12]"
)
_ROLE_LABELLED = re.compile(
    rf"(?i)[ \t]*(?:the\s+)?(?P<role>{_ROLES})(?:['’]s\s+name|\s+name)?[ \t]*(?::|\t)[ \t]*"
    rf"(?P<name>(?-i:{_NAME}(?:[ \t]+(?:and|&)[ \t]+{_NAME})?))(?=[ \t]*(?:,|\(|;|\t|$))"
)
# A party the preamble names by the signature page: "between the undersigned ("Employee") and B".
_UNNAMED = re.compile(r"(?i)\b(?:between|among)\s+(?:the\s+undersigned(?:\s+[a-z]+)?|you|me)\b")
# Defined terms that name something other than a party.
_NOT_PARTY_TERM = re.compile(
    r"(?i)\b(?:agreement|effective|date|transaction|information|material|purpose|notes?|stock|shares|"
    r"plan|business|proposal|project|acquisition|merger|period|term|records|demand|letter|nda|"
    r"opportunity|discussions|approval|act|code|rules|services|products?|territory|property)\b"
)
# Words never inside a name: a run of name-like tokens is cut after the last of them
# ("MUTUAL NON-DISCLOSURE AGREEMENT This Acme, Inc." -> "Acme, Inc.").
_BREAK_WORD = re.compile(
    r"(?i)^(?:this|these|that|agreement|exhibit|dear|re|to|attention|attn|confidential|between|among|by|"
    r"whereas|dated?|parties|party|ladies|gentlemen|section|article|schedule|annex|appendix|page|mutual|"
    r"non-?disclosure|nondisclosure|confidentiality|strictly|private|personal|execution|version|logo|form|"
    r"recitals|now|therefore|witnesseth|in|as|i|you|we|name|title|its|his|her|their|our|your|any|all|each|"
    r"such|said|undersigned|hereto|is|or|at|will|shall|may|no|not|be|are|from|upon|without|unless|if|when|"
    r"which|who|herein|hereby|ex-[\d.]+|\d*[.()][\d.()]*|\d{3,}|\w+\.htm|\w+\.txt|corporate|letterhead|dex\w+|"
    r"release|settlement|amendment|addendum|waiver|"  # the document's kind, in titles above the name
    r"address|signature|notices?|contents)$"  # and form furniture: "COMPANY ADDRESS", "TABLE OF CONTENTS"
)
# Words that alone are a role, not a name ("the Company", "Employee").
# Break words that also sit inside names ("Boston Private Bank", "Mutual Benefit Co."): they break
# only in capitals, as the headings print them ("PRIVATE AND CONFIDENTIAL", "MUTUAL NDA").
_NAME_ADJECTIVE = re.compile(r"(?i)^(?:private|personal|mutual)$")
_ROLE_WORD = re.compile(
    r"(?i)^(?:the|company|employee|employer|executive|recipient|discloser|consultant|contractor|buyer|"
    r"seller|parent|counterparty|investor|purchaser|bank|corporation|inc|corp|llc|ltd|co|and|or|of|a|an|"
    r"mr|mrs|ms|dr|distributor|provider|supplier|customer|client|licensee|licensor|vendor|sellers|buyers|"
    r"companies|transaction|holder|stockholder|shareholder|member|director|employees|affiliates|"
    r"subsidiaries|representatives|manufacturer|agent|advisor|adviser|lender|borrower|for)$"  # "FOR THE COMPANY"
)
# A block's role label glued before the name it heads: "EMPLOYEE NIKE, Inc.", "CONSULTANT: Jane Roe".
_LABEL_LEAD = re.compile(
    r"^(?:EMPLOYEE|EMPLOYER|EXECUTIVE|CONSULTANT|CONTRACTOR|RECIPIENT|DISCLOSER|COUNTERPARTY|ASSOCIATE|"
    r"LICENSEE|LICENSOR|BUYER|SELLER|PURCHASER|INVESTOR|ADVISOR|COMPANY)\b:?\s+(?=\S+\s*\S)"
)
_TITLE = re.compile(r"(?i)^(?:mr|mrs|ms|dr|miss)\.?\s+")
_DEGREE = re.compile(r"(?i),?\s*(?:M\.\s?D|Ph\.\s?D|Esq|J\.\s?D)\.?$")
# whole words: "Inc.", "J.", "U.S.", and an OCR gap's lone "." ("Lone Star U.S . Acquisitions")
_ABBREVIATION = re.compile(rf"(?i){_LEGAL}|[A-Z]\.|\w*\.\w+\.?|\w{{1,3}}\.|\.")
_CONNECTORS_AT_EDGE = re.compile(r"(?i)(?:(?:of|and|for|de|\d+\.?)\s+)+")  # and numbers: "EXHIBIT 10 Acme Inc.", "1. Acme Inc."


@dataclass
class _Party:
    """Mentions of one party, merged by name; ``value``/``start``/``end`` are its best-named mention."""

    key: str
    value: str
    start: int
    end: int
    strength: float
    kinds: set[str] = dc_field(default_factory=set)
    aliases: set[str] = dc_field(default_factory=set)
    mentions: int = 1
    first: int = -1  # where it is first named (``start`` is where it is named best)
    signed: bool = False  # its best name is from a signature block

    def __post_init__(self) -> None:
        self.first = self.start if self.first < 0 else self.first
        self.signed = self.kinds == {"signed"}

    def naming(self) -> tuple[bool, bool, float, int]:
        """How well the best mention names it: from the preamble (the labels spell it so), a legal
        name, strongly, in full."""
        return not self.signed, _is_org(self.value), self.strength, len(self.value)


def _name_key(name: str) -> str:
    """Comparable form: upper-case words, "&" as "and", without "the"/"and" or legal suffixes."""
    s = re.sub(r"[^A-Z0-9 ]", " ", name.upper().replace("&", " AND "))
    words = [w for w in s.split() if w not in ("THE", "AND")]
    while words and re.fullmatch(_LEGAL, words[-1], re.I):
        words.pop()
    return " ".join(words)


def _trim(text: str, start: int, end: int) -> tuple[int, int] | None:
    """The name inside ``text[start:end]``: cut after the last word that cannot be in a name,
    leading connectors and trailing punctuation dropped."""
    words = list(re.finditer(r"\S+", text[start:end]))
    for m in words[:-1]:  # "Seifert Enterprises. Collectively" ends at "Enterprises"
        if m.group().endswith(".") and not _ABBREVIATION.fullmatch(m.group()):
            end = start + m.end() - 1
            words = [w for w in words if w.start() < m.end()]
            break
    for i in range(len(words) - 1, -1, -1):
        m, after = words[i], words[i + 1].group() if i + 1 < len(words) else ""
        word = m.group().strip(",.:;()“”\"'")
        # "PRIVATE" heads a heading in capitals, but not in a legal form ("KAVERI TEXTILES PRIVATE LIMITED")
        in_name = _NAME_ADJECTIVE.match(word) and (not word.isupper() or re.match(r"(?i)(?:limited|ltd)\b", after))
        if _BREAK_WORD.match(word) and not in_name:
            start += m.end()
            break
    while start < end and not (text[start].isalnum() or text[start] == "¢"):
        start += 1
    lead = _CONNECTORS_AT_EDGE.match(text, start, end)
    start = lead.end() if lead else start
    while end > start and text[end - 1] in " \t\n,;:(":
        end -= 1
    return (start, end) if end - start >= 2 else None


# a signature block's line under the name that describes it: "ACME INC.\nA Nevada corporation"
_DESCRIPTION_LINE = re.compile(r"(?i)\s+an?\s+(?:[\w.\-]+\s+){0,5}?(?:corporation|company|partnership)$")


def _clean_name(raw: str) -> str:
    """The name as one line: hyphenated breaks joined, OCR gaps closed, titles and degrees dropped."""
    s = re.sub(r"-\s*\n\s*", "-", raw)
    s = re.sub(r"\s+", " ", s).strip()
    s = re.sub(r"\s+\.", ".", s)  # OCR gaps: "Inc ." -> "Inc."
    s = re.sub(r"(?<=\w) -(?=[A-Za-z])", "-", s)  # and "Build-A -Bear" -> "Build-A-Bear"
    if (doubled := re.search(r"(?i)\b(\w+\.?),?\s+\1$", s)) and _ORG_SUFFIX.search(doubled.group(1)):
        s = s[: doubled.end(1)]  # a suffix typed twice: "Acme, Inc. Inc."
    if twice := re.fullmatch(r"(.{4,}?)\s+\1", s):
        s = twice.group(1)  # a whole name printed twice (two columns read as one line)
    s = _DESCRIPTION_LINE.sub("", s)
    s = re.sub(r"['’]s$", "", s)  # a possessive: "J.F. Lehman & Company's consideration"
    s = _TITLE.sub("", s).strip(" ,;:")
    s = _LABEL_LEAD.sub("", s)
    while _DEGREE.search(s):
        s = _DEGREE.sub("", s).strip(" ,;:")
    return s


def _is_org(name: str) -> bool:
    return bool(_ORG_SUFFIX.search(name))


def _person_like(name: str) -> bool:
    """"Eric Dean Sprunk", "Maher Albitar", "J. Patrick Mulcahy": 2-4 capitalised words, no digits."""
    return bool(
        re.fullmatch(r"(?:[A-Z][\w'’\-]*\.?\s){1,3}[A-Z][\w'’\-]+(?:,?\s(?:Jr|Sr|II|III|IV)\.?)?", name)
    ) and not re.search(r"\d", name)


def _plausible(name: str, kinds: set[str]) -> bool:
    """A party's name: not a role word, heading, place or address; an organisation or a
    person, or a bare name that the preamble lists or describes as a party."""
    words = name.split()
    if not words or len(words) > 12 or not re.search(r"[A-Za-z]{2}", name):
        return False
    if all(_ROLE_WORD.match(w.strip(",.")) or _BREAK_WORD.match(w.strip(",.")) for w in words):
        return False
    if re.search(r"(?i)\b(?:agreements?|exhibit|section|information|material|whereas|board|directors?|officer)\b", name):
        return False
    if re.search(r"\bAct$", name):
        return False  # a statute: "with the Americans with Disabilities Act"
    if re.search(r"\d{4,}|\b[A-Z]{2}\s+\d{3,}", name) or _place(re.sub(r"(?i)^(?:the\s+)?(?:state\s+of\s+)?", "", name)):
        return False  # a zip code, or a place ("Delaware", "the State of California")
    bare = re.sub(r"(?i)^(?:an?|the)\s+|\b(?:corporation|company|limited|liability|partnership)\b", "", name).strip()
    if not bare or _place(bare):
        return False  # "Delaware corporation" from "a Delaware corporation"
    if len(words) == 1 and re.search(r"\d", name):
        return False  # a postcode or reference, not a one-word name
    if words[-1].endswith(".") and not _ABBREVIATION.fullmatch(words[-1]):
        return False  # a sentence or heading end: "Definitions."
    return _is_org(name) or _person_like(name) or bool(kinds & {"listed", "described"})


_OPENING_END = re.compile(
    r"\b(?:WHEREAS|RECITALS|BACKGROUND|PRELIMINARY\s+STATEMENTS?|W\s?I\s?T\s?N\s?E\s?S\s?S\s?E\s?T\s?H|"
    r"NOW,?\s+THEREFORE)\b"
    # the first numbered section, unless it names the parties ("1. Parties. This Agreement is between")
    r"|(?P<section>\n[ \t]*(?:ARTICLE|Article|SECTION|Section)?[ \t]*(?:1|I|ONE)[ \t]*[.:)][ \t]*\n?[ \t]*"
    r"(?!PARTIES|Parties)[A-Z])"
)
# a numbered list of the parties: "BETWEEN\n 1. Acme Corp., a Delaware corporation ... AND\n 2. ..."
_LISTS_PARTIES = re.compile(r"(?i)\b(?:between|among|by\s+and\s+between)\s*:?\s*$")


def _opening_end(text: str) -> int:
    """Where the preamble ends: the recitals or first section, else ``OPENING`` characters."""
    for m in _OPENING_END.finditer(text, 200, OPENING):
        if not (m.group("section") and _LISTS_PARTIES.search(text, max(0, m.start() - 40), m.start())):
            return m.start()
    return min(len(text), OPENING)


def _defined_term(paren: str) -> tuple[bool, str | None]:
    """Whether a parenthetical after a name marks a party, and the term it defines.

    ``(the "Company")``, ``("Recipient")``, ``(hereinafter "SHIRE")``, ``(EMPLOYEE)``,
    ``(formerly known as ...)`` mark one; ``("Effective Date")`` or ``(ii)`` do not.
    """
    quoted = re.search(r"""["“”']([^"“”']{1,40})["“”']""", paren)
    if quoted:
        term = quoted.group(1).strip(" ,")
        ok = not _NOT_PARTY_TERM.search(term) or bool(re.search(r"(?i)part(?:y|ies)", term))
        return ok, term
    bare = paren.strip()
    if re.fullmatch(r"(?:the\s+)?(?:hereinafter\s+(?:referred\s+to\s+as\s+)?)?[A-Z][\w&\-. ]{1,40}", bare):
        return not _NOT_PARTY_TERM.search(bare), bare
    return bool(re.match(r"(?i)(?:a|an|formerly|f/k/a|and\s+its|together|collectively)\b", bare)), None


# What introduces a name that is not a party of its own: an example of a party's group ("the
# Company includes its subsidiaries, including, without limitation, Acme Ltd.", "and its
# subsidiary, Acme Ltd."), or another name of a party ("Acme, Inc. d/b/a Widgets", "f/k/a Beta
# Corp.", "also known as Acme Wealth").
_ASIDE = re.compile(
    r"(?i)\b(?:(?:including|such\s+as)(?:[\s,]+(?:but\s+not\s+limited\s+to|without\s+limitation))?|"
    r"(?:its|their)\s+(?:wholly[\s-]owned\s+)?(?:subsidiary|subsidiaries|affiliates?)|"
    r"dba|d/b/a|f/k/a|a/k/a|(?:formerly|also)\s+known\s+as|formerly|doing\s+business\s+as|"
    r"an?(?=\s+\Z))[\s,:]*\Z"  # and an article: "a Japanese corporation" describes a party, it names none
)
# What may run between the names of one series: their defined terms, commas, "and", other names.
_SERIES = re.compile(rf"(?:[\s,]*(?:\([^()]*\)|(?:and\s+)?{_NAME}))*[\s,]*(?:and\s+)?")


def _mentions(text: str, limit: int) -> Iterator[tuple[int, int, float, str, str | None]]:
    """(start, end, strength, kind, defined term) for each party-like name in ``text[:limit]``,
    but for the names introduced as examples or other names of a party, and the rest of their
    series ("including A (the "Advisor"), B and C")."""
    aside_end = -1
    for start, end, strength, kind, term in sorted(_all_mentions(text, limit)):
        if _ASIDE.search(text, max(0, start - 40), start) or (
            0 <= aside_end <= start and start - aside_end < 300 and _SERIES.fullmatch(text, aside_end, start)
        ):
            aside_end = max(aside_end, end)
        else:
            yield start, end, strength, kind, term


# a company's registration number in brackets after its name describes it, defining nothing:
# "ACME LIMITED (company number 04455667)", "Acme Pte. Ltd. (UEN 201912345K)"
_REGISTRATION = re.compile(
    r"(?i)^\s*(?:(?:company|registration|registered|reg\.?|corporate\s+identity|business)\s+(?:no\.?|number|nr)|"
    r"ACN|ABN|ARBN|UEN|NZBN|CIN|CRN|EIN|GSTIN)\b[^()]*\d"
)


def _all_mentions(text: str, limit: int) -> Iterator[tuple[int, int, float, str, str | None]]:
    """Each defined, described or listed name in ``text[:limit]``; a defined term after a
    described party's description and address is that party's, not the address's last words'
    ("..., Ho Chi Minh City ("Distributor")")."""
    claimed: set[int] = set()  # where the brackets of terms given to described parties open
    for m in _MENTION.finditer(text, 0, limit):
        term, kind = None, "described"
        if m.group("paren") is not None and not _REGISTRATION.match(m.group("paren")):
            ok, term = _defined_term(m.group("paren"))
            if not ok or m.start("paren") in claimed:
                continue
            kind = "defined"
        elif called := _CALLED_AFTER.match(text, m.end(), min(limit, m.end() + 400)):
            term = called.group("term")
        elif later := _TERM_AFTER.match(text, m.end(), min(limit, m.end() + 250)):
            term = _defined_term(later.group("paren"))[1]  # "Acme, Inc., a Delaware corporation (the "Company")"
            claimed.add(later.start("paren"))
        if m.group("described") == "" and text[text.rfind("\n", 0, m.start("name")) + 1 : m.start("name")].strip():
            continue  # named above "hereinafter": the name opening its line, not a word of its address
        bounds = _trim(text, m.start("name"), m.end("name"))
        if bounds:
            yield bounds[0], bounds[1], 0.9 if kind == "defined" else 0.85, kind, term
    for line in re.finditer(r"[^\n]+", text[:limit]):  # each line apart: a name ends with its line
        if not (m := _ROLE_LABELLED.match(text, line.start(), line.end())):
            continue
        cell = re.compile(r"[^\t]*").match(text, m.start("name"), m.end("name"))  # and with its table cell
        bounds = _trim(text, m.start("name"), cell.end())
        if bounds:
            # listed under its role: a bare name there ("Gregory and Ellen Foster") is a party as one listed is
            yield bounds[0], bounds[1], 0.85, "listed", " ".join(m.group("role").split()).title()
    for m in [*_LISTED.finditer(text, 0, limit), *_UNNAMED.finditer(text, 0, limit)]:
        first = m if m.re is _LISTED else None  # "between the undersigned" lists no name itself
        for listed in (first, _AND_NEXT.match(text, m.end(), limit)):
            bounds = listed and _trim(text, listed.start("name"), listed.end("name"))
            if listed and not bounds and (wrap := text.find("\n", listed.start("name"), listed.end("name"))) > 0:
                bounds = _trim(text, listed.start("name"), wrap)  # "Mr. Rahul Sharma" over "H. No. 112": its own line
            if bounds:
                yield bounds[0], bounds[1], 0.75, "listed", None


# -- signature blocks -------------------------------------------------------------------------
# Parties sign at the end: a company's name sits on a line of its own above its "By:" line, an
# individual signs "/s/ Jane Roe" with no title. A person with a title ("By: /s/ Jane Roe",
# "Name: Jane Roe / Title: CEO") signs for a company and is not a party.

_SIGNED = re.compile(r"(?:/s/|(?<![\w-])-\s?s\s?-)[ \t]*", re.I)  # "/s/ Jane Roe"; OCR: "- s- Jane Roe"
_SIGN_ANCHOR = re.compile(rf"(?im)^[ \t]*by\b[ \t]*(?::|_{{3,}}|$)|{_SIGNED.pattern}")
_BY = re.compile(r"(?im)^[ \t]*by\b[ \t]*(?::|_|\(|/s/|$)")
_NAME_LABEL = re.compile(
    r"(?im)^[ \t]*(?:print(?:ed)?\s+name(?:\s+of\s+\w+)?|name|employee(?:\s+(?:print|name))?|executive|"
    r"associate|consultant)[ \t]*:[ \t]*"
)
_OFFICE = (
    r"(?:(?:senior|executive|assistant|deputy|group)\s+)?(?:vice\s+president|president|chief|chairman|director|"
    r"secretary|treasurer|manager|managing|partner|general\s+counsel|officer|ceo|cfo|coo|evp|svp|authori[sz]ed|"
    r"(?:company\s+)?representative)\b"
)
_TITLE_LINE = re.compile(rf"(?i)[ \t]*(?:title\b|its[ \t]*:|{_OFFICE})")
_TITLE_AFTER = re.compile(rf"(?i)[ \t]*,[ \t]*(?:its[ \t]+)?{_OFFICE}")
# Around a company's name in its block: "(2) ACME, INC., a Delaware corporation", "ACME LLC d/b/a Widgets:".
_WITNESS = re.compile(r"(?i)\b(?:witness(?!\s+whereof)|attest)")
_BLOCK_LEAD = re.compile(r"[ \t]*(?:\(\d+\)[ \t]*)?")
_BLOCK_TAIL = re.compile(r"(?i)[ \t]+d/b/a\b.*|,[ \t]*an?[ \t]+[\w \t]+?(?:corporation|company)\b.*|[ \t:,]+$")
# Signature blocks of officers: a "Title:" label or "on behalf of" anywhere among them. In blocks laid
# out side by side (two signatures on one line) a title is not on its signer's own line, but such
# blocks are companies' whose officers sign for them.
_OFFICERS_SIGN = re.compile(r"(?i)\btitle[ \t]*:|\bon[ \t]+behalf[ \t]+of\b")
SIGN_GAP = 1500  # characters without a signature line that end the run of signature blocks
# A block headed by an individual's role ("EMPLOYEE:", "SECOND PARTY"): its "By:" introduces the
# person's own signature, not an officer's.
_PERSON_ROLE = re.compile(
    r"(?i)[ \t]*[\"“]?(?:the[ \t]+)?(?:employee|executive|associate|consultant|individual|advisor|contractor|"
    r"(?:second|other)[ \t]+party)[\"”]?[ \t]*:?[ \t]*$"
)


def _signature_region(text: str) -> tuple[int, int] | None:
    """The first run of signature blocks (later runs sign exhibits and acknowledgements),
    with the lines above its first "By:" where the first company is named."""
    anchors = [m.start() for m in _SIGN_ANCHOR.finditer(text)]
    if not anchors:
        return None
    last = anchors[0]
    for at in anchors[1:]:
        if at - last > SIGN_GAP:
            break
        last = at
    return max(0, anchors[0] - 400), min(len(text), last + 300)


def _under_person_role(text: str, lines: list[tuple[int, int]], i: int) -> bool:
    """Whether line ``i`` signs in a block headed by an individual's role: the role is on the line
    or above it, with only signature lines ("By:", "/s/") between."""
    for s, e in reversed(lines[max(0, i - 3) : i + 1]):
        if _PERSON_ROLE.match(text, s, e):
            return True
        if not (_SIGN_ANCHOR.search(text, s, e) or _NAME_LABEL.match(text, s, e)):
            return False
    return False


def _signs_for_another(text: str, lines: list[tuple[int, int]], i: int, name: str) -> bool:
    """Whether ``name`` (signing on line ``i``) witnesses, or signs for a company: after "By"
    (but under an individual's role), or with a title on its line or the next two."""
    if not _is_org(name) and _WITNESS.search(text, lines[i - 1][0] if i else lines[i][0], lines[i][1]):
        return True
    for_self = not _is_org(name) and _under_person_role(text, lines, i)
    for j, (s, e) in enumerate(lines):
        at = text.lower().find(name.lower(), s, e)
        if at < 0:
            continue
        by = _BY.match(text, s, e) or (j and re.fullmatch(r"(?i)\s*by\s*:?\s*", text[slice(*lines[j - 1])]))
        if by and not for_self:
            return True
        if _is_org(name):
            continue  # a company's block has a title line under it; only "By: Acme GP, LLC" is signing for another
        if _TITLE_AFTER.match(text, at + len(name), e) or any(_TITLE_LINE.match(text, *ln) for ln in lines[j + 1 : j + 3]):
            return True
    return False


def _company_line(text: str, lines: list[tuple[int, int]], i: int) -> tuple[int, int] | None:
    """The company named by line ``i`` of a signature block, if it is one: a legal name alone on
    its line, with a signature line ("By:", "/s/", "Name:") among the next three. A name
    wrapped over two lines ("BURLINGTON COAT FACTORY / HOLDINGS, INC.") starts on the line above."""
    s, e = lines[i]
    if not any(_SIGN_ANCHOR.search(text, *ln) or _NAME_LABEL.match(text, *ln) for ln in lines[i + 1 : i + 4]):
        return None
    start = _BLOCK_LEAD.match(text, s, e).end()
    tail = _BLOCK_TAIL.search(text, start, e)
    end = tail.start() if tail else e
    name = _clean_name(text[start:end])
    if not (re.fullmatch(_NAME, text[start:end]) and _is_org(name)) or re.match(r"(?i)an?\s", name):
        return None
    if i and len(_name_key(name).split()) <= 1:
        above = text[slice(*lines[i - 1])].strip()
        if above.isupper() and re.fullmatch(_NAME, above) and not _is_org(above):
            start = lines[i - 1][0] + len(text[slice(*lines[i - 1])]) - len(text[slice(*lines[i - 1])].lstrip())
    return start, end


def _signatures(text: str) -> Iterator[tuple[int, int, float, str]]:
    """(start, end, strength, kind) for each party in the signature blocks: companies named on
    a line of their own, people who sign without a title."""
    region = _signature_region(text)
    if not region:
        return
    lines = [(region[0] + m.start(), region[0] + m.end()) for m in re.finditer(r"[^\n]*\S[^\n]*", text[slice(*region)])]
    officers = bool(_OFFICERS_SIGN.search(text, *region))
    for i, (s, e) in enumerate(lines):
        signed = _SIGNED.search(text, s, e) or _NAME_LABEL.match(text, s, e)
        if signed:  # a person: the name after "/s/" or "Name:", or under a label alone on its line
            at, stop = signed.end(), e
            if signed.re is _NAME_LABEL and not text[at:e].strip() and i + 1 < len(lines):
                at, stop = lines[i + 1]  # "EMPLOYEE:" alone on its line, the printed name under it
            m = re.compile(_NAME).match(text, at, stop)
            bounds = m and _trim(text, m.start(), m.end())
            name = bounds and _clean_name(text[bounds[0] : bounds[1]])
            side_by_side = len(_SIGNED.findall(text, s, e)) > 1
            for_self = not (officers and side_by_side) or _under_person_role(text, lines, i)
            if name and _person_like(name) and for_self and not _signs_for_another(text, lines, i, name):
                yield bounds[0], bounds[1], 0.7, "signed"
        elif (company := _company_line(text, lines, i)) and not _signs_for_another(
            text, lines, i, _clean_name(text[company[0] : company[1]])
        ):
            yield company[0], company[1], 0.8, "signed"


def find_parties(ctx: Context, spec: FieldSpec) -> list[Proposal]:
    """The contracting parties, each once, from the preamble (and a letter's header).

    A name counts as a party when the preamble gives it a defined term
    (``Acme, Inc. (the "Company")``), describes it (``, a Delaware corporation``,
    ``, an individual``), or lists it after "between"/"among". Mentions of one
    party (its defined term, "Acme" vs "Acme, Inc.") merge into one candidate
    whose value is its fullest legal name.
    """
    if "parties" not in ctx.memo:
        ctx.memo["parties"] = _read_parties(ctx)
    return [proposal for _, proposal in ctx.memo["parties"]]


# words of a field's name that say it holds a party, not which one
_PARTY_WORDS = frozenset("party parties name legal full entity the".split())


def find_party(ctx: Context, spec: FieldSpec) -> list[Proposal] | None:
    """One of the parties, for a field that holds one ("disclosing_party", "licensor"): the
    party whose defined term its name says (``Acme ("Disclosing Party")``); else the schema's
    fields of one party each take the parties left in the order the preamble names them, so
    ``disclosing_party`` and ``receiving_party`` are two parties, not one read twice. The
    others stay as rivals for a person to choose."""
    found = find_parties(ctx, spec)
    if not found:
        return None
    parties = [party for party, _ in ctx.memo["parties"]]
    fields = [f.name for f in ctx.specs if (f.kind == "organization" or set(spelled(f.name)) & _PERSON_SIDE) and not f.many]
    said = {name: _role(name, parties) for name in fields}
    if (own := said.get(spec.name, _role(spec.name, parties))) is not None:
        chosen, role = own, 1.0
    else:
        left = [i for i in range(len(parties)) if i not in said.values()]
        unsaid = [name for name in fields if said[name] is None]
        # a field for a person ("employee") takes a person left, one for an employer a company
        # left, before the others take the parties left in the preamble's order
        for name in unsaid:
            wants = set(spelled(name)) & (_PERSON_SIDE | _COMPANY_SIDE)
            fits = [i for i in left if (_person_like(parties[i].value) and not _is_org(parties[i].value)) == bool(wants & _PERSON_SIDE)]
            if wants and fits:
                said[name] = fits[0]
                left.remove(fits[0])
        if said.get(spec.name) is not None:
            chosen, role = said[spec.name], 0.5
        else:
            unsaid = [name for name in fields if said[name] is None]
            at = unsaid.index(spec.name) if spec.name in unsaid else 0
            chosen, role = (left[at], 0.5) if at < len(left) else (None, 0.0)
    return [replace(p, signals={**p.signals, "role": role if i == chosen else 0.0}) for i, p in enumerate(found)]


# the sides of an employment, as agreements define them: the employer is "the Company", the
# employee "the Executive"; a field named for one is the party its side's term defines
_PERSON_SIDE = frozenset({"employee", "executive"})
_COMPANY_SIDE = frozenset({"employer"})
_SIDE_TERMS = {"employer": {"employer", "company"}, "employee": {"employee", "executive"}}


def _role(name: str, parties: list[_Party]) -> int | None:
    """The party whose defined term holds every word of the field's name that tells parties
    apart ("disclosing" of ``disclosing_party`` in "Disclosing Party"; "the Company" for an
    employer), or None."""
    own = set(spelled(name)) - _PARTY_WORDS

    def defines(term: str) -> bool:
        said = set(words(term))
        return own <= said or (len(own) == 1 and bool(_SIDE_TERMS.get(next(iter(own)), set()) & said))

    matched = [i for i, p in enumerate(parties) if own and any(defines(term) for term in p.aliases)]
    return matched[0] if len(matched) == 1 else None


def _read_parties(ctx: Context) -> list[tuple[_Party, Proposal]]:
    text = ctx.text
    parties: list[_Party] = []
    for start, end, strength, kind, term in _mentions(text, _opening_end(text)):
        value = _clean_name(text[start:end])
        key = _name_key(value)
        if not key or not _plausible(value, {kind}):
            continue
        if not (_is_org(value) or _person_like(value)):
            strength *= 0.8
        new = _Party(key, value, start, end, strength, {kind}, {_clean_name(term)} if term else set())
        if _merge(parties, new):
            parties.append(new)
    named = len(parties)
    for start, end, strength, kind in _signatures(text):
        value = _clean_name(text[start:end])
        if _plausible(value, {kind}):
            new = _Party(_name_key(value), value, start, end, strength, {kind})
            # a party only the signatures name counts where the preamble names fewer than two
            # (it says "I" or "you" for the other); beside two named parties it signs for one
            if _merge(parties, new) and named < 2:
                parties.append(new)
    # the share of the parties that both the preamble and the signature blocks name: a list both
    # agree on is right far more often (95% of such names on the train split, 70% of the others);
    # one value for all items, as the list is right or wrong as a whole
    consensus = sum(1 for p in parties if "signed" in p.kinds and len(p.kinds) > 1) / max(1, len(parties))
    out = []
    for p in sorted(parties, key=lambda p: p.first):
        preamble = p.kinds - {"signed"}  # support counts the preamble's mentions: signing is ``consensus``
        support = min(1.0, 0.5 + 0.25 * (p.mentions - ("signed" in p.kinds) - 1) + 0.25 * (len(preamble) > 1))
        typed = 1.0 if _is_org(p.value) or _person_like(p.value) else 0.5
        # where parties are named: the opening, or the signature blocks (for a name only they give)
        position = 1.0 if p.kinds == {"signed"} else _position(ctx, p.first)
        out.append((p, Proposal(
            value=p.value,
            spans=[(p.start, p.end)],
            signals={"match": p.strength, "typed": typed, "position": position, "support": support, "consensus": consensus},
        )))
    return out


def _same_person(a: str, b: str) -> bool:
    """"Ray M. Dolby" and "RAY DOLBY": people named by the same first and last name."""
    if not (_person_like(a) and _person_like(b)):
        return False
    wa, wb = _name_key(a).split(), _name_key(b).split()
    return len(wa) > 1 and len(wb) > 1 and wa[0] == wb[0] and wa[-1] == wb[-1]


def _shortened(a: str, b: str) -> bool:
    """One name the other with words left out between its first and last ("BIRCH FIRST
    INVESTMENTS" signing for "BIRCH FIRST GLOBAL INVESTMENTS")."""
    short, long = sorted((a.split(), b.split()), key=len)
    if len(short) < 2 or len(short) == len(long) or (short[0], short[-1]) != (long[0], long[-1]):
        return False
    rest = iter(long)
    return all(w in rest for w in short)  # in order


def _merge(parties: list[_Party], new: _Party) -> bool:
    """Fold ``new`` into the party it names: same key, one name a prefix or a shortening of the
    other, a near-identical spelling, the other's defined term ("Acme" for "Acme Holdings, Inc."), or the
    same person. False when it names none of them (the caller decides whether to add it)."""
    for p in parties:
        same = (
            p.key == new.key
            or p.key.startswith(new.key + " ")
            or new.key.startswith(p.key + " ")
            or fuzz.ratio(p.key, new.key) >= 92
            or _shortened(p.key, new.key)
            or new.key in {_name_key(a) for a in p.aliases}
            or p.key in {_name_key(a) for a in new.aliases}
            or _same_person(p.value, new.value)
        )
        if same:
            if new.naming() > p.naming():
                p.value, p.start, p.end, p.key, p.signed = new.value, new.start, new.end, new.key, new.signed
            p.mentions += 1
            p.kinds |= new.kinds
            p.aliases |= new.aliases
            p.strength = max(p.strength, new.strength)
            p.first = min(p.first, new.first)
            return False
    return True


# --------------------------------------------------------------------------------------------
# Expiration
# --------------------------------------------------------------------------------------------

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
    for m in _DATE.finditer(text):
        value = _date_value(m)
        before = text[max(0, m.start() - 60) : m.start()]
        if not value or not (ends := _ENDS.search(before)):
            continue
        # the sentence of the word that ends it ("ending at 11:59 p.m. on": not from "p.m.")
        at = m.start() - len(before) + ends.start()
        s, _ = _sentence(text, at, at + 1)
        if _PERIOD_WORDS.search(text[max(s, at - 300) : m.start()]):
            said = list(_RECITAL.finditer(text, max(0, at - 400), at))
            recital = bool(said and said[-1].group("recital"))
            found.append((value, m.start(), m.end(), {"match": 0.5 if recital else 0.8, "typed": 1.0}))
    if found:
        return _per_value(found)
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


# --------------------------------------------------------------------------------------------
# The pack's finders
# --------------------------------------------------------------------------------------------

# a date field about the agreement itself: "effective date", "agreement date", "date signed", "start date"
_CONTRACT_ALIAS = re.compile(
    r"(?i)\b(?:effective|entered\s+into|made\s+as\s+of|dated\s+as\s+of|agreement|contract|signed|signing|execution|executed|"
    r"start|starts|starting|commencement|commences|begins|beginning)\b"
)


# a date field about when the agreement ends: "expiration date", "termination date", "end date", "valid until"
_EXPIRY_ALIAS = re.compile(r"(?i)\b(?:expir\w*|terminat\w*|end|ends|ending|until)\b")


def _defined_as(ctx: Context, spec: FieldSpec) -> list[Proposal]:
    """Dates the contract defines as the field's own label: "due and payable in full on November 1,
    2032 (the "Maturity Date")", "shall begin on September 2, 2025 (the "Start Date")", also with
    words before it ("(the "Term Commencement Date")")."""
    # the agreement's own date defined so ("(the "Effective Date")") is weighed with its other
    # statements of it (find_contract_date): a long agreement defines it late, its dateline is on top
    labels = [a for a in spec.aliases if len(a.split()) > 1 and "date" in a.split() and not _DEFINED_DATE.match(f'("{a}")')]
    if not labels:
        return []
    defined = re.compile(
        r"""(?i)\s*,?\s*\((?:the\s+|this\s+|such\s+)?["“”']+\s*(?:[\w-]+\s+){0,2}(?:""" + "|".join(_ws(a) for a in labels) + r""")\s*["“”']+\s*\)"""
    )
    found = []
    for m in _DATE.finditer(ctx.text):
        if (value := _date_value(m)) and defined.match(ctx.text, m.end()):
            found.append((value, m.start(), m.end(), {"match": 0.95, "typed": 1.0, "position": _position(ctx, m.start())}))
    return _per_value(found)


def find_date(ctx: Context, spec: FieldSpec) -> list[Proposal] | None:
    """A date the contract defines under the field's label ("(the "Maturity Date")"), where it
    defines one; else contract dates (fields whose aliases say "effective as of", "entered into
    as of", ...) are read from the agreement's own phrasing, expiration dates from its term;
    other date fields are left to the generic finder."""
    if defined := _defined_as(ctx, spec):
        return defined
    if any(_EXPIRY_ALIAS.search(a) for a in spec.aliases):
        return find_expiration(ctx, spec)
    if any(_CONTRACT_ALIAS.search(a) for a in spec.aliases):
        return find_contract_date(ctx, spec)
    return None


FINDERS = {
    ("jurisdiction", False): find_jurisdiction,
    ("term", False): find_period,
    ("organization", True): find_parties,
    ("organization", False): find_party,
    ("date", False): find_date,
    ("text", False): find_title,
}
