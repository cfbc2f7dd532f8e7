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
