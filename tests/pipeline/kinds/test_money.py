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


def test_thousands_grouped_with_a_space_are_one_amount_where_cents_follow_a_comma():
    # French and Swiss invoices print "3 432,00 €" (a space, no-break or narrow space): it was 432.00
    assert values("Total TTC 3 432,00 €") == ["3432.00"]
    assert values("Net à payer 1\u202f234\u00a0567,89 €") == ["1234567.89"]
    assert values("Total 12 items 3,50") == ["12.00", "3.50"]  # no cents after a comma: two numbers


def test_a_whole_number_after_net_is_a_payment_term_in_days_not_an_amount():
    # "Terms Net 30" had been read as a subtotal of 30.00 on a US invoice that prints no "Subtotal"
    assert values("Terms          Net 30\nMerchandise 2,582.40") == ["2582.40"]
    assert values("Net 1,550.00\nNet EUR 30") == ["1550.00", "30.00"]
