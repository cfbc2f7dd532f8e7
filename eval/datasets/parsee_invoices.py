"""parsee.ai invoices: 15 born-digital invoices (English and German) as PDFs.

The pipeline parses each PDF itself (``Example.path``). The dataset's score:
amounts and the VAT rate as numbers at two decimals, the date as ISO, the
currency code exactly, the issuer case-folded without punctuation.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from eval.datasets import Example
from schemas.types import parse_currency, parse_date, parse_money, parse_percent

NAME = "parsee_invoices"
SCHEMA = "invoice"
FIELDS = ("issuer", "date", "total", "currency", "vat_rate")


def load(root: Path) -> Iterator[Example]:
    """One example per labelled PDF (id = the file's stem), in label-file order."""
    for line in (root / "labels.jsonl").read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        path = root / row["file"]
        yield Example(
            id=path.stem,
            gold={k: row[k] for k in FIELDS if row.get(k) not in (None, "")},
            path=path,
            meta={"sha256": row.get("sha256")},
        )


def normalise(field: str, value: Any) -> str | None:
    """The comparable form of a gold or predicted value under the dataset's score."""
    if value is None or value == "":
        return None
    text = str(value).strip()
    if field == "total":
        amount = parse_money(text)
        return f"{amount:.2f}" if amount is not None else text
    if field == "vat_rate":
        rate = parse_percent(text)
        return f"{rate:.2f}" if rate is not None else text
    if field == "currency":
        return parse_currency(text) or text.upper()
    if field == "date":
        parsed = parse_date(text)
        return parsed.isoformat() if parsed else text
    return re.sub(r"\s+", " ", re.sub(r"[^\w\s]", "", text.casefold())).strip() or None
