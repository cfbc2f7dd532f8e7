"""``--schema auto``: which document type is this, and how sure are we.

A light keyword model: each type's ``keywords`` and field labels (aliases) are
looked for in the first pages; counts become a probability with a softmax. A new
type added as a module or JSON Schema file takes part without code changes.
"""

from __future__ import annotations

import math
import re
from functools import lru_cache

from pipeline.state import ParsedDocument
from pipeline.schemas import field_specs, registry

SAMPLE_CHARS = 6000  # the first pages say what a document is
TEMPERATURE = 2.0


@lru_cache(maxsize=4096)
def _phrase(p: str) -> tuple[str, re.Pattern[str]]:
    return p.lower(), re.compile(r"\b" + re.escape(p.lower()) + r"\b")


def _score(text: str, phrases: list[str]) -> float:
    # most phrases are absent: the substring test rules them out before the word-bounded search
    hits = sum(1 for lower, pattern in map(_phrase, phrases) if lower in text and pattern.search(text))
    return hits / math.sqrt(max(1, len(phrases)))


def classify(document: ParsedDocument) -> tuple[str, float]:
    """The most likely schema name and its probability."""
    text = document.text[:SAMPLE_CHARS].lower()
    scores = {}
    for name, model in registry().items():
        labels = [a for spec in field_specs(model) for a in spec.aliases if len(a) > 3]
        scores[name] = 2 * _score(text, list(model.keywords)) + _score(text, labels)
    top = max(scores.values())
    weights = {n: math.exp(TEMPERATURE * (s - top)) for n, s in scores.items()}
    total = sum(weights.values())
    name = max(weights, key=weights.get)
    return name, round(weights[name] / total, 3)
