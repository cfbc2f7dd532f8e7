"""Percentages: a rate is read under its label, its spelled-out words no gap between them."""

from __future__ import annotations


def test_a_rate_spelled_out_before_its_figure_is_labelled_where_its_words_begin():
    """"interest ... at the rate of seven and one-half percent (7.5%) per annum": the words that
    spell the rate are no words between its label and it; a default rate stated later is another."""
    from pipeline.extractors.finding import Context
    from pipeline.extractors.rules import propose
    from pipeline.schemas import field_specs, model_from_json_schema
    from tests.conftest import make_document

    model = model_from_json_schema({"title": "Note", "properties": {"interest_rate": {"type": "number"}}})
    text = ("promises to pay the principal sum of $250,000.00, together with interest from the date of this Note at the "
            "rate of seven and one-half percent (7.5%) per annum.\n3. After default, the balance shall bear interest at "
            "eighteen percent (18%) per annum.\n")
    found = propose(Context(make_document(text), model), field_specs(model)[0])
    assert max(found, key=lambda p: p.strength).value == "7.5"
