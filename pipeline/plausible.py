"""Whether a value looks like a value of its kind, as printed: a gate on auto-acceptance.

A confident extractor can still be fooled: the word "an" after "Invoice" read as the
invoice number, a page number read as an amount. Such a value is kept and shown to a
person, but never auto-accepted, whatever its calibrated confidence: confidence is
learned from past documents, and these are the cases a new layout produces.
Each kind says what is implausible for it (``Kind.implausible`` in ``pipeline.kinds``),
from the value and the printed text it was grounded on (its evidence).
"""

from __future__ import annotations

from typing import Any

from pipeline.kinds import get_kind
from pipeline.state import FieldResult


def implausible_value(kind: str, value: Any, printed: str) -> str | None:
    """Why one value, printed as ``printed``, is not plausibly of ``kind``, or None."""
    checker = get_kind(kind)
    reason = checker.implausible(value, printed) if checker is not None else None
    return f"implausible {kind}: {reason}" if reason else None


def implausible(kind: str, result: FieldResult) -> str | None:
    """Why the field's value is not plausibly of ``kind`` (each item of a list checked), or None."""
    if result.value in (None, "", []):
        return None
    values = result.value if isinstance(result.value, list) else [result.value]
    printed = [s.text for s in result.evidence]
    for i, value in enumerate(values):
        # evidence is one span per item for lists when it lines up, else all of it
        text = printed[i] if len(printed) == len(values) else " ".join(printed)
        if reason := implausible_value(kind, value, text):
            return reason
    return None
