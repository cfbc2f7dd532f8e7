"""Field-level metrics: precision, recall and F1 per field and over all fields (micro).

Conventions (those of SROIE and Kleister): values are compared in a dataset's
normalised form; a prediction for a field the gold leaves empty is a false
positive, a missing prediction for a labelled field a false negative, and a
wrong value counts as both. List-valued fields are compared as sets of
normalised items. Besides accuracy, the share of fields the router
auto-accepted and how often those were right (the number that decides how
much review a deployment needs), and cost: tokens and seconds per document.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

Normaliser = Callable[[str, Any], str | None]


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, other: Counts) -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict[str, float]:
        return {**asdict(self), "precision": self.precision, "recall": self.recall, "f1": self.f1}


def _items(field: str, value: Any, normalise: Normaliser) -> set[str]:
    values = value if isinstance(value, list) else [value]
    return {n for v in values if (n := normalise(field, v)) is not None}


def compare(field: str, gold: Any, predicted: Any, normalise: Normaliser) -> Counts:
    """Counts for one field of one document (sets for list values, one slot otherwise)."""
    g, p = _items(field, gold, normalise), _items(field, predicted, normalise)
    if isinstance(gold, list) or isinstance(predicted, list):
        return Counts(tp=len(g & p), fp=len(p - g), fn=len(g - p))
    if g == p:
        return Counts(tp=1) if g else Counts()
    return Counts(fp=int(bool(p)), fn=int(bool(g)))


@dataclass
class Prediction:
    """What the pipeline returned for one document, in the shape the metrics need."""

    id: str
    values: dict[str, Any]  # field -> typed value (list for repeated fields)
    raw: dict[str, Any] = field(default_factory=dict)  # field -> printed text of the evidence
    statuses: dict[str, str] = field(default_factory=dict)  # field -> FieldStatus value
    confidences: dict[str, float] = field(default_factory=dict)
    seconds: float = 0.0
    tokens: int = 0
    error: str | None = None
    cost_usd: float = 0.0


@dataclass
class Report:
    dataset: str
    split: str | None
    mode: str  # "pipeline" (extract, ground, score, route) or "extractors" (top candidate)
    extractors: list[str]
    documents: int
    fields: list[str]
    metrics: dict[str, dict[str, dict[str, float]]]  # metric -> field|"micro" -> counts and scores
    auto_accepted_share: float | None
    auto_accepted_precision: float | None
    seconds_per_document: float
    tokens_per_document: float
    errors: int
    failures: list[dict[str, Any]] = field(default_factory=list)  # wrong fields, for error analysis
    ece: float | None = None  # expected calibration error of the predicted fields' confidences
    cost_per_document: float = 0.0
    outcomes: list[dict[str, Any]] = field(default_factory=list)  # per predicted field: confidence, right (for plots)

    def f1(self, metric: str = "normalised", field: str = "micro") -> float:
        return self.metrics[metric][field]["f1"]

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def score(
    gold: Iterable[tuple[str, dict[str, Any]]],
    predictions: dict[str, Prediction],
    fields: list[str],
    metrics: dict[str, tuple[Normaliser, bool]],
) -> tuple[dict[str, dict[str, dict[str, float]]], list[dict[str, Any]], tuple[float | None, float | None]]:
    """Per metric, per field and micro counts; the failures under the first metric; and
    (share of predicted fields auto-accepted, precision of those) under the first metric.

    ``metrics`` maps a name to (normaliser, compare the printed text instead of the typed value).
    """
    counts = {m: {f: Counts() for f in fields} for m in metrics}
    failures: list[dict[str, Any]] = []
    first = next(iter(metrics))
    predicted_fields = accepted = accepted_right = 0
    for doc_id, labels in gold:
        pred = predictions[doc_id]
        for f in fields:
            for name, (normalise, use_raw) in metrics.items():
                value = pred.raw.get(f, pred.values.get(f)) if use_raw else pred.values.get(f)
                c = compare(f, labels.get(f), value, normalise)
                counts[name][f].add(c)
                if name != first:
                    continue
                right = c.fp == 0 and c.fn == 0
                if not right:
                    failures.append({"id": doc_id, "field": f, "gold": labels.get(f), "predicted": value})
                if pred.values.get(f) not in (None, [], ""):
                    predicted_fields += 1
                    if pred.statuses.get(f) == "auto_accepted":
                        accepted += 1
                        accepted_right += right and bool(c.tp)
    out: dict[str, dict[str, dict[str, float]]] = {}
    for name, per_field in counts.items():
        micro = Counts()
        for c in per_field.values():
            micro.add(c)
        out[name] = {f: c.as_dict() for f, c in per_field.items()} | {"micro": micro.as_dict()}
    statuses_known = any(p.statuses for p in predictions.values())
    share = accepted / predicted_fields if statuses_known and predicted_fields else None
    precision = accepted_right / accepted if statuses_known and accepted else None
    return out, failures, (share, precision)


def calibration_error(confidences: list[float], correct: list[bool], bins: int = 10) -> float | None:
    """Expected calibration error: the share-weighted gap between confidence and accuracy
    over equal-width confidence bins (Guo et al. 2017); None without predictions."""
    import numpy as np

    if not confidences:
        return None
    conf, right = np.asarray(confidences, dtype=float), np.asarray(correct, dtype=float)
    which = np.minimum((conf * bins).astype(int), bins - 1)
    gap = sum(abs(conf[which == b].mean() - right[which == b].mean()) * (which == b).mean() for b in range(bins) if (which == b).any())
    return float(gap)
