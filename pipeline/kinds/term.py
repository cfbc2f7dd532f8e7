"""Durations ("3 years"). Generically the text after a label, read as a duration; how long
an agreement lasts in contract phrasing is the ``contracts_us`` cue pack's."""

from pipeline.kinds.base import Kind
from schemas.types import Term, parse_term


class TermKind(Kind):
    name = "term"
    json_type = Term
    grounding = r"\b(?:\w+(?:-\w+)?\s+)?(?:\(\s*\d+\s*\)\s*)?(?:years?|months?|weeks?|days?)\b"
    hint = 'a duration, e.g. "3 years"'
    parse = staticmethod(parse_term)
