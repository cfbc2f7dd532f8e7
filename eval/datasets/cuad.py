"""CUAD: 50 commercial contracts (EDGAR exhibits, up to ~100 pages) labelled by lawyers.

Read with a plain JSON Schema a user would write (``eval/schemas/contract.json``:
parties, agreement date, governing law, expiration date; no docloop hints), so the
figures say what an unseen schema gets. Each example carries the shipped text as its
parsed document (form feeds separate pages when present).

Labels (``labels.jsonl``): ``Parties`` is ``;``-separated with defined terms in
parentheses, dates are ``m/d/yy``. An expiration that is no date ("perpetual", "5
years after ...") is not a value of a date field and is left out of the gold. The
score: dates as ISO (month first), governing law case-folded without "State of",
parties as a set after dropping parentheticals, punctuation and legal suffixes.

``FIELDS`` are scored on every run (the built-in table). ``MORE_FIELDS``, the other typed
answers, are scored where ``--as`` maps a schema's field to them: ``document_name`` (the agreement's title, case-folded without punctuation),
``effective_date`` (a date as above), ``renewal_term`` and ``renewal_notice_period``
("Renewal Term", "Notice Period To Terminate Renewal") as periods, one (number, unit)
pair compared the way Kleister's ``term`` is (``kleister_nda.exact``: "1 YEAR", "30
DAYS"). A renewal term is the length of one renewal: "successive 1 year" is (1, year),
"2 successive 5 years" (two renewals of five years each) is (5, year). Units are not
converted: "0.5 year" is not "6 months".
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from eval.datasets import Example
from eval.datasets.kleister_nda import exact as kleister_exact, parsed_document
from schemas.types import parse_date, parse_term

NAME = "cuad"
SCHEMA = "commercial_contract"
FIELDS = ("parties", "agreement_date", "governing_law", "expiration_date")
# scored only where the schema read asks for them (see eval.run.evaluate)
MORE_FIELDS = ("document_name", "effective_date", "renewal_term", "renewal_notice_period")
_LABELS = {
    "parties": "Parties", "agreement_date": "Agreement Date", "governing_law": "Governing Law",
    "expiration_date": "Expiration Date", "document_name": "Document Name", "effective_date": "Effective Date",
    "renewal_term": "Renewal Term", "renewal_notice_period": "Notice Period To Terminate Renewal",
}
_DATES = ("agreement_date", "expiration_date", "effective_date")
_PERIODS = ("renewal_term", "renewal_notice_period")


def _gold_date(text: str) -> str | None:
    parsed = parse_date(text, day_first=False) if re.fullmatch(r"\s*\d{1,2}/\d{1,2}/\d{2,4}\s*", text or "") else None
    return parsed.isoformat() if parsed else None


def parties(text: str) -> list[str]:
    """``A Inc. ("A"); B LLC ("B")`` -> ``["A Inc.", "B LLC"]`` (each name without its defined terms)."""
    names = [re.sub(r"\s*\(.*", "", part, flags=re.S).strip(" ,;") for part in (text or "").split(";")]
    return [n for n in names if n]


# a number (digits, possibly a fraction) right before its unit: "1 year", "0.5 year", "30 days"
_PERIOD = re.compile(r"(?i)(\d+(?:\.\d+)?)\s*[-_ ]?\s*(year|month|week|day)s?\b")


def period(text: Any) -> str | None:
    """A period as its (number, unit) pair, written as Kleister writes a term ("1 YEAR",
    "30 DAYS"): the last number before a unit, so "2 successive 5 years" is "5 YEARS" (one
    renewal's length); words read as numbers ("thirty (30) days"); None without a period."""
    found = list(_PERIOD.finditer(str(text or "")))
    if found:
        number, unit = found[-1].groups()
        return kleister_exact("term", f"{number} {unit.lower()}s").replace("_", " ")
    words = parse_term(text)
    return kleister_exact("term", words).replace("_", " ") if words else None


def gold(answers: dict[str, str]) -> dict[str, Any]:
    out: dict[str, Any] = {"parties": parties(answers.get(_LABELS["parties"], ""))}
    for name in _DATES:
        if value := _gold_date(answers.get(_LABELS[name], "")):
            out[name] = value
    for name in _PERIODS:
        if value := period(answers.get(_LABELS[name], "")):
            out[name] = value
    if law := answers.get(_LABELS["governing_law"], "").strip():
        out["governing_law"] = law
    if title := re.sub(r"\s+", " ", answers.get(_LABELS["document_name"], "")).strip():
        out["document_name"] = title
    return out


def load(root: Path) -> Iterator[Example]:
    """One example per labelled contract (id = the text file's stem)."""
    for line in (root / "labels.jsonl").read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        path = root / row["txt"]
        yield Example(
            id=path.stem,
            gold=gold(row["answers"]),
            path=root / row["pdf"],
            parsed=parsed_document(path.read_text(encoding="utf-8", errors="replace")),
        )


_SUFFIX = re.compile(
    r"\b(?:incorporated|inc|corporation|corp|company|co|limited|ltd|llc|l\s?l\s?c|lp|l\s?p|llp|plc|gmbh|ag|sa|s\s?a|bv|nv|pte|pty|ab)\b\.?"
)


def normalise(field: str, value: Any) -> str | None:
    """The comparable form of a gold or predicted value under the dataset's score."""
    if value is None or str(value).strip() == "":
        return None
    text = str(value).strip()
    if field in _DATES:
        parsed = parse_date(text, day_first=False)
        return parsed.isoformat() if parsed else text
    if field in _PERIODS:
        return period(text) or text.casefold()
    folded = text.casefold().replace("’", "'").replace("&", " and ")
    if field == "governing_law":
        folded = re.sub(r"\b(?:the\s+)?(?:laws?\s+of\s+(?:the\s+)?)?(?:state|commonwealth)\s+of\s+", "", folded)
    elif field != "document_name":
        folded = re.sub(r"\s*\(.*", "", folded, flags=re.S)
        folded = re.sub(r"\bd/b/a\b.*", "", folded)
        folded = re.sub(r"^the\s+", "", folded)
    folded = re.sub(r"[^\w\s]", " ", folded)
    if field == "parties":
        folded = _SUFFIX.sub(" ", folded)
    return re.sub(r"\s+", " ", folded).strip() or None
