"""Fit calibrations from labelled data: run the pipeline, compare to gold, fit.

Each extracted field of each document becomes an :class:`~eval.calibration.Outcome`
(the scorer's features, and whether the value was right under the dataset's own
normalised comparison). Only the train split is used by default, so the test
split stays unseen for the figures the README reports.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from eval.calibration import Calibration, Outcome, fit
from eval.datasets import DEFAULT_ROOT, Example, dataset, examples
from eval.metrics import compare
from pipeline.config import Settings
from pipeline.state import DocumentState


def field_outcomes(state: DocumentState, gold: dict[str, Any], fields: Iterable[str], normalise) -> list[Outcome]:
    """One outcome per field: right when its value (or its absence) matches gold exactly."""
    out = []
    for name in fields:
        result = state.fields.get(name)
        if result is None:
            continue
        counts = compare(name, gold.get(name), result.value, normalise)
        out.append(Outcome(state.schema_name, name, dict(result.features), counts.fp == 0 and counts.fn == 0))
    return out


def collect(
    names: Iterable[str],
    split: str = "train",
    extractors: list[str] | None = None,
    settings: Settings | None = None,
    root: Path = DEFAULT_ROOT,
    limit: int | None = None,
    on_document: Callable[[Example], Any] | None = None,
) -> list[Outcome]:
    """Outcomes of the pipeline over the given datasets' split."""
    from eval.run import run_example
    from pipeline.run import Pipeline

    extractors = extractors or ["rules"]
    settings = settings or Settings(llm_provider="none" if "llm" not in extractors else Settings().llm_provider)
    # An uncalibrated pipeline: features do not depend on the scorer, and fitting on a
    # calibration's own choices would feed it back into itself.
    pipe = Pipeline(settings=settings, extractor_names=extractors)
    outcomes: list[Outcome] = []
    for name in names:
        module = dataset(name)
        for i, example in enumerate(examples(name, root, split)):
            if limit is not None and i >= limit:
                break
            state = run_example(pipe, example, module.SCHEMA)
            outcomes += field_outcomes(state, example.gold, module.FIELDS, module.normalise)
            if on_document:
                on_document(example)
    return outcomes


def calibrate(
    names: Iterable[str], folder: Path, target: float = 0.99, policy: str = "precision", **collect_options: Any
) -> dict[str, Calibration]:
    """Fit and save one calibration per schema of the given datasets into ``folder``."""
    names = list(names)
    outcomes = collect(names, **collect_options)
    split = collect_options.get("split", "train")
    calibrations = fit(outcomes, source=f"{'+'.join(names)}:{split}", target=target, policy=policy)
    for cal in calibrations.values():
        cal.save(folder)
    return calibrations
