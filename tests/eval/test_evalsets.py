"""Eval sets: built from reviews, datasets and JSONL; versioned; split without leaking near-duplicates;
``docloop eval run --set`` measures and stores runs."""

from __future__ import annotations

import json
from itertools import combinations
from pathlib import Path

import pytest
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics.pairwise import cosine_similarity
from sqlalchemy import select
from typer.testing import CliRunner

from eval import evalsets
from eval.metrics import calibration_error
from pipeline.config import Settings
from pipeline.prompting import PROMPT_VERSION
from pipeline.run import build_pipeline
from pipeline.store import FieldRow, Store
from review_ui import review

# (no change line: with one, cash less change confirms 7.50 and the correction below would change nothing)
RECEIPT = "KEDAI MAJU SDN BHD\nNO 3 JALAN BESAR\n12/03/2019\nNASI LEMAK 5.00\nTEH 2.50\nBAYARAN AKHIR 7.50\nCASH 10.00\n"


@pytest.fixture
def store(tmp_path: Path) -> Store:
    s = Store(f"sqlite:///{tmp_path / 'db.sqlite'}")
    s.migrate()
    return s


def reviewed_receipt(store: Store, tmp_path: Path) -> str:
    """A processed receipt whose total was corrected, date accepted and address rejected."""
    state = build_pipeline(Settings(home=tmp_path, llm_provider="none"), ["rules"], store).process(RECEIPT.encode(), "r.txt", "receipt")
    with store.session() as s:
        ids = {name: i for i, name in s.execute(select(FieldRow.id, FieldRow.name))}
    out = tmp_path / "out"
    review.correct(store, ids["total"], "rita", "7.50", out)
    review.accept(store, ids["date"], "rita", out)
    review.reject(store, ids["address"], "rita", out)
    return state.id


def near_duplicates_jsonl(tmp_path: Path) -> Path:
    """Three documents: one receipt scanned twice (OCR differs in a character), one other."""
    base = "TOKO ABADI ENTERPRISE\nLOT 5 JALAN MERDEKA 43000 KAJANG\nINVOICE 1029\n05/06/2018\nMILO 3.20\nROTI 1.80\nTOTAL 5.00\nTHANK YOU"
    rows = [
        {"id": "a", "text": base, "gold": {"total": "5.00"}},
        {"id": "b", "text": base.replace("MILO", "MIL0"), "gold": {"total": "5.00"}},
        {"id": "c", "text": "SYARIKAT LAIN\nPETROL 40.00\nJUMLAH 40.00", "gold": {"total": "40.00"}},
    ]
    path = tmp_path / "extra.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows))
    return path


def test_reviews_datasets_and_jsonl_make_a_versioned_leak_free_set(store, tmp_path):
    doc_id = reviewed_receipt(store, tmp_path)
    extra = near_duplicates_jsonl(tmp_path)
    built = evalsets.build(store, "receipts", "receipt", ["reviews", "sroie", str(extra)], limit=60)
    assert built.version == 1

    by_id = {i.id: i for i in built.items}
    assert by_id[doc_id].gold == {"total": "7.50", "date": "2019-03-12"}  # corrected, accepted; rejected = absent
    assert by_id[doc_id].origin == "reviews" and by_id[doc_id].text == RECEIPT
    assert sum(i.origin == "sroie" for i in built.items) == 60
    assert by_id["extra:a"].group == by_id["extra:b"].group and by_id["extra:a"].split == by_id["extra:b"].split
    assert {i.split for i in built.items} == {"train", "dev", "test"}

    # no two documents in different splits are near-duplicates
    texts = [i.text for i in built.items]
    similarity = cosine_similarity(TfidfVectorizer(sublinear_tf=True).fit_transform(texts))
    for x, y in combinations(range(len(texts)), 2):
        if built.items[x].split != built.items[y].split:
            assert similarity[x, y] < evalsets.NEAR_DUPLICATE

    again = evalsets.build(store, "receipts", "receipt", [str(extra)])
    assert again.version == 2 and len(evalsets.load(store, "receipts").items) == 3
    assert len(evalsets.load(store, "receipts", 1).items) == len(built.items)  # earlier versions stay as they were


def test_splits_are_stable_as_the_set_grows(store):
    small = {i.id: i.split for i in evalsets.build(store, "s", "receipt", ["sroie"], limit=30).items}
    large = {i.id: i.split for i in evalsets.build(store, "s", "receipt", ["sroie"], limit=60).items}
    moved = [k for k in small if small[k] != large[k]]
    assert len(moved) <= 2  # only where a new document joined an old one's near-duplicate group


def test_calibration_error_of_known_cases():
    assert calibration_error([0.9] * 10, [True] * 9 + [False]) == pytest.approx(0.0)
    assert calibration_error([1.0, 1.0], [False, False]) == pytest.approx(1.0)
    assert calibration_error([0.2, 0.8], [False, True]) == pytest.approx(0.2)
    assert calibration_error([], []) is None


def test_eval_run_with_a_set_reports_and_stores_comparable_runs(store, tmp_path, monkeypatch):
    from pipeline.cli import app
    from pipeline.config import get_settings

    evalsets.build(store, "receipts", "receipt", ["sroie"], limit=40)
    monkeypatch.setenv("DOCLOOP_DATABASE_URL", store.url)
    monkeypatch.setenv("DOCLOOP_HOME", str(tmp_path))
    monkeypatch.setenv("COLUMNS", "250")  # rich would abbreviate the table on a narrow terminal
    get_settings.cache_clear()
    try:
        runner = CliRunner()
        for _ in range(2):
            result = runner.invoke(app, ["eval", "run", "--set", "receipts", "--split", "test"])
            assert result.exit_code == 0, result.output
        listed = runner.invoke(app, ["eval", "runs", "receipts"])
    finally:
        get_settings.cache_clear()
    assert "auto-accepted" in result.output and "stored as eval run 2" in result.output
    [(first, es), (second, _)] = evalsets.runs(store, "receipts")
    assert es.name == "receipts" and first.prompt_version == second.prompt_version == PROMPT_VERSION
    for key in ("ece", "auto_accepted_share", "auto_accepted_precision", "seconds_per_document", "tokens_per_document", "cost_per_document"):
        assert key in first.metrics
    assert first.metrics["metrics"] == second.metrics["metrics"]  # same set, same version: same scores
    assert 0.0 <= first.metrics["ece"] <= 1.0 and first.metrics["metrics"]["normalised"]["total"]["f1"] > 0.5
    assert "receipts@1" in listed.output
