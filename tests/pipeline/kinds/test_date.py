"""Dates a document prints without their year."""

from __future__ import annotations

import pytest

from pipeline.cues import cues_for
from pipeline.kinds.date import in_documents_year
from tests.conftest import make_document


@pytest.mark.parametrize(("period", "printed", "day"), [
    ("Statement period 1 March 2025 to 31 March 2025", "03 Mar", "2025-03-03"),
    ("Periode 01-04-2025 t/m 30-04-2025", "02-04", "2025-04-02"),  # day first, as the document's dates
    ("Statement period 15 December 2024 to 14 January 2025", "Jan 3", "2025-01-03"),  # the period spans a new year
    ("Statement period 15 December 2024 to 14 January 2025", "28 Dec", "2024-12-28"),
])
def test_a_line_dated_without_its_year_is_in_the_documents_period(period, printed, day):
    document = make_document(period + "\n" + printed + "  DD BRITISH GAS  86.40")
    assert str(in_documents_year(printed, document, cues_for(None, document.text))) == day


def test_no_year_is_guessed_for_a_document_that_prints_no_date_or_for_what_is_no_date():
    assert in_documents_year("03 Mar", make_document("DD BRITISH GAS 86.40"), cues_for(None)) is None
    assert in_documents_year("INV-7", make_document("Date 1 March 2025"), cues_for(None)) is None


def test_an_order_or_delivery_date_is_not_the_invoices_date():
    """A marketplace invoice prints "Order date" above "Invoice Date": the bare "date" in the
    former belongs to another value's label, so the invoice date is the one its label names."""
    from pipeline.schemas import model_from_json_schema
    from tests.pipeline.test_invoice_header import best
    from tests.pipeline.test_rules import extract, plain

    schema = model_from_json_schema({"title": "Bill", "properties": {"invoice_date": {"type": "string", "format": "date"}}})
    text = "Order #: 113-0000000-0000000\nOrder date: 12 February 2025\nInvoice Number: X-1\nInvoice Date: 14 February 2025"
    assert best(extract(plain(text), schema), "invoice_date") == "2025-02-14"
    text = "Delivery date: 02.03.2025\nDate: 28.02.2025\nTotal 10,00"
    assert best(extract(plain(text), schema), "invoice_date") == "2025-02-28"
