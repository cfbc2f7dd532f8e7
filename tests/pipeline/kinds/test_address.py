"""Postal addresses on small made-up receipts: where a block starts and ends."""

from __future__ import annotations

from tests.pipeline.test_rules import extract, plain


def address(lines: list[str]) -> str:
    return extract(plain("\n".join(lines)), "receipt")["address"][0].value


def test_reference_numbers_and_tax_codes_are_no_address_cues():
    """A five-digit number inside a reference ("05/SE200209/42193") is no postcode, and a
    column of "ST" tax codes is no street."""
    lines = ["KEDAI MAJU SDN BHD", "NO 5, JALAN MERANTI 2,", "43000 KAJANG, SELANGOR", "TEL: 03-1234 5678",
             "05/SE200209/42193", "BREAD 2.00", "MILK 3.00", "ST", "ST", "ST", "ST", "TOTAL 5.00"]
    assert address(lines) == "NO 5, JALAN MERANTI 2, 43000 KAJANG, SELANGOR"
    found = extract(plain("\n".join(lines)), "receipt")["address"]
    assert not any(c.value.startswith(("05/", "ST")) for c in found)
