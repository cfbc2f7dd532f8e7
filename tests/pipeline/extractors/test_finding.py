"""Text read after a field's label: which label hits label the field."""

from __future__ import annotations

import pytest

from pipeline.extractors.finding import Context
from pipeline.extractors.rules import propose
from pipeline.schemas import field_specs, model_from_json_schema
from pipeline.state import Page, ParsedDocument

SCHEMA = {"title": "Payslip", "properties": {"employee_name": {"type": "string"}, "employer_name": {"type": "string"}}}


def employee(text: str) -> list[str]:
    model = model_from_json_schema(SCHEMA)
    ctx = Context(ParsedDocument(text=text, pages=[Page(number=1, start=0, end=len(text))], parser="test"), model)
    spec = next(s for s in field_specs(model) if s.name == "employee_name")
    return [p.value for p in propose(ctx, spec)]


@pytest.mark.parametrize("text", [
    "Copy C - For EMPLOYEE'S RECORDS",  # a possessive names something of the employee
    "Employer Pension 775.50",  # "Employer" is the employer's label, no slip of "employee"
    "Employee ID E-10482",  # the label of the employee's number
    "Employee                 Employee ID        Pay Period",  # a row of column headers
])
def test_no_value_follows_a_hit_that_labels_something_else(text):
    assert employee(text) == []


def test_a_name_after_its_label_is_read():
    assert employee("Employee: Marcus T. Delgado") == ["Marcus T. Delgado"]
    assert employee("Employee          Marcus T. Delgado      Employee ID E-10482") == ["Marcus T. Delgado"]
