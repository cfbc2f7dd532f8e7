"""ICDAR 2019 SROIE task 3: scanned Malaysian receipts as OCR rows, four labelled fields.

Each receipt becomes a plain one-page document: its OCR rows joined by newlines
in file order, one :class:`Word` per whitespace token with a box cut from its
row's box in proportion to the characters before it. Two metrics: the official
one (whole strings equal) and a normalised one (see :func:`normalise`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from eval.datasets import Example
from pipeline.state import Page, ParsedDocument, Word
from schemas.types import parse_date, parse_money

NAME = "sroie"
SCHEMA = "receipt"
FIELDS = ("company", "date", "address", "total")


def read_rows(path: Path) -> list[tuple[tuple[float, float, float, float], str]]:
    """(box, text) per OCR row; the box is the quadrilateral's bounding rectangle."""
    rows = []
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        parts = line.split(",", 8)
        if len(parts) < 9:
            continue
        xs, ys = [float(v) for v in parts[0:8:2]], [float(v) for v in parts[1:8:2]]
        rows.append(((min(xs), min(ys), max(xs), max(ys)), parts[8].strip()))
    return rows


def document(rows: list[tuple[tuple[float, float, float, float], str]]) -> ParsedDocument:
    """The receipt as a plain document: rows as lines, tokens as words with proportional boxes."""
    words: list[Word] = []
    offset = 0
    for (x0, y0, x1, y1), text in rows:
        per_char = (x1 - x0) / max(len(text), 1)
        for m in re.finditer(r"\S+", text):
            words.append(
                Word(
                    text=m.group(),
                    start=offset + m.start(),
                    end=offset + m.end(),
                    bbox=(x0 + per_char * m.start(), y0, x0 + per_char * m.end(), y1),
                )
            )
        offset += len(text) + 1
    text = "\n".join(t for _, t in rows)
    boxes = [b for b, _ in rows]
    page = Page(
        number=1,
        start=0,
        end=len(text),
        width=max((b[2] for b in boxes), default=None),
        height=max((b[3] for b in boxes), default=None),
        ocr=True,
        words=words,
    )
    return ParsedDocument(text=text, pages=[page], parser="sroie-ocr-rows")


def load(root: Path) -> Iterator[Example]:
    """Every labelled receipt under ``root/train`` in id order."""
    images = root / "images"
    for box in sorted((root / "train" / "box").glob("*.txt")):
        entities = root / "train" / "entities" / box.name
        if not entities.exists():
            continue
        gold = json.loads(entities.read_text(encoding="utf-8", errors="replace"))
        image = images / f"{box.stem}.jpg"
        yield Example(
            id=box.stem,
            gold={k: gold[k] for k in FIELDS if gold.get(k)},
            path=image if image.exists() else None,
            parsed=document(read_rows(box)),
            meta={"image": str(image)} if image.exists() else {},
        )


def normalise(field: str, value: Any) -> str | None:
    """The comparable form under the normalised metric: dates as ISO (day first), totals as a
    decimal at two places, company and address upper-cased without punctuation or spaces."""
    if value is None or value == "":
        return None
    if field == "date":
        parsed = parse_date(str(value), day_first=True)
        return parsed.isoformat() if parsed else str(value).strip()
    if field == "total":
        amount = parse_money(re.sub(r"(?i)rm|\$|,", "", str(value)))
        return f"{amount:.2f}" if amount is not None else str(value).strip()
    return re.sub(r"[\W_]+", "", str(value).upper()) or None


def official(field: str, value: Any) -> str | None:
    """The comparable form under the official metric: the whole string as printed."""
    return None if value is None or value == "" else str(value).strip()
