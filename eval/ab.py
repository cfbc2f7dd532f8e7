"""A/B: a share of traffic runs a candidate prompt version; review outcomes compared per version.

Assignment (``pipeline.prompts.assign``) is by document content hash. Outcomes come
from the reviews table: per prompt version (as recorded on the run), how many
reviewed fields were accepted as extracted and how many were corrected.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from pipeline.prompts import CANDIDATE, record_event
from pipeline.store import FieldRow, PromptVersionRow, ReviewRow, RunRow, Store, standing


def set_share(store: Store, version: str, share: float, actor: str) -> None:
    """Give a candidate ``share`` of traffic (0 stops the trial). Recorded."""
    if not 0.0 <= share <= 1.0:
        raise ValueError("share must be within 0..1")
    with store.session.begin() as s:
        row = s.get(PromptVersionRow, version)
        if row is None or row.status != CANDIDATE:
            raise ValueError(f"{version!r} is not a candidate version")
        others = s.scalar(
            select(func.coalesce(func.sum(PromptVersionRow.traffic_share), 0.0))
            .where(PromptVersionRow.status == CANDIDATE, PromptVersionRow.id != version)
        )
        if others + share > 1.0:
            raise ValueError(f"candidates would get {others + share:.0%} of traffic")
        row.traffic_share = share
        record_event(s, version, "traffic_share", actor, share=share)


@dataclass
class Outcomes:
    version: str
    reviewed: int
    accepted: int
    corrected: int

    @property
    def accepted_share(self) -> float | None:
        return self.accepted / self.reviewed if self.reviewed else None


def compare(store: Store, schema: str | None = None) -> dict[str, Outcomes]:
    """Per prompt version, the last standing decision on each reviewed field: accepted vs corrected."""
    last = select(func.max(ReviewRow.id).label("id")).where(standing()).group_by(ReviewRow.field_id).subquery()
    q = (
        select(RunRow.prompt_version, ReviewRow.action, func.count())
        .join(last, last.c.id == ReviewRow.id)
        .join(FieldRow, FieldRow.id == ReviewRow.field_id)
        .join(RunRow, RunRow.id == FieldRow.run_id)
        .group_by(RunRow.prompt_version, ReviewRow.action)
    )
    if schema:
        q = q.where(RunRow.schema_name == schema)
    out: dict[str, Outcomes] = {}
    with store.session() as s:
        for version, action, n in s.execute(q):
            o = out.setdefault(version, Outcomes(version, 0, 0, 0))
            o.reviewed += n
            o.accepted += n if action == "accepted" else 0
            o.corrected += n if action == "corrected" else 0
    return out
