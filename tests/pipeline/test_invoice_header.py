"""The header fields an accounts-payable user asks of an invoice, read by the rules with a plain
schema: due date, subtotal and tax only under their own labels, the issuer's VAT number, the
customer from the customer's block."""

from __future__ import annotations

import re

import pytest

from pipeline.infer import labels_from_name
from pipeline.kinds.identifier import registration_number
from pipeline.schemas import model_from_json_schema
from pipeline.state import Page, ParsedDocument, Word, other_party
from tests.pipeline.test_rules import boxed, extract, plain

AP_INVOICE = model_from_json_schema({"title": "AP invoice", "properties": {
    "vendor": {"type": "string", "description": "Company that sent the invoice."},
    "invoice_number": {"type": "string"},
    "invoice_date": {"type": "string", "format": "date"},
    "due_date": {"type": "string", "format": "date", "description": "When payment is due."},
    "customer": {"type": "string", "description": "Who the invoice is billed to."},
    "subtotal": {"type": "number", "description": "Net amount before tax."},
    "tax": {"type": "number", "description": "Tax amount (VAT, GST, sales tax)."},
    "total": {"type": "number", "description": "Total amount including tax."},
    "vendor_vat_id": {"type": "string", "description": "The vendor's VAT or tax registration number."},
}})


def best(found: dict, name: str):
    """The strongest value the rules propose for the field, not one ruled out as the other party's."""
    own = [c for c in found.get(name, []) if not other_party(c.signals)]
    return own[0].value if own else None


NO_TAX = """\
Invoice
Invoice number 5340DF53-0001
Date of issue December 21, 2022
Userpilot, Inc.
Bill to
SimFin Analytics GmbH
Standard 1 $299.00 $299.00
Total $299.00"""


def test_an_invoice_without_due_date_subtotal_or_tax_lines_has_none():
    """A due date, a subtotal and a tax are read only under their own labels: the issue date and
    the total are no answer for them (they were, as the only dates and amounts printed)."""
    found = extract(plain(NO_TAX), AP_INVOICE)
    assert best(found, "invoice_date") == "2022-12-21"
    assert best(found, "total") == "299.00"
    assert "due_date" not in found and "subtotal" not in found and "tax" not in found


def test_a_due_date_printed_date_due_and_a_payment_date_that_is_none():
    found = extract(plain("Invoice\nDate of issue April 13, 2023\nDate due April 27, 2023"), AP_INVOICE)
    assert best(found, "due_date") == "2023-04-27"
    found = extract(plain("SALE: 2530418\nPAYMENT DATE: 2023-04-23\nTOTAL 119.95"), AP_INVOICE)
    assert "due_date" not in found  # "PAYMENT DATE" read fuzzily as "payment due" was taken for one


def test_total_ex_tax_is_the_subtotal_and_the_vat_line_the_tax():
    text = "Qty Product Total\n1 Confluence USD 40.25\nTotal Ex. Tax USD 40.25\n19.01% VAT USD 7.65\nTotal Amount Paid USD 47.90"
    found = extract(plain(text), AP_INVOICE)
    assert best(found, "subtotal") == "40.25"
    assert best(found, "tax") == "7.65"
    assert best(found, "total") == "47.90"


def test_a_tax_column_title_labels_no_amount_under_another_column():
    """"Tax" and "Amount" title two columns (not one label "tax amount"); the tax column prints a
    rate and a footnote mark, so the invoice states no tax amount."""
    text = (
        "Description               Qty     Unit price     Tax            Amount\n"
        "                                                [1]\n"
        "Entry                     1       €99.00         0%             €99.00\n"
        "                                  Subtotal                      €99.00\n"
        "                                  Total                         €99.00"
    )
    found = extract(boxed(text), AP_INVOICE)
    assert "tax" not in found
    assert best(found, "subtotal") == "99.00"


@pytest.mark.parametrize(
    ("after_label", "number"),
    [
        (": IE3668997OH", "IE3668997OH"),
        ("# IE 98 209 58W", "IE 98 209 58W"),  # spaced groups are one number
        (" of Storyblok GmbH ATU72706128)", "ATU72706128"),
        (" ID Consol. Busn no: 558327284", "558327284"),
        (" (19%) 0.00", None),  # a tax line: a rate and an amount
        (" @ 0% on 80.65", None),
        (" to be accounted for by the recipient as per Article 196", None),  # too far from the label
        (": 2023", None),  # too few digits
    ],
)
def test_a_registration_number_after_its_label(after_label, number):
    found = registration_number(after_label)
    assert (after_label[found[0] : found[1]] if found else None) == number


def test_a_vendor_field_name_is_printed_as_the_number_s_label():
    assert {"vat id", "vat number", "vat no", "tax id"} <= set(labels_from_name("vendor_vat_id"))
    assert "tax number" in labels_from_name("supplier_tax_number")


def placed(lines: list[tuple[float, float, str]]) -> ParsedDocument:
    """One page of lines in text order, each at (x, y), 15 units high, 10 units a character."""
    words, text = [], ""
    for x, y, line in lines:
        for m in re.finditer(r"\S+", line):
            box = (x + 10.0 * m.start(), y, x + 10.0 * m.end(), y + 15)
            words.append(Word(text=m.group(), start=len(text) + m.start(), end=len(text) + m.end(), bbox=box))
        text += line + "\n"
    text = text[:-1]
    return ParsedDocument(text=text, pages=[Page(number=1, start=0, end=len(text), width=800, height=400, words=words)], parser="test")


# the issuer's column on the left, the customer's on the right, as a Stripe invoice prints them
TWO_VAT_NUMBERS = [
    (0, 0, "Invoice"), (0, 20, "Invoice number 76253815-0004"), (0, 40, "VAT Number DE355369209"),
    (0, 80, "Storyblok GmbH"), (0, 100, "Peter-Behrens-Platz 2"), (0, 120, "A-4020 Linz"), (0, 140, "Austria"),
    (400, 80, "Bill to"), (400, 100, "SimFin Analytics GmbH"), (400, 120, "Pfälzer Ufer 4"),
    (400, 140, "06108 Halle (Saale)"), (400, 160, "DE VAT DE355369209"),
    (400, 220, "Total €99.00"), (0, 260, "(VAT of Storyblok GmbH ATU72706128)"),
]


def test_the_vendor_s_vat_number_is_never_the_customer_s():
    """The customer's number is printed in the bill-to block, and again at the top beside the
    invoice number: both are the customer's; the vendor's is the one printed as its own."""
    found = extract(placed(TWO_VAT_NUMBERS), AP_INVOICE)
    assert best(found, "vendor_vat_id") == "ATU72706128"


def test_a_customer_only_vat_number_leaves_the_vendor_s_empty():
    assert best(extract(placed(TWO_VAT_NUMBERS[:-1]), AP_INVOICE), "vendor_vat_id") is None


def test_your_vat_number_is_the_reader_s():
    text = "Rechnung\nRechnungsNr: 70128793\nIhre USt-IdNr.: DE303303712\nGesamtbetrag 202,80 €\nMwSt 32,38 €\nUst-ID: DE310616179"
    assert best(extract(plain(text), AP_INVOICE), "vendor_vat_id") == "DE310616179"


def test_the_customer_is_a_person_under_bill_to_not_the_issuer():
    """Where the invoice prints the customer's block, the customer is read from it: a person's
    name there beats the issuer's legal name elsewhere, and the block's address is no name."""
    text = "Invoice\nNaturalsoft Limited\nBill to\nFelix Wolf\nPfälzer Ufer 4\n06108 Halle\nGermany\nTotal $19.00"
    assert best(extract(plain(text), AP_INVOICE), "customer") == "Felix Wolf"


def test_a_bill_to_block_that_names_nobody_gives_no_customer():
    text = "INVOICE\nInvoice # 3189846\nCalendly LLC\nBILLED TO\nGermany\nTotal $144.00"
    assert best(extract(plain(text), AP_INVOICE), "customer") is None


def test_the_recipient_under_a_sender_s_return_address_line_is_the_customer():
    """A letter for a window envelope prints the sender on one line above the recipient's
    address, with no "Bill to"."""
    text = (
        "Medienpilot GmbH & Co. KG • Am Saueracker 23 • 91244 Reichenschwand\n"
        "SimFin Analytics GmbH\nPfälzer Ufer 4\n06108 Halle (Saale)\n"
        "Rechnung\nRechnungs-Nr 02581\nGesamtbetrag 119,00 €"
    )
    found = extract(plain(text), AP_INVOICE)
    assert best(found, "customer") == "SimFin Analytics GmbH"
    assert best(found, "vendor") == "Medienpilot GmbH & Co. KG"


def test_a_sender_s_line_without_a_legal_form_names_the_issuer_above_the_recipient():
    """A craftsman or freelancer prints their own name, no GmbH, on the sender's line: the
    street after it marks the line, and the name opening it is the issuer, not the recipient."""
    text = (
        "Malerbetrieb Sommer · Birkenweg 7 · 79098 Freiburg\n"
        "Familie Nowak\nAm Hang 22\n79117 Freiburg\n"
        "Rechnung\nRechnungsnr. 2024-0057\nRechnungsbetrag 3.847,27 €"
    )
    found = extract(plain(text), AP_INVOICE)
    assert best(found, "vendor") == "Malerbetrieb Sommer"
    assert best(found, "customer") == "Familie Nowak"


PO_SCHEMA = model_from_json_schema({"title": "Invoice", "properties": {
    "invoice_number": {"type": "string"}, "po_number": {"type": "string", "description": "Purchase order number."},
}})


def test_a_purchase_order_number_under_its_printed_labels():
    found = extract(plain("Invoice No: 2024-117\nPurchase Order: 4500012345\nTotal 10.00"), PO_SCHEMA)
    assert best(found, "po_number") == "4500012345"
    assert best(found, "invoice_number") == "2024-117"


def test_a_word_after_an_identifier_s_label_is_no_number():
    """"Order Date" after "Order No" (left empty) and "Invoice to ACME": no identifier at all."""
    found = extract(plain("Invoice to ACME Ltd\nOrder No\nDate 2024-01-05"), PO_SCHEMA)
    assert "po_number" not in found and "invoice_number" not in found


def test_a_value_two_rows_under_its_label_where_another_column_s_row_comes_between():
    lines = [
        (0, 0, "To"), (0, 20, "SimFin Analytics GmbH"), (0, 40, "Felix Wolf"), (0, 58, "Pfälzer Ufer 4"),
        (300, 0, "Date issued"), (300, 20, "Mar 4, 2023"), (300, 40, "Order number"), (300, 76, "FO81B7F30FF82"),
    ]
    assert best(extract(placed(lines), PO_SCHEMA), "po_number") == "FO81B7F30FF82"


def test_a_subtotal_printed_net_or_total_ht():
    """"Net" on a British invoice and "Total HT" on a French one are the subtotal's own labels."""
    british = "Northwind Digital Ltd\nINVOICE\nHosting 840.00\nNet 840.00\nVAT @ 20% 168.00\nTotal 1,008.00"
    assert best(extract(plain(british), AP_INVOICE), "subtotal") == "840.00"
    french = "Atelier Lumière SARL\nFACTURE\nShooting 700,00 €\nTotal HT 700,00 €\nTVA 20 % 140,00 €\nTotal TTC 840,00 €"
    assert best(extract(plain(french), AP_INVOICE), "subtotal") == "700.00"


ISSUED = """\
Thistle Catering Ltd
INVOICE
Invoice Ref      ABC/1093
Issued           3rd March 2024
Event date       2024-02-24
Subtotal         £4,797.50
VAT (20%)          £959.50
Balance to pay   £5,757.00"""


@pytest.mark.parametrize("schema, date", [("invoice", "date"), (AP_INVOICE, "invoice_date")])
def test_an_invoice_ref_issued_date_and_balance_to_pay_are_the_invoice_s_own(schema, date):
    """British invoices print "Invoice Ref", "Issued" and "Balance to pay": without them the
    subtotal was taken for the total, another date for the issue date and no number was read."""
    found = extract(plain(ISSUED), schema)
    assert best(found, "invoice_number") == "ABC/1093"
    assert best(found, date) == "2024-03-03"
    assert best(found, "total") == "5757.00"


def test_a_vat_number_s_last_group_before_a_full_stop_and_a_french_number_s_siren_are_joined():
    def read(text):
        span = registration_number(text)
        return text[span[0] : span[1]] if span else None

    assert read(" GB 552 1843 90. Registered in England") == "GB 552 1843 90"  # was "GB 552 1843"
    assert read(" FR 45 812345678") == "FR 45 812345678"  # was none: "FR 45" holds two digits
    assert read(" 123456789, 45 Main Street") == "123456789"


def test_a_bare_due_label_a_po_hash_and_your_order_are_read():
    text = "INVOICE\nInvoice #: NPS-5531\nDate: 2024-01-31\nDue: 2024-03-01\nBill To:\nMaple Clinic\nPO #: MRD-0098\nTotal 10.00"
    found = extract(plain(text), AP_INVOICE)
    assert best(found, "due_date") == "2024-03-01"
    assert best(found, "total") == "10.00"  # "due" is no label of "Total"
    assert best(extract(plain(text), PO_SCHEMA), "po_number") == "MRD-0098"
    assert best(extract(plain("Invoice no. NL-24-0419\nYour order KC-7720"), PO_SCHEMA), "po_number") == "KC-7720"


def test_an_italian_invoice_s_customer_is_under_spett_le():
    """An Italian invoice addresses its customer "Spett.le" (and a Spanish one "Cliente"): the
    issuer, heading the page, was read as the customer."""
    text = (
        "Tipografia Verdi S.r.l.\nVia Roma 45\n40124 Bologna (BO)\nP. IVA 03456780371\n"
        "FATTURA N. 118/2024 Data: 22/05/2024\nSpett.le\nBar Centrale di Neri Luca\nPiazza Maggiore 3\n40121 Bologna\n"
        "Imponibile 570,00\nIVA 22% 125,40\nTotale documento 695,40 €"
    )
    assert best(extract(plain(text), AP_INVOICE), "customer") == "Bar Centrale di Neri Luca"


TWO_TAXES = """\
INVOICE
Invoice #: NPS-5531
Subtotal       3,150.00
GST 5%           157.50
PST 7%           220.50
Total (CAD)    3,528.00"""


def test_taxes_on_consecutive_rows_under_different_labels_are_summed_for_the_checks():
    """A Canadian invoice's GST and PST (an Indian one's CGST and SGST, a German one's VAT at
    two rates) are parts of one tax: their sum is a candidate, derived so a person confirms it,
    no stronger than its parts, that the subtotal + tax = total check can choose."""
    found = extract(plain(TWO_TAXES), AP_INVOICE)
    summed = [c for c in found["tax"] if c.value == "378.00"]
    assert summed and summed[0].signals["derived"] == 1.0 and len(summed[0].evidence) == 2
    assert best(found, "tax") == "157.50"  # read alone, the first tax line still leads
    # one tax printed twice (its line and a "Total VAT" line) sums to nothing that adds up
    once = extract(plain("Subtotal 100.00\nVAT 20% 20.00\nTotal VAT 20.00\nTotal 120.00"), AP_INVOICE)
    assert best(once, "tax") == "20.00"


def test_a_us_invoice_that_prints_no_currency_is_in_dollars_for_a_person_to_confirm():
    us = "PACIFIC HARDWARE, INC.\n1500 Industrial Pkwy, Fresno, CA 93725\nPhone (559) 555-0140\nInvoice No. 884213\nInvoice Total 2,933.35"
    found = extract(plain(us), "invoice")
    assert [(c.value, c.evidence, c.signals["derived"]) for c in found["currency"]] == [("USD", [], 1.0)]
    assert "currency" not in extract(plain(us.replace("CA 93725", "").replace("(559) ", "")), "invoice")  # no region, no guess
    assert best(extract(plain(us + "\nAll amounts in CAD"), "invoice"), "currency") == "CAD"  # a printed one decides


def test_an_amount_with_cents_is_no_invoice_number():
    """"Total factura 5.626,50 €" read fuzzily as "factura n°" gave the invoice number "626,50",
    auto-accepted by the built-in type."""
    from pipeline.plausible import implausible_value

    for amount in ("626,50", "5.626,50", "1,234.00"):
        assert implausible_value("identifier", amount, amount) == "implausible identifier: an amount, not an identifier"
    for number in ("2024/0311", "10087", "2024.0311", "INV-12.50"):
        assert implausible_value("identifier", number, number) is None


SPANISH = """\
Reformas Ruiz, S.L.
C/ Mayor 15, 28013 Madrid
FACTURA                       Nº Factura: 2024/0311
                              Fecha: 19/03/2024
                              Vencimiento: 18/04/2024
Base imponible         4.650,00
IVA 21%                  976,50
Total factura          5.626,50 €"""


def test_a_spanish_invoice_s_number_due_date_and_total_under_their_labels():
    found = extract(plain(SPANISH), "invoice")
    assert best(found, "invoice_number") == "2024/0311"  # "Nº" holds the ordinal sign, not "°"
    assert best(found, "due_date") == "2024-04-18"
    assert best(found, "total") == "5626.50"


@pytest.mark.parametrize("schema", ["invoice", AP_INVOICE])
def test_total_excl_gst_is_the_subtotal(schema):
    text = "TAX INVOICE\nInvoice: KT-55012\nTotal excl GST   4,700.00\nGST 15%   705.00\nTotal NZD incl GST   5,405.00"
    found = extract(plain(text), schema)
    assert best(found, "subtotal") == "4700.00"
    assert best(found, "total") == "5405.00"


def test_a_label_with_its_sign_is_a_label_only_where_the_sign_is_printed():
    """"PO #" is looked for as printed; the letters "PO" opening the number "PO-45120" are no
    label of the digits after them."""
    model = model_from_json_schema({"title": "AP invoice", "properties": {"po_number": {"type": "string"}}})
    found = extract(plain("Invoice 88412\nCustomer PO    PO-45120\nTotal 100.00"), model)
    assert [c.value for c in found["po_number"]] == ["PO-45120"]


def test_the_customer_is_read_under_a_billing_address_label():
    """A marketplace invoice names its buyer under "Billing address", beside the seller's
    "Sold by" block and under the marketplace's logo."""
    text = (
        "ShopHub\nInvoice Number: X-1\nSold by:\nBrightline Home Goods GmbH\nIndustriestraße 8\n33602 Bielefeld\n"
        "Billing address:\nJonas Weber\nLindenallee 14\n50668 Köln\nTotal €73.96"
    )
    found = extract(plain(text), AP_INVOICE)
    assert best(found, "customer") == "Jonas Weber"
    assert best(found, "vendor") == "Brightline Home Goods GmbH"


def test_a_tax_word_in_an_aside_of_another_title_labels_nothing():
    """"Unit price (incl. VAT)" wrapped so that "VAT)" stands over a column of prices: the
    bracketed words qualify the title, they label no tax; "VAT 19%" on its own line does."""
    from pipeline.extractors.finding import Context
    from pipeline.schemas import field_specs

    text = "Description Qty Unit price (incl. VAT) Amount\nUnit price (incl.\nVAT)\nBottle 2 19.99 39.98\nVAT 19% 6.38"
    ctx = Context(plain(text), AP_INVOICE)
    spec = next(s for s in field_specs(AP_INVOICE) if s.name == "tax")
    assert [ctx.line_at(h.start).text for h in ctx.labels(spec)] == ["VAT 19% 6.38"]
