"""Calibration: from scoring features to the probability a field is right.

Fitted per schema and field with scikit-learn's logistic regression on outcomes
(labelled data, or reviewers' decisions: a value accepted is right, a corrected
one was wrong; "not in the document" is an outcome too). Each field also gets
the auto-accept threshold with the most coverage that meets a target, chosen on
cross-validated predictions and guarded for small samples: either the precision
of that field's accepted values, or the accuracy of everything exported. Stored as plain JSON (weights, thresholds), so a
calibration is versioned, diffable and loads without scikit-learn; serving reads
it through :mod:`pipeline.confidence`.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timezone

import numpy as np

from pipeline.confidence import NEVER, Calibration, FieldCalibration
from pipeline.score import FEATURES

@dataclass
class Outcome:
    schema: str
    field: str
    features: dict[str, float]
    correct: bool
    # how many fields this one stands for: 1 / the chance it was looked at (an audited
    # auto-accepted field stands for all the unaudited ones like it)
    weight: float = 1.0

POLICIES = ("precision", "exported")

def wilson_lower(successes: int, n: int, z: float = 1.645) -> float:
    """Lower bound of the Wilson score interval (one-sided 95% by default)."""
    if n == 0:
        return 0.0
    p = successes / n
    denom = 1 + z * z / n
    centre = p + z * z / (2 * n)
    margin = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return (centre - margin) / denom

def _cuts(probabilities: np.ndarray, correct: np.ndarray, weights: np.ndarray | None):
    """Per possible cut, most probable first: (threshold, accepted count, weighted accepted,
    weighted right among them), cutting only between distinct probabilities."""
    weights = np.ones(len(probabilities)) if weights is None else weights
    order = np.argsort(-probabilities, kind="stable")
    p_sorted, w_sorted = probabilities[order], weights[order]
    accepted, hits = np.cumsum(w_sorted), np.cumsum(w_sorted * correct[order])
    for i in range(len(p_sorted)):
        if i + 1 == len(p_sorted) or p_sorted[i + 1] != p_sorted[i]:
            yield float(p_sorted[i]), i + 1, float(accepted[i]), float(hits[i])

def choose_threshold(
    probabilities: np.ndarray, correct: np.ndarray, target: float, min_accepted: int = 30, slack: float = 0.03,
    weights: np.ndarray | None = None,
) -> tuple[float, float | None, float]:
    """The lowest threshold whose accepted set is at least ``target`` precise.

    Guard for small samples: at least ``min_accepted`` accepted, and the Wilson
    lower bound of their precision within ``slack`` of the target. Returns
    (threshold, precision, coverage); NEVER when no threshold qualifies.
    """
    total = float(np.sum(weights)) if weights is not None else len(probabilities)
    best = (NEVER, None, 0.0)
    for threshold, n, accepted, hits in _cuts(probabilities, correct, weights):
        precision = hits / accepted
        sure = wilson_lower(round(precision * n), n) >= target - slack
        if n >= min_accepted and precision >= target and sure:
            best = (threshold, precision, accepted / total)
    return best

def _matrix(outcomes: list[Outcome], names: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    x = np.array([[o.features.get(f, 0.0) for f in names] for o in outcomes], dtype=float)
    y = np.array([o.correct for o in outcomes], dtype=bool)
    w = np.array([o.weight for o in outcomes], dtype=float)
    return x, y, w

@dataclass
class _Fitted:
    """One field's model and its cross-validated predictions (what thresholds are chosen on)."""

    weights: dict[str, float]
    bias: float
    probabilities: np.ndarray
    correct: np.ndarray
    sample_weights: np.ndarray

    def calibration(self, threshold: float, precision: float | None, coverage: float) -> FieldCalibration:
        return FieldCalibration(
            weights=self.weights, bias=self.bias, threshold=threshold, samples=len(self.correct),
            positive_rate=float(np.average(self.correct, weights=self.sample_weights)),
            precision_at_threshold=precision, coverage_at_threshold=coverage,
        )

    def at(self, threshold: float) -> FieldCalibration:
        """This field's calibration with a threshold chosen elsewhere, and what it accepts."""
        accepted = self.probabilities >= threshold
        w = self.sample_weights
        precision = float(np.average(self.correct[accepted], weights=w[accepted])) if accepted.any() else None
        return self.calibration(threshold, precision, float(w[accepted].sum() / w.sum()))

def _fit_model(outcomes: list[Outcome]) -> _Fitted:
    # scikit-learn (and SciPy) load only when fitting: extraction only applies a fitted scorer
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold, cross_val_predict

    # every feature any outcome has: the scorer's own and each extractor signal
    names = sorted({name for o in outcomes for name in o.features} | set(FEATURES))
    x, y, w = _matrix(outcomes, names)
    if y.all() or not y.any():  # one class: no slope to learn, keep the base rate
        rate = min(max(float(y.mean()), 1e-3), 1 - 1e-3)
        bias = math.log(rate / (1 - rate))
        probabilities = np.full(len(y), 1.0 / (1.0 + math.exp(-bias)))  # what the scorer will say
        return _Fitted(dict.fromkeys(names, 0.0), bias, probabilities, y, w)
    model = LogisticRegression(C=1.0, max_iter=1000)
    folds = min(5, int(min(y.sum(), (~y).sum())))
    if folds >= 2:
        cv = StratifiedKFold(folds, shuffle=True, random_state=0)
        probabilities = cross_val_predict(model, x, y, cv=cv, method="predict_proba", params={"sample_weight": w})[:, 1]
    else:
        probabilities = model.fit(x, y, sample_weight=w).predict_proba(x)[:, 1]
    model.fit(x, y, sample_weight=w)
    return _Fitted({f: float(c) for f, c in zip(names, model.coef_[0])}, float(model.intercept_[0]), probabilities, y, w)

def fit_field(outcomes: list[Outcome], target: float, min_accepted: int = 30) -> FieldCalibration:
    """A field's calibration with its own threshold (the "precision" policy)."""
    fitted = _fit_model(outcomes)
    return fitted.calibration(*choose_threshold(fitted.probabilities, fitted.correct, target, min_accepted, weights=fitted.sample_weights))

def _hull(fitted: _Fitted, floor: float) -> list[tuple[float, float, float]]:
    """A field's ways to accept as (threshold, weighted accepted, weighted errors), most
    probable first, kept to the lower convex hull from accepting nothing: each step then
    costs at least as many errors per accepted field as the one before. Steps that would
    bring the field's accepted values below ``floor`` precision are left out."""
    hull = [(NEVER, 0.0, 0.0)]
    for threshold, _, accepted, hits in _cuts(fitted.probabilities, fitted.correct, fitted.sample_weights):
        errors = accepted - hits
        if errors > (1 - floor) * accepted:
            continue
        while len(hull) > 1:
            (_, a0, e0), (_, a1, e1) = hull[-2], hull[-1]
            if (e1 - e0) * (accepted - a0) >= (errors - e0) * (a1 - a0):  # the middle point lies above
                hull.pop()
            else:
                break
        hull.append((threshold, accepted, errors))
    return hull

def _budgeted(fitted: dict[str, _Fitted], target: float, min_samples: int, floor: float, slack: float = 0.0) -> dict[str, FieldCalibration]:
    """The "exported" policy: each field's threshold chosen so that all fields together
    accept the most while what is exported (reviewed fields right, accepted ones as they
    are) stays ``target`` accurate.

    The error budget is spent where it buys the most: the steps of every field's hull
    are taken in order of their errors per accepted field, cheapest first, until the next
    would break the target (a step too big for what is left closes its field; a smaller one of another field may still fit). Guards: only
    fields with ``min_samples`` outcomes are accepted at all, no field's accepted values
    fall below ``floor`` precision, and the exported accuracy must hold at the Wilson lower
    bound (within ``slack``), not just on average.
    """
    total = float(sum(f.sample_weights.sum() for f in fitted.values()))
    count = sum(len(f.correct) for f in fitted.values())
    steps = []
    for name, f in fitted.items():
        if len(f.correct) < min_samples:
            continue
        hull = _hull(f, floor)
        for (_, a0, e0), (threshold, a1, e1) in zip(hull, hull[1:]):
            steps.append(((e1 - e0) / (a1 - a0), name, threshold, e1 - e0))
    chosen: dict[str, float] = {}
    closed: set[str] = set()  # a field whose next step did not fit: its later steps cost more
    errors = 0.0
    for _, name, threshold, cost in sorted(steps, key=lambda s: s[0]):
        exported = 1 - (errors + cost) / total
        if name in closed or exported < target or wilson_lower(round(exported * count), count) < target - slack:
            closed.add(name)  # a smaller step of another field may still fit
            continue
        errors += cost
        chosen[name] = threshold
    return {name: f.at(chosen.get(name, NEVER)) for name, f in fitted.items()}

def fit(
    outcomes: list[Outcome], source: str, target: float = 0.99, min_accepted: int = 30, policy: str = "precision",
    floor: float = 0.9,
) -> dict[str, Calibration]:
    """One calibration per schema in the outcomes, thresholds chosen by ``policy``
    (``floor``: the least precision any one field's accepted values may have under "exported")."""
    if policy not in POLICIES:
        raise ValueError(f"unknown policy {policy!r}; one of {', '.join(POLICIES)}")
    by_schema: dict[str, dict[str, list[Outcome]]] = defaultdict(lambda: defaultdict(list))
    for o in outcomes:
        by_schema[o.schema][o.field].append(o)
    version = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    calibrations: dict[str, Calibration] = {}
    for schema, rows_by_field in sorted(by_schema.items()):
        cal = calibrations[schema] = Calibration(schema, version, source, target, policy=policy)
        if policy == "precision":
            cal.fields = {name: fit_field(rows, target, min_accepted) for name, rows in sorted(rows_by_field.items())}
        else:
            fitted = {name: _fit_model(rows) for name, rows in sorted(rows_by_field.items())}
            cal.fields = _budgeted(fitted, target, min_accepted, floor)
    return calibrations
