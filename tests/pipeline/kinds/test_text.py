"""Free text: a field for how a bill was paid reads the card scheme, cash or debit it prints."""

from __future__ import annotations

from pipeline.schemas import model_from_json_schema
from tests.pipeline.test_invoice_header import best
from tests.pipeline.test_rules import extract, plain

SLIP = model_from_json_schema({"title": "Slip", "properties": {
    "total": {"type": "number"}, "payment_method": {"type": "string"}, "payment_terms": {"type": "string"}}})


def method(text: str) -> str | None:
    return best(extract(plain(text), SLIP), "payment_method")


def test_the_card_scheme_or_cash_printed_on_the_payment_line_without_the_amount_or_tender_words():
    assert method("TOTAL        25.71\nVISA TEND    25.71\nCHANGE DUE    0.00") == "VISA"
    assert method("TOTAL £69.54\nMASTERCARD CONTACTLESS £69.54\nAUTH CODE 552914") == "MASTERCARD CONTACTLESS"
    assert method("TOTAL 54.56\nDEBIT 54.56\nInterac ****7731 APPROVED") in ("DEBIT", "Interac")


def test_a_labelled_payment_line_and_a_regions_words():
    assert method("Sub Total AED 350.00\nTOTAL AED 429.98\nPaid by: VISA AED 429.98") == "VISA"
    text = "FACTURA SIMPLIFICADA\nTOTAL (€)   27,48\nTARJETA BANCARIA   27,48\nEFECTIVO 0,00 CAMBIO 0,00"
    assert method(text) in ("TARJETA BANCARIA", "EFECTIVO")


def test_terms_of_payment_are_not_how_it_was_paid():
    assert best(extract(plain("Payment terms: Net 30\nTotal 10.00\nPaid by VISA"), SLIP), "payment_terms") != "VISA"
