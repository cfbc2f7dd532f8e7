"""Letters and digits OCR confused inside a word it was unsure of (``pipeline.parsers.confusions``)."""

from __future__ import annotations

from pipeline.parsers.confusions import fix_confusions

SURE, UNSURE = 0.99, 0.6


def fixed(word: str, unsure_at: str | None = None) -> str:
    """``word`` corrected, read unsure of the characters in ``unsure_at`` (all of it when None)."""
    scores = [UNSURE if unsure_at is None or c in unsure_at else SURE for c in word]
    return "".join(fix_confusions(list(word), scores))


def test_a_digit_between_letters_reads_as_the_letter_in_their_case() -> None:
    assert fixed("Peta1ing", "1") == "Petaling"
    assert fixed("No.3,Ja1an", "1") == "No.3,Jalan"  # a run of its own after punctuation
    assert fixed("ANG5A,", "5") == "ANGSA,"
    assert fixed("SALESPERS0N", "0") == "SALESPERSON"
    assert fixed("Leve1", "1") == "Level"  # a word's last letter, after three lowercase ones


def test_a_letter_between_digits_reads_as_the_digit() -> None:
    assert fixed("7/1l8B,", "l") == "7/118B,"


def test_a_capital_i_inside_a_lowercase_word_is_an_l() -> None:
    """The same glyph in many fonts: the case of the letters after it says which it is."""
    assert fixed("BIk", "k") == "Blk"  # even where it was sure of the I itself
    assert fixed("McIntosh") == "McIntosh"  # after a lowercase letter: as printed


def test_numbers_codes_and_sure_words_are_left_as_read() -> None:
    for word in ("B1-21", "No.12", "U13/X", "SS21/39", "3RD", "1UNIT", "5/B", "RM7.00", "E4Mp3", "4g1wSwitch", "20/01/2018", "40ML"):
        assert fixed(word) == word
    assert fixed("PETA1ING") == "PETA1ING"  # a 1 among capitals: an I or an L
    assert fixed("March1", "M") == "March1"  # a date's sure digit after a word
    assert fixed("Peta1ing", "P") == "Peta1ing"  # unsure of another letter, sure of the digit
    assert "".join(fix_confusions(list("Peta1ing"), [SURE] * 8)) == "Peta1ing"  # a sure word
