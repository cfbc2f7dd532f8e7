"""Identifiers: the number printed after a label."""

from __future__ import annotations

import pytest

from pipeline.kinds.identifier import printed_number


@pytest.mark.parametrize(("printed", "number"), [
    ("GB29 NGTB 2045 7743 9182 60", "GB29 NGTB 2045 7743 9182 60"),  # an IBAN in its groups of four
    ("NL91 ZUID 0417 1643 00   BIC ZUIDNL2U", "NL91 ZUID 0417 1643 00"),
    ("4111 1111 1111 1111", "4111 1111 1111 1111"),  # a card number
    ("INV-7 dated 3 May", "INV-7"),  # otherwise the first word
    ("2024 INV 7", "2024"),  # two groups are no grouped number
    ("Invoice to", None),  # a word after the label is no number
    ("LK19 XMP", "LK19 XMP"),  # a plate alone in its cell, its first group of capitals and digits
])
def test_a_number_printed_in_groups_is_read_whole(printed, number):
    span = printed_number(printed)
    assert (printed[span[0] : span[1]] if span else None) == number


def test_an_invoice_number_printed_after_the_bills_title_where_no_label_names_it():
    """A sole trader prints "Invoice 2025-017" as the heading; a Colombian invoice "FACTURA
    ELECTRÓNICA DE VENTA No. FE-4521": the number after the title is the invoice number, where
    no label names one; a date or an amount there is not."""
    from pipeline.schemas import get_schema
    from tests.pipeline.test_invoice_header import best
    from tests.pipeline.test_rules import extract, plain

    invoice = get_schema("invoice")
    assert best(extract(plain("Jo Smith Design\nInvoice 2025-017\nDate: 4th March 2025\nTotal due: £1,250.00"), invoice), "invoice_number") == "2025-017"
    text = "CAFÉ EJEMPLO S.A.S.\nFACTURA ELECTRÓNICA DE VENTA No. FE-4521\nTotal a pagar $ 2.975.000,00"
    assert best(extract(plain(text), invoice), "invoice_number") == "FE-4521"
    assert best(extract(plain("INVOICE 04/03/2025\nTotal 10.00"), invoice), "invoice_number") is None
    # a labelled number still decides
    assert best(extract(plain("Invoice 2025-017\nInvoice No: A-9\nTotal 10.00"), invoice), "invoice_number") == "A-9"
