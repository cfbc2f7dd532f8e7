"""Exported data written as the user's JSON Schema declares it (``pipeline.conform``)."""

from pipeline.conform import conform, violations
from pipeline.export import as_typed

SCHEMA = {
    "title": "Bill", "type": "object",
    "properties": {
        "total": {"type": ["number", "null"]},
        "count": {"type": "integer"},
        "printed_on": {"type": "string", "pattern": "^\\d{2}/\\d{2}/\\d{4}$", "examples": ["12/31/2020"]},
        "iso": {"type": "string", "format": "date"},
        "lines": {"type": "array", "items": {"$ref": "#/$defs/Line"}},
    },
    "$defs": {"Line": {"type": "object", "properties": {"amount": {"type": "number"}, "qty": {"type": "integer"}}}},
}


def test_numbers_integers_and_records_take_the_declared_json_types():
    out = conform(SCHEMA, {"total": "12.50", "count": "3", "iso": "2020-01-02", "lines": [{"amount": "2.00", "qty": "2"}]}, {})
    assert out == {"total": 12.5, "count": 3, "iso": "2020-01-02", "lines": [{"amount": 2.0, "qty": 2}]}
    assert violations(SCHEMA, out) == []


def test_a_date_pattern_takes_the_order_its_examples_show_when_the_printed_form_does_not_match():
    assert conform(SCHEMA, {"printed_on": "2019-03-04"}, {"printed_on": "4 March 2019"}) == {"printed_on": "03/04/2019"}
    # the printed form wins where it matches and reads as the same day
    assert conform(SCHEMA, {"printed_on": "2019-03-25"}, {"printed_on": "25/03/2019"}) == {"printed_on": "25/03/2019"}
    # a person's correction is not written as the replaced value's printed text
    assert conform(SCHEMA, {"printed_on": "2019-03-26"}, {"printed_on": "25/03/2019"}) == {"printed_on": "03/26/2019"}


def test_what_cannot_be_written_as_declared_stays_and_is_reported():
    out = conform(SCHEMA, {"count": "2.5", "total": "n/a"}, {})
    assert out == {"count": 2.5, "total": "n/a"}
    assert violations(SCHEMA, out) == ["count: 2.5 is not of type 'integer'", "total: 'n/a' is not of type 'number', 'null'"]


def test_built_in_types_keep_their_exact_decimal_strings():
    assert as_typed("invoice", {"total": "1,060.50"})["total"] == "1060.50"
