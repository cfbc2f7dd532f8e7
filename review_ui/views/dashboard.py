"""How the loop is doing: volume, automation, backlog, accuracy measured by reviews, cost."""

from __future__ import annotations

import statistics

import altair as alt
import pandas as pd
import streamlit as st

from pipeline.state import FieldStatus
from pipeline.store import utcnow
from review_ui import queries
from review_ui.context import require_every_schema, reviewer, store

reviewer()
require_every_schema()
db = store()

st.title("Dashboard")

runs = queries.run_counts(db)
fields = queries.field_counts(db)
reviewed = queries.reviewed_fields(db)
backlog = queries.pending_documents(db)

# A reviewed field's status no longer says what routing decided; its snapshot does.
auto = fields.get(FieldStatus.auto_accepted.value, 0) + sum(r.routed_status == FieldStatus.auto_accepted.value for r in reviewed)
total_fields = sum(fields.values())
auto_reviewed = [r for r in reviewed if r.routed_status == FieldStatus.auto_accepted.value]
sent = [r for r in reviewed if r.routed_status != FieldStatus.auto_accepted.value]

st.subheader("Volume and automation")
c = st.columns(4)
c[0].metric("Documents processed", sum(runs.values()))
c[1].metric("Completed", runs.get("completed", 0))
c[2].metric("Failed", runs.get("failed", 0))
c[3].metric("Auto-accept rate", f"{auto / total_fields:.0%}" if total_fields else "-", help="Fields the pipeline accepted without a person.")

st.subheader("Review backlog")
now = utcnow()
ages_h = [(now - created).total_seconds() / 3600 for _, created, _ in backlog]
c = st.columns(4)
c[0].metric("Fields waiting", fields.get(FieldStatus.needs_review.value, 0))
c[1].metric("Documents waiting", len(backlog))
c[2].metric("Oldest (h)", f"{max(ages_h):.1f}" if ages_h else "-")
c[3].metric("Median age (h)", f"{statistics.median(ages_h):.1f}" if ages_h else "-")
if ages_h:
    buckets = pd.cut(pd.Series(ages_h), bins=[0, 1, 4, 24, 72, 168, float("inf")], labels=["<1h", "1-4h", "4-24h", "1-3d", "3-7d", ">7d"], include_lowest=True)
    st.bar_chart(buckets.value_counts(sort=False).rename("documents"), x_label="waiting", y_label="documents", height=220)

st.subheader("Accuracy measured by reviews")
c = st.columns(3)
c[0].metric("Fields reviewed", len(reviewed))
changed_sent = sum(r.changed for r in sent)
c[1].metric("Review changed the value", f"{changed_sent / len(sent):.0%}" if sent else "-",
            help=f"{changed_sent} of {len(sent)} fields sent to review were corrected or marked not present.")
changed_auto = sum(r.changed for r in auto_reviewed)
c[2].metric("Auto-accepted, later corrected", f"{changed_auto / auto:.1%}" if auto else "-",
            help=f"{changed_auto} of {auto} auto-accepted fields ({len(auto_reviewed)} of them checked by a person).")

points = queries.calibration(reviewed)
if points:
    frame = pd.DataFrame(points, columns=["confidence", "fields", "accuracy"])
    diagonal = alt.Chart(pd.DataFrame({"confidence": [0, 1], "accuracy": [0, 1]})).mark_line(strokeDash=[4, 4], color="gray").encode(x="confidence", y="accuracy")
    observed = alt.Chart(frame).mark_line(point=True).encode(
        x=alt.X("confidence", scale=alt.Scale(domain=[0, 1]), title="confidence (bin middle)"),
        y=alt.Y("accuracy", scale=alt.Scale(domain=[0, 1]), title="observed accuracy (value kept by reviewer)"),
        tooltip=["confidence", "fields", "accuracy"],
    )
    st.altair_chart((diagonal + observed).properties(height=320), width="stretch")
else:
    st.info("No reviews yet: accuracy appears once people have decided on fields.")

st.subheader("Cost")
cost = pd.DataFrame(queries.cost_by_schema(db), columns=["schema", "documents", "cost (USD)", "model calls"])
if not cost.empty:
    cost["per document (USD)"] = cost["cost (USD)"] / cost["documents"].clip(lower=1)
    total_docs = int(cost["documents"].sum())
    st.metric("Cost per document (USD)", f"{cost['cost (USD)'].sum() / total_docs:.4f}" if total_docs else "-")
    st.dataframe(cost, hide_index=True)
