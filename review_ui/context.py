"""What every page shares: the store, the settings, the reviewer, page links.

Only the app and its pages import this (it uses Streamlit); the logic they call
lives in ``queries``, ``review`` and ``render``.
"""

from __future__ import annotations

import streamlit as st

from pipeline.config import get_settings
from pipeline.store import Store
from review_ui import auth
from review_ui.config import ReviewSettings, get_review_settings
from review_ui.queries import QueueFilter

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


def queue_filter() -> QueueFilter:
    return st.session_state.get(FILTER_KEY) or QueueFilter()


def open_field(field_id: int) -> None:
    st.session_state[FIELD_KEY] = field_id
    st.switch_page(FIELD)


def open_document(run_id: int) -> None:
    st.session_state[RUN_KEY] = run_id
    st.switch_page(DOCUMENT)
