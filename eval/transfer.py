"""Calibration for schemas nobody has reviewed yet: one model per value kind, fitted across
every labelled schema, trusted only where leave-one-schema-out shows it transfers.

A user's new schema has no outcomes, but its fields have kinds (dates, names, amounts,
jurisdictions, identifiers). Outcomes of all labelled schemas are pooled per kind and
fitted as :mod:`eval.calibration` fits a field. Whether that transfers is measured, not
assumed: for each labelled schema, the kind models are refitted on the *other* schemas
and applied to it. A kind keeps its auto-accept threshold only if, in every held-out
schema with enough outcomes of that kind, what the threshold accepts is ``target``
precise; otherwise its threshold is NEVER and its fields always go to a person.
Stored as one calibration named ``KINDS`` (its "fields" are kinds), served by
:class:`pipeline.confidence.CalibratedScorer` for schemas without their own.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import numpy as np

from eval.calibration import Outcome, _fit_model, choose_threshold
from pipeline.confidence import KINDS, NEVER, Calibration, kind_of
MIN_HELD_OUT = 10  # outcomes of a kind a held-out schema needs for its verdict to count


@dataclass
class HeldOut:
    kind: str
    schema: str
    outcomes: int
    accepted: int
    precision: float | None  # of what the other schemas' threshold accepted here


def _by_kind(outcomes: list[Outcome]) -> dict[str, list[Outcome]]:
    grouped: dict[str, list[Outcome]] = defaultdict(list)
    for o in outcomes:
        if kind := kind_of(o.schema, o.field):
            grouped[kind].append(o)
    return grouped


def _fit_kind(rows: list[Outcome], target: float, min_accepted: int):
    fitted = _fit_model(rows)
    threshold, precision, coverage = choose_threshold(
        fitted.probabilities, fitted.correct, target, min_accepted, weights=fitted.sample_weights
    )
    return fitted, threshold, precision, coverage


def _probability(weights: dict[str, float], bias: float, features: dict[str, float]) -> float:
    z = bias + sum(w * features.get(k, 0.0) for k, w in weights.items())
    return 1.0 / (1.0 + np.exp(-z))


def leave_one_schema_out(outcomes: list[Outcome], target: float, min_accepted: int = 30) -> list[HeldOut]:
    """Per kind and labelled schema: fit on the others, accept on this one, measure."""
    results = []
    for kind, rows in sorted(_by_kind(outcomes).items()):
        for schema in sorted({o.schema for o in rows}):
            train = [o for o in rows if o.schema != schema]
            test = [o for o in rows if o.schema == schema]
            if not train or not test:
                continue
            fitted, threshold, _, _ = _fit_kind(train, target, min_accepted)
            accepted = [o for o in test if _probability(fitted.weights, fitted.bias, o.features) >= threshold]
            right = sum(o.correct for o in accepted)
            results.append(HeldOut(kind, schema, len(test), len(accepted), right / len(accepted) if accepted else None))
    return results


def fit_kinds(outcomes: list[Outcome], source: str, target: float = 0.99, min_accepted: int = 30) -> tuple[Calibration, list[HeldOut]]:
    """The per-kind calibration, each kind's threshold kept only where it transferred."""
    held_out = leave_one_schema_out(outcomes, target, min_accepted)
    failed = {h.kind for h in held_out if h.outcomes >= MIN_HELD_OUT and h.precision is not None and h.precision < target}
    tested = {h.kind for h in held_out if h.outcomes >= MIN_HELD_OUT}
    cal = Calibration(KINDS, "kinds", source, target)
    for kind, rows in sorted(_by_kind(outcomes).items()):
        fitted, threshold, precision, coverage = _fit_kind(rows, target, min_accepted)
        if kind in failed or kind not in tested:  # no evidence that it transfers: never auto-accept
            threshold, precision, coverage = NEVER, None, 0.0
        cal.fields[kind] = fitted.calibration(threshold, precision, coverage)
    return cal, held_out
