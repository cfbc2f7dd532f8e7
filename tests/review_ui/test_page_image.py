"""The page picture: any page of a multi-page document, magnified, on the field and the document page."""

from __future__ import annotations

from pathlib import Path

import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from pipeline.config import Settings
from pipeline.run import Pipeline
from pipeline.state import Page
from review_ui import queries, render
from review_ui.context import DOCUMENT
from tests.review_ui.test_pages import app, open_field
from tests.review_ui.test_render import LIMIT, is_outline

PAGES = (
    ["Harbour Widgets Ltd", "12 Quay Street, Bristol", "INVOICE", "Invoice number: HW-2001", "Invoice date: 03 February 2024"],
    ["Widgets, blue   2 x 10.00   20.00", "Net 20.00", "VAT 20% 4.00", "Amount payable GBP 24.00"],  # the total on page 2
)


def two_page_invoice(path: Path) -> Path:
    pdf = canvas.Canvas(str(path), pagesize=A4)
    for lines in PAGES:
        pdf.setFont("Helvetica", 12)
        for i, line in enumerate(lines):
            pdf.drawString(72, 770 - 18 * i, line)
        pdf.showPage()
    pdf.save()
    return path


def outline_pixels(picture) -> int:
    return sum(map(is_outline, picture.convert("RGB").get_flattened_data()))


def test_zoom_magnifies_around_the_evidence_at_the_same_size(tmp_path):
    data = two_page_invoice(tmp_path / "invoice.pdf").read_bytes()
    page = Page(number=2, start=0, end=0, width=A4[0], height=A4[1])
    box = (190.0, 117.0, 221.0, 126.0)
    normal, _ = render.highlight(data, page, [box], LIMIT)
    zoomed, _ = render.highlight(data, page, [box], LIMIT, zoom=2.0)
    assert abs(zoomed.width - normal.width) <= 1 and abs(zoomed.height - normal.height) <= 1
    assert outline_pixels(zoomed) > 1.7 * outline_pixels(normal)  # the box drawn twice as large, still in view
    with pytest.raises(ValueError):
        render.highlight(data, page, [box], LIMIT, zoom=0.5)


def image_captions(at) -> list[str]:
    return [caption for element in at.get("image") for caption in element.captions]


@pytest.fixture
def two_pages(app_env):
    path = two_page_invoice(app_env.settings.home / "two pages.pdf")
    settings = Settings(home=app_env.settings.home, database_url=app_env.store.url, llm_provider="none")
    Pipeline(settings, extractor_names=["rules"], store=app_env.store).process(path.read_bytes(), str(path), "invoice")
    run_id = max(r.id for r in app_env.store.runs())
    return run_id, {f.name: f for f in queries.document_fields(app_env.store, run_id)}


def test_field_page_pages_through_and_zooms_the_document(two_pages):
    run_id, fields = two_pages
    total = fields["total"]
    at = open_field(app(), total.id)
    assert at.selectbox(key=f"evidence-{total.id}-page").value == 2  # opens on the evidence's page
    assert image_captions(at) == ["Evidence close-up", "Page 2 of 2"]
    at.selectbox(key=f"evidence-{total.id}-page").set_value(1).run()
    assert image_captions(at) == ["Page 1 of 2"]  # no evidence on page 1: no close-up
    at.select_slider(key=f"evidence-{total.id}-zoom").set_value(2.0).run()
    assert image_captions(at) == ["Page 1 of 2, zoom 200%"]


def test_document_page_shows_its_pages(two_pages):
    run_id, _ = two_pages
    at = app()
    at.session_state["run_id"] = run_id
    at = at.switch_page(DOCUMENT).run()
    assert image_captions(at) == ["Page 1 of 2"]
    at.selectbox(key=f"document-{run_id}-page").set_value(2).run()
    assert image_captions(at) == ["Page 2 of 2"]


def test_a_tables_rows_show_their_own_evidence_boxes_on_their_page(app_env):
    """Line items over several pages: the field page shows every row's boxes at first; picking
    a row shows only that row's cell boxes, on the page the row is printed on."""
    from eval.synthetic_invoices import RENDERERS, generate
    from review_ui.page_image import evidence_of_row, rows_with_evidence

    invoice = next(i for i in map(generate, range(200)) if len(i.items) >= 30)
    path = app_env.settings.home / "long.pdf"
    path.write_bytes(RENDERERS["pdf"](invoice))
    settings = Settings(home=app_env.settings.home, database_url=app_env.store.url, llm_provider="none")
    Pipeline(settings, extractor_names=["rules", "tables"], store=app_env.store).process(path.read_bytes(), str(path), "invoice")
    run_id = max(r.id for r in app_env.store.runs())
    items = next(f for f in queries.document_fields(app_env.store, run_id) if f.name == "line_items")
    rows = rows_with_evidence(items.evidence)
    assert rows == list(range(len(invoice.items)))
    last = rows[-1]
    spans = evidence_of_row(items.evidence, last)
    assert spans and {s["path"].split(".")[0] for s in spans} == {str(last)}
    assert evidence_of_row(items.evidence, None) == items.evidence
    at = open_field(app(), items.id)
    assert at.selectbox(key=f"evidence-row-{items.id}").value is None
    at.selectbox(key=f"evidence-row-{items.id}").set_value(last).run()
    assert at.selectbox(key=f"evidence-{items.id}-row-{last}-page").value == spans[0]["page"] > 1
    assert image_captions(at)[0] == "Evidence close-up"
