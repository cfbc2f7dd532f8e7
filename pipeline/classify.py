"""``--schema auto``: which document type is this, and how sure are we.

A light keyword model: each type's ``keywords`` and field labels (aliases) are
looked for in the first pages; counts become a probability with a softmax. A new
type added as a module or JSON Schema file takes part without code changes.
"""

from __future__ import annotations

import math
import re

from pipeline.state import ParsedDocument
from pipeline.schemas import field_specs, registry

SAMPLE_CHARS = 6000  # the first pages say what a document is
TEMPERATURE = 2.0


def _score(text: str, phrases: list[str]) -> float:
    hits = sum(1 for p in phrases if re.search(r"\b" + re.escape(p.lower()) + r"\b", text))
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
