"""Whether a value looks like a value of its kind, as printed: a gate on auto-acceptance.

A confident extractor can still be fooled: the word "an" after "Invoice" read as the
invoice number, a page number read as an amount. Such a value is kept and shown to a
person, but never auto-accepted, whatever its calibrated confidence: confidence is
learned from past documents, and these are the cases a new layout produces.

Each check reads the value and the printed text it was grounded on (its evidence).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from pipeline.state import FieldResult
from schemas.types import ISO_4217, _CURRENCY_SYMBOLS

Check = Callable[[Any, str], str | None]  # (value, printed evidence) -> reason it is implausible, or None

_DECIMALS = re.compile(r"\d[.,]\d{1,3}(?!\d)")
_CURRENCY_MARK = re.compile(
    "|".join(sorted((re.escape(s) for s in _CURRENCY_SYMBOLS), key=len, reverse=True))
    + r"|\b(?:" + "|".join(sorted(ISO_4217)) + r")\b",
    re.I,
)


def identifier(value: Any, printed: str) -> str | None:
    """Identifiers (invoice numbers, registration numbers) carry a digit; a word is no identifier."""
    text = str(value).strip()
    if not re.search(r"\d", text):
        return "identifier without a digit"
    if len(re.sub(r"\W", "", text)) < 2:
        return "identifier too short"
    return None


def money(value: Any, printed: str) -> str | None:
    """An amount is printed as one: with decimals or a currency mark. A bare small integer
    ("3" of "page 3 of 5", a quantity, a clause number) is not taken on trust."""
    if _DECIMALS.search(printed) or _CURRENCY_MARK.search(printed):
        return None
    return "amount printed without decimals or currency"


def name(value: Any, printed: str) -> str | None:
    """A name (party, company, place) has letters and is not a lone common word."""
    text = str(value).strip()
    if not re.search(r"[^\W\d_]{2}", text):
        return "name without letters"
    if text.casefold() in ENGLISH_STOP_WORDS:
        return "name is a common word"
    return None


CHECKS: dict[str, Check] = {
    "identifier": identifier,
    "money": money,
    "organization": name,
    "jurisdiction": name,
    "address": name,
}


def implausible(kind: str, result: FieldResult) -> str | None:
    """Why the field's value is not plausibly of ``kind`` (each item of a list checked), or None."""
    check = CHECKS.get(kind)
    if check is None or result.value in (None, "", []):
        return None
    values = result.value if isinstance(result.value, list) else [result.value]
    printed = [s.text for s in result.evidence]
    for i, value in enumerate(values):
        # evidence is one span per item for lists when it lines up, else all of it
        text = printed[i] if len(printed) == len(values) else " ".join(printed)
        if reason := check(value, text):
            return f"implausible {kind}: {reason}"
    return None
