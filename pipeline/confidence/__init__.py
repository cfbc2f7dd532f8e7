"""Calibrated confidence: fitted weights per schema and field, and their auto-accept thresholds.

Serving reads calibrations here; ``eval.calibration`` fits them (scikit-learn's
logistic regression on outcomes) and writes the same plain JSON. The shipped
ones, fitted on the datasets' train splits, are in ``calibrations/``.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, field
from pathlib import Path

from pipeline.score import HeuristicScorer

SHIPPED = Path(__file__).parent / "calibrations"


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

    def confidence(self, schema: str, field: str, features: dict[str, float]) -> float:
        cal = self.calibrations.get(schema)
        fc = cal.fields.get(field) if cal else None
        # a calibration fitted without "not in the document" outcomes cannot vouch for one
        if fc is None or ("absent" in features and "absent" not in fc.weights):
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
