"""Versioned prompt/program configurations: stored with their eval results, promoted and rolled back.

A configuration (:class:`pipeline.prompting.PromptConfig`) is everything about how
extraction is asked that the learning loop may change: instructions, few-shot
demonstrations, per-field hints, learned label anchors for the rules extractor and
the model per field. Each is stored once (``prompt_versions``) under a version id
derived from its content, so the same configuration is never two versions and a
version id names exactly one behaviour on every deployment.

Statuses: ``candidate`` (a record: used only for its A/B share of traffic, if any),
``active`` (what extraction uses; at most one) and ``retired`` (was active). Every
change of status is an event (``prompt_events``) with who and when. With no active
version the built-in default (the constants of ``pipeline.prompting``) is used.

A/B: candidates with a share of traffic run for the documents whose content hash
falls in their slice (:func:`assign`), so the same document always runs the same
version (re-processing is still a no-op) and the split needs no state;
``eval.ab`` sets shares and compares review outcomes per version.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from sqlalchemy import select

from pipeline.prompting import PROMPT_VERSION, PromptConfig
from pipeline.store import PromptEventRow, PromptVersionRow, Store

CANDIDATE, ACTIVE, RETIRED = "candidate", "active", "retired"


def version_of(config: PromptConfig) -> str:
    """``<response format version>.<content hash>``: stable for equal content, whatever its label."""
    content = json.dumps(config.model_dump(mode="json", exclude={"version"}), sort_keys=True, ensure_ascii=False)
    return f"{PROMPT_VERSION}.{hashlib.sha256(content.encode()).hexdigest()[:10]}"


def _config(row: PromptVersionRow) -> PromptConfig:
    return PromptConfig.model_validate({**row.config, "version": row.id})


def record_event(s, version: str, action: str, actor: str, **detail: Any) -> None:
    s.add(PromptEventRow(version=version, action=action, actor=actor, detail=detail))


def register(
    store: Store, config: PromptConfig, actor: str, parent: str | None = None, note: str | None = None,
    eval_results: dict[str, Any] | None = None,
) -> PromptConfig:
    """Store ``config`` as a candidate (or return the version already holding that content)."""
    version = version_of(config)
    with store.session.begin() as s:
        row = s.get(PromptVersionRow, version)
        if row is None:
            row = PromptVersionRow(
                id=version, parent=parent, config=config.model_dump(mode="json", exclude={"version"}),
                status=CANDIDATE, note=note, eval_results=eval_results or {}, created_by=actor,
            )
            s.add(row)
            s.flush()
            record_event(s, version, "registered", actor, parent=parent, note=note)
        return _config(row)


def get(store: Store, version: str) -> PromptConfig:
    """A stored version; the built-in default by its own name."""
    if version == PROMPT_VERSION:
        return PromptConfig()
    with store.session() as s:
        row = s.get(PromptVersionRow, version)
        if row is None:
            raise KeyError(f"no prompt version {version!r}")
        return _config(row)


def versions(store: Store) -> list[PromptVersionRow]:
    with store.session() as s:
        return list(s.scalars(select(PromptVersionRow).order_by(PromptVersionRow.created_at, PromptVersionRow.id)))


def row(store: Store, version: str) -> PromptVersionRow:
    with store.session() as s:
        found = s.get(PromptVersionRow, version)
    if found is None:
        raise KeyError(f"no prompt version {version!r}")
    return found


def events(store: Store, version: str | None = None) -> list[PromptEventRow]:
    with store.session() as s:
        q = select(PromptEventRow).order_by(PromptEventRow.id)
        if version:
            q = q.where(PromptEventRow.version == version)
        return list(s.scalars(q))


def active(store: Store) -> PromptConfig:
    """What extraction uses now: the active version, else the built-in default."""
    with store.session() as s:
        found = s.scalar(select(PromptVersionRow).where(PromptVersionRow.status == ACTIVE))
        return _config(found) if found else PromptConfig()


def serving(store: Store) -> tuple[PromptConfig, list[tuple[PromptConfig, float]]]:
    """The active version and the candidates given a share of traffic (A/B)."""
    with store.session() as s:
        trials = s.scalars(
            select(PromptVersionRow).where(PromptVersionRow.status == CANDIDATE, PromptVersionRow.traffic_share > 0)
            .order_by(PromptVersionRow.id)
        )
        shares = [(_config(r), r.traffic_share) for r in trials]
    return active(store), shares


def promote(store: Store, version: str, actor: str, reason: str = "") -> PromptConfig:
    """Make ``version`` the active one; the version it replaces is retired. Recorded."""
    with store.session.begin() as s:
        target = s.get(PromptVersionRow, version)
        if target is None:
            raise KeyError(f"no prompt version {version!r}")
        current = s.scalar(select(PromptVersionRow).where(PromptVersionRow.status == ACTIVE))
        if current is not None and current.id != version:
            current.status = RETIRED
            record_event(s, current.id, "retired", actor, replaced_by=version)
        target.status, target.traffic_share = ACTIVE, 0.0
        record_event(s, version, "promoted", actor, reason=reason, replaced=current.id if current else None)
        return _config(target)


def rollback(store: Store, actor: str, reason: str = "") -> PromptConfig:
    """Retire the active version and re-activate the one it replaced (the built-in default if none)."""
    with store.session.begin() as s:
        current = s.scalar(select(PromptVersionRow).where(PromptVersionRow.status == ACTIVE))
        if current is None:
            raise ValueError("no active prompt version to roll back")
        promoted = s.scalars(
            select(PromptEventRow).where(PromptEventRow.version == current.id, PromptEventRow.action == "promoted")
            .order_by(PromptEventRow.id.desc())
        ).first()
        previous = s.get(PromptVersionRow, promoted.detail.get("replaced")) if promoted and promoted.detail.get("replaced") else None
        current.status = RETIRED
        record_event(s, current.id, "rolled_back", actor, reason=reason, restored=previous.id if previous else PROMPT_VERSION)
        if previous is None:
            return PromptConfig()
        previous.status = ACTIVE
        record_event(s, previous.id, "restored", actor, reason=reason, replaced=current.id)
        return _config(previous)


def record_results(store: Store, version: str, name: str, results: dict[str, Any]) -> None:
    """Keep an evaluation's summary with the version (``name``: e.g. ``<set>@<version>:<split>``)."""
    if version == PROMPT_VERSION:
        return  # the built-in default is not a stored version; its runs are in eval_runs
    with store.session.begin() as s:
        found = s.get(PromptVersionRow, version)
        if found is not None:
            found.eval_results = {**(found.eval_results or {}), name: results}


def bucket(sha256: str) -> float:
    """A document's stable position in [0, 1)."""
    return int(hashlib.sha256(f"ab:{sha256}".encode()).hexdigest()[:12], 16) / float(1 << 48)


def assign(sha256: str, active: PromptConfig, trials: list[tuple[PromptConfig, float]]) -> PromptConfig:
    """The candidate whose slice of [0, 1) the document falls in, else the active version."""
    at, start = bucket(sha256), 0.0
    for config, share in trials:
        if start <= at < start + share:
            return config
        start += share
    return active
