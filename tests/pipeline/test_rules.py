"""The rules extractor on small synthetic documents, and on real SROIE receipts."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pipeline.extractors.base import ExtractionRequest
from pipeline.extractors.rules import RulesExtractor
from pipeline.state import PAGE_BREAK, Candidate, Page, ParsedDocument, Word
from pipeline.schemas import field_specs, get_schema, model_from_json_schema

DATA = Path(__file__).resolve().parents[2] / ".." / "shared" / "datasets"

RECEIPT = """\
TAN CHAY YEE
OJC MARKETING SDN BHD
ROC NO: 538358-H
NO 2 & 4, JALAN BAYU 4,
BANDAR SERI ALAM,
81750 MASAI, JOHOR
TEL:07-388 2218 FAX:07-388 8218
TAX INVOICE
INVOICE NO: PEGIV-1030765
DATE: 15/01/2019 11:05:16 AM
CASHIER: CHAN
KINGS SAFETY SHOES 1 1,164.66 1,164.66
TOTAL QTY: 1
TOTAL EXCLUDE GST: 1,164.66
TOTAL GST @6%: 69.84
TOTAL INCLUSIVE GST: RM 1,234.50
CASH: 1,300.00
CHANGE: 65.50
THANK YOU"""

INVOICE_PAGE_1 = """\
ACME Widgets GmbH
Hauptstraße 5
10115 Berlin
Invoice
Invoice number: INV-2024-001
Invoice date: 03.02.2024
Due date: 17.02.2024
Bill to:
Globex Corporation Ltd
1 Main Street
London SW1A 1AA"""

INVOICE_PAGE_2 = """\
Subtotal 100,00 €
VAT 19% 19,00 €
Total due 119,00 €
Questions? billing@acme-widgets.de"""


def plain(text: str) -> ParsedDocument:
    """A document without word boxes, one page per form feed."""
    pages, start = [], 0
    for number, page in enumerate(text.split(PAGE_BREAK), start=1):
        pages.append(Page(number=number, start=start, end=start + len(page)))
        start += len(page) + 1
    return ParsedDocument(text=text, pages=pages, parser="test")


def boxed(text: str) -> ParsedDocument:
    """One page; each line 20 units high, each character 10 units wide, a Word per token."""
    words, offset = [], 0
    for row, line in enumerate(text.split("\n")):
        for m in re.finditer(r"\S+", line):
            box = (10.0 * m.start(), 20.0 * row, 10.0 * m.end(), 20.0 * row + 15)
            words.append(Word(text=m.group(), start=offset + m.start(), end=offset + m.end(), bbox=box))
        offset += len(line) + 1
    page = Page(number=1, start=0, end=len(text), width=600, height=20.0 * text.count("\n") + 40, words=words)
    return ParsedDocument(text=text, pages=[page], parser="test")


def pdf_like(text: str) -> ParsedDocument:
    """``text`` as a PDF's text layer gives it: words boxed where ``text`` places them, the runs
    of spaces between columns printed as one space."""
    laid_out = boxed(text)
    joined, words, at = "", [], 0
    for w in laid_out.pages[0].words:
        gap = text[at : w.start]
        joined += ("\n" * gap.count("\n")) or (" " if gap and joined and not joined.endswith("\n") else "")
        words.append(w.model_copy(update={"start": len(joined), "end": len(joined) + len(w.text)}))
        joined, at = joined + w.text, w.end
    page = laid_out.pages[0].model_copy(update={"end": len(joined), "words": words})
    return ParsedDocument(text=joined, pages=[page], parser="test")


def one_page(text: str, words: list[Word]) -> ParsedDocument:
    """A page of the given words, placed by hand."""
    return ParsedDocument(text=text, pages=[Page(number=1, start=0, end=len(text), width=600, height=200, words=words)], parser="test")


def extract(document: ParsedDocument, schema: str | type) -> dict[str, list[Candidate]]:
    model = get_schema(schema) if isinstance(schema, str) else schema
    result = RulesExtractor().extract(
        ExtractionRequest(document=document, schema=model, fields=field_specs(model), chunks=[])
    )
    out: dict[str, list[Candidate]] = {}
    for c in result.candidates:
        out.setdefault(c.field, []).append(c)
    return out


def strength(c: Candidate) -> float:
    return sum(c.signals.values()) / len(c.signals)


def assert_exact_evidence(document: ParsedDocument, candidates: dict[str, list[Candidate]]) -> None:
    for found in candidates.values():
        for c in found:
            assert c.evidence, c
            for span in c.evidence:
                assert document.text[span.start : span.end] == span.text
                assert all(0.0 <= v <= 1.0 for v in c.signals.values())


def test_receipt_fields_with_exact_evidence():
    doc = plain(RECEIPT)
    found = extract(doc, "receipt")
    assert_exact_evidence(doc, found)

    company = found["company"][0]
    assert company.value == "OJC MARKETING SDN BHD"
    assert company.evidence[0].start == RECEIPT.index("OJC MARKETING")

    date = found["date"][0]
    assert date.value == "2019-01-15"
    assert date.evidence[0].text == "15/01/2019"
    assert date.evidence[0].start == RECEIPT.index("15/01/2019")

    address = found["address"][0]
    assert address.value == "NO 2 & 4, JALAN BAYU 4, BANDAR SERI ALAM, 81750 MASAI, JOHOR"
    assert [s.text for s in address.evidence] == ["NO 2 & 4, JALAN BAYU 4,", "BANDAR SERI ALAM,", "81750 MASAI, JOHOR"]


def test_typed_amount_is_normalised():
    """"RM 1,234.50" on the total's line reads as the decimal string "1234.50"."""
    found = extract(plain(RECEIPT), "receipt")
    total = found["total"][0]
    assert total.value == "1234.50"
    assert total.evidence[0].text == "1,234.50"
    assert total.evidence[0].start == RECEIPT.index("1,234.50")
    assert total.signals["match"] >= 0.8 and total.signals["typed"] == 1.0
    # the partial amounts labelled TOTAL ... EXCLUDE/GST rank below it
    assert all(strength(c) < strength(total) for c in found["total"][1:])


def test_invoice_fields_across_pages():
    text = INVOICE_PAGE_1 + PAGE_BREAK + INVOICE_PAGE_2
    doc = plain(text)
    found = extract(doc, "invoice")
    assert_exact_evidence(doc, found)

    top = {name: cands[0] for name, cands in found.items()}
    assert top["issuer"].value == "ACME Widgets GmbH"  # not the customer under "Bill to"
    assert top["date"].value == "2024-02-03"  # not the due date
    assert top["due_date"].value == "2024-02-17"
    assert top["invoice_number"].value == "INV-2024-001"
    assert top["total"].value == "119.00"
    assert top["total"].evidence[0].page == 2
    assert top["subtotal"].value == "100.00"
    assert top["currency"].value == "EUR"
    assert top["vat_rate"].value == "19"


def test_names_in_the_other_partys_block_are_proposed_as_that_partys():
    """A person under "Bill to" is the customer: proposed with role 0, so that no reader's vote
    for it makes it the issuer (``pipeline.score``), and never counted as the issuer's rival."""
    text = "ACME Widgets GmbH\nInvoice\nInvoice number: INV-1\nInvoice date: 03.02.2024\n\nBill to:\nFelix Wolf\n1 Main Street\nTotal 10,00 EUR"
    issuers = {c.value: c for c in extract(plain(text), "invoice")["issuer"]}
    assert issuers["Felix Wolf"].signals["role"] == 0.0 and issuers["Felix Wolf"].signals["unique"] == 0.0
    assert next(iter(issuers)) == "ACME Widgets GmbH"


def test_a_legal_name_of_business_nouns_alone_begins_on_the_line_above():
    text = "GOLDEN LOTUS VEGETARIAN\nRESTAURANT SDN BHD\n(123456-X)\nNO 1, JALAN BESAR\nTOTAL 10.00"
    assert extract(plain(text), "receipt")["company"][0].value == "GOLDEN LOTUS VEGETARIAN RESTAURANT SDN BHD"


def test_a_nested_record_is_read_value_by_value_with_each_span_named():
    """A user's ``merchant: {name, address}``: "merchant name" is an organisation and
    "merchant address" an address, read as top-level fields are; the record is made of both."""
    model = model_from_json_schema({"title": "Shop receipt", "properties": {
        "merchant": {"type": "object", "properties": {"name": {"type": "string"}, "address": {"type": "string"}}},
        "total": {"type": "number"},
    }})
    [record] = extract(plain(RECEIPT), model)["merchant"]
    assert record.value == {"name": "OJC MARKETING SDN BHD", "address": "NO 2 & 4, JALAN BAYU 4, BANDAR SERI ALAM, 81750 MASAI, JOHOR"}
    assert {s.path for s in record.evidence} == {"name", "address"}
    assert all(RECEIPT[s.start : s.end] == s.text for s in record.evidence)
    assert record.signals["parts"] == 1.0


def test_a_field_for_the_other_party_reads_its_block_not_the_issuer():
    """``customer_name`` is labelled like the other party ("customer"): the block under "Bill to"
    is its own, and heading the page says nothing for it; the issuer's field still reads the issuer."""
    model = model_from_json_schema({"title": "Bill", "properties": {
        "vendor_name": {"type": "string"}, "customer_name": {"type": "string"},
        "bill_to": {"type": "string", "description": "Name of the billed company"},
    }})
    found = extract(plain(INVOICE_PAGE_1), model)
    assert found["vendor_name"][0].value == "ACME Widgets GmbH"
    assert found["customer_name"][0].value == "Globex Corporation Ltd"
    assert found["bill_to"][0].value == "Globex Corporation Ltd"


def test_a_list_of_records_is_read_by_its_first_value_the_rules_read():
    """A user's ``parties: [{name, role}]``: "parties name" is an organisation, so the parties are
    read as a ``parties`` list is, one record each, the role left open; a list of records with
    amounts (an invoice's lines) is left to the tables extractor."""
    model = model_from_json_schema({"title": "Agreement terms", "properties": {
        "parties": {"type": "array", "items": {"type": "object", "properties": {"name": {"type": "string"}, "role": {"type": "string"}}}},
        "lines": {"type": "array", "items": {"type": "object", "properties": {"description": {"type": "string"}, "amount": {"type": "number"}}}},
    }})
    text = 'This Agreement is made between Alpha Widgets Inc., a Delaware corporation ("Alpha"), and Beta Tools LLC ("Beta").'
    found = extract(plain(text), model)
    assert {c.value["name"] for c in found["parties"]} == {"Alpha Widgets Inc.", "Beta Tools LLC"}
    assert all(c.value["role"] is None and {s.path for s in c.evidence} == {"name"} for c in found["parties"])
    assert "lines" not in found


def test_a_field_that_is_one_of_a_few_words_is_read_where_one_is_printed():
    model = model_from_json_schema({"title": "Slip", "properties": {
        "payment": {"anyOf": [{"type": "string", "enum": ["cash", "card"]}, {"type": "null"}]},
        "document_type": {"type": "string", "enum": ["invoice", "receipt", "credit note"]},
    }})
    found = extract(plain("ACME STORE\nRECEIPT\nTOTAL 10.00\nPAYMENT: CARD\nThank you"), model)
    assert (found["payment"][0].value, found["payment"][0].signals["labelled"]) == ("card", 1.0)
    assert found["document_type"][0].value == "receipt"  # as the schema spells it


def test_ambiguous_field_yields_ranked_candidates():
    text = "SHOP ENTERPRISE\nTOTAL 10.00\nTOTAL 12.00\nTHANK YOU"
    found = extract(plain(text), "receipt")
    totals = found["total"]
    assert {c.value for c in totals} >= {"10.00", "12.00"}
    strengths = [strength(c) for c in totals]
    assert strengths == sorted(strengths, reverse=True)
    assert totals[0].signals["unique"] < 0.5  # a narrow lead, said honestly


def test_absent_field_has_no_candidate():
    text = "SHOP ENTERPRISE\nTHANK YOU FOR SHOPPING\nPLEASE COME AGAIN"
    found = extract(plain(text), "receipt")
    assert "date" not in found
    assert "total" not in found


def test_evidence_box_is_the_union_of_its_words():
    doc = boxed(RECEIPT)
    total = extract(doc, "receipt")["total"][0]
    span = total.evidence[0]
    words = [w for w in doc.pages[0].words if w.start < span.end and w.end > span.start]
    assert span.bbox == (
        min(w.bbox[0] for w in words),
        min(w.bbox[1] for w in words),
        max(w.bbox[2] for w in words),
        max(w.bbox[3] for w in words),
    )
    assert span.page == 1


def test_value_on_the_row_beside_its_label():
    """OCR rows printed apart ("TOTAL:" far left, the amount far right, emitted later)
    are read as one row through their boxes."""
    words = [
        Word(text="TOTAL:", start=0, end=6, bbox=(10, 100, 70, 115)),
        Word(text="ITEM", start=7, end=11, bbox=(10, 60, 50, 75)),
        Word(text="3.00", start=12, end=16, bbox=(300, 60, 340, 75)),
        Word(text="9.00", start=17, end=21, bbox=(300, 101, 340, 116)),
    ]
    total = extract(one_page("TOTAL:\nITEM\n3.00\n9.00", words), "receipt")["total"][0]
    assert total.value == "9.00"
    assert total.signals["layout"] == 0.9  # same row, not the same line


def test_a_column_of_labels_beside_a_column_of_values():
    """Labels ending in a colon, printed as one column and their values as another (emitted
    after all the labels): each label reads the value beside it, never the label below it."""
    words = [
        Word(text="Invoice No:", start=0, end=11, bbox=(300, 100, 370, 115)),
        Word(text="Customer No:", start=12, end=24, bbox=(300, 120, 375, 135)),
        Word(text="70128793", start=25, end=33, bbox=(450, 100, 500, 115)),
        Word(text="34034", start=34, end=39, bbox=(450, 120, 490, 135)),
    ]
    number = extract(one_page("Invoice No:\nCustomer No:\n70128793\n34034", words), "invoice")["invoice_number"][0]
    assert (number.value, number.signals["layout"]) == ("70128793", 0.9)


def test_a_label_inside_a_web_address_labels_nothing():
    text = "https://billing.example.com/invoice?id=67389368\nExample Ltd\nInvoice #: 5512\nTotal 10.00"
    assert [c.value for c in extract(plain(text), "invoice")["invoice_number"]] == ["5512"]


def test_address_block_leaves_out_the_company_line_and_keeps_lines_with_odd_cues():
    """A company line (legal form or company number) above the address is not part of it,
    even with a region in it; "@" between numbers is no e-mail and "KG." (kampung) beside a
    postcode is no legal form, so those lines stay in the block."""
    for company in ("GREEN LANE PHARMACY SDN BHD", "BEST DENKI MALAYSIA (308282-A)"):
        lines = [company, "LOT 21 @ 22, CITTA MALL", "NO 5, JALAN BATU 12,", "KG. DUSUN, 43100 HULU LANGAT,", "SELANGOR", "TEL: 03-1234 5678"]
        address = extract(plain("\n".join(lines)), "receipt")["address"][0]
        assert address.value == " ".join(lines[1:5])


def company(lines: list[str]) -> Candidate:
    return extract(plain("\n".join(lines)), "receipt")["company"][0]


def test_company_number_marks_the_registered_name():
    """A company number beside or under a name outranks a slogan above it, even when the
    name has furniture words ("CASH"); the number's line itself is no name."""
    lines = ["HAPPY MEALS EVERY DAY", "LIM BROTHERS CASH & CARRY", "(001234567-X)", "NO 5, JALAN MERANTI 2,",
             "43000 KAJANG, SELANGOR", "TEL: 03-1234 5678", "TAX INVOICE", "TOTAL 10.00"]
    assert company(lines).value == "LIM BROTHERS CASH & CARRY"
    lines[1:3] = ["LIM BROTHERS CASH & CARRY (001234567-X)"]
    assert company(lines).value == "LIM BROTHERS CASH & CARRY"


def test_company_number_label_is_no_legal_form_nor_company_label():
    """"CO. REG. NO" does not add "CO." to the name above it, and "COMPANY REG NO" does not
    label the address lines under it as the company; neither joins the address."""
    lines = ["PERNIAGAAN MAJU JAYA", "CO. REG. NO: 000948487-V", "LOT 5, JALAN PERMAS 10,", "BANDAR BARU PERMAS JAYA",
             "81750 MASAI, JOHOR", "COMPANY REG NO. : 725186-V", "SITE: 2365", "TAX INVOICE", "TOTAL 10.00"]
    found = extract(plain("\n".join(lines)), "receipt")
    assert found["company"][0].value == "PERNIAGAAN MAJU JAYA"
    assert all(c.signals["role"] < 1.0 for c in found["company"])
    assert found["address"][0].value == " ".join(lines[2:5])


def test_company_name_broken_before_its_closing_business_noun():
    """A line opening with a noun that ends names ("TRADING", "ENTERPRISE (...") carries on
    the name above it; a "#12" counter before a legal form is no part of the name."""
    lines = ["LIM KAH HARDWARE", "TRADING", "002458685-T", "13-1, JALAN PJU 5/10,", "47810 PETALING JAYA"]
    assert company(lines).value == "LIM KAH HARDWARE TRADING"
    lines = ["ONG HUAT HARDWARE", "ENTERPRISE (SETIA", "ALAM) SDN BHD", "822737-X", "NO. 17-G, JALAN SETIA INDAH"]
    assert company(lines).value == "ONG HUAT HARDWARE ENTERPRISE (SETIA ALAM) SDN BHD"
    assert company(["#000002 BAIFA (M) SDN BHD", "COMPANY NO(814198-X)", "TAX INVOICE"]).value == "BAIFA (M) SDN BHD"


def test_company_under_the_address_is_an_operator_not_the_seller():
    """The seller heads the receipt; a legal entity printed after its address ("OWNED BY")
    and a web address naming the shop do not outrank it."""
    lines = ["MAJU STATIONERY SHOP", "NO. 31G, JALAN SETIA INDAH,", "40170 SETIA ALAM, SELANGOR", "TEL: 03-3362 4137",
             "TAX INVOICE", "OWNED BY :", "MAJU SUPPLY SDN BHD (1135772-K)",
             "HTTPS://FACEBOOK.COM/MAJU-STATIONERY-SHOP", "PEN 1 2.00", "TOTAL 2.00", "CASH 2.00", "THANK YOU",
             "PLEASE COME AGAIN"]
    assert company(lines).value == "MAJU STATIONERY SHOP"


def test_a_brand_over_a_legal_form_name_is_that_companys_trading_name():
    """The web domain a brand line matches belongs to the company printed under it: the
    legal-form name is the issuer, not the brand and its product description."""
    lines = ["Tel: 0221 123 45 | Web: www.quickform.de", "QuickForm – Online Forms Made Simple",
             "Northwind Media GmbH", "Domstr. 4", "50667 Köln", "E-Mail: info@quickform.de",
             "Rechnung", "Gesamtbetrag 119,00 €"]
    found = extract(plain("\n".join(lines)), "invoice")
    assert found["issuer"][0].value == "Northwind Media GmbH"
    assert found["issuer"][0].signals["domain"] == 1.0


def _invoice_date(lines: list[str]) -> str:
    return extract(plain("\n".join(lines)), "invoice")["date"][0].value


def test_a_dateline_dates_the_document_over_a_qualified_date_label():
    """"Town date" at the top, the town being one of the document's addresses, is the
    document's own date; "Lieferdatum" (delivery date) only half matches the date's labels."""
    head = ["Northwind Media GmbH", "Domstr. 4", "50667 Köln", "Rechnung"]
    rest = ["Rechnungs-Nr 0815", "Lieferdatum, 30.06.2023", "Beratung 100,00 €", "Zwischensumme 100,00 €",
            "MwSt. 19% 19,00 €", "Gesamtbetrag 119,00 €", "Zahlbar innerhalb von 14 Tagen.", "Vielen Dank."]
    assert _invoice_date(head + ["Köln 04.07.2023"] + rest) == "2023-07-04"
    # a word that is no town of this document's addresses is no dateline
    assert _invoice_date(head + ["Stand 04.07.2023"] + rest) == "2023-06-30"


def test_a_date_alone_on_its_line_outranks_a_print_header_timestamp():
    """A browser's print header carries the time of printing and the page title; the date
    printed alone under it is the invoice's."""
    lines = ["23.06.23, 11:09 Invoice | Example Shop", "11/5/23", "Example Customer", "Invoice ID #4hrb48vz",
             "Subscription total: $48.00", "Questions? billing@shop.example", "https://shop.example/invoices/4hrb48vz", "1"]
    assert _invoice_date(lines) == "2023-05-11"


def test_cash_less_change_confirms_the_total():
    """What was tendered less the change is what was paid: that amount is confirmed, the
    other labelled amounts contradicted; without a cash/change pair nothing is said."""
    found = {c.value: c for c in extract(plain(RECEIPT), "receipt")["total"]}
    assert found["1234.50"].signals["paid"] == 1.0
    assert found["1164.66"].signals["paid"] == 0.0
    card = RECEIPT.replace("CASH: 1,300.00\nCHANGE: 65.50\n", "VISA: 1,234.50\n")
    assert {c.signals["paid"] for c in extract(plain(card), "receipt")["total"]} == {0.5}


def test_a_date_marked_with_year_month_and_day_characters_is_read():
    """Japanese, Chinese and Korean receipts print "2024年3月8日" (year, month, day marked):
    no numeric or month-word date, so the receipt had no date at all."""
    text = "LAWSON\nTokyo 160-0022\n2024年3月8日(金) 12:34\nOnigiri ¥160\n合計 ¥160\n"
    found = extract(plain(text), "receipt")["date"]
    assert found[0].value == "2024-03-08" and found[0].evidence[0].text == "2024年3月8日"
    assert extract(plain("SHOP\n2023년 12월 1일\nTOTAL 5.00\n"), "receipt")["date"][0].value == "2023-12-01"


def test_cash_and_change_in_unknown_words_confirm_the_total_by_their_arithmetic():
    """A receipt whose labels no pack knows ("お預り" handed over, "お釣り" change) still
    prints the total, a whole sum handed over and the change under it: the difference is the
    total, so the larger cash amount is no longer taken for it; a postcode above is no amount."""
    text = "SHOP\n1-2-3 Ginza 10400\nGyudon ¥480\nMiso ¥80\n合計 ¥560\nお預り ¥1,000\nお釣り ¥440\n"
    found = {c.value: c for c in extract(plain(text), "receipt")["total"]}
    assert found["560.00"].signals["paid"] == 1.0
    assert found["1000.00"].signals["paid"] == 0.0
    assert max(found.values(), key=strength).value == "560.00"
    # the difference must be the largest amount above: 20.00 less 8.00 is one item, no total
    items = "SHOP\nSoup 12.00\nPie 15.00\nTea 20.00\nJuice 8.00\n"
    assert {c.signals["paid"] for c in extract(plain(items), "receipt")["total"]} == {0.5}


@pytest.mark.parametrize("after", [
    "Tip 4.00\nTotal with Tip 24.19\n",  # the later label reads weaker than the total's own
    "Gratuity 18% 4.00\nAmount Paid 24.19\n",  # a label the receipt type does not know
    "VISA 20.19\nCard surcharge 4.00\nTotal paid 24.19\n",  # "paid", a word of parts, after a card line
    "CGST 2.5% 2.00\nSGST 2.5% 2.00\nNet Payable 24.19\n",  # taxes under the "Total" of a bill
])
def test_a_charge_after_the_total_and_the_sum_printed_under_it_make_the_amount_paid(after):
    """A restaurant's tip or a card surcharge is added under the printed total: the sum below
    is what was paid, and the total above it only a step."""
    text = "JOE DINER\n5 Oak Ave\nBurger 14.00\nFries 5.00\nSubtotal 19.00\nTax 1.19\nTotal 20.19\n" + after
    found = extract(plain(text), "receipt")["total"]
    assert max(found, key=strength).value == "24.19"


def test_cash_or_savings_under_the_total_add_nothing_to_it():
    """Change printed before the cash handed over, or savings, also sit between the total and
    a larger amount, but add nothing to what was paid."""
    text = "SHOP\nItem 20.00\nTOTAL 20.00\nCHANGE 30.00\nCASH 50.00\n"
    assert max(extract(plain(text), "receipt")["total"], key=strength).value == "20.00"
    text = "SHOP\nItem 80.00\nTOTAL 80.00\nTOTAL SAVINGS 40.00\nYou paid 120.00\n"
    assert max(extract(plain(text), "receipt")["total"], key=strength).value == "80.00"


def test_a_total_converted_to_another_currency_is_no_larger_total():
    """A duty-free receipt in pounds prints the total in dollars too: a larger number, not a
    larger amount. The currency most amounts are marked with is the receipt's; a bare "$"
    and "S$" are the same dollar."""
    text = ("WORLD DUTY FREE\nWhisky £38.00\nPerfume £92.00\nTOTAL GBP £130.00\nTOTAL USD $165.10\n"
            "Exchange rate 1 GBP = 1.27 USD\n")
    assert max(extract(plain(text), "receipt")["total"], key=strength).value == "130.00"
    text = "HAWKER\nRice $5.50\nLaksa $6.00\nGST 9% $1.04\nTOTAL S$12.54\n"
    found = {c.value: c for c in extract(plain(text), "receipt")["total"]}
    assert found["12.54"].signals["match"] == 1.0


def test_amount_payable_labels_a_receipts_total():
    """"Amount Payable", as Singapore and Indian receipts print their total, is a label of the
    receipt's total: unlabelled, it lost to the larger cash handed over under it."""
    text = "HAWKER\n1 Woodlands Sq\nRice 5.50\nTotal Qty 3\nAmount Payable S$5.50\nCash S$10.00\nChange S$4.50\n"
    found = extract(boxed(text), "receipt")["total"]
    assert max(found, key=strength).value == "5.50"


def test_tendered_amounts_are_read_with_the_documents_decimal_mark():
    """On a fuel receipt whose cents are printed "36.71", "PAID 10.612 GAL @ $3.459" holds
    a volume and a unit price, no money tendered: read alone, that line had made 10,612 and
    3,459 tendered, which contradicted the real total."""
    text = "PUMP 04 REGULAR\nPAID 10.612 GAL @ $3.459\nFUEL SALE $36.71\nTOTAL $36.71\nCHANGE DUE $0.00\n"
    found = {c.value: c for c in extract(plain(text), "receipt")["total"]}
    assert found["36.71"].signals["paid"] == 0.5  # nothing tendered is printed: nothing said


def test_total_ignores_the_tax_summary_and_larger_but_qualified_totals():
    """"TOTAL PAYABLE" after returns is smaller than "TOTAL 6% SUPPLIES" printed above it,
    and the tax summary table below repeats a "TOTAL" of its own: neither wins."""
    text = "\n".join([
        "TOTAL 6% SUPPLIES (INC. GST): 30.01",
        "TOTAL 0% SUPPLIES: -7.43",
        "TOTAL PAYABLE: 22.58",
        "GST SUMMARY",
        "TOTAL: 28.32 1.69",
    ])
    found = extract(plain(text), "receipt")["total"]
    assert found[0].value == "22.58"
    summary = next(c for c in found if c.value == "28.32")
    assert summary.signals["match"] <= 0.5


def test_rounding_applies_only_between_the_total_and_the_amount_due():
    """An adjustment printed above a total does not turn a later amount into the amount due."""
    text = "\n".join(["TOTAL SALES (EXCLUDING GST): 616.59", "ROUNDING: 0.01", "TOTAL SALES (INCLUSIVE OF GST): 616.60", "VISA: 616.60", "TOTAL QTY: 39", "616.59"])
    assert extract(plain(text), "receipt")["total"][0].value == "616.60"
    after = "\n".join(["TOTAL: 17.22", "RND ADJ 0.02-", "TTL ATF RND 17.20"])
    assert extract(plain(after), "receipt")["total"][0].value == "17.20"


# Measured normalised micro F1 on these 150 train receipts: 0.890 (rules alone); floor = that - 0.03.
SROIE_FLOOR = 0.86


def test_f1_on_real_sroie_receipts_stays_above_floor():
    from eval.run import evaluate

    report = evaluate("sroie", split="train", limit=150, extractors=["rules"], root=DATA, mode="extractors")
    assert report.documents == 150
    assert report.f1("normalised") >= SROIE_FLOOR


@pytest.mark.parametrize("text", ["", "\n\n", PAGE_BREAK])
def test_empty_documents_give_no_candidates(text):
    assert extract(plain(text), "receipt") == {}


def test_a_total_whose_label_says_it_includes_the_tax_is_the_total_beside_a_tax_field():
    """"TOTAL SALES (INCLUSIVE OF GST)": the schema's GST field has the label "gst", which here
    says what the total includes, not that the amount is the GST."""
    model = model_from_json_schema({"title": "Till", "properties": {
        "gst_amount": {"type": "number"}, "total": {"type": "number"},
    }})
    text = ("KEDAI ABC\nTOTAL SALES (EXCLUDING GST) :   2.00\nTOTAL GST :                      0.12\n"
            "ROUNDING :                       0.00\nTOTAL SALES (INCLUSIVE OF GST) : 2.12\n"
            "CASH :                           2.12\nCHANGE :                         0.00")
    found = extract(boxed(text), model)
    best = max(found["total"], key=strength)
    assert (best.value, best.signals["match"]) == ("2.12", 0.9)  # labelled as fully as without a GST field
    assert max(found["gst_amount"], key=strength).value == "0.12"


def test_a_schema_that_wraps_the_document_in_one_record_reads_its_values():
    """``{"receipt": {company, date, address, total}}``: no top-level date field; the record's
    date is the document's own (before, looking for the first date field raised StopIteration)."""
    model = model_from_json_schema({"title": "Extraction", "properties": {"receipt": {"type": "object", "properties": {
        "company": {"type": "string"}, "date": {"type": "string"}, "total": {"type": "number"},
    }}}})
    found = extract(plain("GOLDEN LEAF SDN BHD\n12/03/2019\nTOTAL: 7.50"), model)
    assert max(found["receipt"], key=strength).value == {"company": "GOLDEN LEAF SDN BHD", "date": "2019-03-12", "total": "7.50"}


TWO_PARTIES = """\
STRAIGHT BILL OF LADING                            B/L No.: RLX-88204173
SHIPPER (Name and Address)                         CONSIGNEE (Name and Address)
Greenfield Organic Foods Co.                       Harbor Natural Grocers Inc.
2901 Industrial Parkway                            77 Wharf Street
Fresno, CA 93725                                   Portland, ME 04101
CARRIER: Redline Express Freight, Inc.             Ship Date: 05/11/2026
PRO Number: 4471-993-021
BILL CHARGES TO: Harbor Natural Grocers Inc."""


def test_two_parties_printed_side_by_side_are_read_under_their_own_labels():
    """A PDF's text layer joins two columns with one space; where the word boxes show a wide gap
    they are two lines of one row: each party's label (with an aside in brackets) heads its own
    column's block, its address is the block under it, and a label with its value on its line
    ("CARRIER: ...") heads no block (the name three rows below it is no carrier)."""
    model = model_from_json_schema({"title": "Bill of lading", "properties": {
        "shipper": {"type": "string"}, "consignee": {"type": "string"},
        "consignee_address": {"type": "string"}, "carrier": {"type": "string"},
    }})
    found = extract(pdf_like(TWO_PARTIES), model)
    assert found["shipper"][0].value == "Greenfield Organic Foods Co."
    assert found["consignee"][0].value == "Harbor Natural Grocers Inc."
    assert found["consignee_address"][0].value == "77 Wharf Street Portland, ME 04101"
    assert found["carrier"][0].value == "Redline Express Freight, Inc."


def test_a_label_printed_as_a_column_beside_its_block_heads_that_block():
    """"Bill to:" in a column of its own with the customer's name beside it: the name is the
    customer's, not the issuer's, however high on the page it is."""
    text = (
        "Bill to:     Globex Corporation Ltd        Invoice date: 03.02.2024\n"
        "             1 Main Street\n"
        "             London SW1A 1AA"
    )
    globex = next(c for c in extract(boxed(text), "invoice")["issuer"] if c.value == "Globex Corporation Ltd")
    assert globex.signals["role"] == 0.0  # the other party's: never the issuer


def test_a_date_beside_other_columns_of_its_printed_line_is_no_dateline():
    """A browser's print header ("23.06.23, 11:09" far left of "Invoice | Shop") is one printed
    line with words after the date, though the gap makes its parts two lines: no dateline."""
    text = "23.06.23, 11:09            Invoice | Shop\n11/5/23\nShop Inc."
    found = extract(boxed(text), "invoice")
    assert found["date"][0].value == "2023-05-11"


CREDIT_NOTE = """\
Meridian Office Interiors Ltd
CREDIT NOTE
Credit Note Number:  CN-00871
Credit Note Date:    9 March 2026
Original Invoice:    INV-20417
Booking reference (PNR): QX7T9M
Description                               Qty     Unit Price       Net
Ergonomic task chair, grey mesh           -2        £245.00     -£490.00
Delivery charge refund                    -1         £25.00      -£25.00
                                     Net total         -£515.00
                                     VAT @ 20%         -£103.00
                                     Total credit      -£618.00"""


def test_a_credit_notes_amounts_are_negative_and_its_total_the_largest_in_size():
    """The total of a credit is the largest amount in size, read with its sign; the name
    "total_credit" is printed "Total"."""
    model = model_from_json_schema({"title": "Credit note", "properties": {
        "net_total": {"type": "number"}, "vat": {"type": "number"}, "total_credit": {"type": "number"},
    }})
    found = extract(plain(CREDIT_NOTE), model)
    assert [found[f][0].value for f in ("net_total", "vat", "total_credit")] == ["-515.00", "-103.00", "-618.00"]
    assert found["total_credit"][0].evidence[0].text == "-£618.00"


def test_a_reference_after_a_label_with_an_aside_and_not_inside_a_fuzzy_label():
    """"Booking reference (PNR): QX7T9M": the aside belongs to the label. "Original Invoice:
    INV-20417" is no fuzzy "original invoice no" ending inside the number (which left "20417"):
    a name of three words or more is printed without its "number"."""
    model = model_from_json_schema({"title": "Credit note", "properties": {
        "booking_reference": {"type": "string"}, "original_invoice_number": {"type": "string"},
    }})
    found = extract(plain(CREDIT_NOTE), model)
    assert found["booking_reference"][0].value == "QX7T9M"
    assert found["original_invoice_number"][0].value == "INV-20417"


def test_a_first_date_named_for_a_later_moment_is_not_the_documents_date():
    """A booking's "travel_date", first of its schema's dates, is read under its labels only:
    the date the ticket was issued is no answer."""
    model = model_from_json_schema({"title": "Ticket", "properties": {"travel_date": {"type": "string", "format": "date"}}})
    found = extract(plain("E-TICKET\nDate of issue: 28NOV2026\nFlight SP 862 15DEC26 Tokyo - Hong Kong"), model)
    assert "travel_date" not in found


LEASE = """\
RESIDENTIAL LEASE AGREEMENT - SUMMARY OF KEY TERMS
1. Landlord:            Maple Crest Properties LLC, 500 Elm Street, Columbus, OH 43215
2. Tenant(s):           Jordan Ellis and Maria Ellis
3. Lease Term:          Twelve (12) months
4. Carrier:             DPD UK"""


def test_a_partys_name_after_its_own_numbered_label_beats_names_under_another_partys():
    """"2. Tenant(s): Jordan Ellis and Maria Ellis": a label after an item's number, with an
    aside, and its value on its line (so no block under it: "Twelve (12) months" is no tenant);
    the company after "Landlord:" is the landlord's, not the tenant's, for all its legal form;
    "Carrier: DPD UK" names the carrier without one."""
    model = model_from_json_schema({"title": "Lease", "properties": {
        "landlord": {"type": "string"}, "tenant": {"type": "string"}, "carrier": {"type": "string"},
    }})
    found = extract(plain(LEASE), model)
    assert found["landlord"][0].value == "Maple Crest Properties LLC"
    assert found["tenant"][0].value == "Jordan Ellis and Maria Ellis"
    assert found["carrier"][0].value == "DPD UK"


def test_a_label_over_a_block_beside_another_columns_label_and_a_weight_in_kg():
    """"FROM:" beside another column's label heads the block under it; "2.35 KG" beside the
    sender's name is a weight, not a company (KG), and hides no name."""
    text = ("FROM:                                        SHIP DATE: 2026-09-18\n"
            "Lumen Craft Studio                           ACT WGT: 2.35 KG\n"
            "Rua das Flores 112\n4050-262 Porto\nPORTUGAL")
    model = model_from_json_schema({"title": "Label", "properties": {"sender": {"type": "string"}}})
    found = extract(plain(text), model)
    assert found["sender"][0].value == "Lumen Craft Studio"
    assert "2.35 KG" not in [c.value for c in found["sender"]]


def test_text_after_the_longer_of_a_fields_labels_not_a_headings_run_on_word():
    """"GUEST FOLIO" is a heading (a word runs on from "guest"), and "guest" inside "Guest
    Name : ..." is the longer label's: the guest is the value after "Guest Name :"."""
    text = "GUEST FOLIO\nGuest Name   : MS. PRIYA RAMANATHAN        Room No. : 1207"
    model = model_from_json_schema({"title": "Hotel bill", "properties": {"guest_name": {"type": "string"}}})
    found = extract(plain(text), model)
    assert max(found["guest_name"], key=strength).value == "MS. PRIYA RAMANATHAN"
    assert "Name : MS. PRIYA RAMANATHAN" not in [c.value for c in found["guest_name"]]


def test_a_hotel_heading_its_folio_is_the_hotel():
    text = "THE STRAITS GRAND HOTEL\n10 Collyer Quay, Singapore 049315\nGUEST FOLIO\nCompany : Tessaract Analytics Pte Ltd"
    model = model_from_json_schema({"title": "Hotel bill", "properties": {"hotel_name": {"type": "string"}}})
    assert max(extract(plain(text), model)["hotel_name"], key=strength).value == "THE STRAITS GRAND HOTEL"


def test_a_tracking_number_printed_in_groups_after_a_number_sign():
    """"TRACKING #: 1Z 8V4 E72 04 9981 2036" and "Tracking No: 15501988 4627 33": the groups
    are one number; "#" stands for "number" only where it is printed, and a date or a word
    after a number is no group of it."""
    model = model_from_json_schema({"title": "Label", "properties": {
        "tracking_number": {"type": "string"}, "order_number": {"type": "string"},
    }})
    found = extract(plain("TRACKING #: 1Z 8V4 E72 04 9981 2036\nOrder Date 03/14/2026\nOrder No: 4471 03/14/2026 paid"), model)
    assert found["tracking_number"][0].value == "1Z 8V4 E72 04 9981 2036"
    assert [c.value for c in found["order_number"]] == ["4471"]
    assert extract(plain("Tracking No: 15501988 4627 33"), model)["tracking_number"][0].value == "15501988 4627 33"


def test_a_records_address_is_the_block_under_the_records_label():
    """A "deliver_to" record {name, address}: its address is the one printed under "Deliver To:",
    not the issuer's at the top of the page, nor the one under "Invoice To:"."""
    text = ("BRAMBLE & FINCH LTD\nUnit 7, Riverside Trading Estate, Leeds LS11 5QT\nDELIVERY NOTE\n"
            "Deliver To:\nHarrow & Sons Hardware\n42 Station Road\nHarrogate\nHG1 1TE\n\n"
            "Invoice To:\nHarrow & Sons Holdings Ltd\nPO Box 118, Harrogate HG2 0AZ")
    model = model_from_json_schema({"title": "Delivery note", "properties": {"deliver_to": {
        "type": "object", "properties": {"name": {"type": "string"}, "address": {"type": "string"}},
    }}})
    assert extract(plain(text), model)["deliver_to"][0].value["address"] == "42 Station Road Harrogate HG1 1TE"


def test_a_number_named_by_its_noun_and_a_colon_where_the_colon_is_printed():
    """"Room: 512" labels the room number; "Room 512 was cleaned" (no colon) labels nothing."""
    model = model_from_json_schema({"title": "Folio", "properties": {"room_number": {"type": "string"}}})
    assert extract(plain("Guest: Mr. Daniel Okafor\nRoom: 512"), model)["room_number"][0].value == "512"
    assert "room_number" not in extract(plain("Room 512 was cleaned daily"), model)


def test_a_sentence_and_a_list_of_numbered_items_are_no_address_block():
    """A summary's opening sentence (a date and commas in it) opens no address, and numbered
    items ("1. Landlord: ...", "3. Premises: ...") are one address each at most, without their labels."""
    text = ("This summary forms part of the Lease Agreement dated June 20, 2026 between the parties below.\n"
            "1. Landlord:   Maple Crest Properties LLC, 500 Elm Street, Suite 210, Columbus, OH 43215\n"
            "2. Tenant(s):  Jordan Ellis and Maria Ellis\n"
            "3. Premises:   1184 Brookside Avenue, Apt 3B, Columbus, OH 43209\n"
            "4. Lease Term: Twelve (12) months")
    model = model_from_json_schema({"title": "Lease", "properties": {"property_address": {"type": "string"}}})
    values = [c.value for c in extract(plain(text), model)["property_address"]]
    assert "1184 Brookside Avenue, Apt 3B, Columbus, OH 43209" in values
    assert not any("summary" in v or "Premises" in v for v in values)
    assert "500 Elm Street, Suite 210, Columbus, OH 43215" in values  # the landlord's name is no part of its address


def test_a_printed_range_gives_its_first_date_to_a_start_and_its_last_to_an_end():
    """"Stay: 03 Feb 2026 - 06 Feb 2026" is the stay's check-in and check-out, "Service period:
    03/01/2026 - 03/31/2026" its start and end, though no field's label is printed; the
    invoice's own date is neither."""
    model = model_from_json_schema({"title": "Stay", "properties": {
        "check_in": {"type": "string"}, "check_out": {"type": "string"},
        "period_start": {"type": "string", "format": "date"}, "period_end": {"type": "string", "format": "date"},
    }})
    found = extract(plain("GRAND HOTEL\nInvoice date: 07 Feb 2026\nStay: 03 Feb 2026 - 06 Feb 2026\n"
                          "Service period: 03/01/2026 - 03/31/2026"), model)
    best = {name: max(found[name], key=strength).value for name in found}
    assert best == {"check_in": "2026-02-03", "check_out": "2026-02-06", "period_start": "2026-03-01", "period_end": "2026-03-31"}
