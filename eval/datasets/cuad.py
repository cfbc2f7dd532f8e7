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
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from eval.datasets import Example
from eval.datasets.kleister_nda import parsed_document
from schemas.types import parse_date

NAME = "cuad"
SCHEMA = "commercial_contract"
FIELDS = ("parties", "agreement_date", "governing_law", "expiration_date")
_LABELS = {"parties": "Parties", "agreement_date": "Agreement Date", "governing_law": "Governing Law", "expiration_date": "Expiration Date"}


def _gold_date(text: str) -> str | None:
    parsed = parse_date(text, day_first=False) if re.fullmatch(r"\s*\d{1,2}/\d{1,2}/\d{2,4}\s*", text or "") else None
    return parsed.isoformat() if parsed else None


def parties(text: str) -> list[str]:
    """``A Inc. ("A"); B LLC ("B")`` -> ``["A Inc.", "B LLC"]`` (each name without its defined terms)."""
    names = [re.sub(r"\s*\(.*", "", part, flags=re.S).strip(" ,;") for part in (text or "").split(";")]
    return [n for n in names if n]


def gold(answers: dict[str, str]) -> dict[str, Any]:
    out: dict[str, Any] = {"parties": parties(answers.get(_LABELS["parties"], ""))}
    for name in ("agreement_date", "expiration_date"):
        if value := _gold_date(answers.get(_LABELS[name], "")):
            out[name] = value
    if law := answers.get(_LABELS["governing_law"], "").strip():
        out["governing_law"] = law
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
    if field in ("agreement_date", "expiration_date"):
        parsed = parse_date(text, day_first=False)
        return parsed.isoformat() if parsed else text
    folded = text.casefold().replace("’", "'").replace("&", " and ")
    if field == "governing_law":
        folded = re.sub(r"\b(?:the\s+)?(?:laws?\s+of\s+(?:the\s+)?)?(?:state|commonwealth)\s+of\s+", "", folded)
    else:
        folded = re.sub(r"\s*\(.*", "", folded, flags=re.S)
        folded = re.sub(r"\bd/b/a\b.*", "", folded)
        folded = re.sub(r"^the\s+", "", folded)
    folded = re.sub(r"[^\w\s]", " ", folded)
    if field == "parties":
        folded = _SUFFIX.sub(" ", folded)
    return re.sub(r"\s+", " ", folded).strip() or None
