"""Learned label anchors: labels printed before corrected values become aliases, gated like any candidate."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from eval import anchors, evalsets, optimise
from pipeline import prompts
from pipeline.config import Settings
from pipeline.store import Store
from tests.eval.test_optimise import receipts


@pytest.fixture
def store(tmp_path: Path) -> Store:
    s = Store(f"sqlite:///{tmp_path / 'db.sqlite'}")
    s.migrate()
    return s


def test_labels_before_a_value_on_its_line_or_the_line_above():
    text = "KEDAI MAJU\nBAYARAN AKHIR: RM 7.50\nCASH 10.00\nJUMLAH BERSIH\n12.40\n"
    assert anchors.labels_before(text, "money", "7.50") == {"bayaran akhir"}
    assert anchors.labels_before(text, "money", "12.40") == {"jumlah bersih"}
    assert anchors.labels_before(text, "money", "99.00") == set()  # not printed: nothing to learn


def test_learns_the_label_of_the_value_not_one_printed_everywhere(store, tmp_path):
    path = tmp_path / "receipts.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in receipts(40)))
    evalset = evalsets.build(store, "receipts", "receipt", [str(path)])
    learned = anchors.learn(evalset)
    assert learned["total"] == ["bayaran akhir"]  # CASH is printed on every receipt, before the total on none

    candidate = anchors.candidate(store, evalset, prompts.active(store), "opt")
    assert candidate.anchors["receipt"]["total"] == ["bayaran akhir"]
    result = optimise.gate(store, evalset, candidate, "opt", "test", ["rules"], Settings(home=tmp_path, llm_provider="none"))
    assert result.promoted and prompts.active(store).version == candidate.version
