"""The page picture of the field and document pages: any page of the document, magnified,
with evidence boxed. A Streamlit helper (like ``context``); the drawing is ``render``'s."""

from __future__ import annotations

from typing import Any

import streamlit as st

from pipeline.config import get_settings
from pipeline.state import BBox, Page, ParsedDocument, Span
from review_ui import queries, render
from review_ui.context import store

ZOOMS = (1.0, 1.5, 2.0, 3.0)


@st.cache_data(max_entries=16, show_spinner=False)
def content(run_id: int) -> queries.DocumentContent:
    return queries.document_content(store(), run_id)


def boxes_by_page(evidence: list[dict[str, Any]]) -> dict[int, list[BBox]]:
    """The boxes of stored evidence spans, by page number."""
    boxes: dict[int, list[BBox]] = {}
    for span in map(Span.model_validate, evidence):
        if span.bbox:
            boxes.setdefault(span.page, []).append(span.bbox)
    return boxes


def rows_with_evidence(evidence: list[dict[str, Any]]) -> list[int]:
    """The item numbers (0-based) of a list of records whose cells have evidence (paths "<item>.<field>")."""
    items = {str(span.get("path") or "").partition(".")[0] for span in evidence}
    return sorted(int(item) for item in items if item.isdigit())


def evidence_of_row(evidence: list[dict[str, Any]], row: int | None) -> list[dict[str, Any]]:
    """The spans of one item's cells (``row``, 0-based), or all of them when ``row`` is None."""
    if row is None:
        return evidence
    return [span for span in evidence if str(span.get("path") or "").partition(".")[0] == str(row)]


@st.cache_data(max_entries=32, show_spinner=False)
def picture(
    source: str, bucket_key: str | None, page: tuple[int, float | None, float | None], boxes: tuple[BBox, ...], zoom: float
) -> tuple[bytes, bytes | None] | None:
    """PNGs of the page (number, width, height) with boxes drawn, and of the close-up."""
    limits = get_settings()
    data = render.original_bytes(source, bucket_key, int(limits.max_file_mb * 1024 * 1024))
    where = Page(number=page[0], start=0, end=0, width=page[1], height=page[2])
    drawn = render.highlight(data, where, list(boxes), limits.max_image_pixels, zoom) if data else None
    if drawn is None:
        return None
    return render.png(drawn[0]), (render.png(drawn[1]) if drawn[1] else None)


def show_page(
    source: str, bucket_key: str | None, doc: ParsedDocument, boxes: dict[int, list[BBox]], first: int, key: str, close_up: bool = False
) -> bool:
    """A page picker (for more than one page), a zoom and the page picture, with ``boxes``
    (by page number) drawn; ``first``: the page shown first. ``close_up``: the boxes' close-up
    above the page. False when the document has no picture (the caller shows its text)."""
    if not doc.pages:
        return False
    numbers = [p.number for p in doc.pages]
    pick, magnify = st.columns(2)
    number = pick.selectbox("Page", numbers, index=numbers.index(first) if first in numbers else 0, key=f"{key}-page",
                            format_func=lambda n: f"{n} of {len(numbers)}") if len(numbers) > 1 else numbers[0]
    zoom = magnify.select_slider("Zoom", ZOOMS, value=ZOOMS[0], format_func=lambda z: f"{z:.0%}", key=f"{key}-zoom")
    page = doc.pages[numbers.index(number)]
    drawn = picture(source, bucket_key, (page.number, page.width, page.height), tuple(boxes.get(number, ())), zoom)
    if drawn is None:
        return False
    full, close = drawn
    if close_up and close:
        st.image(close, caption="Evidence close-up")
    st.image(full, caption=f"Page {page.number} of {len(numbers)}" + (f", zoom {zoom:.0%}" if zoom != 1 else ""))
    return True
