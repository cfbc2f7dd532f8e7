"""Outcomes from a deployment's reviews: what people decided becomes what calibration learns."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from eval.calibrate import calibrate, review_outcomes, rollback
from eval.calibration import Outcome
from pipeline.confidence import SHIPPED, Calibration
from pipeline.config import Settings
from pipeline.route import AUDIT
from pipeline.run import build_pipeline
from pipeline.store import FieldRow, Store
from review_ui import review

RECEIPT = "KEDAI MAJU SDN BHD\nNO 3 JALAN BESAR\n12/03/2019\nNASI LEMAK 5.00\nTEH 2.50\nTOTAL 7.50\nCASH 10.00\nCHANGE 2.50\n"


def test_reviews_become_outcomes_and_audited_fields_stand_for_the_accepted(tmp_path: Path):
    store = Store(f"sqlite:///{tmp_path / 'db.sqlite'}")
    store.migrate()
    # every field the prior would accept is audited: a person sees it, and it says so
    pipe = build_pipeline(Settings(home=tmp_path, llm_provider="none", audit_rate=1.0), ["rules"], store)
    state = pipe.process(RECEIPT.encode(), "r.txt", "receipt")
    with store.session() as s:
        rows = {name: (i, reasons) for i, name, reasons in s.execute(select(FieldRow.id, FieldRow.name, FieldRow.reasons))}
    audited = {name for name, (_, reasons) in rows.items() if AUDIT in reasons}
    assert audited and state.fields["date"].value is not None

    out = tmp_path / "out"
    review.accept(store, rows["date"][0], "rita", out)
    review.correct(store, rows["total"][0], "rita", "9.99", out)
    review.reject(store, rows["address"][0], "rita", out)
    outcomes = {o.field: o for o in review_outcomes(store, audit_rate=0.25)}

    assert set(outcomes) == {"date", "total", "address"}  # only what people decided
    assert outcomes["date"].correct and not outcomes["total"].correct
    assert outcomes["address"].correct == (state.fields["address"].value is None)
    assert outcomes["date"].features == state.fields["date"].features
    for name, o in outcomes.items():
        assert o.weight == (4.0 if name in audited else 1.0)


def reviewed(field: str, n: int) -> list[Outcome]:
    """``n`` reviews of a receipt field: right exactly when the rules and memory agreed."""
    return [Outcome("receipt", field, {"signal.rules": 1.0, "agree": float(i % 3 != 0)}, i % 3 != 0) for i in range(n)]


def test_reviews_too_few_for_a_field_keep_its_previous_calibration_and_a_fit_can_be_rolled_back(tmp_path: Path):
    """Issue 17 bug 5: a field with a handful of reviews is not re-fitted (it keeps the shipped
    calibration), the report says what was replaced where, and each replaced version is kept."""
    folder, shipped = tmp_path / "calibrations", Calibration.load(SHIPPED / "receipt.json")

    [first] = calibrate([], folder, reviewed=reviewed("company", 5) + reviewed("total", 60))

    assert first.fallback == ["company"]
    assert first.calibration.fields["company"] == shipped.fields["company"]
    assert first.calibration.fields["total"].samples == 60
    assert first.replaced == f"{shipped.version} ({shipped.source}) at {SHIPPED / 'receipt.json'}" and first.kept is None
    assert Calibration.load(folder / "receipt.json") == first.calibration

    [second] = calibrate([], folder, reviewed=reviewed("total", 90))
    assert second.calibration.fields["total"].samples == 90
    assert str(folder / "receipt.json") in second.replaced and Calibration.load(second.kept) == first.calibration

    assert rollback("receipt", folder) == (folder / "receipt.json", first.calibration.version)
    assert Calibration.load(folder / "receipt.json") == first.calibration
    assert rollback("receipt", folder) == (SHIPPED / "receipt.json", shipped.version)
    assert not (folder / "receipt.json").exists()  # the shipped calibration serves again


def test_reviews_too_few_for_every_field_are_refused(tmp_path: Path):
    folder = tmp_path / "calibrations"
    [refused] = calibrate([], folder, reviewed=reviewed("company", 12) + reviewed("total", 13))
    assert refused.calibration is None and refused.fallback == ["company", "total"]
    assert refused.path == SHIPPED / "receipt.json" and not folder.exists()
