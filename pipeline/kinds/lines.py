"""What a line looks like: a name, an address, a legal form, a company number.

Shared by the organisation and address finders. The words here are generic
(English words, the world's legal forms and countries); cue packs add their regions' words
under the same names: ``legal_form``, ``business``, ``furniture``, ``street``,
``region``, ``contact`` and ``counterparty``, and a region's company numbers
(``company_number_line``, ``company_number_label``, ``registration``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from pipeline.cues import Cues
from pipeline.extractors.finding import Context
from pipeline.extractors.layout import Line, norm

LEGAL_FORMS = (
    r"plc", r"l\.?l\.?c\.?", r"llp", r"ltd\.?", r"limited", r"inc\.?", r"incorporated", r"corp\.?", r"corporation",
    r"gmbh", r"mbh", r"pty\.?(?:\s+ltd\.?)?", r"pte\.?(?:\s+ltd\.?)?", r"pvt\.?", r"b\.\s?v\.?", r"n\.\s?v\.?",
    r"s\.\s?a\.?(?:\s?s\.?)?", r"s\.\s?r\.\s?l\.?", r"sarl", r"s\.\s?l\.", r"s\.\s?p\.\s?a\.?", r"a/s", r"aps",
    r"&\s?co\.?(?:\s?kg)?", r"co\.,?\s?ltd\.?", r"co\.", r"kg", r"(?-i:AG|UG|SE|OY)", r"e\.\s?k\.",
    r"sp\.\s?z\s?o\.\s?o\.?", r"s\.\s?r\.\s?o\.?",
)


def _unmistakable(form: str) -> bool:
    """Several words ("sdn bhd", "s.a. de c.v.") or three or more letters with a dot inside
    ("g.m.b.h.", "s.r.l.", "sp.j."): printed so, it is no ordinary word."""
    letters = len(re.findall(r"[a-z]", form))
    return bool(re.search(r"[a-z.]\s+\S", form)) or (letters >= 3 and "." in form[:-1])


@lru_cache(maxsize=1)
def world_legal_forms() -> tuple[str, ...]:
    """The world's legal forms as printed, from cleanco's table of terms by country, as regex
    alternatives: only the unmistakable ones. A single word or two letters ("AS", "PT", "e.g.")
    reads as an ordinary word too often to mark a company on its own, so does "and company"."""
    from cleanco.termdata import terms_by_country

    terms = {t.strip() for forms in terms_by_country.values() for t in forms}
    kept = [t for t in terms if t.isascii() and not t.startswith("and ") and _unmistakable(t)]
    # longest first, so "sdn. bhd." wins over a shorter form inside it; spacing as printed varies
    return tuple(re.sub(r"(\\ )+", r"\\s?", re.escape(t)) for t in sorted(kept, key=len, reverse=True))


BUSINESS = frozenset(
    "enterprise enterprises trading traders hardware restaurant cafe café bakery mart store "
    "stores supermarket minimarket pharmacy station services solutions software technologies bistro "
    "stationery marketing industries electrical bookstore books food foods kitchen gallery "
    "centre center agency holdings group studio hotel resort airlines airways".split()
)
# business nouns that end a name ("... HARDWARE TRADING"), so a line opening with one is cut
NAME_FINAL = frozenset("enterprise enterprises trading traders holdings industries".split())
# words that mark a line as part of the document's furniture, not a name
FURNITURE = frozenset(
    "invoice receipt tax total date page tel telephone phone fax email gst reg registration "
    "cashier bill table order no number vat qty amount thank thanks "
    "welcome customer cash change subtotal description".split()
)
# labels after which the *other* party is printed (the customer, not the issuer)
COUNTERPARTY = (
    "bill to", "billed to", "invoice to", "invoiced to", "ship to", "sold to", "customer", "client",
    "recipient", "to", "attention", "attn", "buyer", "billing contact", "billing address", "invoice address",
)
STREET = frozenset(
    "street st road rd avenue ave lane ln drive dr boulevard blvd way floor flr level suite ste unit "
    "building bldg block blk tower plaza mall court ct highway hwy square sq".split()
)
# countries are no region's knowledge: every one of them, by its names (pycountry's ISO 3166
# table); a region's states and cities are its cue pack's
COMMON_COUNTRY_NAMES = ("usa", "united states", "uk", "united kingdom", "england", "scotland", "wales")


@lru_cache(maxsize=1)
def countries() -> tuple[str, ...]:
    import pycountry

    names = {n.casefold() for c in pycountry.countries for n in (c.name, getattr(c, "common_name", None)) if n}
    return tuple(re.escape(n) for n in sorted(names | set(COMMON_COUNTRY_NAMES), key=len, reverse=True))


CONTACT = (
    "tel", "telephone", "phone", "fax", "mobile", "email", "e-mail", "www", "http", "gst", "gstin", "reg", "vat",
    "invoice", "receipt", "date", "cashier",
)
ADDRESS_SCORES_KEPT = 4096  # texts whose address score (and legal form) a Look remembers
# not beside a "/" or "-": part of a reference number ("05/SE200209/42193"); nor after a
# number sign: a store's number ("WALGREENS #07741", "ST# 05678"); nor after another group of digits: the
# end of a tax or phone number ("SIRET 512 345 678 00021"). Besides the five-digit, UK, Dutch
# and "D-" forms: Canada's "V6Z 1K4", four digits after a state's abbreviation ("Prahran VIC
# 3181"; after a name they are a store's number, "Albert Heijn 1432") and six digits or Japan's
# "160-0022" after a town ("Bengaluru, Karnataka 560001", "Chennai - 600002", "Tokyo 160-0022"), ending the line
POSTCODE = re.compile(
    r"(?<![\w/#-])(?<!\d\s)(?<!#\s)(?:\d{5}(?:-\d{4})?|[A-Z]{1,2}\d[A-Z\d]?\s\d[A-Z]{2}|\d{4}\s?[A-Z]{2}|[A-Z]-\d{4,5}|"
    r"\d{4}(?=\s+[A-Z][a-zäöü])|[A-Z]\d[A-Z]\s?\d[A-Z]\d|"
    r"(?:(?<=\b[A-Z]{2}\s)|(?<=\b[A-Z]{3}\s))\d{4}(?=\s*$)|"
    r"(?:(?<=[^\W\d_]\s)|(?<=[^\W\d_],\s)|(?<=[^\W\d_]\s-\s)|(?<=〒))(?:\d{6}|\d{3}-\d{4})(?=\s*$))(?![\w/-])"
)
# a unit's floor and number ("#B1-21", "#02-15") and a house number before a compass point
# ("3201 N BROADWAY"): street lines without a street word
_UNIT = re.compile(r"#\s?[A-Z]?\d{1,2}-\d{1,4}\b")
_HOUSE_AND_DIRECTION = re.compile(r"\s*\d{1,6}\s+(?:N|S|E|W|NE|NW|SE|SW)\.?\s+[^\W\d_]")
# "CO." as the label of a company number ("CO. REG. NO:", "CO. NO."), not a legal form
_CO_LABEL = re.compile(r"(?i)co\.?\W*(?:reg|registration|no|number)\b")


@dataclass(frozen=True)
class Look:
    """The generic words and a schema's cue packs' words, compiled once per set of packs."""

    legal: re.Pattern[str]
    business: frozenset[str]
    name_final: frozenset[str]
    furniture: frozenset[str]
    counterparty: tuple[str, ...]
    street: frozenset[str]
    street_suffixes: tuple[str, ...]  # street words a region joins to the street's name
    region: re.Pattern[str]
    contact: re.Pattern[str]
    company_number_line: re.Pattern[str] | None  # a line holding only a company number and its label
    company_number_label: re.Pattern[str] | None  # how such a line starts when the number is left blank
    registration: re.Pattern[str] | None  # a company number printed beside a name
    addressee: re.Pattern[str] | None  # how a line naming the customer ends ("… 御中", "… 様")
    street_mark: re.Pattern[str] | None  # a region's street sign that is no word ("C/ Mayor 12")
    # line texts -> address_score: finders score the same lines several times per document,
    # and the region names make a long alternation that is slow to search
    address_scores: dict[str, float] = field(default_factory=dict, compare=False, repr=False)
    # line texts -> legal_form: the same, for the long alternation of legal forms
    legal_forms: dict[str, tuple[int, int] | None] = field(default_factory=dict, compare=False, repr=False)


def _optional(cues: Cues, name: str) -> re.Pattern[str] | None:
    found = cues.alternatives(name)
    return re.compile("|".join(found)) if found else None


@lru_cache(maxsize=64)
def look(cues: Cues) -> Look:
    legal = cues.alternatives("legal_form") + world_legal_forms() + LEGAL_FORMS  # a pack's forms first: "SDN BHD" before "BHD"
    regions = countries() + cues.alternatives("region")
    contact = CONTACT + cues.alternatives("contact")
    return Look(
        legal=re.compile(r"(?<![^\W_])(?:" + "|".join(legal) + r")(?![^\W_])", re.IGNORECASE),
        business=cues.words("business", BUSINESS),
        name_final=cues.words("name_final", NAME_FINAL),
        furniture=cues.words("furniture", FURNITURE),
        counterparty=COUNTERPARTY + cues.alternatives("counterparty"),
        street=cues.words("street", STREET),
        street_suffixes=tuple(sorted(cues.words("street_suffix"))),
        region=re.compile(r"(?<![^\W_])(?:" + "|".join(regions) + r")(?![^\W_])", re.IGNORECASE),
        contact=re.compile(r"(?i)\b(?:" + "|".join(contact) + r")\b|\w@\w|\+\d"),
        company_number_line=_optional(cues, "company_number_line"),
        company_number_label=_optional(cues, "company_number_label"),
        registration=_optional(cues, "registration"),
        addressee=_optional(cues, "addressee"),
        street_mark=_optional(cues, "street_mark"),
    )


def line_rel(ctx: Context, line: Line) -> float:
    return ctx.layout.relative_y(line)


def name_score(lk: Look, text: str) -> float:
    """How much a piece of text looks like a name: letters, a few words, no document furniture."""
    words = norm(text).split()
    if not words:
        return 0.0
    chars = [c for c in text if not c.isspace()]
    letters = sum(c.isalpha() for c in chars) / len(chars)
    score = min(letters / 0.7, 1.0)
    if len(words) > 8:
        score *= 0.5
    if lk.furniture & set(words) or lk.contact.search(text) or re.search(r"\d{5,}", text):
        score *= 0.3
    return score * (1.0 - address_score(lk, text) / 2)


def address_score(lk: Look, text: str) -> float:
    """Cues that a line is part of a postal address, before any contact details (0 for
    contact lines and names)."""
    score = lk.address_scores.get(text)
    if score is None:
        score = _address_score(lk, text)
        if len(lk.address_scores) >= ADDRESS_SCORES_KEPT:
            lk.address_scores.clear()
        lk.address_scores[text] = score
    return score


def address_end(lk: Look, text: str) -> int:
    """Where a line's address part ends: before its contact details ("81750 MASAI, JOHOR
    TEL: 07-388 2218"); 0 for a line that opens with them."""
    m = lk.contact.search(text)
    return len(text[: m.start()].rstrip(" ,;:-|")) if m else len(text)


def street_words(lk: Look, words: set[str]) -> set[str]:
    """The words of a line that are street words, or a region's compounds ending in one."""
    return words & lk.street | {w for w in words if len(w) > 6 and w.endswith(lk.street_suffixes)}


# a price with a decimal comma ending a line ("Kaas 5,49"): its comma is no address's
_PRICE_END = re.compile(r"\s\d{1,5},\d{2}\s*$")
# a short word glued to a number sign labels a number ("ST# 05678" a store's, "OP#" an
# operator's): no street word ("ST") however it is spelled
_NUMBER_LABEL = re.compile(r"\b[^\W\d_]{1,4}(?=#)")


def _address_score(lk: Look, text: str) -> float:
    text = _NUMBER_LABEL.sub("", _PRICE_END.sub("", text[: address_end(lk, text)]))
    if not text.strip():
        return 0.0
    words = set(norm(text).split())
    # a street word names a street only beside other words: a lone "ST" is a tax code
    named = street_words(lk, words)
    street = bool(named) and bool(words - named)
    postcode = 0.5 * bool(POSTCODE.search(text))
    if not re.search(r"[^\W\d_]", text):
        return postcode  # without a letter, commas and numbers make a phone number ("03-3279 1851,")
    street = street or bool(_UNIT.search(text) or _HOUSE_AND_DIRECTION.match(text) or (lk.street_mark and lk.street_mark.search(text)))
    score = postcode + 0.4 * street + 0.4 * bool(lk.region.search(text))
    score += 0.1 * min(text.count(","), 2) + 0.2 * bool(re.search(r"(?i)\bno\.?\s?\d|\d+[a-z]?,", text))
    return min(score, 1.0)


def legal_form(lk: Look, line: Line) -> tuple[int, int] | None:
    """Line-relative (start, end) of the first legal form, run on through the forms that
    follow it ("GmbH & Co. KG", "CO. (M) BHD"); a form opening a bracket is a registration note
    and "CO. REG. NO" labels a company number."""
    text = line.text
    if text not in lk.legal_forms:
        if len(lk.legal_forms) >= ADDRESS_SCORES_KEPT:
            lk.legal_forms.clear()
        lk.legal_forms[text] = _legal_form(lk, text)
    return lk.legal_forms[text]


def _legal_form(lk: Look, text: str) -> tuple[int, int] | None:
    found = [
        m for m in lk.legal.finditer(text)
        if not text[: m.start()].rstrip().endswith("(") and not _CO_LABEL.match(text, m.start())
    ]
    if not found:
        return None
    start, end = found[0].start(), found[0].end()
    for m in found[1:]:
        if not re.fullmatch(r"[\s&,.]*(?:\(\w{1,3}\))?[\s&,.]*", text[end : m.start()]):
            break
        end = m.end()
    return start, end


def is_company_no(lk: Look, text: str) -> bool:
    """The line is a company number or its label (where a cue pack says what they look like)."""
    if lk.company_number_line is None:
        return False
    m = lk.company_number_line.fullmatch(text)
    return bool(m) and bool(m.group("no") or (lk.company_number_label and lk.company_number_label.match(text)))


def registered(ctx: Context, lk: Look, line: Line) -> bool:
    """A company number is printed beside the line or on the line under it: the registry's
    mark of a legal entity, as strong as a legal form (brand names and slogans carry none).
    The last line of an address often sits above the number too, so it does not count."""
    if lk.registration is not None and lk.registration.search(line.text):
        return True
    if line.index + 1 >= len(ctx.lines) or ctx.lines[line.index + 1].page != line.page:
        return False
    return is_company_no(lk, ctx.lines[line.index + 1].text) and address_score(lk, line.text) < 0.3


def names_party(lk: Look, line: Line) -> bool:
    """The line names a company (a legal form or a company number), so it is no address
    line; "KG." (kampung) reads as a legal form, so a line with a postcode still counts, and
    so does one that opens with the form and goes on ("KG. BATU,"): a name ends with its form."""
    if (lk.registration is not None and lk.registration.search(line.text)) or is_company_no(lk, line.text):
        return True
    form = legal_form(lk, line)
    if form is None or POSTCODE.search(line.text):
        return False
    return bool(line.text[: form[0]].strip()) or not re.search(r"\w", line.text[form[1] :])


def opens(ctx: Context, lk: Look, scores: list[float], i: int) -> bool:
    """Whether an address block starts at line ``i``: it has cues, or weak ones ("NO. 19 & 21")
    and the next line has cues; a line naming the company does not, nor a note in brackets
    (a branch, "(SHOP (95874))") above it."""
    if names_party(lk, ctx.lines[i]) or re.fullmatch(r"\s*\(.*\)\s*", ctx.lines[i].text):
        return False
    return scores[i] >= 0.3 or (scores[i] > 0 and i + 1 < len(scores) and scores[i + 1] >= 0.3)
