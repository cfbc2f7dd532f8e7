"""Calibrated confidence: fitted weights per schema and field, and their auto-accept thresholds.

Serving reads calibrations here; ``eval.calibration`` fits them (scikit-learn's
logistic regression on outcomes) and writes the same plain JSON. The shipped
ones, fitted on the datasets' train splits, are in ``calibrations/``.
"""

from __future__ import annotations

import json
import math
from bisect import bisect_right
from dataclasses import asdict, dataclass, field
from pathlib import Path

from pipeline.score import HeuristicScorer

SHIPPED = Path(__file__).parent / "calibrations"
NEVER = 1.01  # a threshold no probability reaches: the field always goes to review
KINDS = "_kinds"  # the per-kind calibration's schema name (eval.transfer): no document type is called this


def kind_of(schema: str, field: str) -> str | None:
    """The calibration kind of a field: its value kind, ``[]`` added for a list (a list's
    confidence is that of its weakest item, another question than one value's)."""
    from pipeline.errors import UnknownSchema
    from pipeline.schemas import field_specs, get_schema

    try:
        specs = {s.name: s for s in field_specs(get_schema(schema))}
    except UnknownSchema:  # e.g. a schema removed since
        return None
    spec = specs.get(field)
    return None if spec is None else spec.kind + ("[]" if spec.many else "")


@dataclass
class FieldCalibration:
    weights: dict[str, float]
    bias: float
    threshold: float
    samples: int
    positive_rate: float
    precision_at_threshold: float | None
    coverage_at_threshold: float
    # a kind's (eval.transfer): points (probability, share right) of what its probabilities
    # meant on labelled schemas it was not fitted on; served instead of the probability
    held_out: list[list[float]] | None = None


def along(points: list[list[float]], x: float) -> float:
    """The piecewise-linear map through ``points`` (sorted by x) at ``x``, flat beyond its ends."""
    xs = [p[0] for p in points]
    i = bisect_right(xs, x)
    if i == 0:
        return points[0][1]
    if i == len(points):
        return points[-1][1]
    (x0, y0), (x1, y1) = points[i - 1], points[i]
    return y1 if x1 == x0 else y0 + (y1 - y0) * (x - x0) / (x1 - x0)


@dataclass
class Calibration:
    schema: str
    version: str
    source: str
    target_precision: float
    fields: dict[str, FieldCalibration] = field(default_factory=dict)
    # "precision": every field's auto-accepted values are target-precise on their own;
    # "exported": all fields together, what is exported (reviewed or not) is target-accurate
    policy: str = "precision"

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


class CalibratedScorer:
    """A Scorer with fitted weights per schema and field; the heuristic for anything unfitted."""

    def __init__(self, calibrations: dict[str, Calibration]):
        self.calibrations = calibrations
        self.fallback = HeuristicScorer()
        self.version = "calibrated:" + ",".join(f"{s}@{c.version}" for s, c in sorted(calibrations.items()))

    def _field(self, schema: str, field: str) -> FieldCalibration | None:
        """The field's own calibration; for a schema without one, its kind's (fitted across
        labelled schemas by ``eval.transfer``)."""
        if (cal := self.calibrations.get(schema)) is not None:
            return cal.fields.get(field)
        kinds = self.calibrations.get(KINDS)
        kind = kind_of(schema, field) if kinds else None
        return kinds.fields.get(kind) if kinds and kind else None

    def confidence(self, schema: str, field: str, features: dict[str, float]) -> float:
        fc = self._field(schema, field)
        # a calibration fitted without "not in the document" outcomes cannot vouch for one
        if fc is None or ("absent" in features and "absent" not in fc.weights):
            return self.fallback.confidence(schema, field, features)
        p = 1.0 / (1.0 + math.exp(-(fc.bias + sum(w * features.get(k, 0.0) for k, w in fc.weights.items()))))
        # a schema without reviews: what its kind's confidence proved to mean on schemas it was new to
        return along(fc.held_out, p) if fc.held_out and schema not in self.calibrations else p

    def basis(self, schema: str) -> str:
        if schema in self.calibrations:
            return "own reviews"
        return "other schemas' reviews" if KINDS in self.calibrations else self.fallback.basis(schema)

    def thresholds(self) -> dict[str, dict[str, float]]:
        """Per schema and field; schemas without their own calibration get their kinds' thresholds."""
        from pipeline.schemas import field_specs, registry

        out = {s: {f: fc.threshold for f, fc in c.fields.items()} for s, c in self.calibrations.items() if s != KINDS}
        if KINDS in self.calibrations:
            for name, model in registry().items():
                if name not in out:
                    fcs = {spec.name: self._field(name, spec.name) for spec in field_specs(model)}
                    # a kind no labelled schema has shown to transfer is never auto-accepted
                    out[name] = {f: fc.threshold if fc is not None else NEVER for f, fc in fcs.items()}
        return out


def load(folders: list[Path] | None = None) -> CalibratedScorer | None:
    """The calibrations found in ``folders`` (later folders override earlier), if any."""
    found: dict[str, Calibration] = {}
    for folder in folders if folders is not None else [SHIPPED]:
        for path in sorted(Path(folder).glob("*.json")):
            cal = Calibration.load(path)
            found[cal.schema] = cal
    return CalibratedScorer(found) if found else None
