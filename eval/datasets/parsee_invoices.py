"""parsee.ai invoices: 15 born-digital invoices (English and German) as PDFs.

The pipeline parses each PDF itself (``Example.path``). The dataset's score:
amounts and the VAT rate as numbers at two decimals, the date as ISO, the
currency code exactly, the issuer case-folded without punctuation.

Besides the dataset's own five labels, each example carries the header fields users
ask for, read off the documents by hand (``parsee_header.jsonl``, conventions in
``parsee_header.md``): ``MORE_FIELDS``. They are scored only where ``--as`` maps a
schema's field to one of them (``eval.run.asked_for``), so the built-in invoice's table stays the dataset's.
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
MORE_FIELDS = ("invoice_number", "due_date", "subtotal", "tax_amount", "customer", "issuer_tax_id", "po_number")
HEADER_LABELS = Path(__file__).resolve().parent / "parsee_header.jsonl"

_AMOUNTS = frozenset({"total", "subtotal", "tax_amount"})
_DATES = frozenset({"date", "due_date"})
_IDENTIFIERS = frozenset({"invoice_number", "issuer_tax_id", "po_number"})


def header_labels(path: Path = HEADER_LABELS) -> dict[str, dict[str, Any]]:
    """The hand-read header fields by the PDF's sha256 (so a renamed file is still found)."""
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return {row["sha256"]: row for row in rows}


def load(root: Path) -> Iterator[Example]:
    """One example per labelled PDF (id = the file's stem), in label-file order."""
    header = header_labels()
    for line in (root / "labels.jsonl").read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        path = root / row["file"]
        extra = header.get(row.get("sha256"), {})
        labelled = {k: row[k] for k in FIELDS} | {k: extra.get(k) for k in MORE_FIELDS}
        yield Example(
            id=path.stem,
            gold={k: v for k, v in labelled.items() if v not in (None, "")},
            path=path,
            meta={"sha256": row.get("sha256")},
        )


def normalise(field: str, value: Any) -> str | None:
    """The comparable form of a gold or predicted value under the dataset's score."""
    if value is None or value == "":
        return None
    text = str(value).strip()
    if field in _AMOUNTS:
        amount = parse_money(text)
        return f"{amount:.2f}" if amount is not None else text
    if field == "vat_rate":
        rate = parse_percent(text)
        return f"{rate:.2f}" if rate is not None else text
    if field == "currency":
        return parse_currency(text) or text.upper()
    if field in _DATES:
        parsed = parse_date(text)
        return parsed.isoformat() if parsed else text
    if field in _IDENTIFIERS:  # as printed, but for spacing, case and a number sign before it
        return re.sub(r"\s+", "", text).lstrip("#").casefold() or None
    return re.sub(r"\s+", " ", re.sub(r"[^\w\s]", "", text.casefold())).strip() or None
