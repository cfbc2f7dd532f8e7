"""A schema with nothing docloop-specific: kinds and labels come from its field names."""

import json
import textwrap

import pytest

from pipeline import schemas as reg
from pipeline.extractors.finding import Context
from pipeline.extractors.rules import propose
from pipeline.infer import column_labels_from_name, infer_kind, label_from_name, labels_from_name
from tests.conftest import make_document


def test_kinds_from_names_and_json_types():
    assert infer_kind("agreement_date", {"type": "string"}) == "date"
    assert infer_kind("due", {"type": "string", "format": "date"}) == "date"
    assert infer_kind("governing_law", {"type": "string"}) == "jurisdiction"
    assert infer_kind("parties", {"type": "string"}) == "organization"
    assert infer_kind("invoiceNumber", {"type": "string"}) == "identifier"
    assert infer_kind("total", {"type": "number"}) == "money"
    assert infer_kind("currency", {"type": "string"}) == "currency"
    assert infer_kind("notes", {"type": "string"}) == "text"
    assert label_from_name("invoiceNumber") == "invoice number"
    assert infer_kind("store_name", {"type": "string"}) == "organization"
    assert infer_kind("payment_terms", {"type": "string"}) == "text"  # about a payment, not an amount
    assert infer_kind("payment_method", {"type": "string"}) == "text"
    assert infer_kind("payment_reference", {"type": "string"}) == "identifier"
    assert infer_kind("payment_amount", {"type": "string"}) == "money"
    assert infer_kind("currency_code", {"type": "string"}) == "currency"  # "code" lets "currency" say
    assert infer_kind("country_code", {"type": "string"}) == "identifier"
    assert infer_kind("business_name", {"type": "string", "description": "The business that issued it."}) == "organization"
    assert infer_kind("product_name", {"type": "string", "description": "What was sold."}) == "text"


def test_a_field_named_by_one_label_is_looked_for_under_the_others_printed_for_the_same_value():
    assert labels_from_name("grand_total")[:2] == ["grand total", "total"]
    assert {"amount due", "balance due"} <= set(labels_from_name("grand_total"))
    assert "invoice date" in labels_from_name("bill_date") and "date" in labels_from_name("bill_date")
    assert "due date" not in labels_from_name("bill_date")
    assert labels_from_name("vat_rate") == ["vat rate"]
    assert labels_from_name("totalPrice")[:2] == ["total price", "total"]  # "price" dropped: "total" is printed
    assert "unit" not in labels_from_name("unit_price")  # but "unit" is no label


def test_a_line_items_parts_stand_for_the_column_headers_printed_over_them():
    assert {"item", "charge name", "service"} <= set(column_labels_from_name("description"))
    assert {"line total", "total"} <= set(column_labels_from_name("amount"))
    assert "qty" in column_labels_from_name("quantity")  # the labels of the same value, as for any field
    assert "amount due" not in column_labels_from_name("amount")  # a line's amount is no document's total


def test_a_documents_bare_amount_is_its_total_and_an_amount_paid_too():
    assert {"total", "amount due", "grand total"} <= set(labels_from_name("amount"))
    assert {"total", "grand total"} <= set(labels_from_name("amount_paid"))


def test_a_name_that_says_nothing_leaves_the_kind_to_the_descriptions_opening_words():
    assert infer_kind("issued_on", {"type": "string", "description": "Date on the receipt"}) == "date"
    assert infer_kind("location", {"type": "string", "description": "Street address, as printed"}) == "address"
    assert infer_kind("seller", {"type": "string", "description": "Shop that sold the goods"}) == "organization"
    # words after the opening phrase describe something else
    assert infer_kind("summary", {"type": "string", "description": "A short account of the parties and terms"}) == "text"
    assert infer_kind("signer", {"type": "string", "description": "Person who signs for the company"}) == "text"
    assert infer_kind("note", {"type": "string", "description": "What the customer paid in total"}) == "text"
    # a word for a moment names a date as the phrase's head, not as what names another thing
    assert infer_kind("origin", {"type": "string", "description": "Departure airport."}) == "text"
    assert infer_kind("leaving", {"type": "string", "description": "Departure, as printed"}) == "date"


def test_a_list_of_entities_named_in_the_plural_or_described_as_such_is_one_of_organisations():
    assert infer_kind("counterparties", {"type": "string"}) == "organization"
    assert infer_kind("suppliers", {"type": "string"}) == "organization"
    model = reg.model_from_json_schema({"title": "Secrecy", "properties": {
        "bound": {"type": "array", "description": "Companies bound by the agreement", "items": {"type": "string"}},
    }})
    assert [(s.kind, s.many) for s in reg.field_specs(model)] == [("organization", True)]


def test_a_record_part_takes_its_kind_from_its_own_name_before_the_records():
    model = reg.model_from_json_schema({"title": "Expense", "properties": {"business": {"type": "object", "properties": {
        "name": {"type": "string"},
        "location": {"type": "string", "description": "street address"},
        "role": {"type": "string"},
    }}}})
    kinds = {s.name: s.kind for s in reg.part_specs(model, "business")}
    assert kinds == {"business.name": "organization", "business.location": "address", "business.role": "text"}


def test_optional_types_and_enums_as_users_write_them():
    """``"type": ["array", "null"]`` is a list; an ``enum`` of words is one of them, free text
    whatever its name says ("payment" is no amount), typed so that nothing else validates."""
    from pydantic import ValidationError

    model = reg.model_from_json_schema({"title": "Odd receipt", "properties": {
        "tags": {"type": ["array", "null"], "items": {"type": "string"}},
        "total": {"type": ["number", "null"]},
        "payment": {"type": "string", "enum": ["cash", "card"]},
        "currency": {"type": "string", "enum": ["MYR", "USD"]},
    }})
    specs = {s.name: s for s in reg.field_specs(model)}
    assert specs["tags"].many and not specs["total"].many and specs["total"].kind == "money"
    assert (specs["payment"].kind, specs["payment"].options) == ("text", ("cash", "card"))
    assert specs["currency"].kind == "currency"
    assert model.model_validate({"payment": "card"}).payment == "card"
    with pytest.raises(ValidationError):
        model.model_validate({"payment": "cheque"})
    # an optional field's enum lists null among its words: it is still one of them
    optional = reg.model_from_json_schema({"title": "Lab report", "properties": {
        "sex": {"type": ["string", "null"], "enum": ["Male", "Female", None]}}})
    assert reg.field_specs(optional)[0].options == ("Male", "Female")
    with pytest.raises(ValidationError):
        optional.model_validate({"sex": "42 Y / Female"})


def test_another_values_label_does_not_label_a_plain_field():
    """"Due date" holds the word "date" but labels another value, even where the schema
    has no due-date field."""
    model = reg.model_from_json_schema({"title": "Bill", "properties": {"bill_date": {"type": "string", "format": "date"}}})
    spec = reg.field_specs(model)[0]
    doc = make_document("ACME Ltd\nInvoice no. 7\nDue date: 2022-10-04\nDate of issue: 2022-09-27\nTotal 10.00")
    best = max(propose(Context(doc, model), spec), key=lambda p: p.strength)
    assert best.value == "2022-09-27"


def test_plain_json_schema_and_pydantic_module_work_without_hints(tmp_path, monkeypatch):
    (tmp_path / "contract.json").write_text(json.dumps({
        "title": "Service contract",
        "properties": {
            "parties": {"type": "array", "items": {"type": "string"}, "description": "Who signs."},
            "governing_law": {"type": "string", "examples": ["New York"]},
        },
    }))
    (tmp_path / "bill.py").write_text(textwrap.dedent('''
        from datetime import date
        from pydantic import BaseModel

        class Line(BaseModel):
            item: str

        class Bill(BaseModel):
            bill_number: str | None = None
            issued: date | None = None
            amount_due: float | None = None
            lines: list[Line] = []
    '''))
    monkeypatch.setenv("DOCLOOP_SCHEMA_PATH", str(tmp_path))
    reg.registry.cache_clear()
    try:
        contract = {s.name: s for s in reg.field_specs(reg.get_schema("service_contract"))}
        assert (contract["parties"].kind, contract["parties"].many) == ("organization", True)
        assert contract["governing_law"].kind == "jurisdiction"
        assert contract["governing_law"].aliases == ("governing law",)
        assert "New York" in contract["governing_law"].description  # examples reach the prompt
        bill = {s.name: s for s in reg.field_specs(reg.get_schema("bill"))}
        assert [bill[n].kind for n in ("bill_number", "issued", "amount_due", "lines")] == ["identifier", "date", "money", "object"]
        assert "line" not in reg.registry()  # a record inside a document is no document type
    finally:
        reg.registry.cache_clear()


def test_labels_a_field_name_stands_for():
    assert labels_from_name("total_amount")[:2] == ["total amount", "total"]
    assert labels_from_name("merchantName") == ["merchant name", "merchant"]
    assert labels_from_name("invoice_number")[:3] == ["invoice number", "invoice no", "invoice nr"]
    assert labels_from_name("amount")[0] == "amount"  # a lone type word is the label itself
    assert labels_from_name("due_date")[0] == "due date"


RECEIPT = """\
BRIGHT PAGES
GOLDEN LEAF SDN. BHD.
NO 12 JALAN BESAR
RECEIPT 2019-03-12
NOTEBOOK 5.00
PEN 2.50
TOTAL: 7.50
THANK YOU"""


def test_a_plain_receipt_schema_reads_the_total_and_a_company_by_a_legal_form_from_anywhere():
    """The schema says total_amount and merchant_name and selects no pack: the total is read
    beside "TOTAL:", and the company by a legal form of another country's (from cleanco's table)."""
    model = reg.model_from_json_schema({
        "title": "Shop receipt",
        "properties": {"merchant_name": {"type": "string"}, "total_amount": {"type": "number"}},
    })
    specs = {s.name: s for s in reg.field_specs(model)}
    assert specs["merchant_name"].kind == "organization"
    ctx = Context(make_document(RECEIPT), model)

    def best(name):
        return max(propose(ctx, specs[name]), key=lambda p: p.strength)

    total = best("total_amount")
    assert (total.value, total.signals["match"]) == ("7.50", 1.0)  # read beside its label "TOTAL:"
    assert best("merchant_name").value == "GOLDEN LEAF SDN. BHD."  # not the shop's brand above it


def test_lists_of_dates_and_amounts_without_hints(tmp_path, monkeypatch):
    """A plain schema's arrays get the kind's values as items; an item that is not plausibly
    of its kind (a postcode read as an amount) is left out."""
    from pipeline.config import Settings
    from pipeline.run import build_pipeline

    (tmp_path / "facts.json").write_text(json.dumps({"title": "Facts", "properties": {
        "dates": {"type": "array", "items": {"type": "string", "format": "date"}},
        "amounts": {"type": "array", "items": {"type": "number"}},
    }}))
    monkeypatch.setenv("DOCLOOP_SCHEMA_PATH", str(tmp_path))
    reg.registry.cache_clear()
    try:
        text = ("Acme GmbH\nHauptstr. 5\n10115 Berlin\nInvoice 2024-03-01\nDelivery date: 2024-02-28\n"
                "Consulting 100.00\nVAT 19.00\nTotal 119.00")
        pipe = build_pipeline(Settings(llm_provider="none"), ["rules"])
        state = pipe.process_parsed(make_document(text), "facts-1", "facts")
    finally:
        reg.registry.cache_clear()
    assert set(state.fields["dates"].value) == {"2024-03-01", "2024-02-28"}
    assert set(state.fields["amounts"].value) >= {"100.00", "119.00"}
    assert "10115.00" not in state.fields["amounts"].value


def test_short_forms_in_names_choose_the_kind_and_labels_of_the_words_they_stand_for():
    assert infer_kind("addr", {"type": "string"}) == "address"
    assert infer_kind("dt", {"type": "string"}) == "date"
    assert infer_kind("curr", {"type": "string"}) == "currency"
    assert infer_kind("vat_pct", {"type": "number"}) == "percent"  # not a VAT number
    assert infer_kind("tot", {"type": "string"}) == "money"
    assert {"invoice no", "invoice number"} <= set(labels_from_name("inv_no"))
    assert {"inv dt", "invoice date", "date"} <= set(labels_from_name("inv_dt"))
    assert "total" in labels_from_name("amt")  # a document's bare amount, as "amount"
    assert label_from_name("vendor_addr") == "vendor address"


def test_words_that_only_qualify_a_printed_label_leave_it_standing_for_that_label():
    for name in ("invoice_total_gross", "grossTotal", "TotalPaid", "total_rm", "totalUSD"):
        assert "total" in labels_from_name(name), name
    assert "transaction date" in labels_from_name("TransactionDateTime")
    assert "total" not in labels_from_name("net_total") and "total" not in labels_from_name("total_tax")


def test_more_words_for_the_parties_a_document_names():
    assert infer_kind("payer", {"type": "string"}) == "organization"
    assert infer_kind("contracting_entities", {"type": "array"}) == "organization"


def test_a_billing_date_is_the_invoices_date_not_the_next_billing():
    model = reg.model_from_json_schema({"title": "Incoming", "properties": {"billing_date": {"type": "string", "format": "date"}}})
    spec = reg.field_specs(model)[0]
    doc = make_document("INVOICE\nInvoice # 31898\nInvoice Date Sep 13, 2022\nAcme LLC\nBilling Period Sep 13, 2022 to Sep 13, 2023\nNext Billing Date Sep 13, 2023\nTotal $144.00")
    best = max(propose(Context(doc, model), spec), key=lambda p: p.strength)
    assert best.value == "2022-09-13"


def test_names_of_a_moment_are_dates():
    for name in ("signed_on", "valid_until", "effective_as_of", "effective", "commencement", "expiry", "agreement_end"):
        assert infer_kind(name, {"type": "string"}) == "date", name
    assert "effective date" in labels_from_name("effective")  # as documents print it
    assert "expiry date" in labels_from_name("expiry")


def test_the_word_before_of_is_the_head():
    assert infer_kind("end_of_term", {"type": "string"}) == "date"
    assert infer_kind("terms_of_payment", {"type": "string"}) == "text"  # not an amount
    assert infer_kind("choice_of_law", {"type": "string"}) == "jurisdiction"


def test_a_total_named_with_what_it_includes_or_its_type_word_first_is_printed_total():
    for name in ("totalInclVat", "total_to_pay", "amountTotal", "totalAmountDue"):
        assert infer_kind(name, {"type": "number"}) == "money" and "total" in labels_from_name(name), name
    assert "total" not in labels_from_name("total_excl_vat")  # without tax: another value


def test_pay_bonuses_fares_deposits_and_charges_are_amounts():
    for name in ("joining_bonus", "gross_pay", "fare", "security_deposit", "service_charge", "penalty", "monthly_rent"):
        assert infer_kind(name, {"type": "number"}) == "money", name
    assert infer_kind("deposit_date", {"type": "string"}) == "date"


def test_institutions_that_issue_documents_are_organisations():
    for name in ("institution", "charity_name", "issuingAuthority", "laboratory", "hospital_name", "university", "council"):
        assert infer_kind(name, {"type": "string"}) == "organization", name
    assert infer_kind("authority_reference", {"type": "string"}) == "identifier"
    # a registration is a number, whoever it belongs to
    for name in ("charity_registration", "vehicleRegistration", "abn"):
        assert infer_kind(name, {"type": "string"}) == "identifier", name
    assert infer_kind("registration_date", {"type": "string"}) == "date"


def test_a_label_two_fields_only_stand_for_is_neither_fields():
    """`totalBilled` and `totalAllowed` each stand for "Total": printed once, it cannot be both,
    so neither is read under it; a label that is one field's own name stays the other's too
    (`consignee_address` under "Consignee")."""
    from pipeline.schemas import field_specs, model_from_json_schema

    model = model_from_json_schema({"title": "EOB", "properties": {
        "totalBilled": {"type": "number"}, "totalAllowed": {"type": "number"},
        "consignee": {"type": "string"}, "consignee_address": {"type": "string"}}})
    aliases = {s.name: s.aliases for s in field_specs(model)}
    assert "total" not in aliases["totalBilled"] and "total" not in aliases["totalAllowed"]
    assert "total billed" in aliases["totalBilled"]
    assert "consignee" in aliases["consignee_address"]
    alone = model_from_json_schema({"title": "Bill", "properties": {"totalBilled": {"type": "number"}}})
    assert "total" in field_specs(alone)[0].aliases


def test_vat_alone_is_an_amount_and_a_location_an_address():
    assert infer_kind("vat", {"type": "number"}) == "money" and infer_kind("vat_id", {"type": "string"}) == "identifier"
    assert infer_kind("location", {"type": "string", "description": "Where the shop is"}) == "address"
    assert infer_kind("governed_by", {"type": "string"}) == "jurisdiction"


def test_a_duration_a_schema_counts_in_a_unit_is_exported_as_that_number():
    """``nda_term_months`` as an integer: read as a term ("2 years", which grounds in the printed
    words), written in JSON as the months the schema asks for; a person's bare 24 is 24 months."""
    model = reg.model_from_json_schema({"title": "NDA", "properties": {
        "nda_term_months": {"type": "integer"},
        "term_in_years": {"anyOf": [{"type": "number"}, {"type": "null"}]},
        "term": {"type": "string"},
    }})
    read = model.model_validate({"nda_term_months": "two (2) years", "term_in_years": "18 months", "term": "3 years"})
    assert read.nda_term_months == "2 years"
    assert read.model_dump(mode="json") == {"nda_term_months": 24, "term_in_years": 1.5, "term": "3 years"}
    assert model.model_validate({"nda_term_months": 24}).model_dump(mode="json")["nda_term_months"] == 24
    assert {s.name: s.kind for s in reg.field_specs(model)}["nda_term_months"] == "term"


def test_a_documents_amount_named_by_the_document_is_its_total():
    labels = labels_from_name("invoice_amount")
    assert "total" in labels and "invoice" not in labels  # "Invoice" heads the page, it labels no amount
    assert "total" not in labels_from_name("tax_amount")


def test_more_names_users_give_dates_jurisdictions_and_shops():
    assert infer_kind("purchase_datetime", {"type": "string"}) == "date"
    assert infer_kind("timestamp", {"type": "string"}) == "date"
    assert infer_kind("governing_state", {"type": "string"}) == "jurisdiction"
    assert infer_kind("outlet", {"type": "string"}) == "organization"


def test_who_did_it_or_to_whom_is_a_party_and_an_at_a_moment():
    string = {"type": "string"}
    assert [infer_kind(n, string) for n in ("sold_by", "issued_by", "bill_to", "payable_to", "from", "to")] == ["organization"] * 6
    assert [infer_kind(n, string) for n in ("created_at", "purchased_at", "valid_from")] == ["date"] * 3
    assert infer_kind("at", string) == "text" and infer_kind("comes_from", string) == "text"


def test_a_total_of_a_value_printed_under_its_own_label_is_looked_for_under_it():
    assert {"tax", "vat", "gst"} <= set(labels_from_name("tax_total")) and "total" not in labels_from_name("tax_total")
    assert "tax" in labels_from_name("total_tax") and "tax" in labels_from_name("tax_cents")
    assert "total" not in labels_from_name("tax_cents") and "total" in labels_from_name("total_cents")


def test_a_plain_schema_with_a_subtotal_tax_and_total_gets_the_invoices_checks():
    from pipeline.schemas import model_from_json_schema

    money = {"type": "number"}
    bill = model_from_json_schema({"title": "Bill", "properties": {
        "net_amount": money, "vat": money, "grand_total": money, "bill_date": {"type": "string"}, "pay_by": {"type": "string", "format": "date"},
    }})
    assert [c.message for c in bill.checks] == ["net_amount + vat does not equal grand_total", "bill_date is after pay_by"]
    assert bill.checks[0].failed({"net_amount": "100.00", "vat": "6.00", "grand_total": "150.00"})
    # no sum without all three; lists of amounts are no parts of it
    assert model_from_json_schema({"title": "Till", "properties": {"tax": money, "total": money, "subtotal": {"type": "array", "items": money}}}).checks == []


def test_a_propertys_title_is_its_name_in_words():
    """``"d1": {"title": "Agreement Date"}``: kind and labels from the title; a key that says
    nothing ("who", "p") is no label; pydantic's own titles ("Merchantname") change nothing."""
    model = reg.model_from_json_schema({"title": "Capture", "properties": {
        "who": {"type": "string", "title": "Vendor name"},
        "d1": {"type": "string", "title": "Agreement Date"},
        "p": {"type": "array", "title": "Parties", "items": {"type": "string"}},
        "total_amount": {"type": "number", "title": "Total paid"},
        "merchantName": {"type": "string", "title": "Merchantname"},
    }})
    specs = {s.name: s for s in reg.field_specs(model)}
    assert [(s.kind, s.many) for s in specs.values()] == [
        ("organization", False), ("date", False), ("organization", True), ("money", False), ("organization", False)]
    assert specs["who"].aliases[:2] == ("vendor name", "vendor") and "who" not in specs["who"].aliases
    assert "agreement date" in specs["d1"].aliases and "d1" not in specs["d1"].aliases
    assert {"total paid", "total", "total amount"} <= set(specs["total_amount"].aliases)
    assert specs["merchantName"].aliases[0] == "merchant name"


def test_a_definitions_title_names_its_type_not_the_field():
    model = reg.model_from_json_schema({"title": "Bill", "$defs": {"IsoDate": {"type": "string", "title": "ISO date"}},
                                        "properties": {"date": {"$ref": "#/$defs/IsoDate"}}})
    assert "invoice date" in reg.field_specs(model)[0].aliases


def test_a_field_named_neither_way_is_labelled_by_its_descriptions_opening_words():
    model = reg.model_from_json_schema({"title": "Scan", "properties": {
        "field4": {"type": "string", "description": "Total amount paid including tax"},
        "field5": {"type": "string", "description": "Anything else printed"},
    }})
    four, five = reg.field_specs(model)
    assert four.kind == "money" and {"total", "amount due"} <= set(four.aliases)
    assert five.aliases == ("field5",)  # a phrase that names no value labels nothing


def test_a_record_that_only_groups_values_leaves_each_part_its_own_label():
    model = reg.model_from_json_schema({"title": "Slip", "properties": {
        "amounts": {"type": "object", "properties": {"subtotal": {"type": "number"}, "total": {"type": "number"}}},
        "merchant": {"type": "object", "properties": {"name": {"type": "string"}}},
    }})
    total = reg.part_specs(model, "amounts")[1]
    assert total.aliases[0] == "total" and "grand total" in total.aliases
    assert reg.part_specs(model, "merchant")[0].aliases[:2] == ("merchant name", "merchant")  # never bare "name"


def test_a_boolean_is_yes_or_no_whatever_its_words_name():
    model = reg.model_from_json_schema({"title": "Pact", "properties": {
        "mutual": {"type": "boolean", "description": "Whether both parties disclose"}}})
    assert reg.field_specs(model)[0].kind == "text"
    assert model(mutual=True).mutual is True


def test_a_schema_written_in_a_regions_language_chooses_its_pack_and_is_read_in_english():
    """German, French and Malay field names (``lieferant``, ``date_facture``, ``nama_kedai``):
    read as the English they stand for, with the region's pack for the printed labels."""
    german = reg.model_from_json_schema({"title": "Eingangsrechnung", "properties": {
        "lieferant": {"type": "string"}, "rechnungsdatum": {"type": "string"},
        "gesamtbetrag": {"type": "number"}, "waehrung": {"type": "string"}, "währung_iso": {"type": "string"}}})
    assert german.cues == ["invoices_eu"]
    assert [s.kind for s in reg.field_specs(german)] == ["organization", "date", "money", "currency", "currency"]
    assert "total" in reg.field_specs(german)[2].aliases
    assert "title" not in german.source["properties"]["lieferant"]  # exports are checked against the user's own schema
    french = reg.model_from_json_schema({"title": "Facture", "properties": {
        "fournisseur": {"type": "string"}, "date_facture": {"type": "string"}, "montant_total": {"type": "number"}}})
    assert [(s.kind, s.aliases[0]) for s in reg.field_specs(french)] == [
        ("organization", "supplier"), ("date", "invoice date"), ("money", "total amount")]
    malay = reg.model_from_json_schema({"title": "Resit", "properties": {
        "nama_kedai": {"type": "string"}, "alamat": {"type": "string"}, "tarikh": {"type": "string"}, "jumlah": {"type": "number"}}})
    assert malay.cues == ["receipts_my"] and [s.kind for s in reg.field_specs(malay)] == ["organization", "address", "date", "money"]


def test_one_regional_word_does_not_make_an_english_schema_regional():
    model = reg.model_from_json_schema({"title": "Bill", "properties": {"datum": {"type": "string"}, "total": {"type": "number"}}})
    assert model.cues == [] and reg.field_specs(model)[0].aliases == ("datum",)


def test_a_date_named_issued_is_the_documents_date():
    assert {"invoice date", "issue date", "date"} <= set(labels_from_name("issued"))
    assert {"invoice date", "date"} <= set(labels_from_name("date_issued"))
    assert "invoice date" not in labels_from_name("issued_by")  # who issued it, not when


def test_a_yes_or_no_field_is_left_to_the_model_and_people_not_read_from_printed_words():
    """A boolean ("mutual") whose name is printed in the document ("MUTUAL NON-DISCLOSURE"):
    the rules propose nothing, where words after the label would be no answer to yes or no."""
    model = reg.model_from_json_schema({"title": "NDA flags", "properties": {
        "mutual": {"type": "boolean"}, "agreement_type": {"type": "string"}}})
    specs = {s.name: s for s in reg.field_specs(model)}
    ctx = Context(make_document("MUTUAL: NON-DISCLOSURE AGREEMENT\nAGREEMENT TYPE: MUTUAL\n"), model)
    assert propose(ctx, specs["mutual"]) == []
    assert propose(ctx, specs["agreement_type"])  # text beside its label is still read


@pytest.mark.parametrize(("name", "kind"), [
    ("renewal_term", "term"), ("renewal_length", "term"), ("renewal", "term"),
    ("notice_period", "term"), ("notice_to_terminate_renewal", "term"), ("renewal_notice", "term"),
    ("notice_address", "address"), ("renewal_date", "date"), ("renewal_terms", "text"),
])
def test_a_contracts_renewal_and_its_notice_are_periods(name, kind):
    """How long a renewal runs and the notice that stops it are durations, whatever the name's
    other words; a name whose last word says otherwise keeps that kind."""
    assert infer_kind(name, {"type": "string"}) == kind


def test_names_of_travel_hotel_and_shipping_documents():
    """Stays and trips: check-in and check-out are dates printed "Arrival" and "Departure";
    a hotel or an airline is an organisation; a total of something charged is printed "Total",
    one of what is weighed is not; a party's address is printed under the party's label; a
    reference is printed "Ref"."""
    assert infer_kind("check_in", {"type": "string"}) == "date"
    assert infer_kind("check_out", {"type": "string"}) == "date"
    assert {"arrival", "arrival date"} <= set(labels_from_name("check_in"))
    assert {"departure", "check out"} <= set(labels_from_name("departure_date"))
    assert infer_kind("hotel_name", {"type": "string"}) == "organization"
    assert "total" in labels_from_name("total_fare") and "total" in labels_from_name("total_charges")
    assert "total" not in labels_from_name("total_weight")
    assert "consignee" in labels_from_name("consignee_address")
    assert "order ref" in labels_from_name("order_reference")


def test_a_description_says_what_a_field_named_for_a_dealing_holds():
    """``ship_to`` alone is who the goods go to; described as an address, it is the address."""
    assert infer_kind("ship_to", {"type": "string"}) == "organization"
    assert infer_kind("ship_to", {"type": "string", "description": "Delivery address for the goods."}) == "address"


def test_quotation_and_bill_of_lading_numbers_are_looked_for_as_printed():
    assert {"quotation no", "quote no"} <= set(labels_from_name("quote_number"))
    assert "b l no" in labels_from_name("bol_number")  # "B/L No."
    assert "credit note" in labels_from_name("credit_note_number") and "invoice" not in labels_from_name("invoice_number")
    assert "price" not in labels_from_name("total_price")  # a line's price is no total


def test_a_ship_to_is_printed_as_a_delivery_address_too():
    assert {"deliver to", "delivery address"} <= set(labels_from_name("ship_to"))


@pytest.mark.parametrize(("name", "kind", "end"), [
    ("pay_period_start", "date", ("pay period", 0)), ("statement_period_end", "date", ("statement period", 1)),
    ("period_from", "date", ("period", 0)), ("period_to", "date", ("period", 1)), ("valid_until", "date", ("valid", 1)),
    ("cover_end_date", "date", ("cover", 1)), ("start_date", "date", None), ("bill_to", "organization", None),
    ("notice_period", "term", None),
])
def test_an_end_of_a_span_is_a_date_printed_as_one_end_of_a_range(name, kind, end):
    """"period_to" is the last day of a period, not a period; its span's label is the name
    without the word for its end."""
    from pipeline.infer import range_end

    assert infer_kind(name, {"type": "string"}) == kind
    assert range_end(name) == end


@pytest.mark.parametrize("printed", [
    "Pay Period: 01/02/2025 - 28/02/2025\nPay Date: 28/02/2025",
    "Pay date 28/02/2025\nPay period 1 February 2025 to 28 February 2025",
    "Pay date 28.02.2025\nPay period\nFrom 00:01 on 01.02.2025\nTo 23:59 on 28.02.2025",
])
def test_the_ends_of_a_span_are_read_from_the_range_printed_under_its_label(printed):
    """A payslip prints its pay period once, as a range: the start field takes the first date,
    the end field the second, whatever else is dated."""
    model = reg.model_from_json_schema({"title": "Payslip", "properties": {
        "pay_date": {"type": "string", "format": "date"},
        "pay_period_start": {"type": "string", "format": "date"},
        "pay_period_end": {"type": "string", "format": "date"}}})
    ctx = Context(make_document("Hollybrook Care Homes Ltd\n" + printed), model)
    best = {s.name: max(propose(ctx, s), key=lambda p: p.strength).value for s in reg.field_specs(model)}
    assert best == {"pay_date": "2025-02-28", "pay_period_start": "2025-02-01", "pay_period_end": "2025-02-28"}


def test_finance_fields_are_looked_for_under_the_labels_statements_and_payslips_print():
    """A payslip's tax withheld is printed "Income Tax" or "Tax", its gross pay "Total
    earnings"; a bank statement's account holder "Account name"; an employer's EIN is its tax
    number and a number, not a company."""
    assert {"tax", "income tax"} <= set(labels_from_name("tax_withheld"))
    assert "total earnings" in labels_from_name("gross_pay")
    assert "account name" in labels_from_name("account_holder")
    assert infer_kind("employer_ein", {"type": "string"}) == "identifier"
    assert {"ein", "tax id"} <= set(labels_from_name("employer_ein"))
    assert infer_kind("employee_ssn", {"type": "string"}) == "identifier"


def test_a_records_parts_are_printed_under_their_own_names_where_the_record_names_a_group():
    """"payment_breakdown": {"principal", "interest"} prints "Principal" and "Interest", as a
    record of "amounts" does; a party's details keep the party's word ("seller_details.name")."""
    from pipeline.infer import part_labels

    assert part_labels("payment_breakdown", "principal", {"type": "number"})[0] == "principal"
    assert "name" not in part_labels("seller_details", "name", {"type": "string"})


def test_a_records_amount_under_no_label_of_its_own_is_no_reading():
    """A record's parts are each read under their labels; any amount of the page is no reading
    of a part whose label is not printed, and a record of such guesses is none."""
    model = reg.model_from_json_schema({"title": "Loan", "properties": {"payment_split": {"type": "object", "properties": {
        "principal": {"type": "number"}, "escrow": {"type": "number"}}}}})
    [spec] = reg.field_specs(model)
    assert propose(Context(make_document("Amount Due $2,187.44\nLate fee $87.50"), model), spec) == []


def test_an_end_of_a_span_whose_own_label_is_not_printed_is_read_from_a_period_printed_as_a_range():
    """A policy's cover prints as "Period of Insurance From ... to ...": the end of the cover is
    the second date of the range a document calls a period, where it prints no "cover"."""
    model = reg.model_from_json_schema({"title": "Policy", "properties": {
        "issue_date": {"type": "string", "format": "date"},
        "cover_start_date": {"type": "string", "format": "date"},
        "cover_end_date": {"type": "string", "format": "date"}}})
    text = "Date of Issue 2 June 2025\nPeriod of Insurance From 00:01 on 14 June 2025 to 23:59 on 13 June 2026"
    ctx = Context(make_document("Atlantic Shield Insurance Company Limited\n" + text), model)
    spec = next(s for s in reg.field_specs(model) if s.name == "cover_end_date")
    assert max(propose(ctx, spec), key=lambda p: p.strength).value == "2026-06-13"


def test_a_description_that_is_a_label_in_a_few_words_is_looked_for_too():
    """`donation_date`: "Date of the gift." is printed "Date of Gift"; `startDate`: "Date of
    joining." A sentence, a question or a phrase that names no kind adds nothing."""
    from pipeline.infer import field_labels

    assert field_labels("donation_date", {"description": "Date of the gift."}) == ["donation date", "date of gift"]
    assert "date of joining" in field_labels("startDate", {"description": "Date of joining."})
    assert field_labels("collectionDate", {"description": "When the sample was collected."}) == ["collection date"]
    assert field_labels("patientName", {"description": "Full name of the patient."}) == ["patient name", "patient"]


def test_a_guarantor_is_a_party_and_a_count_of_parties_is_no_name():
    """"guarantor", "franchisee" name a party (a person or a company), read as names are; a
    number whose name speaks of parties ("customer_count") counts them. An employee stays text
    (a payslip prints the name after its label; an agreement's employee is the contract pack's)."""
    for name in ("guarantor", "franchisee"):
        assert infer_kind(name, {"type": "string"}) == "organization", name
    assert infer_kind("employee_name", {"type": "string"}) == "text"
    assert infer_kind("employee_id", {"type": "string"}) == "identifier"
    assert infer_kind("employee_count", {"type": "integer"}) != "organization"
    assert infer_kind("customer_count", {"type": "integer"}) != "organization"


def test_pay_loan_and_rate_fields_are_looked_for_as_agreements_word_them():
    """An employment contract pays "a salary of £58,500 per annum", a loan agreement heads its
    amount "LOAN AMOUNT" and charges "interest at the rate of 11.25%"."""
    assert {"salary", "base salary"} <= set(labels_from_name("annual_salary"))
    assert {"principal", "loan amount"} <= set(labels_from_name("principal_amount"))
    assert {"rate of interest", "interest at the rate of"} <= set(labels_from_name("interest_rate"))


def test_an_employments_start_is_printed_as_its_date_of_joining_or_first_day():
    assert {"date of joining", "first day of employment"} <= set(labels_from_name("start_date"))
