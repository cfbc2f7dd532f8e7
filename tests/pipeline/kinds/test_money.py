"""Printed amounts: the document's decimal mark tells thousands from a third decimal."""

from __future__ import annotations

from pipeline.kinds.money import amounts


def values(text: str) -> list[str]:
    return [str(v) for _, v in amounts(text)]


def test_three_decimals_after_the_documents_cents_mark_are_no_amount():
    # a fuel price per gallon beside cents printed "39.23"; the same number alone is thousands
    assert values("PRICE/GAL $3.459\nFUEL SALE $39.23") == ["39.23"]
    assert values("Kaffee 3,459 kg\nSumme 7,50") == ["7.50"]


def test_thousands_separators_stay_where_cents_use_the_other_mark_or_none_are_printed():
    assert values("Subtotal 1.234,50\nDeposit 1.000") == ["1234.50", "1000.00"]
    assert values("Total 72.600\nTunai 100.000") == ["72600.00", "100000.00"]


def test_a_minus_sign_opening_an_amount_makes_it_a_credit_a_hyphen_inside_a_number_does_not():
    """A credit note prints "-£515.00" and "-103.00"; "PO-2026-00417", a phone number and a
    range of amounts hold hyphens that sign nothing."""
    assert values("Net total  -£515.00\nVAT @ 20%  -103.00\nTotal EUR -5,00") == ["-515.00", "-103.00", "-5.00"]
    assert values("PO-2026-00417\nTel 555-0142\n12.50-3.00") == []


def _best(schema: dict, text: str) -> dict[str, str | None]:
    from pipeline.extractors.finding import Context
    from pipeline.extractors.rules import propose
    from pipeline.schemas import field_specs, model_from_json_schema
    from pipeline.state import Page, ParsedDocument

    model = model_from_json_schema(schema)
    ctx = Context(ParsedDocument(text=text, pages=[Page(number=1, start=0, end=len(text))], parser="test"), model)
    return {s.name: max(propose(ctx, s), key=lambda p: p.strength, default=None) for s in field_specs(model)}


def test_an_opening_and_a_closing_amount_are_the_first_and_last_printed_under_their_kinds_label():
    """A statement dates its balances ("Balance on 1 March 2025") where it prints no "opening"
    or "closing": the opening balance is the first so labelled, the closing one the last; the
    day in the label is no amount."""
    schema = {"title": "Statement", "properties": {"opening_balance": {"type": "number"}, "closing_balance": {"type": "number"}}}
    text = "Balance on 1 March 2025   £2,418.36\nMoney in   £3,275.00\nMoney out   £2,946.81\nBalance on 31 March 2025   £2,746.55"
    best = _best(schema, text)
    assert (best["opening_balance"].value, best["closing_balance"].value) == ("2418.36", "2746.55")
    # the field's own label, where printed, decides as before
    best = _best(schema, "Closing balance 80.00\nOpening balance 100.00\nBalance 90.00")
    assert (best["opening_balance"].value, best["closing_balance"].value) == ("100.00", "80.00")


def test_an_amount_in_a_year_to_date_column_is_not_the_periods():
    """A payslip prints each line's amount for the period and for the year so far, the latter
    rightmost and largest: a field for the period takes the period's."""
    schema = {"title": "Payslip", "properties": {
        "gross_pay": {"type": "number", "description": "Total earnings for this period"},
        "net_pay": {"type": "number"}}}
    text = (
        "EARNINGS              Current        Year to Date\n"
        "Regular              3,300.00          16,500.00\n"
        "Gross Pay            3,702.22          17,707.68\n"
        "NET PAY              2,561.62          12,241.67"
    )
    best = _best(schema, text)
    assert [best[f].value for f in ("gross_pay", "net_pay")] == ["3702.22", "2561.62"]


def test_a_number_opening_words_in_its_column_numbers_them_and_is_no_amount():
    """A form's boxes are numbered ("3 Social security wages   4 Social security tax withheld"):
    the "4" after the wages label numbers the next box; the wages are printed below."""
    schema = {"title": "W2", "properties": {"wages": {"type": "number"}}}
    text = "3 Social security wages   4 Social security tax withheld\n  71,250.00                 4,417.50"
    assert _best(schema, text)["wages"].value != "4.00"
    # a measure with its unit is no box's number
    weight = {"title": "Delivery note", "properties": {"gross_weight": {"type": "number"}}}
    assert _best(weight, "Total packages: 3          Gross weight: 18.4 kg")["gross_weight"].value == "18.40"


def test_thousands_grouped_with_a_space_are_one_amount_where_cents_follow_a_comma():
    # French and Swiss invoices print "3 432,00 €" (a space, no-break or narrow space): it was 432.00
    assert values("Total TTC 3 432,00 €") == ["3432.00"]
    assert values("Net à payer 1\u202f234\u00a0567,89 €") == ["1234567.89"]
    assert values("Total 12 items 3,50") == ["12.00", "3.50"]  # no cents after a comma: two numbers


def test_a_whole_number_after_net_is_a_payment_term_in_days_not_an_amount():
    # "Terms Net 30" had been read as a subtotal of 30.00 on a US invoice that prints no "Subtotal"
    assert values("Terms          Net 30\nMerchandise 2,582.40") == ["2582.40"]
    assert values("Net 1,550.00\nNet EUR 30") == ["1550.00", "30.00"]


def test_a_number_whose_name_says_nothing_of_money_is_read_under_its_label_only():
    """A lab report's `patientAge` and an offer's `probation_months` are counts, not amounts of the
    document: a figure printed elsewhere ("Platelets 2.65", "Plot 42") is no reading of them, while
    one under their label is; an amount named as one (`joining_bonus`) is still read anywhere."""
    schema = {"title": "Report", "properties": {
        "patientAge": {"type": ["integer", "null"]}, "probation_months": {"type": "integer"},
        "joining_bonus": {"type": "number"}}}
    best = _best(schema, "Plot 42, HITEC City\nPlatelet Count 2.65\nBonus of Rs. 1,50,000.00")
    assert best["patientAge"] is None and best["probation_months"] is None
    assert best["joining_bonus"] is not None
    assert _best(schema, "Patient Age: 42\nPlatelet Count 2.65")["patientAge"].value == "42.00"


def test_indian_amounts_grouped_in_lakhs_and_marked_rs_are_read_whole():
    """"Rs. 24,50,000" is twenty-four lakh fifty thousand, "₹1,25,00,000.00" one crore twenty-five
    lakh; Western grouping reads as before."""
    assert values("CTC Rs. 24,50,000 per annum\nBonus ₹1,25,00,000.00\nTotal 1,234,567.00") == ["2450000.00", "12500000.00", "1234567.00"]


def test_the_scale_a_score_is_printed_out_of_is_no_reading_of_it():
    """"CGPA: 4.21 / 5.00": the rightmost figure on the label's line is the scale, not the grade."""
    schema = {"title": "Transcript", "properties": {"cgpa": {"type": "number", "description": "Cumulative grade point average."}}}
    assert _best(schema, "Cumulative Grade Point Average (CGPA): 4.21 / 5.00")["cgpa"].value == "4.21"
    assert _best(schema, "CGPA 8.2 out of 10")["cgpa"].value == "8.20"


def test_indian_amounts_grouped_in_lakhs_and_closed_with_a_slash_dash_are_one_amount():
    assert values("a term loan of Rs. 2,50,00,000/- (Rupees Two Crore Fifty Lakh only)") == ["25000000.00"]
    assert values("Total ₹ 12,34,567.50") == ["1234567.50"]


def test_clause_numbers_references_and_a_dates_year_are_no_amounts():
    """An agreement's clause numbers open their lines ("6.1 The Employee", "7. HOLIDAYS"), a
    clause is referred to by its number ("the rate in clause 2.1") and a year follows a month:
    none is an amount, and a salary under the clause's heading is the one printed as money."""
    schema = {"title": "Employment", "properties": {"annual_salary": {"type": "number"}}}
    text = ("6. SALARY\n6.1 The Employee shall be paid a salary of £58,500 per annum.\n"
            "6.2 The salary shall be reviewed annually, the first review in April 2026.\n"
            "7. HOLIDAYS\n7.1 The Employee shall be entitled to 25 days' holiday.\n"
            "8. Overdue amounts carry interest above the rate in clause 6.2.\n")
    assert _best(schema, text)["annual_salary"].value == "58500.00"
    assert values("the rate in clause 2.1 and Section 4.2") == []
    assert values("the first review in April 2026") == []
    assert "2025.00" not in values("signed on March 3, 2025 and on 4th June 2025")


def test_after_a_currency_sign_thousands_grouped_with_spaces_read_whole_with_either_cents_mark():
    """South African and other amounts group thousands with spaces and print cents after a point
    ("R 19 060.00"); after a currency sign the whole number is one amount, while without one a
    quantity printed before a price stays apart ("2 150.00")."""
    assert values("TOTAL (incl. VAT)   R 21 919.00") == ["21919.00"]
    assert values("Sub Total  R 2 150.00\nUnit R 899.00") == ["2150.00", "899.00"]
    assert values("Bath towels 2 150.00") == ["2.00", "150.00"]
    assert values("Ref R 12") == ["12.00"]  # a lone "R" before a number without cents is no rand sign
