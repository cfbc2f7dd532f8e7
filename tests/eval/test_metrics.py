"""Metric arithmetic on hand-made cases."""

from __future__ import annotations

import pytest

from eval.metrics import Counts, Prediction, compare, score


def upper(field: str, value):
    return None if value in (None, "") else str(value).upper()


@pytest.mark.parametrize(
    ("gold", "predicted", "expected"),
    [
        ("ACME", "acme", Counts(tp=1)),  # equal after normalising
        ("ACME", "EMCA", Counts(fp=1, fn=1)),  # a wrong value is both
        (None, "ACME", Counts(fp=1)),  # predicted for a field the gold leaves empty
        ("ACME", None, Counts(fn=1)),  # missed
        (None, None, Counts()),  # nothing either side: not counted
        ("ACME", "", Counts(fn=1)),  # an empty prediction is no prediction
    ],
)
def test_scalar_fields(gold, predicted, expected):
    assert compare("company", gold, predicted, upper) == expected


def test_list_fields_are_sets():
    c = compare("party", ["Acme", "Globex", "acme"], ["ACME", "Initech"], upper)
    assert c == Counts(tp=1, fp=1, fn=1)  # duplicates fold; order does not matter
    assert compare("party", [], ["Acme"], upper) == Counts(fp=1)
    assert compare("party", ["Acme"], [], upper) == Counts(fn=1)


def test_precision_recall_f1():
    c = Counts(tp=6, fp=2, fn=4)
    assert c.precision == pytest.approx(0.75)
    assert c.recall == pytest.approx(0.6)
    assert c.f1 == pytest.approx(2 * 0.75 * 0.6 / 1.35)
    assert Counts().f1 == 0.0


def test_score_micro_per_field_auto_accept_and_official():
    gold = [("a", {"company": "ACME", "total": "9.00"}), ("b", {"company": "GLOBEX"})]
    predictions = {
        "a": Prediction(
            id="a",
            values={"company": "acme", "total": "9.00"},
            raw={"company": "Acme", "total": "RM9.00"},
            statuses={"company": "auto_accepted", "total": "auto_accepted"},
        ),
        "b": Prediction(
            id="b",
            values={"company": "INITECH", "total": "5.00"},
            raw={"company": "INITECH", "total": "5.00"},
            statuses={"company": "auto_accepted", "total": "needs_review"},
        ),
    }
    exact = lambda field, value: None if value in (None, "") else str(value)  # noqa: E731
    metrics, failures, (share, precision) = score(
        gold, predictions, ["company", "total"], {"normalised": (upper, False), "official": (exact, True)}
    )
    n = metrics["normalised"]
    assert (n["company"]["tp"], n["company"]["fp"], n["company"]["fn"]) == (1, 1, 1)
    assert (n["total"]["tp"], n["total"]["fp"], n["total"]["fn"]) == (1, 1, 0)  # b's total is not labelled
    assert n["micro"]["precision"] == pytest.approx(2 / 4)
    assert n["micro"]["recall"] == pytest.approx(2 / 3)
    # the official metric compares the printed text: "RM9.00" != "9.00", "Acme" != "ACME"
    assert metrics["official"]["micro"]["tp"] == 0
    assert {(f["id"], f["field"]) for f in failures} == {("b", "company"), ("b", "total")}
    assert share == pytest.approx(3 / 4)  # of the four predicted fields, three auto-accepted
    assert precision == pytest.approx(2 / 3)  # and two of those were right


def test_no_statuses_means_no_auto_accept_figures():
    gold = [("a", {"company": "ACME"})]
    predictions = {"a": Prediction(id="a", values={"company": "ACME"})}
    _, _, (share, precision) = score(gold, predictions, ["company"], {"normalised": (upper, False)})
    assert share is None and precision is None
