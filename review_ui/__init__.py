"""The review web UI: people decide the fields the pipeline is unsure of.

``app.py`` is the Streamlit entry (``docloop review``), ``views/`` its pages;
``queries`` (reads and claims), ``review`` (decisions, completion, export),
``render`` (evidence on the page) and ``auth`` hold the logic the pages call.
"""
