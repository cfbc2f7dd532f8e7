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
