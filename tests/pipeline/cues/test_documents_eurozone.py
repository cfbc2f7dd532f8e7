"""Euro-area documents that print no currency: a euro-area IBAN and VAT number choose the pack,
whose currency is offered, derived, for a person to confirm; a printed currency still decides."""

from __future__ import annotations

from pipeline.cues import cues_for
from tests.pipeline.test_invoice_header import AP_INVOICE
from tests.pipeline.test_rules import extract, plain

ITALIAN = """\
Cartoleria Adriatica S.r.l.
Via Mazzini 4, 60121 Ancona
P.IVA IT09876543210
FATTURA N. 12/2024 del 05/02/2024
Imponibile 100,00
IVA 22% 22,00
Totale documento 122,00
IBAN IT60 X054 2811 1010 0000 0123 456"""


def test_a_euro_area_iban_and_vat_number_choose_the_pack_one_alone_does_not():
    assert "documents_eurozone" in cues_for(AP_INVOICE, ITALIAN).names
    assert "documents_eurozone" not in cues_for(AP_INVOICE, "Invoice\nIBAN IT60 X054 2811 1010 0000 0123 456\nTotal 10.00").names


def test_the_euro_is_offered_where_no_currency_is_printed():
    from pipeline.schemas import model_from_json_schema

    schema = model_from_json_schema({"title": "Bill", "properties": {"currency": {"type": "string"}}})
    found = extract(plain(ITALIAN), schema)
    assert [c.value for c in found["currency"]][:1] == ["EUR"]
    found = extract(plain(ITALIAN.replace("122,00", "122,00 CHF")), schema)
    assert [c.value for c in found["currency"]][:1] == ["CHF"]
