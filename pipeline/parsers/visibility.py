"""Whether a person can see each word of a PDF's text layer.

A sender can put text in a PDF that extraction reads but a reader never sees:
render mode 3 (invisible) or 7 (clip only), a fill colour equal to what lies
beneath it (white on white), a font too small to read, a position outside the
page's visible (crop) box, or an opaque image or shape painted over it. Such
text stays in the document, but must not be evidence for a value accepted
without a person (``pipeline.score``/``pipeline.route``).

pdfium tells, per text *object* (usually a run of words with one style), its
render mode, colours, font size and transform; the page's objects in paint
order tell what lies beneath and what was painted on top. Everything is
computed once per text object, from the text object of each word's first char
(the parser reads it with the word's box), and pdfium's answers for a page's
objects come in a few calls per page (``pdfium_batch``).

Limits, where pdfium does not tell: the colour beneath text is known only for
filled shapes (an image below gives no colour, so no contrast verdict), a shape
counts as opaque only when it is a simple box-like path or an image without
transparency, and text inside form XObjects is judged by its own style only.
Where a page has hidden text, or text on an image (colour unknown), its
rendering is read by tesseract and the text layer's visible words are checked
against that reading (``cross_check``).
"""

from __future__ import annotations

import ctypes
from dataclasses import dataclass
from functools import lru_cache
from itertools import repeat
from typing import Any

import numpy as np
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from rapidfuzz import fuzz, process

from pipeline.parsers import ParseOptions
from pipeline.parsers.image import TESSERACT, ocr_lines
from pipeline.parsers.pdfium_batch import page_objects, text_objects
from pipeline.parsers.pdfium_calls import address, calls

INVISIBLE_MODES = {3: "render mode 3 (invisible)", 7: "render mode 7 (clip only)"}
MIN_FONT_PT = 3.0  # text smaller than this (after the transform) cannot be read on paper
MIN_CONTRAST = 1.25  # WCAG contrast ratio; 1.0 is the same colour, black on white is 21
BOX_TOLERANCE = 1.0  # points a box may stick out of a cover, or out of the crop box
MAX_BOX_SEGMENTS = 6  # a filled path with more segments may be any shape: not a cover
WHITE = (255, 255, 255)
BLACK = (0, 0, 0, 255)  # rgba of text whose colour pdfium does not give
OCR_MATCH = 75.0  # rapidfuzz ratio: a text-layer word and an OCR token this alike are the same word


@dataclass
class _Fills:
    """The page's opaque shapes and images, in paint order (numpy arrays for vectorised tests)."""

    order: np.ndarray  # paint index of each fill
    boxes: np.ndarray  # (n, 4) left, bottom, right, top in PDF space
    colours: list[tuple[int, int, int] | None]  # None for an image (its colour is unknown)


def _bounds(obj: int) -> tuple[float, float, float, float] | None:
    l, b, r, t = ctypes.c_float(), ctypes.c_float(), ctypes.c_float(), ctypes.c_float()
    if not calls.FPDFPageObj_GetBounds(obj, l, b, r, t):
        return None
    return l.value, b.value, r.value, t.value


def _clipped(obj: int, box: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
    """``box`` cut to the object's clip paths: a shape paints only inside its clip."""
    clip = calls.FPDFPageObj_GetClipPath(obj)
    if not clip:
        return box
    x, y = ctypes.c_float(), ctypes.c_float()
    for path in range(calls.FPDFClipPath_CountPaths(clip)):
        points = []
        for n in range(calls.FPDFClipPath_CountPathSegments(clip, path)):
            if calls.FPDFPathSegment_GetPoint(calls.FPDFClipPath_GetPathSegment(clip, path, n), x, y):
                points.append((x.value, y.value))
        if points:
            xs, ys = [p[0] for p in points], [p[1] for p in points]
            box = (max(box[0], min(xs)), max(box[1], min(ys)), min(box[2], max(xs)), min(box[3], max(ys)))
    return box


def _colour(getter: Any, obj: int) -> tuple[int, int, int, int] | None:
    r, g, b, a = ctypes.c_uint(), ctypes.c_uint(), ctypes.c_uint(), ctypes.c_uint()
    if not getter(obj, r, g, b, a):
        return None
    return r.value, g.value, b.value, a.value


def _opaque_fill(obj: int, kind: int) -> tuple[int, int, int] | None | bool:
    """The colour of an opaque box (None for an image), or False when ``obj`` hides nothing."""
    if calls.FPDFPageObj_HasTransparency(obj):
        return False
    if kind == pdfium_c.FPDF_PAGEOBJ_IMAGE:
        return None
    if kind != pdfium_c.FPDF_PAGEOBJ_PATH or calls.FPDFPath_CountSegments(obj) > MAX_BOX_SEGMENTS:
        return False
    fill, stroke = ctypes.c_int(), ctypes.c_int()
    if not calls.FPDFPath_GetDrawMode(obj, fill, stroke) or fill.value == pdfium_c.FPDF_FILLMODE_NONE:
        return False
    rgba = _colour(calls.FPDFPageObj_GetFillColor, obj)
    return False if rgba is None or rgba[3] < 255 else rgba[:3]


def _page_objects(page: pdfium.PdfPage) -> tuple[dict[int, int], _Fills]:
    """Paint index of every top-level text object (by address), and the page's opaque fills."""
    objects, kinds = page_objects(address(page.raw))  # a page can hold thousands (one per glyph in some PDFs)
    text = kinds == pdfium_c.FPDF_PAGEOBJ_TEXT
    texts = dict(zip(objects[text].tolist(), np.flatnonzero(text).tolist(), strict=True))
    order, boxes, colours = [], [], []
    others = np.flatnonzero(~text)
    for index, obj, kind in zip(others.tolist(), objects[others].tolist(), kinds[others].tolist(), strict=True):
        colour = _opaque_fill(obj, kind)
        if colour is not False and (box := _bounds(obj)) is not None:
            order.append(index)
            boxes.append(_clipped(obj, box))
            colours.append(colour)
    return texts, _Fills(np.array(order, dtype=int), np.array(boxes, dtype=float).reshape(-1, 4), colours)


def _luminance(rgb: tuple[int, int, int]) -> float:
    def channel(v: int) -> float:
        s = v / 255
        return s / 12.92 if s <= 0.03928 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = map(channel, rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: tuple[int, int, int], b: tuple[int, int, int]) -> float:
    """WCAG contrast ratio of two colours, 1 (same) to 21 (black on white)."""
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def _hex(rgb: tuple[int, int, int] | None) -> str | None:
    return None if rgb is None else "#{:02x}{:02x}{:02x}".format(*rgb)


_ROWS = 4096  # text objects per vectorised block: blocks x fills booleans stay small


def _beneath(boxes: np.ndarray, paint: np.ndarray, fills: _Fills) -> tuple[list[tuple[int, int, int] | None], list[bool]]:
    """For each text object, by its box (left, bottom, right, top) and paint index (-1:
    unknown, nothing found beneath or over it): the colour of the last opaque box painted
    under it (white, the page, if none), and whether one is painted over it."""
    background: list[tuple[int, int, int] | None] = [WHITE] * len(paint)
    covered = [False] * len(paint)
    rows = np.flatnonzero(paint >= 0)
    t = BOX_TOLERANCE
    for block in range(0, len(rows) if len(fills.order) else 0, _ROWS):
        idx = rows[block : block + _ROWS]
        box, order, f = boxes[idx], paint[idx][:, None], fills.boxes
        contains = (
            (f[None, :, 0] <= box[:, None, 0] + t) & (f[None, :, 1] <= box[:, None, 1] + t)
            & (f[None, :, 2] >= box[:, None, 2] - t) & (f[None, :, 3] >= box[:, None, 3] - t)
        )
        over = (contains & (fills.order[None, :] > order)).any(axis=1)
        below = np.where(contains & (fills.order[None, :] < order), fills.order[None, :], -1)
        last = below.argmax(axis=1)
        found = below[np.arange(len(idx)), last] >= 0
        for i, fill, under, on_top in zip(idx.tolist(), last.tolist(), found.tolist(), over.tolist(), strict=True):
            background[i], covered[i] = fills.colours[fill] if under else WHITE, on_top
    return background, covered


@lru_cache(maxsize=1024)
def _verdict(
    own: tuple[int, tuple[int, int, int], int, float, bool], background: tuple[int, int, int] | None, covered: bool
) -> tuple[tuple[str, Any], ...]:
    """The style a person sees, and why it is hidden (cached: a page repeats a few styles)."""
    mode, rgb, alpha, font_size, in_crop = own
    hidden = []
    if mode in INVISIBLE_MODES:
        hidden.append(INVISIBLE_MODES[mode])
    if alpha == 0:
        hidden.append("fully transparent")
    if font_size < MIN_FONT_PT:
        hidden.append(f"font {font_size:g} pt")
    if not in_crop:
        hidden.append("outside the crop box")
    if covered:
        hidden.append("covered by an opaque shape or image")
    if background is not None and contrast(rgb, background) < MIN_CONTRAST:
        hidden.append(f"colour {_hex(rgb)} on {_hex(background)}")
    return (
        ("render_mode", mode), ("fill", _hex(rgb)), ("background", _hex(background)),
        ("font_size", font_size), ("in_crop", in_crop), ("covered", covered), ("hidden", tuple(hidden)),
    )


def word_styles(page: pdfium.PdfPage, objects: list[int]) -> tuple[list[dict[str, Any]], list[int | None]]:
    """The page's distinct text styles, and for each word (by the text object of its first
    char, 0 where pdfium generated the char) the index of its style."""
    texts, fills = _page_objects(page)
    crop = page.get_bbox()
    handles = list(dict.fromkeys(filter(None, objects)))  # each object once, in word order
    own = text_objects(handles)
    colour_read, matrix_read, bounds_read = own.read.T
    rgba = np.where(colour_read[:, None], own.rgba, np.array(BLACK, np.uint32)).T.tolist()
    m = own.abcd.astype(float)  # in double, as the floats of Python's arithmetic
    det = np.abs(m[:, 0] * m[:, 3] - m[:, 1] * m[:, 2]).tolist()
    box, t = own.bounds.astype(float), BOX_TOLERANCE  # float64: a float32 array would compare in float32
    in_crop = ~bounds_read | (
        (box[:, 0] >= crop[0] - t) & (box[:, 1] >= crop[1] - t) & (box[:, 2] <= crop[2] + t) & (box[:, 3] <= crop[3] + t)
    )
    paint = np.fromiter(map(texts.get, handles, repeat(-1)), int, len(handles))
    background, covered = _beneath(box, np.where(bounds_read, paint, -1), fills)
    # what decides an object's style; a page has thousands of objects and a few distinct keys
    keys = list(zip(
        own.modes.tolist(), *rgba, own.sizes.tolist(), det, matrix_read.tolist(), in_crop.tolist(), background, covered,
        strict=True,
    ))
    styles: list[dict[str, Any]] = []
    style_of: dict[tuple[tuple[str, Any], ...], int] = {}
    key_style = {}
    for key in dict.fromkeys(keys):  # in order of first appearance, as styles are numbered
        mode, r, g, b, a, size, d, scaled, inside, under, over = key
        font_size = round(size * (d**0.5 if scaled else 1.0), 2)  # the size on paper
        verdict = _verdict((mode, (r, g, b), a, font_size, inside), under, over)
        if verdict not in style_of:
            style_of[verdict] = len(styles)
            styles.append({k: list(v) if k == "hidden" else v for k, v in verdict})
        key_style[key] = style_of[verdict]
    object_style = dict(zip(handles, map(key_style.__getitem__, keys), strict=True))  # text object -> its style
    return styles, list(map(object_style.get, objects))


def mark_words(
    built: dict[str, Any], page: pdfium.PdfPage, options: ParseOptions, styles: list[dict[str, Any]], indices: list[int | None]
) -> None:
    """Annotate a built page (``TextBuilder.pages`` entry): its styles, each word's style and
    verdict, and, where the page gives reason to doubt its text layer, the OCR cross-check."""
    built["styles"] = styles
    for word, index in zip(built["words"], indices, strict=False):
        if index is None:
            continue
        word["style"] = index
        if styles[index]["hidden"]:
            word["visible"] = False
    if any(s["hidden"] or s["background"] is None for s in styles):
        cross_check(built, page, options)


def _token(text: str) -> str:
    return "".join(c for c in text.casefold() if c.isalnum())


def cross_check(built: dict[str, Any], page: pdfium.PdfPage, options: ParseOptions) -> None:
    """Compare the visible words of the text layer with an OCR of the rendered page.

    A word the text layer says is visible but the page image does not show (no
    OCR token within ``OCR_MATCH`` similarity) gets ``ocr_agrees = False``: the
    text layer lies there in a way the checks above could not see (white text
    on a white image, a cover drawn in a way pdfium does not report).
    """
    scale = min(options.ocr_dpi / 72, options.ocr_max_side / max(*page.get_size(), 1))
    try:
        image = page.render(scale=scale, grayscale=True).to_pil()
    except (ValueError, pdfium.PdfiumError):  # a broken page box: its text layer stays unchecked, as parsed
        return
    # tesseract whatever engine reads scans: this check was measured with it (tests/pipeline/test_hostile.py)
    lines = ocr_lines(image, options.ocr_lang, options.ocr_cache, TESSERACT)
    seen = {t for line in lines for w in line if (t := _token(w.text))}
    for word in built["words"]:
        token = _token(word["text"])
        if word.get("visible") is False or not token:
            continue
        agrees = token in seen or process.extractOne(token, seen, scorer=fuzz.ratio, score_cutoff=OCR_MATCH) is not None
        word["ocr_agrees"] = agrees
    built["ocr_checked"] = True
