"""Fit calibrations from labelled data or from people's reviews.

Each field of each document becomes an :class:`~eval.calibration.Outcome` (the
scorer's features, and whether the value, or its absence, was right): for labelled
data under the dataset's own normalised comparison, with only the train split used by
default so the test split stays unseen for the figures the README reports; for a
deployment, from the reviews in its database (:func:`review_outcomes`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select

from eval.calibration import Outcome, fit
from pipeline.confidence import SHIPPED, Calibration
from eval.datasets import DEFAULT_ROOT, Example, dataset, examples
from eval.metrics import compare
from pipeline.config import Settings
from pipeline.route import AUDIT
from pipeline.state import DocumentState
from pipeline.store import FieldRow, ReviewRow, RunRow, Store, standing


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
    """One outcome per reviewed field, from its last standing decision (undone ones teach nothing): accepted as extracted is right,
    corrected is wrong, "not present" is right only if nothing was extracted. An audited
    field stands for the accepted ones it was drawn from (weight 1 / ``audit_rate``)."""
    last = select(ReviewRow.field_id, ReviewRow.action, ReviewRow.before).where(standing()).order_by(ReviewRow.id)
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
    from eval.run import run_example, user_schemas
    from pipeline.run import Pipeline

    user_schemas()  # the CUAD contracts are read with a user's schema

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


MIN_OUTCOMES = 30  # per field: fewer decide nothing (1-13 reviews fitted "never accept" and scored right values 0.001)
HISTORY = "history"  # beside the calibrations: the ones replaced, newest last, for a rollback


@dataclass
class Saved:
    """What one ``calibrate`` did to a schema's calibration, for the person who ran it."""

    schema: str
    calibration: Calibration | None  # None: refused, nothing written
    path: Path  # the calibration serving this schema now
    replaced: str  # what it replaced: "<version> (<source>) at <path>", or "nothing"
    kept: Path | None  # where the replaced one is kept for `calibrate-rollback`
    fallback: list[str] = field(default_factory=list)  # fields with too few outcomes, kept as they were


def previous(schema: str, folder: Path) -> tuple[Calibration | None, Path]:
    """The calibration serving ``schema`` before this fit: the folder's own, else the shipped one."""
    for path in (folder / f"{schema}.json", SHIPPED / f"{schema}.json"):
        if path.exists():
            return Calibration.load(path), path
    return None, folder / f"{schema}.json"


def save_versioned(cal: Calibration, folder: Path) -> tuple[Path, Path | None]:
    """Write ``cal`` into ``folder``, first moving the one it replaces into ``folder/history``."""
    current, kept = folder / f"{cal.schema}.json", None
    if current.exists():
        kept = _numbered(folder / HISTORY, cal.schema, Calibration.load(current).version, "json")
        current.replace(kept)
    return cal.save(folder), kept


def _numbered(history: Path, schema: str, version: str, suffix: str) -> Path:
    """A new file name in ``history`` that sorts after the schema's earlier ones (versions are
    times to the second, so two fits in one second still get two names)."""
    history.mkdir(parents=True, exist_ok=True)
    n = len(list(history.glob(f"{schema}-*.{suffix}")))
    return history / f"{schema}-{n:04d}-{version}.{suffix}"


def rollback(schema: str, folder: Path) -> tuple[Path | None, str]:
    """Back to the calibration before the current one in ``folder`` (the newest kept in its
    history; with none kept, the shipped one). The one rolled back is kept as ``*.rolled-back``."""
    current = folder / f"{schema}.json"
    if not current.exists():
        raise FileNotFoundError(f"no {schema} calibration in {folder} to roll back")
    current.replace(_numbered(folder / HISTORY, schema, Calibration.load(current).version, "rolled-back"))
    kept = sorted((folder / HISTORY).glob(f"{schema}-*.json"))
    if kept:
        kept[-1].replace(current)
        return current, Calibration.load(current).version
    shipped = SHIPPED / f"{schema}.json"
    return (shipped, Calibration.load(shipped).version) if shipped.exists() else (None, "uncalibrated")


def calibrate(
    names: Iterable[str], folder: Path, target: float = 0.99, policy: str = "precision",
    reviewed: Iterable[Outcome] = (), min_outcomes: int = MIN_OUTCOMES, **collect_options: Any,
) -> list[Saved]:
    """Fit and save one calibration per schema of the given datasets (and ``reviewed``
    outcomes, see :func:`review_outcomes`) into ``folder``.

    A field with fewer than ``min_outcomes`` outcomes keeps its previous calibration (the
    folder's, else the shipped one; dropped when it had none); a schema with no field
    fitted is refused and left as it was. The calibration replaced is kept in
    ``folder/history`` (see :func:`rollback`)."""
    names, reviewed = list(names), list(reviewed)
    outcomes = (collect(names, **collect_options) if names else []) + reviewed
    split = collect_options.get("split", "train")
    sources = [f"{'+'.join(names)}:{split}"] * bool(names) + ["reviews"] * bool(reviewed)
    counts = Counter((o.schema, o.field) for o in outcomes)
    saved = []
    for schema, cal in sorted(fit(outcomes, source="+".join(sources), target=target, policy=policy).items()):
        before, where = previous(schema, folder)
        replaced = f"{before.version} ({before.source}) at {where}" if before else "nothing"
        few = sorted(name for name in cal.fields if counts[schema, name] < min_outcomes)
        if len(few) == len(cal.fields):
            saved.append(Saved(schema, None, where, replaced, None, few))
            continue
        for name in few:
            cal.fields.pop(name)
            if before and name in before.fields:
                cal.fields[name] = before.fields[name]
        path, kept = save_versioned(cal, folder)
        saved.append(Saved(schema, cal, path, replaced, kept, few))
    return saved
