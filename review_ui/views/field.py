"""One field at a time: the evidence on the page, the value, and a decision.

Keyboard: A accepts, X marks not present, S or N skips (moves on), D opens the whole document,
U undoes the reviewer's last decision (and shows that field again), E jumps into the
correction input (a table's first cell), where Enter saves (from a date picker: Tab on
to the evidence box, then Enter; Ctrl+Enter saves from outside the inputs). Each
decision claims and opens the next field, this document's first.
The URL names the field shown (``?field=<id>``), so a field can be linked to.
Everything from the document is shown as plain text.
"""

from __future__ import annotations

import time
import typing
from datetime import date
from decimal import Decimal
from typing import Any

import pandas as pd
import streamlit as st
from pydantic import BaseModel

from pipeline.state import Span
from pipeline.telemetry.queries import calls_for_field
from review_ui import page_image, queries, render, review, undo
from review_ui.context import FIELD_KEY, QUEUE, open_document, queue_filter, require_schema, reviewer, settings, store
from pipeline.schemas import FieldSpec, get_schema

FLASH_KEY, SKIPPED_KEY = "flash", "skipped_fields"
# Containers with fixed keys (the keyboard script and tests find the inputs by them); the
# inputs inside are keyed per field, so no page starts with what was typed on another.
CORRECTION_KEY, QUOTE_KEY = "correction_value", "correction_quote"
FAR_PAST, FAR_FUTURE = date(1900, 1, 1), date(2100, 12, 31)
LINK_PARAM = "field"
SPARE_ROWS = 3  # empty rows under a table's items, for the items the extraction missed

me, db, cfg = reviewer(), store(), settings()


def claim_next(prefer_run: int | None = None) -> int | None:
    skipped = st.session_state.setdefault(SKIPPED_KEY, set())
    return queries.claim_next(db, me, queue_filter(), cfg.claim_minutes, prefer_run, skip=skipped)


def next_field(prefer_run: int | None) -> None:
    st.session_state[FIELD_KEY] = claim_next(prefer_run)
    st.query_params.pop(LINK_PARAM, None)  # the old link would bring the old field back
    st.rerun()


def decided(outcome: review.Outcome, what: str) -> None:
    """Note the decision for the next page shown, and move on to the next field."""
    note = f"{what}." + (" Document completed and exported." if outcome.completed else "")
    st.session_state[FLASH_KEY] = (note, outcome.export if outcome.completed else None)
    next_field(outcome.run_id)


def undo_button() -> None:
    """Take back this reviewer's last decision and show that field again."""
    last = undo.last_decision(db, me)
    if not st.button("Undo", shortcut="U", disabled=last is None,
                     help=f"Take back your last decision ({last.action})." if last else "No decision of yours to undo."):
        return
    try:
        outcome = undo.undo_last(db, me, cfg.out)
    except (undo.NothingToUndo, review.Conflict) as e:
        st.error(str(e))  # our own words
        return
    st.session_state[FLASH_KEY] = ("Last decision undone.", outcome.export)
    st.session_state[FIELD_KEY] = outcome.field_id
    st.query_params[LINK_PARAM] = str(outcome.field_id)
    st.rerun()


def save_correction(view: queries.FieldView, spec: FieldSpec, value: Any, what: str, **evidence: Any) -> None:
    """Correct the field, or say why the value is not one of its type (or no correction at all)."""
    try:
        outcome = review.correct(db, view.id, me, value, cfg.out, expect_status=view.status, **evidence)
    except review.NotACorrection as e:
        st.error(str(e))  # our own words
        return
    except review.InvalidValue as e:
        st.error(f"Not a valid {spec.kind}.")
        st.text(str(e))  # it quotes what was typed: plain text
        return
    decided(outcome, what)


def show_evidence(view: queries.FieldView, found: queries.DocumentContent) -> None:
    evidence = view.evidence
    doc = found.parsed
    if doc is None:
        st.info("The parsed document is not stored for this run.")
        return
    rows, row = page_image.rows_with_evidence(evidence), None
    if rows:  # a table's items: the boxes of one row at a time, on that row's page
        row = st.selectbox("Evidence of row", [None, *rows], key=f"evidence-row-{view.id}",
                           format_func=lambda r: "every row" if r is None else f"row {r + 1}")
        evidence = page_image.evidence_of_row(evidence, row)
    spans = [Span.model_validate(e) for e in evidence]
    first = spans[0].page if spans else 1
    boxes = page_image.boxes_by_page(evidence)
    key = f"evidence-{view.id}" if row is None else f"evidence-{view.id}-row-{row}"  # each row opens on its own page
    if not page_image.show_page(view.source, found.bucket_key, doc, boxes, first, key, close_up=True):
        st.caption("Document text around the evidence (marked ⟦ ⟧):")
        st.code(render.excerpt(doc.text, [(s.start, s.end) for s in spans]), language=None, wrap_lines=True)


def show_learned_from(document_ids: list[str]) -> None:
    """Which reviewed documents a memory proposal was learned from (sources as text)."""
    if not document_ids:
        return
    sources = queries.document_sources(db, document_ids)
    st.text("Learned from reviewed documents:\n" + "\n".join(f"• {sources.get(i, '(no longer stored)')}  (document {i})" for i in document_ids))


def show_model_calls(view: queries.FieldView) -> None:
    """The model calls asked for this field: the chunk shown (the request), the raw answer, the parsed value."""
    calls = calls_for_field(db, view.run_id, view.name)
    if not calls:
        return
    with st.expander(f"Model calls behind this field ({len(calls)})"):
        for call in calls:
            where = "cache hit" if call.cache_hit else f"{call.input_tokens}+{call.output_tokens} tokens, {call.latency_s:.2f} s"
            st.text(f"chunk {call.chunk} · {call.provider}:{call.model} · prompt {call.prompt_version} · {where}" + (f" · {call.error}" if call.error else ""))
            for message in call.request or []:
                st.caption(message.get("role", ""))
                st.code(message.get("content", ""), language=None, wrap_lines=True)
            if call.request is None and call.request_sha256:
                st.caption(f"request kept as its hash only: {call.request_sha256}")
            if call.response is not None:
                st.caption("raw answer")
                st.code(call.response, language=None, wrap_lines=True)


def item_type(schema_name: str, name: str) -> type | None:
    """The record model of a list of records (e.g. invoice lines) or of one nested record, else None."""
    annotation = get_schema(schema_name).model_fields[name].annotation
    args = typing.get_args(annotation)
    item = args[0] if args else None
    return item if isinstance(item, type) and issubclass(item, BaseModel) else None


def correction_input(view: queries.FieldView, spec: FieldSpec) -> Any:
    """A typed input for the field's kind, prefilled with the current value."""
    with st.container(key=CORRECTION_KEY):
        return typed_input(view, spec, f"{CORRECTION_KEY}-{view.id}")


def typed_input(view: queries.FieldView, spec: FieldSpec, key: str) -> Any:
    record = item_type(view.schema_name, view.name)
    if spec.many:
        if record is None:  # a list of values: one a line
            lines = st.text_area("Correct values, one a line", value="\n".join(str(v) for v in view.value or []), key=key)
            return [line.strip() for line in lines.splitlines() if line.strip()]
        return table_input(view.value or [], list(record.model_fields), key)
    if record is not None:  # one nested record (a receipt's merchant): a table of one row
        rows = table_input([view.value or {}], list(record.model_fields), key, spare=0)
        return rows[0] if rows else None
    if spec.options:  # one of a few words (an enum): chosen, never typed
        current = view.value if view.value in spec.options else None
        return st.selectbox("Correct value", spec.options, index=spec.options.index(current) if current else None, key=key)
    if spec.kind == "date":
        try:
            current = review.validate(view.schema_name, view.name, view.value) if view.value else None
        except review.InvalidValue:
            current = None
        return st.date_input("Correct value", value=date.fromisoformat(current) if current else None,
                             min_value=FAR_PAST, max_value=FAR_FUTURE, format="YYYY-MM-DD", key=key)
    if spec.kind in ("money", "percent"):
        try:
            current = float(Decimal(str(view.value))) if view.value is not None else None
        except ArithmeticError:
            current = None
        amount = st.number_input("Correct value", value=current, step=0.01, format="%.2f", key=key)
        return None if amount is None else f"{amount:.2f}"
    return st.text_input("Correct value", value="" if view.value is None else str(view.value), key=key)


def table_input(rows: list[dict[str, Any]], columns: list[str], key: str, spare: int = SPARE_ROWS) -> list[dict[str, str]]:
    """Records as a table of plain inputs: typing goes into a cell (never into a shortcut),
    Tab moves on along the row, Enter saves. Empty rows are dropped; ``spare`` empty
    ones at the end take new items."""
    for cell, name in zip(st.columns(len(columns)), columns):
        cell.caption(name)
    out = []
    for i, row in enumerate([*rows, *[{}] * spare]):
        cells = st.columns(len(columns))
        typed_row = {
            name: cell.text_input(name, value="" if row.get(name) is None else str(row.get(name)), key=f"{key}-{i}-{name}",
                                  label_visibility="collapsed").strip()
            for cell, name in zip(cells, columns)
        }
        if any(typed_row.values()):
            out.append({k: v for k, v in typed_row.items() if v})
    return out


def focus_correction() -> None:
    # A fixed script (no document content): moves the keyboard into the correction
    # input (an input box, or the table of a list field), retrying while it renders.
    st.html(
        f"<script>/* {time.time()} */ (function f(n) {{"
        f" const box = document.querySelector('.st-key-{CORRECTION_KEY}');"
        " const el = box && box.querySelector('[role=spinbutton], input:not([tabindex=\"-1\"]), textarea, [tabindex]');"
        " if (el) { el.focus(); if (el.select) el.select(); }"
        " else if (n > 0) setTimeout(() => f(n - 1), 100); })(20);</script>",
        unsafe_allow_javascript=True,
    )


# ------------------------------------------------------------------ which field

flash = st.session_state.pop(FLASH_KEY, None)
if flash:
    st.success(flash[0])  # our own words; the export path (from the file name) goes as text
    if flash[1]:
        st.text(f"Exported to {flash[1]}")

# A deep link (?field=<id>) names the field; the page's URL always names the one shown.
linked = st.query_params.get(LINK_PARAM, "")
if linked.isdigit() and int(linked) != st.session_state.get(FIELD_KEY):
    st.session_state[FIELD_KEY] = int(linked)
field_id = st.session_state.get(FIELD_KEY)
view = queries.field_view(db, field_id) if field_id else None
if view is None:
    field_id = claim_next()
    st.session_state[FIELD_KEY] = field_id
    view = queries.field_view(db, field_id) if field_id else None
if view is None:
    st.title("Review fields")
    st.success("Nothing left to review with the current filters.")
    skipped = st.session_state.get(SKIPPED_KEY)
    if skipped and st.button(f"Review the {len(skipped)} skipped fields", shortcut="S"):
        skipped.clear()
        next_field(None)
    undo_button()
    st.page_link(QUEUE, label="Back to the queue", icon=":material/list:")
    st.stop()
require_schema(view.schema_name)
if not queries.claim(db, view.id, me, cfg.claim_minutes):
    st.title("Review fields")
    st.warning("Another reviewer is working on this field.")
    st.text(f"Held by {view.claimed_by} until {view.claimed_until:%H:%M} UTC")
    if st.button("Next field", type="primary", shortcut="S"):
        next_field(None)
    st.stop()

spec = review.spec_for(view.schema_name, view.name)
st.query_params[LINK_PARAM] = str(view.id)

# ------------------------------------------------------------------ the page

st.title(view.name)
st.text(f"{spec.description}\n{view.source}   ·   {view.schema_name}   ·   status {view.status}   ·   "
        f"{queries.pending_in_run(db, view.run_id)} pending in this document")

left, right = st.columns([11, 9], gap="large")
with left:
    show_evidence(view, page_image.content(view.run_id))

with right:
    st.subheader("Extracted value")
    st.code(render.as_text(view.value), language=None, wrap_lines=True)
    st.progress(min(max(view.confidence, 0.0), 1.0), text=f"Confidence {view.confidence:.2f}")
    if view.reasons:
        st.text("Why it is here:\n" + "\n".join(f"• {r}" for r in view.reasons))
    st.text(f"Extractor: {view.extractor or '-'}")
    show_learned_from(queries.learned_from(db, view.run_id, view.name, view.value))
    show_model_calls(view)

    try:
        with st.container(horizontal=True, gap="small"):
            accept = st.button("Accept", type="primary", shortcut="A")
            absent = st.button("Not present", shortcut="X", help="The document does not hold this field.")
            skip = st.button("Skip", shortcut="S", help="Leave it for later or someone else.")
            onward = st.button("Next", shortcut="N", help="Go on to the next field, leaving this one (as Skip).")
            whole = st.button("Document", shortcut="D", help="Every field of this document.")
            edit = st.button("Edit", shortcut="E", help="Jump into the correction input.")
            undo_button()
        st.caption("Enter saves a typed correction (in a table: Tab from cell to cell). From a date, Tab on to the evidence box, then Enter.")
        if accept:
            decided(review.accept(db, view.id, me, cfg.out, expect_status=view.status), f"Accepted {view.name}")
        if absent:
            decided(review.reject(db, view.id, me, cfg.out, expect_status=view.status), f"Marked {view.name} not present")
        if skip or onward:
            queries.release(db, view.id, me)
            st.session_state.setdefault(SKIPPED_KEY, set()).add(view.id)
            next_field(view.run_id)
        if whole:
            open_document(view.run_id)

        with st.form(f"correct-{view.id}"):
            new_value = correction_input(view, spec)
            with st.container(key=QUOTE_KEY):
                quote = st.text_input("Evidence (optional quote from the document)", key=f"{QUOTE_KEY}-{view.id}")
            save = st.form_submit_button("Save correction", shortcut="Ctrl+Enter")
        if edit:
            focus_correction()
        if save:
            save_correction(view, spec, new_value, f"Corrected {view.name}", quote=quote or None)

        if view.candidates:
            # For a list field the candidates are items left out: taking one adds it.
            st.subheader("Items left out" if spec.many else "Other candidates")
            for i, cand in enumerate(view.candidates):
                c1, c2 = st.columns([4, 1])
                c1.code(render.as_text(cand.get("value")), language=None, wrap_lines=True)
                c1.text(f"{cand.get('extractor')} · " + ", ".join(f"{k} {v:.2f}" for k, v in sorted(cand.get("signals", {}).items())))
                with c1:
                    show_learned_from(cand.get("learned_from") or [])
                if c2.button("Add" if spec.many else "Use", key=f"use-{i}"):
                    spans = [Span.model_validate(e) for e in [*(view.evidence if spec.many else []), *cand.get("evidence", [])]]
                    taken = [*(view.value or []), cand.get("value")] if spec.many else cand.get("value")
                    save_correction(view, spec, taken, f"Took a candidate for {view.name}", evidence=spans)
    except review.Conflict as e:
        st.error(str(e))

    past = queries.history(db, view.id)
    if past:
        st.subheader("History")
        st.dataframe(
            pd.DataFrame([{"at": r.at, "reviewer": r.reviewer, "action": r.action, "before": render.as_text(r.before), "after": render.as_text(r.after)} for r in past]),
            hide_index=True,
        )
