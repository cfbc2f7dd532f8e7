"""Typed field values and the parsers that normalise printed text into them.

The same parsers serve schema validation and, through the value kinds
(``pipeline.kinds``), the finders' typed matching and grounding (which compares
typed values, so "$8,000.00" grounds 8000). Each parser returns ``None`` when
the text is not of its type.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

import dateparser
from price_parser import Price
from pydantic import BeforeValidator, Field, PlainSerializer

_DATE_SETTINGS = {
    "PREFER_DAY_OF_MONTH": "first",
    "REQUIRE_PARTS": ["day", "month", "year"],
    "RETURN_AS_TIMEZONE_AWARE": False,
}
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_NUMERIC_DATE = re.compile(r"^\s*(\d{1,4})[./-](\d{1,2})[./-](\d{1,4})\s*$")
# year, month and day marked with the Chinese/Japanese or Korean characters for them:
# "2024年3月8日", "2024년 3월 8일"
_MARKED_YMD = re.compile(r"(\d{4})\s?[年년]\s?(\d{1,2})\s?[月월]\s?(\d{1,2})\s?[日일]")


def parse_date(text: Any, day_first: bool = True) -> date | None:
    """A calendar date from printed text in any common format, or None."""
    if text is None:
        return None
    if isinstance(text, datetime):
        return text.date()
    if isinstance(text, date):
        return text
    s = str(text).strip()
    if not s or len(s) > 40 or not re.search(r"\d", s):
        return None
    if m := _MARKED_YMD.fullmatch(s):
        s = "-".join(m.groups())
    if _ISO.match(s):
        try:
            return date.fromisoformat(s)
        except ValueError:
            return None
    settings = dict(_DATE_SETTINGS, DATE_ORDER="DMY" if day_first else "MDY")
    if _NUMERIC_DATE.match(s) and len(_NUMERIC_DATE.match(s).group(1)) == 4:
        settings["DATE_ORDER"] = "YMD"
    parsed = dateparser.parse(s, settings=settings, languages=["en", "de", "fr", "ms"])
    if parsed is None or not (1900 <= parsed.year <= 2100):
        return None
    return parsed.date()


_CURRENCY_SYMBOLS = {
    "$": "USD", "US$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY", "RM": "MYR", "S$": "SGD",
    "A$": "AUD", "C$": "CAD", "CHF": "CHF", "₹": "INR", "R$": "BRL", "zł": "PLN", "kr": "SEK",
    "Rs": "INR", "Rs.": "INR",
    "R": "ZAR", "MX$": "MXN", "NZ$": "NZD", "HK$": "HKD",
}
# currencies printed with a bare "$" (or "¥", "kr") as well as their code: where a document
# prints one of these codes, its bare sign means that currency, not the sign's default
SHARED_SIGNS = {
    "$": frozenset("USD CAD AUD NZD SGD HKD MXN ARS CLP COP".split()),
    "¥": frozenset({"JPY", "CNY"}),
    "kr": frozenset({"SEK", "NOK", "DKK"}),
}
ISO_4217 = frozenset(
    "USD EUR GBP JPY CHF CAD AUD NZD SGD MYR HKD CNY INR BRL MXN SEK NOK DKK PLN CZK HUF "
    "RON BGN TRY ZAR RUB KRW IDR THB PHP VND AED SAR ILS EGP NGN KES ARS CLP COP PEN".split()
)


def parse_currency(text: Any) -> str | None:
    """An ISO 4217 code from a code or a symbol."""
    if text is None:
        return None
    s = str(text).strip()
    if s.upper() in ISO_4217:
        return s.upper()
    if s in _CURRENCY_SYMBOLS:
        return _CURRENCY_SYMBOLS[s]
    price = Price.fromstring(s)
    if price.currency:
        cur = price.currency.strip()
        return cur.upper() if cur.upper() in ISO_4217 else _CURRENCY_SYMBOLS.get(cur)
    return None


_SCIENTIFIC = re.compile(r"-?\d+(?:\.\d+)?[eE][+-]?\d+")


# a number below one printed with three or more decimals: never thousands, whatever its mark
_BELOW_ONE = re.compile(r"[^\d\s]{0,3}\s*0[.,](\d{3,})\s*[^\d\s]{0,3}")
# a minus before the number, with at most a currency around it; an en dash is a separator
_NEGATIVE = re.compile(r"\s*(?:[^\W\d]{1,3}\s+|[^\w\s]\s*)?[-\u2212]\s*(?:[^\W\d]{1,3}|[^\w\s])?\s*\d")


def parse_money(text: Any) -> Decimal | None:
    """An amount from printed money ("RM 1,234.50", "1.234,50 €", "8000") as a Decimal."""
    if text is None:
        return None
    if isinstance(text, (int, Decimal)):
        return Decimal(text)
    if isinstance(text, float):
        return Decimal(str(text))
    s = str(text).strip()
    if not re.search(r"\d", s) or len(s) > 40:
        return None
    if _SCIENTIFIC.fullmatch(s):
        return Decimal(s).quantize(Decimal("0.01"))
    if m := _BELOW_ONE.fullmatch(s):  # "0.150", "0,600": no thousands start with a nought
        return (-1 if _NEGATIVE.match(s) else 1) * Decimal(f"0.{m[1]}").quantize(Decimal("0.01"))
    amount = Price.fromstring(s).amount
    if amount is None:
        return None
    try:
        # price_parser reads magnitudes; a credit's sign is ours to keep ("-12.26", "EUR -5,00")
        return (-1 if _NEGATIVE.match(s) else 1) * Decimal(amount).quantize(Decimal("0.01"))
    except InvalidOperation:
        return None


def parse_percent(text: Any) -> Decimal | None:
    if text is None:
        return None
    if isinstance(text, (int, float, Decimal)):
        return Decimal(str(text))
    if _SCIENTIFIC.fullmatch(str(text).strip()):  # "2E+1" is 20, not the 2 read before the E
        return Decimal(str(text).strip())
    m = re.search(r"(\d+(?:[.,]\d+)?)\s*%?", str(text))
    return Decimal(m.group(1).replace(",", ".")) if m else None


_ONES = "one two three four five six seven eight nine".split()
_TEENS = "ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen".split()
_TENS = "twenty thirty forty fifty sixty seventy eighty ninety".split()
# a count written in words up to ninety-nine, as contracts spell them ("twenty four (24)
# months", "forty-five days"); longer words first so "seventeen" is not read as "seven"
COUNT_WORDS = (
    rf"(?:(?:{'|'.join(_TENS)})(?:[-\s]+(?:{'|'.join(_ONES)})\b)?|"
    rf"{'|'.join(sorted(_ONES + _TEENS, key=len, reverse=True))})"
)


def count_in_words(text: str) -> int:
    """The number a ``COUNT_WORDS`` match spells ("twenty four" -> 24)."""
    values = {w: i for i, w in enumerate([""] + _ONES + _TEENS)} | {w: 20 + 10 * i for i, w in enumerate(_TENS)}
    return sum(values[w] for w in re.split(r"[-\s]+", text.lower().strip()))


_TERM = re.compile(
    rf"(?:(?P<digits>\d+)|\b(?P<words>{COUNT_WORDS})\b)\s*(?:\(\s*(?P<paren>\d+)\s*\)\s*)?[-_ ]?"
    r"(?:calendar\s+)?(?P<unit>year|month|week|day)s?",
    re.IGNORECASE,
)


def parse_term(text: Any) -> str | None:
    """A duration as "N unit" ("three (3) years" -> "3 years"); digits in brackets are the
    count where words and digits are both printed."""
    if text is None:
        return None
    m = _TERM.search(str(text))
    if not m:
        return None
    digits = m["paren"] or m["digits"]
    n = int(digits) if digits else count_in_words(m["words"])
    return f"{n} {m['unit'].lower()}s"


def clean_text(text: Any) -> str | None:
    """Whitespace collapsed; empty becomes None."""
    if text is None:
        return None
    s = re.sub(r"\s+", " ", str(text)).strip()
    return s or None


def _strict(parser):
    """Wrap a parser so pydantic reports unparseable input instead of silently keeping it."""

    def validate(value: Any) -> Any:
        if value is None or value == "":
            return None
        parsed = parser(value)
        if parsed is None:
            raise ValueError(f"cannot read {value!r} as {parser.__name__.removeprefix('parse_')}")
        return parsed

    return validate


def _kind(name: str) -> Any:
    """Marks a type's kind in its JSON Schema (``x-kind``), which is what the
    pipeline reads, so document types written as JSON Schema work the same."""
    return Field(json_schema_extra={"x-kind": name})


Text = Annotated[str, BeforeValidator(clean_text), _kind("text")]
Organization = Annotated[str, BeforeValidator(clean_text), _kind("organization")]
Address = Annotated[str, BeforeValidator(clean_text), _kind("address")]
Identifier = Annotated[str, BeforeValidator(clean_text), _kind("identifier")]
Jurisdiction = Annotated[str, BeforeValidator(clean_text), _kind("jurisdiction")]
Date = Annotated[date, BeforeValidator(_strict(parse_date)), _kind("date")]
# plain decimal notation in JSON ("20", never "2E+1", which a reader may take for 2)
_PLAIN = PlainSerializer(lambda d: format(d, "f"), return_type=str, when_used="json")
Money = Annotated[Decimal, BeforeValidator(_strict(parse_money)), _PLAIN, _kind("money")]
Currency = Annotated[
    str, BeforeValidator(_strict(parse_currency)), Field(pattern=r"^[A-Z]{3}$"), _kind("currency")
]
Percent = Annotated[Decimal, BeforeValidator(_strict(parse_percent)), _PLAIN, _kind("percent")]
Term = Annotated[
    str,
    BeforeValidator(_strict(parse_term)),
    Field(pattern=r"^\d+ (year|month|week|day)s$"),
    _kind("term"),
]

# a duration's length in days, for a schema that wants it as a number of another unit; a year
# is twelve months exactly, other pairs go through days
_DAYS = {"days": 1, "weeks": 7, "months": 30, "years": 365}


def in_unit(term: str, unit: str) -> int | float:
    """"2 years" as a number of ``unit`` ("months": 24)."""
    n, own = term.split()
    if {own, unit} == {"years", "months"}:
        value = int(n) * 12 if own == "years" else int(n) / 12
    else:
        value = int(n) * _DAYS[own] / _DAYS[unit]
    return int(value) if value == int(value) else round(value, 2)


def term_in(unit: str) -> Any:
    """A duration a schema counts in ``unit`` ("nda_term_months": an integer): read and kept as
    a term ("2 years", so it grounds in the printed words), a bare number taken as ``unit``s
    (a person's "24"), written in JSON as the number of ``unit`` the schema asks for (24)."""
    counted = BeforeValidator(lambda v: f"{v} {unit}" if isinstance(v, (int, float, Decimal)) or str(v).strip().isdigit() else v)
    return Annotated[Term, counted, PlainSerializer(lambda t: in_unit(t, unit), when_used="json")]
