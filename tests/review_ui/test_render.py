"""Evidence drawn on the original page (PDF and image), and the text fallback."""

from __future__ import annotations

import pypdfium2 as pdfium
from PIL import Image

from pipeline.state import Page
from review_ui import render
from tests.conftest import DATASETS
from tests.review_ui.conftest import invoice_files

LIMIT = 60_000_000


def is_outline(pixel: tuple[int, int, int]) -> bool:
    r, g, b = pixel
    return r > 180 and g < 90 and b < 90


def test_pdf_page_is_rendered_with_the_box_drawn_where_the_evidence_is():
    data = invoice_files(1)[0].read_bytes()
    pdf = pdfium.PdfDocument(data)
    width, height = pdf[0].get_size()
    pdf.close()
    page = Page(number=1, start=0, end=0, width=width, height=height)
    box = (100.0, 200.0, 260.0, 230.0)
    full, close = render.highlight(data, page, [box], LIMIT)
    scale = full.width / width
    assert abs(full.height / height - scale) < 0.01
    left_edge = (int(box[0] * scale) - render.PAD, int((box[1] + box[3]) / 2 * scale))
    assert is_outline(full.getpixel(left_edge))
    assert not is_outline(full.getpixel((5, 5)))
    assert close.width < full.width and close.height < full.height


def test_image_page_is_drawn_in_pixels():
    jpg = sorted((DATASETS / "sroie" / "images").glob("*.jpg"))[0]
    data = jpg.read_bytes()
    w, h = Image.open(jpg).size
    page = Page(number=1, start=0, end=0, width=w, height=h)
    full, _ = render.highlight(data, page, [(10, 10, 60, 40)], LIMIT)
    assert full.size == (w, h)
    assert is_outline(full.getpixel((10 - render.PAD, 25)))


def test_pages_that_cannot_be_drawn_give_none():
    page = Page(number=3, start=0, end=0)
    assert render.highlight(invoice_files(1)[0].read_bytes(), page, [], LIMIT) is None  # no page 3
    assert render.highlight(b"plain text, not a picture", Page(number=1, start=0, end=0), [], LIMIT) is None


def test_original_is_read_from_its_path_within_the_size_limit(tmp_path):
    f = tmp_path / "a.pdf"
    f.write_bytes(b"%PDF-1.4 tiny")
    assert render.original_bytes(str(f), None, 100) == b"%PDF-1.4 tiny"
    assert render.original_bytes(str(f), None, 5) is None
    assert render.original_bytes(str(tmp_path / "gone.pdf"), None, 100) is None


def test_excerpt_marks_every_span_and_keeps_the_text_plain():
    text = "Invoice\fTotal <b>106.00</b> EUR\nDue 2024-01-31"
    start = text.index("106.00")
    due = text.index("2024")
    out = render.excerpt(text, [(due, due + 10), (start, start + 6)], context=50)
    assert "⟦106.00⟧" in out and "⟦2024-01-31⟧" in out and "<b>" in out
    assert "\f" not in out
