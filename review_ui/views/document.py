"""A whole document: every field, auto-accepted ones included, each one click from review."""

from __future__ import annotations

import json

import pandas as pd
import streamlit as st

from review_ui import queries, review
from review_ui.context import RUN_KEY, open_field, require_schema, reviewer, settings, store, visible_schemas

me, db, cfg = reviewer(), store(), settings()

st.title("Document")
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
        "value": [f.value if isinstance(f.value, str) else json.dumps(f.value, ensure_ascii=False) for f in fields],
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

if summary["status"] == "completed" and st.button("Export again", help=f"Write the JSON to {cfg.out}"):
    st.text(f"Exported to {review.export_document(db, run_id, cfg.out)}")
