"""Printed amounts: the document's decimal mark tells thousands from a third decimal."""

from __future__ import annotations

from pipeline.kinds.money import amounts


def values(text: str) -> list[str]:
    return [str(v) for _, v in amounts(text)]


def test_three_decimals_after_the_documents_cents_mark_are_no_amount():
    # a fuel price per gallon beside cents printed "39.23"; the same number alone is thousands
    assert values("PRICE/GAL $3.459\nFUEL SALE $39.23") == ["39.23"]
    assert values("Kaffee 3,459 kg\nSumme 7,50") == ["7.50"]


def test_thousands_separators_stay_where_cents_use_the_other_mark_or_none_are_printed():
    assert values("Subtotal 1.234,50\nDeposit 1.000") == ["1234.50", "1000.00"]
    assert values("Total 72.600\nTunai 100.000") == ["72600.00", "100000.00"]


def test_a_minus_sign_opening_an_amount_makes_it_a_credit_a_hyphen_inside_a_number_does_not():
    """A credit note prints "-£515.00" and "-103.00"; "PO-2026-00417", a phone number and a
    range of amounts hold hyphens that sign nothing."""
    assert values("Net total  -£515.00\nVAT @ 20%  -103.00\nTotal EUR -5,00") == ["-515.00", "-103.00", "-5.00"]
    assert values("PO-2026-00417\nTel 555-0142\n12.50-3.00") == []
