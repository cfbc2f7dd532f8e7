"""Read-only aggregates over the store for metrics and ``docloop costs``."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from pipeline.route import AUDIT
from pipeline.store import DeadLetterRow, FieldRow, ModelCallRow, ReviewRow, RunRow, Store, standing


def backlog(store: Store) -> list[tuple[str, str, int, datetime | None]]:
    """(schema, field, fields waiting for a person, when the oldest of them was created)."""
    q = (
        select(RunRow.schema_name, FieldRow.name, func.count(), func.min(RunRow.created_at))
        .join(FieldRow, FieldRow.run_id == RunRow.id)
        .where(FieldRow.status == "needs_review")
        .group_by(RunRow.schema_name, FieldRow.name)
    )
    with store.session() as s:
        return [tuple(r) for r in s.execute(q).all()]


def field_statuses(store: Store) -> list[tuple[str, str, str, int]]:
    q = (
        select(RunRow.schema_name, FieldRow.name, FieldRow.status, func.count())
        .join(FieldRow, FieldRow.run_id == RunRow.id)
        .group_by(RunRow.schema_name, FieldRow.name, FieldRow.status)
    )
    with store.session() as s:
        return [tuple(r) for r in s.execute(q).all()]


def reviews_of_auto_accepted(store: Store) -> list[tuple[str, str, str, int]]:
    """(schema, field, review action, count) over audited fields: the ones routing would have
    auto-accepted, so their correction rate is the drift signal of auto-accepted values."""
    q = (
        select(RunRow.schema_name, FieldRow.name, ReviewRow.action, FieldRow.reasons)
        .join(FieldRow, FieldRow.run_id == RunRow.id)
        .join(ReviewRow, ReviewRow.field_id == FieldRow.id)
        .where(standing())
    )
    counts: dict[tuple[str, str, str], int] = {}
    with store.session() as s:
        for schema, name, action, reasons in s.execute(q):
            if AUDIT in (reasons or []):
                counts[(schema, name, action)] = counts.get((schema, name, action), 0) + 1
    return [(*k, n) for k, n in sorted(counts.items())]


def dead_letters_waiting(store: Store) -> list[tuple[str, int]]:
    q = select(DeadLetterRow.queue, func.count()).where(DeadLetterRow.redriven_at.is_(None)).group_by(DeadLetterRow.queue)
    with store.session() as s:
        return [tuple(r) for r in s.execute(q).all()]


def stored_cost(store: Store) -> list[tuple[str, float]]:
    q = select(RunRow.schema_name, func.coalesce(func.sum(ModelCallRow.cost_usd), 0.0)).join(RunRow, RunRow.id == ModelCallRow.run_id).group_by(RunRow.schema_name)
    with store.session() as s:
        return [(schema, float(usd)) for schema, usd in s.execute(q).all()]


def field_costs(store: Store) -> list[dict[str, Any]]:
    """Model cost per (schema, field): a call's tokens and cost shared equally by the fields it asked for."""
    q = select(RunRow.schema_name, RunRow.document_id, ModelCallRow.fields, ModelCallRow.input_tokens, ModelCallRow.output_tokens, ModelCallRow.cost_usd).join(
        RunRow, RunRow.id == ModelCallRow.run_id
    )
    totals: dict[tuple[str, str], dict[str, Any]] = {}
    with store.session() as s:
        for schema, document, fields, tokens_in, tokens_out, usd in s.execute(q):
            for name in fields or []:
                t = totals.setdefault((schema, name), {"documents": set(), "calls": 0, "input_tokens": 0.0, "output_tokens": 0.0, "cost_usd": 0.0})
                share = len(fields)
                t["documents"].add(document)
                t["calls"] += 1
                t["input_tokens"] += tokens_in / share
                t["output_tokens"] += tokens_out / share
                t["cost_usd"] += usd / share
    return [
        {"field": f"{schema}.{name}", "documents": len(t["documents"]), "calls": t["calls"], "input_tokens": round(t["input_tokens"]),
         "output_tokens": round(t["output_tokens"]), "cost_usd": round(t["cost_usd"], 6), "cost_per_document_usd": round(t["cost_usd"] / len(t["documents"]), 6)}
        for (schema, name), t in sorted(totals.items())
    ]


def costs(store: Store, by: str) -> list[dict[str, Any]]:
    """Model cost, tokens, calls and documents grouped by ``schema``, ``day``, ``prompt-version``,
    ``document`` or ``field``."""
    if by == "field":
        return field_costs(store)
    keys = {
        "document": RunRow.document_id,
        "schema": RunRow.schema_name,
        "day": func.date(ModelCallRow.created_at),
        "prompt-version": ModelCallRow.prompt_version,
    }
    if by not in keys:
        raise ValueError(f"--by must be one of {', '.join([*keys, 'field'])}, not {by!r}")
    key = keys[by]
    q = (
        select(
            key,
            func.count(func.distinct(RunRow.document_id)),
            func.count(),
            func.sum(ModelCallRow.input_tokens),
            func.sum(ModelCallRow.output_tokens),
            func.sum(ModelCallRow.cost_usd),
            func.sum(func.cast(ModelCallRow.cache_hit, ModelCallRow.seq.type)),
        )
        .join(RunRow, RunRow.id == ModelCallRow.run_id)
        .group_by(key)
        .order_by(key)
    )
    with store.session() as s:
        rows = s.execute(q).all()
    return [
        {by: str(k), "documents": d, "calls": c, "cache_hits": int(h or 0), "input_tokens": int(i or 0), "output_tokens": int(o or 0),
         "cost_usd": round(float(u or 0.0), 6), "cost_per_document_usd": round(float(u or 0.0) / d, 6) if d else 0.0}
        for k, d, c, i, o, u, h in rows
    ]


def calls_for_field(store: Store, run_id: int, field: str) -> list[ModelCallRow]:
    """The model calls of a run that were asked for ``field``, in order (what the review page shows)."""
    with store.session() as s:
        rows = s.scalars(select(ModelCallRow).where(ModelCallRow.run_id == run_id).order_by(ModelCallRow.seq)).all()
    return [r for r in rows if field in (r.fields or [])]
