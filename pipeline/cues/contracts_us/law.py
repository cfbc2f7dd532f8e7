"""Governing law: the state or country whose laws govern the agreement ("governed by the laws of
the State of New York").
"""

from __future__ import annotations

import re
from functools import lru_cache

import pycountry

from pipeline.cues.contracts_us.text import per_value, sentence_bounds, ws
from pipeline.extractors.finding import Context, Proposal
from pipeline.schemas import FieldSpec

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
    return re.compile(r"(?i)\b(?:" + "|".join(ws(a) for a in alternatives) + r")(?![\w])")


@lru_cache(maxsize=1)
def _place_before_re() -> re.Pattern[str]:
    """A place name ending exactly where the search window ends."""
    return re.compile(_place_re().pattern + r"\Z")


def place_name(text: str) -> str | None:
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
            if place_name(p.group()) == "United States":  # "the United States of America, State of California"
                p = (t := _THEN_STATE.match(text, p.end())) and places.match(text, t.end()) or p
            spots.append((m.start(), p))
    for m in _PLACE_LAW.finditer(text):
        if p := _place_before_re().search(text, max(0, m.start() - 40), m.start()):
            spots.append((p.start(), p))
    for m in _LAWS_THEREOF.finditer(text):
        s, _ = sentence_bounds(text, m.start(), m.end())
        if before := list(places.finditer(text, s, m.start())):
            spots.append((m.start(), before[-1]))
    found: list[tuple[object, int, int, dict[str, float]]] = []
    for at, p in spots:
        s, e = sentence_bounds(text, at, p.end())
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
        found.append((place_name(p.group()), p.start(), p.end(), {"match": strength, "typed": 1.0}))
    if any(v != "United States" for v, *_ in found):  # federal law beside a state's is not the choice
        found = [f for f in found if f[0] != "United States"]
    if not found:
        for m in _VENUE.finditer(text):
            p = places.match(text, m.end())
            if p and (value := place_name(p.group())) and value != "United States":
                found.append((value, p.start(), p.end(), {"match": 0.5, "typed": 1.0}))
    return per_value(found)
