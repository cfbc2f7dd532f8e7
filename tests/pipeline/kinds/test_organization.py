"""Company names on small made-up receipts."""

from __future__ import annotations

from tests.pipeline.test_rules import extract, plain


def company(lines: list[str]) -> str:
    return extract(plain("\n".join(lines)), "receipt")["company"][0].value


def test_what_the_shop_is_is_not_its_name():
    """A line of business nouns alone ("BISTRO & CAFE") under the name says what the shop is;
    "TRADING" under a name still ends that name."""
    lines = ["FOUR SEASONS", "BISTRO & CAFE", "109, SS21/1A,", "DAMANSARA UTAMA", "GST ID : 001661886464", "TOTAL 5.00"]
    assert company(lines) == "FOUR SEASONS"
    lines = ["LIM KAH HARDWARE", "TRADING", "002458685-T", "13-1, JALAN PJU 5/10,", "47810 PETALING JAYA"]
    assert company(lines) == "LIM KAH HARDWARE TRADING"


def test_a_branch_in_brackets_before_the_legal_form_carries_on_the_name_above():
    lines = ["KEDAI SERBANEKA MAJU", "(SEMENYIH) SDN BHD", "(767840-W)", "NO 24, JALAN BUNGA RAYA 4,", "43500 SEMENYIH",
             "TOTAL RM 5.00"]
    assert company(lines) == "KEDAI SERBANEKA MAJU (SEMENYIH) SDN BHD"


def test_a_slogan_with_a_bare_web_domain_is_no_name():
    """"THANKS FOR SHOPPING WITH SHOPNEWS.COM" is a web address in a slogan, and a labelled
    number ("SHOPNEWSCARELINE : 1800 88 1231") is a phone line; the name is under them."""
    lines = ["TQ FOR SHOPPING WITH SHOPNEWS.COM", "PAGOH REST AND SERVICE AREA", "LOT R1, KWS REHAT PAGOH,",
             "84600,PAGOH,JOHOR", "SHOPNEWSCARELINE : 1800 88 1231", "TOTAL RM 5.00"]
    assert company(lines) == "PAGOH REST AND SERVICE AREA"
    found = [c.value for c in extract(plain("\n".join(lines)), "receipt")["company"]]
    assert not any("SHOPNEWS" in v for v in found)


def test_a_store_number_and_a_mall_are_no_part_of_the_name():
    """"WALGREENS #07741" is Walgreens' store 07741; a shopping centre on the address line
    names where the shop is, not the shop."""
    assert company(["WALGREENS #07741", "3201 N BROADWAY", "CHICAGO, IL 60657", "TOTAL 8.99"]) == "WALGREENS"
    lines = ["TOAST BOX", "Raffles City Shopping Centre #B1-21", "252 North Bridge Road, Singapore 179103",
             "Grand Total S$6.20"]
    assert company(lines) == "TOAST BOX"


def test_a_name_ends_at_the_gap_to_the_next_column():
    """A heading printed beside the name in plain text ("KEYSTONE HOME LENDING", far apart,
    "Mortgage Statement") is another column, not more of the name."""
    lines = ["KEYSTONE HOME LENDING                    Mortgage Statement", "7 Birchwood Circle", "Ann Arbor, MI 48104",
             "TOTAL 8.99"]
    assert company(lines) == "KEYSTONE HOME LENDING"


def test_a_party_under_its_label_in_the_plural_and_no_help_line_opens_a_block():
    """"Borrower(s):" labels the borrower's block, whose label line names nobody; "Customer
    Service:" above it is a help line, not the customer's block."""
    from pipeline.extractors.finding import Context
    from pipeline.extractors.rules import propose
    from pipeline.schemas import field_specs, model_from_json_schema

    model = model_from_json_schema({"title": "Loan", "properties": {"lender": {"type": "string"}, "borrower": {"type": "string"}}})
    text = "\n".join(["KEYSTONE HOME LENDING", "Customer Service: (888) 555-0190", "", "Borrower(s):",
                      "  Thomas and Rebecca Lindqvist", "  7 Birchwood Circle", "  Ann Arbor, MI 48104", "",
                      "Loan Number 0061-449271", "Payment Due Date 08/01/2025", "Amount Due $2,187.44",
                      "Principal $612.09", "Interest $1,108.35", "Escrow $467.00", "Total $2,187.44"])
    spec = next(s for s in field_specs(model) if s.name == "borrower")
    found = propose(Context(plain(text), model), spec)
    assert max(found, key=lambda p: p.strength).value == "Thomas and Rebecca Lindqvist"
    assert "Borrower(s):" not in [p.value for p in found]


def test_the_name_that_owns_the_documents_web_domain_is_never_the_other_party():
    """A bill that prints no customer block: its heading, the issuer named by the document's
    web domain, is evidence against a customer, not the customer."""
    from pipeline.extractors.finding import Context
    from pipeline.extractors.rules import propose
    from pipeline.schemas import field_specs, model_from_json_schema
    from pipeline.state import other_party

    model = model_from_json_schema({"title": "Bill", "properties": {"customer_name": {"type": "string"}}})
    text = "PACIFIC CREST ENERGY\nCustomer Service 1-800-555-0143 | pacificcrestenergy.com\nAccount Number: 7720-118-4093"
    found = propose(Context(plain(text), model), field_specs(model)[0])
    assert all(other_party(p.signals) for p in found if p.value == "PACIFIC CREST ENERGY")


def test_a_bank_is_an_organisation_and_a_legal_names_column_bounds_it():
    """"bank_name" is a company's name, read by its legal form ("Northgate Bank plc"), not the
    text after the word "Bank" in it; "bank_account" and "bank_code" are no names. A statement
    line's legal-form name starts in its own column, after the date's."""
    from pipeline.extractors.finding import Context
    from pipeline.extractors.rules import propose
    from pipeline.infer import infer_kind
    from pipeline.schemas import field_specs, model_from_json_schema

    assert [infer_kind(n, {"type": "string"}) for n in ("bank_name", "issuing_bank", "bank_account", "bank_code")] == [
        "organization", "organization", "text", "identifier"]
    model = model_from_json_schema({"title": "Statement", "properties": {"bank_name": {"type": "string"}}})
    text = "\n".join(["                              Northgate Bank plc", "MRS HELEN J. CARTWRIGHT", "14 Orchard Lane",
                      "10 Mar      FP ACME LOGISTICS LTD SALARY      3,200.00"])
    found = propose(Context(plain(text), model), field_specs(model)[0])
    assert max(found, key=lambda p: p.strength).value == "Northgate Bank plc"
    assert "ACME LOGISTICS LTD" in [p.value.removeprefix("FP ") for p in found]
