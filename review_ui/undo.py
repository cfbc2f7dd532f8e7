"""Undo: a reviewer takes back their own most recent decision.

The reviews table is an append-only audit log, so an undo is one more row: action
``undone``, ``undoes`` naming the decision, before/after the field's value. Readers
of decisions (gold labels, calibration, the dashboard) count only standing ones
(:func:`pipeline.store.standing`).

The field goes back to what it was before the decision: the pipeline's result (the
run's state snapshot, which reviews never rewrite) with the field's earlier standing
decisions replayed on it. A document completed by the decision is reopened; either
way a document that had been completed is exported again and its memory entry
re-learned (still completed) or forgotten (reopened).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from pipeline.state import DocStatus, FieldStatus
from pipeline.store import UNDONE, FieldRow, ReviewRow, RunRow, Store, standing, utcnow
from review_ui.queries import PENDING
from review_ui.review import REVIEW_EXTRACTOR, Conflict, Outcome, republish, take


class NothingToUndo(Exception):
    """The reviewer has no decision that can still be undone."""


@dataclass(frozen=True)
class FieldState:
    """What a decision sets on a field."""

    value: Any
    evidence: list[Any]
    status: str
    extractor: str | None

    def after(self, decision: ReviewRow) -> FieldState:
        """This state with ``decision`` applied (an accept keeps the extractor, a correction is the reviewer's)."""
        extractor = {FieldStatus.corrected.value: REVIEW_EXTRACTOR, FieldStatus.rejected.value: None}.get(decision.action, self.extractor)
        return FieldState(decision.after, decision.evidence, decision.action, extractor)


def last_decision(store: Store, reviewer: str) -> ReviewRow | None:
    """The reviewer's most recent decision, while it stands (only that one can be undone)."""
    with store.session() as s:
        return _last_decision(s, reviewer)


def _last_decision(s: Session, reviewer: str) -> ReviewRow | None:
    last = s.scalar(
        select(ReviewRow).where(ReviewRow.reviewer == reviewer, ReviewRow.undoes.is_(None)).order_by(ReviewRow.id.desc()).limit(1)
    )
    if last is None or s.scalar(select(ReviewRow.id).where(ReviewRow.undoes == last.id)) is not None:
        return None
    return last


def _before(s: Session, row: FieldRow, decision: ReviewRow) -> FieldState:
    """The field as it was just before ``decision``."""
    snapshot = s.get(RunRow, row.run_id).state["fields"][row.name]
    state = FieldState(snapshot.get("value"), snapshot.get("evidence") or [], snapshot["status"], snapshot.get("extractor"))
    earlier = select(ReviewRow).where(ReviewRow.field_id == row.id, ReviewRow.id < decision.id, standing()).order_by(ReviewRow.id)
    for review in s.scalars(earlier):
        state = state.after(review)
    return state


def undo_last(store: Store, reviewer: str, out: Path) -> Outcome:
    """Take back ``reviewer``'s most recent decision; raises NothingToUndo, or Conflict when
    the field is held by someone else or was decided on again since."""
    now = utcnow()
    with store.session.begin() as s:
        decision = _last_decision(s, reviewer)
        if decision is None:
            raise NothingToUndo("There is no decision of yours to undo.")
        later = select(ReviewRow.id).where(ReviewRow.field_id == decision.field_id, ReviewRow.id > decision.id, standing())
        if s.scalar(later.limit(1)) is not None:
            raise Conflict("another reviewer has decided on this field since")
        # the same compare-and-set as a decision: the field must still be as this decision left it
        row = take(s, decision.field_id, reviewer, now, decision.action)
        before = _before(s, row, decision)
        row.value, row.evidence, row.status, row.extractor = before.value, before.evidence, before.status, before.extractor
        row.claimed_by = row.claimed_until = None
        s.add(ReviewRow(field_id=row.id, reviewer=reviewer, action=UNDONE, before=decision.after, after=before.value,
                        evidence=before.evidence, at=now, undoes=decision.id))
        run = s.get(RunRow, row.run_id)
        was_completed = run.status == DocStatus.completed.value
        if was_completed and before.status == PENDING:
            run.status = DocStatus.needs_review.value
            run.state = {**run.state, "status": DocStatus.needs_review.value}
        field_id, run_id, status = row.id, row.run_id, row.status
    target = republish(store, run_id, out) if was_completed else None
    return Outcome(field_id, run_id, status, False, target)
