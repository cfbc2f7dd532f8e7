"""Kleister NDA: NDAs filed with SEC EDGAR, labelled with parties, governing law, date and term.

Rows of ``train/in.tsv.xz`` (filename, keys, four text layers) pair line by line
with ``train/expected.tsv`` (space-separated ``key=value``; spaces and colons in
values written ``_``; ``party`` repeats; a key without an answer is absent).

Each example carries the PDF path (for the full pipeline) and a pre-parsed
document built from the ``text_best`` layer, so evaluation can skip PDF parsing.

The dataset's metric is micro F1 over ``key=value`` pairs, upper-cased.
:func:`exact` is that comparison on typed values (not printed text), each
written as its output item would be (ISO dates, ``1_YEAR``/``2_YEARS`` terms,
names upper-cased as printed).
:func:`normalise` also folds the labels' writing conventions for names (the
labellers dropped commas, wrote "&" as "and" and unified legal suffixes), so
"NIKE, Inc." compares with the label ``Nike_Inc.``.
"""

from __future__ import annotations

import csv
import lzma
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from eval.datasets import Example
from pipeline.state import PAGE_BREAK, Page, ParsedDocument

NAME = "kleister_nda"
SCHEMA = "nda"
FIELDS = ("party", "jurisdiction", "effective_date", "term")

_ESCAPES = {"n": "\n", "f": PAGE_BREAK, "t": "\t", "\\": "\\"}
_ESCAPE = re.compile(r"\\([nft\\])")
TEXT_COLUMN = 5  # text_best: the djvu layer, or tesseract's where that is much longer


def unescape(text: str) -> str:
    """The text layer with the TSV escapes (``\\n``, ``\\f``, ``\\t``, ``\\\\``) decoded."""
    return _ESCAPE.sub(lambda m: _ESCAPES[m.group(1)], text)


def decode_labels(line: str) -> dict[str, Any]:
    """``party=A_B party=C jurisdiction=New_York`` -> ``{"party": ["A B", "C"], ...}``.

    Underscores go back to spaces (a colon written ``_`` cannot be told apart and
    reads as a space too); ``party`` is always a list, the other keys single values.
    """
    gold: dict[str, Any] = {"party": []}
    for pair in line.split():
        key, _, value = pair.partition("=")
        value = value.replace("_", " ")
        if key == "party":
            gold["party"].append(value)
        else:
            gold[key] = value
    return gold


def parsed_document(text: str) -> ParsedDocument:
    """One Page per form-feed-separated page, offsets into the whole text."""
    pages, start = [], 0
    for number, page_text in enumerate(text.split(PAGE_BREAK), start=1):
        pages.append(Page(number=number, start=start, end=start + len(page_text)))
        start += len(page_text) + len(PAGE_BREAK)
    return ParsedDocument(text=text, pages=pages, parser="kleister_text_best")


def load(root: Path) -> Iterator[Example]:
    """The labelled train rows as Examples (id = the PDF's file stem)."""
    csv.field_size_limit(sys.maxsize)  # a text layer is one (large) TSV cell
    split = root / "train"
    labels = (split / "expected.tsv").read_text(encoding="utf-8").splitlines()
    with lzma.open(split / "in.tsv.xz", "rt", encoding="utf-8") as f:
        rows = csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE)
        for row, label in zip(rows, labels, strict=True):
            filename, keys = row[0], row[1]
            yield Example(
                id=Path(filename).stem,
                gold=decode_labels(label),
                path=root / "documents" / filename,
                parsed=parsed_document(unescape(row[TEXT_COLUMN])),
                meta={"keys": keys.split()},
            )


# Legal-form suffixes as the labels write them ("Escalade, Incorporated" is
# labelled "Escalade Inc."); applied to gold and prediction alike.
_SUFFIXES = [
    (re.compile(r"\bINCORPORATED$|\bINC\.?$"), "INC."),
    (re.compile(r"\bLIMITED$|\bLTD\.?$"), "LTD."),
    (re.compile(r"\bCORP\.?$"), "CORP."),
    (re.compile(r"\bCO\.?$"), "CO."),
    (re.compile(r"\bL\.\s?P\.?$"), "LP"),
    (re.compile(r"\bL\.\s?L\.\s?C\.?$"), "LLC"),
]
_QUOTES = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"'})


def _party(value: str) -> str:
    s = value.upper().translate(_QUOTES).replace("&", " AND ").replace(",", " ")
    s = re.sub(r"\s+", " ", s).strip()
    for pattern, canonical in _SUFFIXES:
        s = pattern.sub(canonical, s)
    return s


def _term(value: str) -> str:
    """"1 years" (the schema's form) -> "1 YEAR" (the labels': singular for one)."""
    m = re.fullmatch(r"(\d+(?:\.\d+)?)[ _]([A-Za-z]+?)s?", value.strip())
    if not m:
        return value.upper()
    number, unit = m.groups()
    return f"{number} {unit}{'' if number == '1' else 's'}".upper()


def exact(field: str, value: Any) -> str | None:
    """The value as a ``key=value`` output item, upper-cased: the dataset's own metric."""
    if value is None or value == "":
        return None
    s = _term(str(value)) if field == "term" else str(value).upper()
    return re.sub(r"[\s:]+", "_", s.strip())


def normalise(field: str, value: Any) -> str | None:
    """:func:`exact`, with parties' writing conventions folded on both sides: commas
    dropped, "&" read as "and", curly quotes straight, legal suffixes in one form."""
    if field == "party" and value is not None:
        value = _party(str(value))
    return exact(field, value)
