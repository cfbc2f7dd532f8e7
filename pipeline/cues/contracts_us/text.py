"""What the contract finders share: where a mention sits, phrases that tolerate any spacing, one
proposal per value, the sentence around a match.
"""

from __future__ import annotations

import re

from pipeline.extractors.finding import Context, Proposal

OPENING = 2500  # characters from the start where contracts name their parties and date


def position_weight(ctx: Context, offset: int) -> float:
    """1.0 in the opening, falling to 0 over the first quarter of a long document."""
    n = len(ctx.text)
    return 1.0 if offset < OPENING or n <= OPENING else max(0.0, 1.0 - offset / (0.25 * n))


def ws(pattern: str) -> str:
    """A literal phrase as a regex that tolerates any run of whitespace (line breaks, OCR gaps)."""
    return r"\s+".join(re.escape(w) for w in pattern.split())


def per_value(found: list[tuple[object, int, int, dict[str, float]]]) -> list[Proposal]:
    """One proposal per distinct value (its strongest mention), with ``share``: the part of
    all mentions' weight that agrees with it."""
    best: dict[object, tuple[object, int, int, dict[str, float]]] = {}
    weight: dict[object, float] = {}
    for item in found:
        value, _, _, signals = item
        weight[value] = weight.get(value, 0.0) + signals["match"]
        if value not in best or signals["match"] > best[value][3]["match"]:
            best[value] = item
    total = sum(weight.values()) or 1.0
    return [
        Proposal(value=value, spans=[(start, end)], signals={**signals, "share": weight[value] / total})
        for value, (_, start, end, signals) in best.items()
    ]


def sentence_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """Bounds of the sentence around ``[start, end)`` (capped at 400 characters each way)."""
    left = max(text.rfind(". ", max(0, start - 400), start), text.rfind("\n\n", max(0, start - 400), start))
    m = re.compile(r"\.(?:\s|$)").search(text, end, min(len(text), end + 400))
    return (left + 1 if left >= 0 else max(0, start - 400)), (m.end() if m else min(len(text), end + 400))
