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


def _grid(text: str) -> ParsedDocument:
    """``text`` as a text file is parsed: words boxed on its grid of characters."""
    from pipeline.parsers import TextBuilder
    from pipeline.parsers.elements import _on_a_grid

    builder = TextBuilder()
    builder.begin_page()
    builder.end_page(*_on_a_grid(builder, text))
    return ParsedDocument.model_validate(builder.build("test"))


def test_a_value_under_a_row_of_column_headers_is_labelled_by_its_own_column():
    """A summary prints its titles in one row and the amounts under them: the words after a
    title in the row are other columns' titles, no part of its label ("VAT" is no partial word
    of "Total") and no rival of what stands under it ("Total" after "VAT")."""
    from pipeline.extractors.finding import link_label

    model = model_from_json_schema({"title": "Bill", "properties": {
        "tax": {"type": "number"}, "total": {"type": "number"}}})
    text = "Net amount     VAT      Total\n    100.00   19.00     119.00"
    ctx = Context(_grid(text), model)
    specs = {s.name: s for s in field_specs(model)}
    for name, printed in (("tax", "19.00"), ("total", "119.00")):
        at = text.index(printed)
        link = link_label(ctx, specs[name], at, at + len(printed), money=True)
        assert (link.match, link.layout) == (1.0, 0.75)


def test_a_value_under_a_row_of_titles_is_read_from_its_own_column():
    """A payslip titles its columns in one row ("Employee | Employee ID | Department") and
    prints the values under them: each field reads the cell under its own title."""
    model = model_from_json_schema({"title": "Payslip", "properties": {
        "employee_name": {"type": "string"}, "department": {"type": "string"}}})
    ctx = Context(_grid("Employee              Employee ID      Department\n"
                        "Marcus T. Delgado     E-10482          Field Engineering"), model)
    best = {s.name: max(propose(ctx, s), key=lambda p: p.strength).value for s in field_specs(model)}
    assert best == {"employee_name": "Marcus T. Delgado", "department": "Field Engineering"}


def test_the_next_title_of_a_row_of_titles_is_no_value_the_value_under_the_label_is():
    """A boarding pass or a tax bill prints a row of titles over a row of values ("GATE  SEAT
    CLASS" over "B34  14C  Economy", "OWNER OF RECORD  PROPERTY ADDRESS" over the owner): what
    follows a title in its row is the next title, or the rest of the title, not its value."""
    model = model_from_json_schema({"title": "Pass", "properties": {
        "gate": {"type": "string"}, "seat": {"type": "string"}, "owner": {"type": "string"}}})
    ctx = Context(_grid("GATE          SEAT          CLASS\n"
                        "B34           14C           Economy\n"
                        "\n"
                        "OWNER OF RECORD              PROPERTY ADDRESS\n"
                        "RAMIREZ ELENA M              4417 E CAMELBACK RD"), model)
    best = {s.name: max(propose(ctx, s), key=lambda p: p.strength).value for s in field_specs(model)}
    assert best == {"gate": "B34", "seat": "14C", "owner": "RAMIREZ ELENA M"}
    # a label and its value with a colon are no row of titles
    ctx = Context(_grid("Gate: B34          Seat: 14C"), model)
    assert max(propose(ctx, field_specs(model)[0]), key=lambda p: p.strength).value == "B34"


def test_a_label_printed_with_a_word_more_before_its_colon_leaves_that_word_out_of_the_value():
    """"Vehicle Registration Mark: LK19 XMP" for `vehicle_registration`, "Patient Name: ..." for
    `patient`: the printed label runs on to its colon, and the value starts after it."""
    model = model_from_json_schema({"title": "Notice", "properties": {
        "vehicle_registration": {"type": "string"}, "patient": {"type": "string"}}})
    ctx = Context(_grid("Vehicle Registration Mark: LK19 XMP\nPatient Name: Daniel Whitfield"), model)
    best = {s.name: max(propose(ctx, s), key=lambda p: p.strength).value for s in field_specs(model)}
    assert best == {"vehicle_registration": "LK19 XMP", "patient": "Daniel Whitfield"}


def test_a_party_block_headed_by_a_label_with_an_aside_is_read_under_it():
    """"From (Sender)" over the sender's name and "To (Addressee)" over the addressee's: the
    heading line names nobody, and the close of its brackets is no value; the name is below."""
    model = model_from_json_schema({"title": "Customs declaration", "properties": {
        "sender": {"type": "object", "properties": {"name": {"type": "string"}}},
        "addressee": {"type": "object", "properties": {"name": {"type": "string"}}}}})
    from pipeline.schemas import part_specs

    ctx = Context(_grid("From (Sender)                 To (Addressee)\n"
                        "Lim Hui Ling                  Margaret O'Connell\n"
                        "Blk 221 Ang Mo Kio Ave 1      17 Harcourt Street"), model)
    best = {}
    for name in ("sender", "addressee"):
        part = part_specs(model, name)[0]
        found = propose(ctx, part)
        best[name] = max(found, key=lambda p: p.strength).value if found else None
    assert best == {"sender": "Lim Hui Ling", "addressee": "Margaret O'Connell"}


def test_a_value_wrapped_in_its_cell_is_read_to_its_closing_bracket():
    """"Programme  Bachelor of Engineering (Computer" with "Engineering)" under its start on the
    next line: the value runs on to close its bracket; a value that closes its own is read as printed."""
    model = model_from_json_schema({"title": "Transcript", "properties": {"programme": {"type": "string"}}})
    ctx = Context(_grid("Programme    Bachelor of Engineering (Computer    Date of Issue    15 July 2024\n"
                        "             Engineering)\n"
                        "Admitted     10 August 2020"), model)
    assert max(propose(ctx, field_specs(model)[0]), key=lambda p: p.strength).value == "Bachelor of Engineering (Computer Engineering)"
    ctx = Context(_grid("Programme    Bachelor of Arts (Honours)\n             Class of 2024 (First)"), model)
    assert max(propose(ctx, field_specs(model)[0]), key=lambda p: p.strength).value == "Bachelor of Arts (Honours)"
