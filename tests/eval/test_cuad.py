"""The CUAD loader's typed answers and their comparison: periods as (number, unit), the title
case-folded without punctuation, the further labels scored only where a schema asks for them."""

from __future__ import annotations

from pathlib import Path

import pytest

from eval.datasets import cuad
from eval.metrics import compare
from eval.run import asked_for, evaluate

RENEWALS_AS = {
    "title": "document_name", "effective_date": "effective_date", "renewal_term": "renewal_term",
    "notice_period": "renewal_notice_period",
}
DATA = Path(__file__).resolve().parents[2] / ".." / "shared" / "datasets"


@pytest.mark.parametrize(("label", "pair"), [
    ("successive 1 year", "1 YEAR"),
    ("Successive 1 year", "1 YEAR"),
    ("2 successive 5 years", "5 YEARS"),  # two renewals of five years: one renewal's length
    ("0.5 year", "0.5 YEARS"),
    ("30 days", "30 DAYS"),
    ("thirty (30) days", "30 DAYS"),
    ("6 months", "6 MONTHS"),
])
def test_a_period_is_its_number_and_unit(label, pair):
    assert cuad.period(label) == pair


def test_periods_compare_as_number_and_unit_without_converting_units():
    assert compare("renewal_term", cuad.period("successive 1 year"), "1 years", cuad.normalise).tp == 1
    assert compare("renewal_notice_period", cuad.period("3 months"), "90 days", cuad.normalise).fp == 1
    assert compare("renewal_term", cuad.period("0.5 year"), "6 months", cuad.normalise).fn == 1
    assert compare("renewal_term", None, "1 years", cuad.normalise).fp == 1  # no renewal: a value is wrong


def test_the_title_is_compared_case_folded_without_punctuation():
    assert cuad.normalise("document_name", "Cooperation Agreement (") == cuad.normalise("document_name", "COOPERATION AGREEMENT")
    assert cuad.normalise("document_name", "ODM - SUPPLY AGREEMENT") == cuad.normalise("document_name", "ODM SUPPLY AGREEMENT")
    assert cuad.normalise("document_name", "Supply Agreement") != cuad.normalise("document_name", "Master Supply Agreement")


def test_gold_holds_the_typed_answers_it_can_read():
    gold = cuad.gold({
        "Parties": 'Acme Inc. ("Acme"); Beta LLC', "Document Name": "ADDENDUM TO \n\nDISTRIBUTOR AGREEMENT",
        "Effective Date": "4/1/06", "Agreement Date": "3/24/06", "Renewal Term": "2 successive 5 years",
        "Notice Period To Terminate Renewal": "60 days", "Expiration Date": "perpetual",
    })
    assert gold == {
        "parties": ["Acme Inc.", "Beta LLC"], "document_name": "ADDENDUM TO DISTRIBUTOR AGREEMENT",
        "effective_date": "2006-04-01", "agreement_date": "2006-03-24", "renewal_term": "5 YEARS",
        "renewal_notice_period": "60 DAYS",
    }


def test_the_loader_reads_the_further_labels():
    examples = list(cuad.load(DATA / "cuad"))
    counts = {f: sum(f in e.gold for e in examples) for f in cuad.MORE_FIELDS}
    assert counts == {"document_name": 50, "effective_date": 34, "renewal_term": 18, "renewal_notice_period": 11}


def test_the_further_labels_are_scored_only_where_the_schema_asks_for_them():
    from eval.run import user_schemas

    user_schemas()
    assert asked_for(cuad.MORE_FIELDS, {}) == []  # the built-in table stays on its four fields
    assert asked_for(cuad.MORE_FIELDS, {"effective_date": "agreement_date"}) == []
    asked = asked_for(cuad.MORE_FIELDS, RENEWALS_AS)
    assert asked == list(cuad.MORE_FIELDS)


def test_a_renewals_schema_is_scored_on_the_further_labels():
    report = evaluate(
        "cuad", limit=3, extractors=("rules",), schema="contract_renewals",
        fields_as=RENEWALS_AS,
    )
    assert report.fields == [*cuad.FIELDS, *cuad.MORE_FIELDS]
    normalised = report.metrics["normalised"]
    assert normalised["document_name"]["tp"] == 3  # each title read from its heading
    assert normalised["renewal_term"]["tp"] >= 1 and normalised["renewal_term"]["fp"] == 0
