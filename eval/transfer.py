"""Calibration for schemas nobody has reviewed yet: one model per value kind, fitted across
every labelled schema, trusted only where leave-one-schema-out shows it transfers.

A user's new schema has no outcomes, but its fields have kinds (dates, names, amounts,
jurisdictions, identifiers). Outcomes of all labelled schemas are pooled per kind and
fitted as :mod:`eval.calibration` fits a field. Whether that transfers is measured, not
assumed: for each labelled schema, the kind models are refitted on the *other* schemas
and applied to it. A kind keeps its auto-accept threshold only if, in every held-out
schema with enough outcomes of that kind, what the threshold accepts is ``target``
precise; otherwise its threshold is NEVER and its fields always go to a person.

The same held-out predictions say what a confidence means on a schema the fit has not
seen: a kind model fitted on receipts may say 0.97 where contracts' dates are right 70% of
the time. Each kind keeps an isotonic map from its probability to how often values at it
were right on the held-out schemas, at the lower bound of what so few values can show
(``FieldCalibration.held_out``); a kind no other schema could test takes the map pooled
over every kind's held-out predictions, only where it lowers a confidence. So a schema without reviews is told the accuracy
its kinds' confidences had where they were new, not the accuracy the fit had on its own data.
Stored as one calibration named ``KINDS`` (its "fields" are kinds), served by
:class:`pipeline.confidence.CalibratedScorer` for schemas without their own.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import numpy as np

from eval.calibration import Outcome, _fit_model, choose_threshold, wilson_lower
from pipeline.confidence import KINDS, NEVER, Calibration, along, kind_of

MIN_HELD_OUT = 10  # outcomes of a kind a held-out schema needs for its verdict to count


@dataclass
class HeldOut:
    kind: str
    schema: str
    outcomes: int
    accepted: int
    precision: float | None  # of what the other schemas' threshold accepted here
    # (probability from the other schemas' fit, right or not) for each outcome here
    predictions: list[tuple[float, bool]]


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
            predictions = [(_probability(fitted.weights, fitted.bias, o.features), o.correct) for o in test]
            accepted = [right for p, right in predictions if p >= threshold]
            precision = sum(accepted) / len(accepted) if accepted else None
            results.append(HeldOut(kind, schema, len(test), len(accepted), precision, predictions))
    return results


def held_out_map(predictions: list[tuple[float, bool]]) -> list[list[float]]:
    """Points of a never decreasing map from a confidence to the share of values at it that
    were right: isotonic regression's blocks, each at the Wilson lower bound of its share (a
    block of 20 values all right vouches for 0.88, not 1.0), for :func:`pipeline.confidence.along`."""
    from sklearn.isotonic import IsotonicRegression

    ordered = sorted(predictions)
    x = np.array([p for p, _ in ordered], dtype=float)
    y = np.array([right for _, right in ordered], dtype=float)
    shares = IsotonicRegression(y_min=0.0, y_max=1.0).fit_transform(x, y)
    points: list[list[float]] = []
    start = 0
    for end in range(1, len(x) + 1):
        if end == len(x) or shares[end] != shares[start]:
            low = wilson_lower(int(y[start:end].sum()), end - start)
            points += [[float(x[start]), low], [float(x[end - 1]), low]]
            start = end
    for i in range(1, len(points)):  # a small block above a large one is at least as right as it
        points[i][1] = max(points[i][1], points[i - 1][1])
    return points


def _no_higher(points: list[list[float]] | None) -> list[list[float]] | None:
    """Another kind's evidence may lower a confidence, never raise it: each point at most its
    own probability (so is every point between them)."""
    return [[x, min(y, x)] for x, y in points] if points else None


def fit_kinds(outcomes: list[Outcome], source: str, target: float = 0.99, min_accepted: int = 30) -> tuple[Calibration, list[HeldOut]]:
    """The per-kind calibration, each kind's threshold kept only where it transferred."""
    held_out = leave_one_schema_out(outcomes, target, min_accepted)
    failed = {h.kind for h in held_out if h.outcomes >= MIN_HELD_OUT and h.precision is not None and h.precision < target}
    tested = {h.kind for h in held_out if h.outcomes >= MIN_HELD_OUT}
    predictions: dict[str, list[tuple[float, bool]]] = defaultdict(list)
    for h in held_out:
        predictions[h.kind] += h.predictions
    pooled = held_out_map([p for kind in predictions for p in predictions[kind]]) if held_out else None
    cal = Calibration(KINDS, "kinds", source, target)
    for kind, rows in sorted(_by_kind(outcomes).items()):
        fitted, threshold, precision, coverage = _fit_kind(rows, target, min_accepted)
        mapped = held_out_map(predictions[kind]) if len(predictions[kind]) >= MIN_HELD_OUT else _no_higher(pooled)
        if kind in failed or kind not in tested:  # no evidence that it transfers: never auto-accept
            threshold, precision, coverage = NEVER, None, 0.0
        elif mapped and threshold < NEVER:  # confidences are served on the held-out scale, so is the threshold
            threshold = along(mapped, threshold)
        cal.fields[kind] = fitted.calibration(threshold, precision, coverage)
        cal.fields[kind].held_out = mapped
    return cal, held_out
