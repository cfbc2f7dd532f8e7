"""Fit calibrations from labelled data or from people's reviews.

Each field of each document becomes an :class:`~eval.calibration.Outcome` (the
scorer's features, and whether the value, or its absence, was right): for labelled
data under the dataset's own normalised comparison, with only the train split used by
default so the test split stays unseen for the figures the README reports; for a
deployment, from the reviews in its database (:func:`review_outcomes`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from sqlalchemy import select

from eval.calibration import Outcome, fit
from pipeline.confidence import Calibration
from eval.datasets import DEFAULT_ROOT, Example, dataset, examples
from eval.metrics import compare
from pipeline.config import Settings
from pipeline.route import AUDIT
from pipeline.state import DocumentState
from pipeline.store import FieldRow, ReviewRow, RunRow, Store


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


def review_outcomes(store: Store, audit_rate: float = 0.0) -> list[Outcome]:
    """One outcome per reviewed field, from its last review: accepted as extracted is right,
    corrected is wrong, "not present" is right only if nothing was extracted. An audited
    field stands for the accepted ones it was drawn from (weight 1 / ``audit_rate``)."""
    last = select(ReviewRow.field_id, ReviewRow.action, ReviewRow.before).order_by(ReviewRow.id)
    rows = select(FieldRow.id, FieldRow.name, FieldRow.reasons, RunRow.schema_name, RunRow.state).join(RunRow, RunRow.id == FieldRow.run_id)
    out = []
    with store.session() as s:
        decisions = {field_id: (action, before) for field_id, action, before in s.execute(last)}
        for field_id, name, reasons, schema, state in s.execute(rows.where(FieldRow.id.in_(decisions))):
            action, before = decisions[field_id]
            features = ((state or {}).get("fields", {}).get(name) or {}).get("features") or {}
            right = action == "accepted" or (action == "rejected" and before in (None, "", []))
            weight = 1 / audit_rate if audit_rate and AUDIT in (reasons or []) else 1.0
            out.append(Outcome(schema, name, dict(features), right, weight))
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
    names: Iterable[str], folder: Path, target: float = 0.99, policy: str = "precision",
    reviewed: Iterable[Outcome] = (), **collect_options: Any,
) -> dict[str, Calibration]:
    """Fit and save one calibration per schema of the given datasets (and ``reviewed``
    outcomes, see :func:`review_outcomes`) into ``folder``."""
    names, reviewed = list(names), list(reviewed)
    outcomes = (collect(names, **collect_options) if names else []) + reviewed
    split = collect_options.get("split", "train")
    sources = [f"{'+'.join(names)}:{split}"] * bool(names) + ["reviews"] * bool(reviewed)
    calibrations = fit(outcomes, source="+".join(sources), target=target, policy=policy)
    for cal in calibrations.values():
        cal.save(folder)
    return calibrations
