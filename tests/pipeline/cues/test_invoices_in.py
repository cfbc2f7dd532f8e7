"""Indian GST tax invoices: the pack is chosen by the document's signs and reads the taxable value
as the subtotal, the CGST and SGST lines as the tax, and the issuer's GSTIN."""

from __future__ import annotations

from pipeline.cues import cues_for
from tests.pipeline.test_invoice_header import AP_INVOICE, best
from tests.pipeline.test_rules import extract, plain

GST_INVOICE = """\
TAX INVOICE
KAVERI HANDLOOMS PVT. LTD.
14 Market Road, Salem, Tamil Nadu 636001
GSTIN: 33AABCK4321L1Z9
Invoice No: KH/24-25/0042            Invoice Date: 05-Jun-2024
Buyer (Bill to): Lotus Stores
GSTIN: 33AAGFL8765M1Z4               Place of Supply: Tamil Nadu (33)
Sl  Description     HSN    Qty    Rate     Amount
1   Silk dhoti      5007   10     900.00   9,000.00
                       Taxable Value       9,000.00
                       CGST @ 2.5%           225.00
                       SGST @ 2.5%           225.00
                       Total             ₹ 9,450.00"""


def test_two_signs_choose_the_pack():
    assert "invoices_in" in cues_for(AP_INVOICE, GST_INVOICE).names
    assert "invoices_in" not in cues_for(AP_INVOICE, "Invoice\nGSTIN: 33AABCK4321L1Z9\nTotal 10.00").names


def test_the_taxable_value_the_two_gst_halves_and_the_issuer_s_gstin():
    found = extract(plain(GST_INVOICE), AP_INVOICE)
    assert best(found, "subtotal") == "9000.00"  # was none: "Taxable Value" is no English subtotal label
    assert "450.00" in [c.value for c in found["tax"]]  # CGST + SGST, for the sum check to choose
    assert best(found, "vendor_vat_id") == "33AABCK4321L1Z9"  # not the buyer's, printed in the buyer's block
    assert best(found, "total") == "9450.00"
