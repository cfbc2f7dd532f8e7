"""The page a value was read from, with its evidence boxed.

PDFs are rendered with pdfium, images opened with Pillow; evidence boxes are in
page units (PDF points or image pixels, origin top-left), scaled to the picture.
Documents without a picture (text, Word) or whose original is gone fall back to
an excerpt of the parsed text with the evidence marked.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium
from PIL import Image, ImageDraw

from pipeline.bucket import ObjectMissing, open_bucket
from pipeline.config import get_settings
from pipeline.state import BBox, Page

PDF_SCALE = 2.0  # 144 dpi: small print stays legible
HIGHLIGHT = (255, 196, 0, 90)
OUTLINE = (220, 38, 38, 255)
MARK_OPEN, MARK_CLOSE = "⟦", "⟧"
PAD = 3  # pixels around a box, so the outline does not cover the text


def original_bytes(source: str, bucket_key: str | None, max_bytes: int) -> bytes | None:
    """The original file, from the bucket it came from or the local path it was read at.

    None when it is gone or larger than the pipeline accepts.
    """
    if bucket_key:
        bucket = open_bucket(get_settings().resolved_bucket)
        try:
            if bucket.head(bucket_key).size > max_bytes:
                return None
            return bucket.get(bucket_key)
        except ObjectMissing:
            return None
    path = Path(source)
    try:
        if path.is_file() and path.stat().st_size <= max_bytes:
            return path.read_bytes()
    except OSError:
        return None
    return None


def _page_picture(data: bytes, page_number: int, zoom: float) -> Image.Image | None:
    """The page, ``zoom`` times the normal size: a PDF rendered that much finer, an image enlarged."""
    if data[:5] == b"%PDF-":
        pdf = pdfium.PdfDocument(data)
        try:
            if not 1 <= page_number <= len(pdf):
                return None
            return pdf[page_number - 1].render(scale=PDF_SCALE * zoom).to_pil().convert("RGB")
        finally:
            pdf.close()
    try:
        image = Image.open(io.BytesIO(data))
        image.seek(page_number - 1)  # multi-page TIFF; page 1 of anything else
        image = image.convert("RGB")
    except (OSError, EOFError, Image.DecompressionBombError):
        return None
    return image.resize((round(image.width * zoom), round(image.height * zoom)), Image.LANCZOS) if zoom != 1 else image


def _window(picture: Image.Image, centre: tuple[float, float], zoom: float) -> Image.Image:
    """The part of a ``zoom`` times enlarged picture that the normal size shows, around ``centre``."""
    w, h = picture.width / zoom, picture.height / zoom
    x0 = min(max(centre[0] - w / 2, 0), picture.width - w)
    y0 = min(max(centre[1] - h / 2, 0), picture.height - h)
    return picture.crop((round(x0), round(y0), round(x0 + w), round(y0 + h)))


def highlight(
    data: bytes, page: Page, boxes: list[BBox], max_pixels: int, zoom: float = 1.0
) -> tuple[Image.Image, Image.Image | None] | None:
    """The page as a picture with ``boxes`` drawn on it, and a close-up of the boxes.

    ``zoom`` > 1 magnifies: the picture keeps its size and shows the part of the page
    around the boxes (the page's middle when there are none). None when the page
    cannot be drawn (not a PDF or image, page out of range).
    """
    Image.MAX_IMAGE_PIXELS = max_pixels  # the pipeline's own limit on untrusted images
    if zoom < 1:
        raise ValueError(f"zoom magnifies: 1 or more, not {zoom}")
    picture = _page_picture(data, page.number, zoom)
    if picture is None:
        return None
    sx = picture.width / page.width if page.width else (PDF_SCALE if data[:5] == b"%PDF-" else 1.0)
    sy = picture.height / page.height if page.height else sx
    scaled = [(x0 * sx - PAD, y0 * sy - PAD, x1 * sx + PAD, y1 * sy + PAD) for x0, y0, x1, y1 in boxes]
    overlay = Image.new("RGBA", picture.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(overlay)
    for box in scaled:
        draw.rectangle(box, fill=HIGHLIGHT, outline=OUTLINE, width=3)
    marked = Image.alpha_composite(picture.convert("RGBA"), overlay).convert("RGB")
    if not scaled:
        return _window(marked, (marked.width / 2, marked.height / 2), zoom), None
    # Close-up: the boxes with a band of the page around them, full width when small.
    x0, y0 = min(b[0] for b in scaled), min(b[1] for b in scaled)
    x1, y1 = max(b[2] for b in scaled), max(b[3] for b in scaled)
    mx, my = marked.width * 0.2, marked.height * 0.04
    close = marked.crop((max(0, x0 - mx), max(0, y0 - my), min(marked.width, x1 + mx), min(marked.height, y1 + my)))
    return _window(marked, ((x0 + x1) / 2, (y0 + y1) / 2), zoom), close


def png(picture: Image.Image) -> bytes:
    buf = io.BytesIO()
    picture.save(buf, format="PNG", optimize=True)
    return buf.getvalue()


def as_text(value: Any) -> str:
    """A value as the plain text a page shows: strings as they are, anything else as JSON."""
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def excerpt(text: str, spans: list[tuple[int, int]], context: int = 300) -> str:
    """The document text around the evidence, each span wrapped in ⟦ ⟧.

    For documents that have no picture to show; the result is shown as plain text.
    """
    if not spans:
        return text[: 2 * context]
    spans = sorted(spans)
    lo, hi = max(0, spans[0][0] - context), min(len(text), spans[-1][1] + context)
    parts, cursor = [], lo
    for start, end in spans:
        start, end = max(start, cursor), max(end, cursor)
        parts += [text[cursor:start], MARK_OPEN, text[start:end], MARK_CLOSE]
        cursor = end
    parts.append(text[cursor:hi])
    prefix, suffix = ("…" if lo > 0 else ""), ("…" if hi < len(text) else "")
    return prefix + "".join(parts).replace("\f", "\n") + suffix
