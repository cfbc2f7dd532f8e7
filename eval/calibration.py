"""Calibration: from scoring features to the probability a field is right.

Fitted per schema and field with scikit-learn's logistic regression on outcomes
(labelled data, or reviewers' decisions: a value accepted is right, a corrected
one was wrong). Each field also gets the auto-accept threshold that meets a
target precision with the most coverage, chosen on cross-validated predictions
and guarded for small samples. Stored as plain JSON (weights, thresholds), so a
calibration is versioned, diffable and loads without scikit-learn.
"""

from __future__ import annotations

import json
import math
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_predict

from pipeline.score import FEATURES, HeuristicScorer

SHIPPED = Path(__file__).parent / "calibrations"
NEVER = 1.01  # a threshold no probability reaches: the field always goes to review


@dataclass
class Outcome:
    schema: str
    field: str
    features: dict[str, float]
    correct: bool


@dataclass
class FieldCalibration:
    weights: dict[str, float]
    bias: float
    threshold: float
    samples: int
    positive_rate: float
    precision_at_threshold: float | None
    coverage_at_threshold: float


@dataclass
class Calibration:
    schema: str
    version: str
    source: str
    target_precision: float
    fields: dict[str, FieldCalibration] = field(default_factory=dict)

    def save(self, folder: Path) -> Path:
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{self.schema}.json"
        path.write_text(json.dumps(asdict(self), indent=2, sort_keys=True))
        return path

    @classmethod
    def load(cls, path: Path) -> Calibration:
        raw = json.loads(path.read_text())
        raw["fields"] = {k: FieldCalibration(**v) for k, v in raw["fields"].items()}
        return cls(**raw)


def wilson_lower(successes: int, n: int, z: float = 1.645) -> float:
    """Lower bound of the Wilson score interval (one-sided 95% by default)."""
    if n == 0:
        return 0.0
    p = successes / n
    denom = 1 + z * z / n
    centre = p + z * z / (2 * n)
    margin = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return (centre - margin) / denom


def choose_threshold(
    probabilities: np.ndarray, correct: np.ndarray, target: float, min_accepted: int = 30, slack: float = 0.03
) -> tuple[float, float | None, float]:
    """The lowest threshold whose accepted set is at least ``target`` precise.

    Guard for small samples: at least ``min_accepted`` accepted, and the Wilson
    lower bound of their precision within ``slack`` of the target. Returns
    (threshold, precision, coverage); NEVER when no threshold qualifies.
    """
    order = np.argsort(-probabilities)
    p_sorted, c_sorted = probabilities[order], correct[order].astype(int)
    hits = np.cumsum(c_sorted)
    best = (NEVER, None, 0.0)
    for i in range(len(p_sorted)):
        # only cut between distinct probabilities
        if i + 1 < len(p_sorted) and p_sorted[i + 1] == p_sorted[i]:
            continue
        n = i + 1
        precision = hits[i] / n
        if n >= min_accepted and precision >= target and wilson_lower(int(hits[i]), n) >= target - slack:
            best = (float(p_sorted[i]), float(precision), n / len(p_sorted))
    return best


def _matrix(outcomes: list[Outcome], names: list[str]) -> tuple[np.ndarray, np.ndarray]:
    x = np.array([[o.features.get(f, 0.0) for f in names] for o in outcomes], dtype=float)
    y = np.array([o.correct for o in outcomes], dtype=bool)
    return x, y


def fit_field(outcomes: list[Outcome], target: float, min_accepted: int = 30) -> FieldCalibration:
    # every feature any outcome has: the scorer's own and each extractor signal
    names = sorted({name for o in outcomes for name in o.features} | set(FEATURES))
    x, y = _matrix(outcomes, names)
    if y.all() or not y.any():  # one class: no slope to learn, keep the base rate
        rate = min(max(float(y.mean()), 1e-3), 1 - 1e-3)
        bias = math.log(rate / (1 - rate))
        weights = dict.fromkeys(names, 0.0)
        probabilities = np.full(len(y), 1.0 / (1.0 + math.exp(-bias)))  # what the scorer will say
    else:
        model = LogisticRegression(C=1.0, max_iter=1000)
        folds = min(5, int(min(y.sum(), (~y).sum())))
        if folds >= 2:
            cv = StratifiedKFold(folds, shuffle=True, random_state=0)
            probabilities = cross_val_predict(model, x, y, cv=cv, method="predict_proba")[:, 1]
        else:
            probabilities = model.fit(x, y).predict_proba(x)[:, 1]
        model.fit(x, y)
        weights = {f: float(w) for f, w in zip(names, model.coef_[0])}
        bias = float(model.intercept_[0])
    threshold, precision, coverage = choose_threshold(probabilities, y, target, min_accepted)
    return FieldCalibration(
        weights=weights, bias=bias, threshold=threshold, samples=len(y), positive_rate=float(y.mean()),
        precision_at_threshold=precision, coverage_at_threshold=coverage,
    )


def fit(outcomes: list[Outcome], source: str, target: float = 0.99, min_accepted: int = 30) -> dict[str, Calibration]:
    """One calibration per schema in the outcomes."""
    by_field: dict[tuple[str, str], list[Outcome]] = defaultdict(list)
    for o in outcomes:
        by_field[(o.schema, o.field)].append(o)
    version = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    calibrations: dict[str, Calibration] = {}
    for (schema, name), rows in sorted(by_field.items()):
        cal = calibrations.setdefault(schema, Calibration(schema, version, source, target))
        cal.fields[name] = fit_field(rows, target, min_accepted)
    return calibrations


class CalibratedScorer:
    """A Scorer with fitted weights per schema and field; the heuristic for anything unfitted."""

    def __init__(self, calibrations: dict[str, Calibration]):
        self.calibrations = calibrations
        self.fallback = HeuristicScorer()
        self.version = "calibrated:" + ",".join(f"{s}@{c.version}" for s, c in sorted(calibrations.items()))

    def confidence(self, schema: str, field: str, features: dict[str, float]) -> float:
        cal = self.calibrations.get(schema)
        fc = cal.fields.get(field) if cal else None
        if fc is None:
            return self.fallback.confidence(schema, field, features)
        z = fc.bias + sum(w * features.get(k, 0.0) for k, w in fc.weights.items())
        return 1.0 / (1.0 + math.exp(-z))

    def thresholds(self) -> dict[str, dict[str, float]]:
        return {s: {f: fc.threshold for f, fc in c.fields.items()} for s, c in self.calibrations.items()}


def load(folders: list[Path] | None = None) -> CalibratedScorer | None:
    """The calibrations found in ``folders`` (later folders override earlier), if any."""
    found: dict[str, Calibration] = {}
    for folder in folders if folders is not None else [SHIPPED]:
        for path in sorted(Path(folder).glob("*.json")):
            cal = Calibration.load(path)
            found[cal.schema] = cal
    return CalibratedScorer(found) if found else None
