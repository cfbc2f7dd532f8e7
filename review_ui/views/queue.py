"""The queue: documents with fields waiting for a person, most urgent first."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from pipeline.state import FieldStatus
from pipeline.store import utcnow
from review_ui import queries
from review_ui.context import FILTER_KEY, open_document, open_field, queue_filter, reviewer, scoped, settings, store, visible_schemas

me, db, cfg = reviewer(), store(), settings()
st.title("Review queue")

# Filter widgets keep their values in session state under these keys; Streamlit
# drops a widget's state on pages where it is not drawn, so they are seeded
# again from the saved filter when the reviewer comes back to the queue.
saved = queue_filter()
for key, value in (("f_schemas", list(saved.schemas)), ("f_status", saved.status), ("f_source", saved.source),
                   ("f_value", saved.value), ("f_days", tuple(d for d in (saved.since, saved.until) if d))):
    st.session_state.setdefault(key, value)

c1, c2, c3, c4, c5 = st.columns([2, 1.2, 2, 2, 2])
schemas = c1.multiselect("Schema", visible_schemas(queries.schema_names(db)), key="f_schemas")
status = c2.selectbox("Field status", [s.value for s in FieldStatus], key="f_status")
source = c3.text_input("Source contains", key="f_source")
value = c4.text_input("Any field value contains", key="f_value", help="Documents with a field (of any status) holding this text.")
days = c5.date_input("Processed between", min_value=date(2000, 1, 1), format="YYYY-MM-DD", key="f_days")
since, until = (tuple(days) + (None, None))[:2] if isinstance(days, tuple) else (days, None)
flt = scoped(queries.QueueFilter(status, tuple(schemas), source=source.strip(), value=value.strip(), since=since, until=until),
             queries.schema_names(db))
st.session_state[FILTER_KEY] = flt

counts = queries.queue_counts(db, flt)
m = st.columns(3 + len(counts.by_schema))
m[0].metric("Fields", counts.fields)
m[1].metric("Documents", counts.documents)
m[2].metric("In review now", counts.claimed)
for col, (schema, n) in zip(m[3:], sorted(counts.by_schema.items())):
    col.metric(f"{schema} fields", n)

if st.button("Review next", type="primary", shortcut="N", disabled=status != FieldStatus.needs_review.value,
             help="Claim the most urgent field and open it."):
    field_id = queries.claim_next(db, me, flt, cfg.claim_minutes)
    if field_id is None:
        st.info("Nothing to review with these filters.")
    else:
        open_field(field_id)

pages = max(1, -(-counts.documents // cfg.page_size))
page = st.number_input("Page", min_value=1, max_value=pages, value=1, step=1) if pages > 1 else 1
items = queries.queue(db, flt, limit=cfg.page_size, offset=(page - 1) * cfg.page_size)
now = utcnow()
hits = queries.value_hits(db, [i.run_id for i in items], flt.value) if flt.value else {}
table = pd.DataFrame(
    {
        "source": [i.source for i in items],
        **({"value found in": [", ".join(hits.get(i.run_id, [])) for i in items]} if flt.value else {}),
        "schema": [i.schema_name for i in items],
        "fields": [i.fields for i in items],
        "lowest confidence": [i.min_confidence for i in items],
        "waiting (h)": [round((now - i.created_at).total_seconds() / 3600, 1) for i in items],
        "in review": [i.claimed for i in items],
    }
)
st.caption("Select a row to open the whole document.")
picked = st.dataframe(
    table,
    hide_index=True,
    on_select="rerun",
    selection_mode="single-row",
    key="queue_table",
    column_config={"lowest confidence": st.column_config.ProgressColumn(min_value=0.0, max_value=1.0, format="%.2f")},
)
if picked.selection.rows:
    open_document(items[picked.selection.rows[0]].run_id)
