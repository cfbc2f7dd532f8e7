"""Canadian bills: the pack is chosen by the document's signs, and a GST line and a provincial
PST line are both the bill's tax."""

from __future__ import annotations

from pipeline.cues import cues_for
from tests.pipeline.test_invoice_header import AP_INVOICE, best
from tests.pipeline.test_rules import extract, plain

BC_INVOICE = """\
Fraser Valley Plumbing Ltd.
310 Main Street
Chilliwack, BC V2P 2S1
GST/HST Reg. No. 700000001 RT0001
INVOICE
Invoice #: 5521
Invoice Date: 2024-02-05
Labour                         500.00
Subtotal                       500.00
GST 5%                          25.00
PST 7%                          35.00
Total                          560.00"""


def test_two_signs_choose_the_pack_one_does_not():
    assert "documents_ca" in cues_for(AP_INVOICE, BC_INVOICE).names
    assert "documents_ca" not in cues_for(AP_INVOICE, "Invoice\nShipped to Vancouver, BC V6B 1A1\nTotal 10.00").names


def test_gst_and_pst_lines_are_the_tax_that_adds_up():
    found = extract(plain(BC_INVOICE), AP_INVOICE)
    assert "60.00" in [c.value for c in found["tax"]]  # GST + PST, for the sum check to choose
    assert best(found, "vendor_vat_id") == "700000001 RT0001"
    assert (best(found, "subtotal"), best(found, "total")) == ("500.00", "560.00")
