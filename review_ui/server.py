"""What ``docloop review`` serves: the review app (``app.py``) and the route that sets
its HttpOnly login cookie (``review_ui.remember``). ``streamlit run`` finds ``app`` here."""

from __future__ import annotations

from pathlib import Path

import streamlit as st
from starlette.routing import Route

from review_ui.remember import ROUTE, remember

app = st.App(str(Path(__file__).with_name("app.py")), routes=[Route(ROUTE, remember, methods=["POST"])])
