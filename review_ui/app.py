"""The review app's entry point: ``docloop review`` runs ``streamlit run`` on this file.

Login comes first: until a reviewer is known the navigation holds only the
login page, so no other page, action or file can be reached; it answers at every
page's address, so a link (``/dashboard``, ``/field?field=<id>``) opened logged out
leads to that page once logged in, not to "Page not found". A reviewer who goes
from a field to any other page, or logs out, gives the field back at once (not only
when the claim expires).
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from review_ui import auth
from review_ui.context import DASHBOARD, DOCUMENT, FIELD, QUEUE, leave_field, settings

st.set_page_config(page_title="docloop review", page_icon=":material/fact_check:", layout="wide")

name = auth.reviewer()
if name is None:
    def login() -> None:
        auth.login_page(settings().resolved_users_file)

    at_every_address = [st.Page(login, title="Log in", url_path=Path(view).stem) for view in (QUEUE, FIELD, DOCUMENT, DASHBOARD)]
    st.navigation([st.Page(login, title="Log in", url_path="login", default=True), *at_every_address], position="hidden").run()
else:
    with st.sidebar:
        auth.hand_over_token()
        st.text(f"Reviewer: {name}")
        st.button("Log out", on_click=lambda: (leave_field(), auth.logout()))
    field_page = st.Page(FIELD, title="Review fields", icon=":material/edit_note:")
    page = st.navigation(
        {
            "Review": [
                st.Page(QUEUE, title="Queue", icon=":material/list:", default=True),
                field_page,
                st.Page(DOCUMENT, title="Document", icon=":material/description:"),
            ],
            "Insights": [st.Page(DASHBOARD, title="Dashboard", icon=":material/monitoring:")],
        }
    )
    if page.url_path != field_page.url_path:
        leave_field()
    page.run()
