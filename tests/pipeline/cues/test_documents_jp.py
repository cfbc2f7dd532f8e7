"""Japanese invoices: the pack is chosen by the document's signs; its labels name the number, the
dates, the amounts and the registration number, and the customer addressed with 御中 is not the
issuer, who is printed under 発行元."""

from __future__ import annotations

from pipeline.cues import cues_for
from tests.pipeline.test_invoice_header import AP_INVOICE, best
from tests.pipeline.test_rules import extract, plain

SEIKYUSHO = """\
請求書
株式会社ひかり商事 御中
請求日: 2024年7月31日
請求書番号: A-0099
お支払期限: 2024年8月31日
小計          20,000
消費税 (10%)   2,000
合計          22,000
発行元:
有限会社あおば工房
〒530-0001 大阪府大阪市北区梅田1-1-1
登録番号: T1234567890123"""


def test_two_signs_choose_the_pack_one_does_not():
    assert "documents_jp" in cues_for(AP_INVOICE, SEIKYUSHO).names
    assert "documents_jp" not in cues_for(AP_INVOICE, "Invoice\nSupplier: Tanaka 株式会社\nTotal 10.00").names


def test_japanese_labels_and_the_issuer_under_its_label_not_the_addressed_customer():
    found = extract(plain(SEIKYUSHO), AP_INVOICE)
    assert best(found, "vendor") == "有限会社あおば工房"
    assert best(found, "invoice_number") == "A-0099"
    assert (best(found, "invoice_date"), best(found, "due_date")) == ("2024-07-31", "2024-08-31")
    assert (best(found, "subtotal"), best(found, "tax"), best(found, "total")) == ("20000.00", "2000.00", "22000.00")
    assert best(found, "vendor_vat_id") == "T1234567890123"
