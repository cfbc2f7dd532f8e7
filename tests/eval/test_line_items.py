"""Line-item scoring: the hand-written gold lines of the Parsee invoices and how rows are matched."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

from eval.line_items import _misses, line_labels, row_counts

DATA = Path(__file__).resolve().parents[2] / ".." / "shared" / "datasets" / "parsee_invoices"


def test_every_parsee_invoice_has_gold_lines_that_sum_to_its_printed_subtotal():
    gold = line_labels()
    files = [json.loads(line) for line in (DATA / "labels.jsonl").read_text().splitlines() if line.strip()]
    assert {f["sha256"] for f in files} == set(gold)
    for label in gold.values():
        assert label["items"] and all(set(item) == {"description", "quantity", "unit_price", "amount"} for item in label["items"])
        assert sum(Decimal(i["amount"]) for i in label["items"]) == Decimal(label["subtotal"]), label["file"]


def test_a_row_counts_only_with_description_quantity_and_amount_right_and_misses_name_the_rest():
    gold = [
        {"description": "Pro team plan", "quantity": "1.0", "amount": "19.00"},
        {"description": "Git  Contributors", "quantity": "1", "amount": "19.00"},
    ]
    predicted = [
        {"description": "pro team plan", "quantity": "1", "amount": "19"},  # case, spacing, decimals folded
        {"description": "Git Contributors 11/12/2023", "quantity": "1", "amount": "19.00"},  # a column too many
    ]
    assert row_counts(predicted, gold) == (1, 2, 2)
    assert _misses(predicted, gold) == {
        "wrong": [["git contributors 11/12/2023", "1.00", "19.00"]],
        "missed": [["git contributors", "1.00", "19.00"]],
    }
