"""A whole document: every field, auto-accepted ones included, each one click from review,
the most confident pending ones accepted together (after a confirmation), and its pages
with every field's evidence boxed."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from review_ui import page_image, queries, render, review
from review_ui.context import RUN_KEY, open_field, require_schema, reviewer, settings, store, visible_schemas

BULK_KEY, BULK_DONE_KEY = "bulk_accept", "bulk_accepted"  # the fields offered for confirmation; the note after
DEFAULT_MINIMUM = 0.9

me, db, cfg = reviewer(), store(), settings()


def bulk_accept(run_id: int) -> None:
    """Accept the pending fields at or above a chosen confidence: listed first, accepted on confirmation.

    What is confirmed is the list shown: a field decided on or claimed since is skipped.
    """
    minimum = st.slider("At or above confidence", 0.0, 1.0, DEFAULT_MINIMUM, 0.05, key=f"bulk-minimum-{run_id}")
    chosen = queries.confident_pending(db, run_id, minimum)
    if st.button(f"Accept {len(chosen)} pending fields…", disabled=not chosen, key=f"bulk-offer-{run_id}"):
        st.session_state[BULK_KEY] = (run_id, [f.id for f in chosen])
    offered = st.session_state.get(BULK_KEY)
    if not offered or offered[0] != run_id:
        return
    shown = {f.id: f for f in queries.document_fields(db, run_id)}
    st.warning(f"Accept these {len(offered[1])} fields as extracted? Each is recorded as your decision.")
    st.text("\n".join(f"{shown[i].name}: {render.as_text(shown[i].value)}  ({shown[i].confidence:.2f})" for i in offered[1]))
    confirm, cancel = st.columns(2)
    confirmed = confirm.button("Confirm accept", type="primary", key="bulk-confirm")
    if confirmed:
        done = review.accept_many(db, offered[1], me, cfg.out)
        st.session_state[BULK_DONE_KEY] = (len(done.accepted), [shown[i].name for i in done.skipped],
                                           next((o.export for o in done.accepted if o.completed), None))
    if confirmed or cancel.button("Cancel", key="bulk-cancel"):
        del st.session_state[BULK_KEY]
        st.rerun()


def bulk_note() -> None:
    """What the last bulk accept did (shown once, after the page reran)."""
    note = st.session_state.pop(BULK_DONE_KEY, None)
    if note is None:
        return
    accepted, skipped, export = note
    st.success(f"Accepted {accepted} fields.")
    if skipped:  # field names come from the schema, but stay text like everything shown
        st.text("Skipped (claimed or decided on by someone else since): " + ", ".join(skipped))
    if export:
        st.text(f"Document completed. Exported to {export}")


st.title("Document")
bulk_note()
allowed = set(visible_schemas(queries.schema_names(db)))
runs = [r for r in queries.recent_runs(db) if r[2] in allowed]
if not runs:
    st.info("No documents processed yet.")
    st.stop()
ids = [r[0] for r in runs]
current = st.session_state.get(RUN_KEY)
if current is not None and current not in ids:
    ids.insert(0, current)
labels = {r[0]: f"{r[1]}  ({r[2]}, {r[3]})" for r in runs}
run_id = st.selectbox("Document", ids, index=ids.index(current) if current in ids else 0,
                      format_func=lambda i: labels.get(i, f"run {i}"))
st.session_state[RUN_KEY] = run_id

summary = queries.run_summary(db, run_id)
require_schema(summary["schema_name"])
lines = [
    f"Source:    {summary['source']}",
    f"Schema:    {summary['schema_name']} v{summary['schema_version']}",
    f"Status:    {summary['status']}",
    f"Processed: {summary['created_at']:%Y-%m-%d %H:%M} UTC",
]
if summary["exported_at"]:
    lines.append(f"Exported:  {summary['exported_at']:%Y-%m-%d %H:%M} UTC")
st.text("\n".join(lines))

fields = queries.document_fields(db, run_id)
table = pd.DataFrame(
    {
        "field": [f.name for f in fields],
        "value": [render.as_text(f.value) for f in fields],
        "confidence": [f.confidence for f in fields],
        "status": [f.status for f in fields],
        "extractor": [f.extractor or "" for f in fields],
        "evidence": [" | ".join(e.get("text", "") for e in f.evidence) for f in fields],
        "reasons": ["; ".join(f.reasons) for f in fields],
    }
)
st.caption("Select a field to review or fix it, whatever its status.")
picked = st.dataframe(
    table,
    hide_index=True,
    on_select="rerun",
    selection_mode="single-row",
    key=f"fields-{run_id}",
    column_config={"confidence": st.column_config.ProgressColumn(min_value=0.0, max_value=1.0, format="%.2f")},
)
if picked.selection.rows:
    open_field(fields[picked.selection.rows[0]].id)

if any(f.status == queries.PENDING for f in fields):
    with st.expander("Accept the most confident pending fields", expanded=BULK_KEY in st.session_state):
        bulk_accept(run_id)

if summary["status"] == "completed" and st.button("Export again", help=f"Write the JSON to {cfg.out}"):
    st.text(f"Exported to {review.export_document(db, run_id, cfg.out)}")

found = page_image.content(run_id)
if found.parsed is not None:
    st.subheader("Pages")
    st.caption("Every field's evidence is boxed.")
    boxes = page_image.boxes_by_page([e for f in fields for e in f.evidence])
    if not page_image.show_page(summary["source"], found.bucket_key, found.parsed, boxes, 1, f"document-{run_id}"):
        st.text("No page picture: the document is text only, or its original is gone.")
