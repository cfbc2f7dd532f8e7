"""What the model calls of one document cost, per document and per field, for the export.

A call that read several fields is shared out evenly among them (tokens and cost), so
the per-field figures add up to the document's. Cache hits cost nothing and count as
such; the embedded model's calls cost 0 but their tokens are counted like any other's.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from pipeline.state import ModelCall


def usage(calls: list[ModelCall]) -> dict[str, Any]:
    spent = [c for c in calls if not c.cache_hit]
    per_field: dict[str, dict[str, float]] = defaultdict(lambda: {"input_tokens": 0.0, "output_tokens": 0.0, "cost_usd": 0.0})
    for call in spent:
        share = 1 / len(call.fields) if call.fields else 0.0
        for name in call.fields:
            per_field[name]["input_tokens"] += call.input_tokens * share
            per_field[name]["output_tokens"] += call.output_tokens * share
            per_field[name]["cost_usd"] += call.cost_usd * share
    return {
        "calls": len(calls),
        "cache_hits": len(calls) - len(spent),
        "input_tokens": sum(c.input_tokens for c in spent),
        "output_tokens": sum(c.output_tokens for c in spent),
        "cost_usd": round(sum(c.cost_usd for c in spent), 6),
        "seconds": round(sum(c.latency_s for c in spent), 3),
        "fields": {
            name: {k: round(v, 6) if k == "cost_usd" else round(v, 1) for k, v in figures.items()}
            for name, figures in per_field.items()
        },
    }
