"""Letters and digits an OCR recogniser confuses inside a word ("Peta1ing", "Leve1", "ANG5A",
"7/1l8B", "BIk"), set right by the characters around them.

Only in a word the recogniser was unsure of (below ``OCR_SURE``), and a letter read as a digit
(or the reverse) only where it was unsure of that character itself: on SROIE's 40 scans RapidOCR
read 15 of the 19 such confusions it made at 0.49-0.89 (the other four, "INV0ICE" twice, "G5TReg",
"VE0s", at 0.92-0.98, stay as read), while the digits of codes beside letters ("4g1wSwitch") were
sure. A run of letters and
digits with more than one digit is a code ("E4Mp3", "SS21", "5505P0S004") and is left as read, as
is a digit opening a run ("3RD", "1UNIT", "5/B") and a "1" between capitals (an I or an L:
"GST1D", "PETA1ING"). A correction does not raise the word's confidence.
"""

from __future__ import annotations

import re

from pipeline.state import OCR_SURE

# a digit read for a letter, in a word of that case
AS_LOWER = {"0": "o", "1": "l", "5": "s"}
AS_UPPER = {"0": "O", "5": "S", "8": "B"}
# a letter read for a digit between digits
AS_DIGIT = {"l": "1", "I": "1", "O": "0", "o": "0"}
_RUN = re.compile(r"[^\W_]+")


def fix_confusions(chars: list[str], scores: list[float]) -> list[str]:
    """``chars`` (one word's characters as read, with the recogniser's ``scores``), confusions
    set right; the same characters where the word is sure."""
    if not chars or min(scores) >= OCR_SURE:
        return chars
    out = list(chars)
    text = "".join(chars)
    for m in _RUN.finditer(text):
        run, at = m.group(), m.start()
        for i, c in enumerate(run):
            before, after = run[i - 1 : i], run[i + 1 : i + 2]
            unsure = scores[at + i] < OCR_SURE
            if c.isdigit() and unsure and sum(d.isdigit() for d in run) == 1 and before.isalpha():
                if after.isalpha() and before.islower() and after.islower():  # "Peta1ing"
                    out[at + i] = AS_LOWER.get(c, c)
                elif after.isalpha() and before.isupper() and after.isupper():  # "ANG5A"
                    out[at + i] = AS_UPPER.get(c, c)
                elif not after and c == "1" and re.fullmatch(r"[A-Za-z]?[a-z]{3,}", run[:i]):  # "Leve1"
                    out[at + i] = "l"
            elif c in AS_DIGIT and unsure and before.isdigit() and after.isdigit():  # "7/1l8B"
                out[at + i] = AS_DIGIT[c]
            elif c == "I" and i == 1 and before.isupper() and re.fullmatch(r"[a-z]+", run[2:]):  # "BIk": I and l
                out[at + i] = "l"  # are one glyph in many fonts; the word's case says which
    return out
