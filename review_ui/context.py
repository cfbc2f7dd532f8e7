"""What every page shares: the store, the settings, the reviewer, page links.

Only the app and its pages import this (it uses Streamlit); the logic they call
lives in ``queries``, ``review`` and ``render``.
"""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

from pipeline.config import get_settings
from pipeline.store import Store
from review_ui import auth
from review_ui.config import ReviewSettings, get_review_settings
from review_ui.queries import QueueFilter, release

# Not "pages/": Streamlit would serve a folder of that name as pages by URL on its own,
# before app.py's login gate has run.
QUEUE, FIELD, DOCUMENT, DASHBOARD = "views/queue.py", "views/field.py", "views/document.py", "views/dashboard.py"
FIELD_KEY, RUN_KEY, FILTER_KEY = "field_id", "run_id", "queue_filter"


@st.cache_resource
def store() -> Store:
    """One engine (and connection pool) per process, on the newest schema."""
    s = Store(get_settings().resolved_database_url)
    s.migrate()
    return s


def settings() -> ReviewSettings:
    return get_review_settings()


def reviewer() -> str:
    """The logged-in reviewer; pages only run after login, so this is never None there."""
    name = auth.reviewer()
    if name is None:  # defence in depth: a page reached without the app's gate
        st.stop()
    return name


def account() -> auth.Account:
    return auth.account_of(settings().resolved_users_file, reviewer())


def visible_schemas(names: list[str]) -> list[str]:
    """Of ``names``, the document types this reviewer may see."""
    me = account()
    return [n for n in names if me.sees(n)]


def require_schema(schema: str) -> None:
    """Stop the page when this reviewer may not see documents of ``schema``."""
    if not account().sees(schema):
        st.error("This document type is not among yours.")
        st.stop()


def require_every_schema() -> None:
    """Stop a page that spans all document types for a reviewer limited to some (admins see all)."""
    me = account()
    if me.role != "admin" and me.schemas:
        st.error("This page covers every document type; ask an admin.")
        st.stop()


def scoped(flt: QueueFilter, all_schemas: list[str]) -> QueueFilter:
    """``flt`` narrowed to this reviewer's document types (no schema chosen means all of *those*)."""
    allowed = visible_schemas(all_schemas)
    if len(allowed) == len(all_schemas) and not flt.schemas:
        return flt
    chosen = tuple(s for s in flt.schemas if s in allowed) or tuple(allowed) or ("",)  # ("",) matches nothing
    return replace(flt, schemas=chosen)


def queue_filter() -> QueueFilter:
    from review_ui.queries import schema_names

    return scoped(st.session_state.get(FILTER_KEY) or QueueFilter(), schema_names(store()))


def leave_field() -> None:
    """Give back the field this session was shown (if this reviewer still holds it): the
    reviewer has left it. The field stays remembered, so the field page offers it again
    (when nobody took it meanwhile)."""
    field_id = st.session_state.get(FIELD_KEY)
    if field_id is not None:
        release(store(), field_id, reviewer())


def open_field(field_id: int) -> None:
    st.session_state[FIELD_KEY] = field_id
    st.switch_page(FIELD)


def open_document(run_id: int) -> None:
    st.session_state[RUN_KEY] = run_id
    st.switch_page(DOCUMENT)
