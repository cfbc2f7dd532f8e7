"""pdfium calls the PDF parser makes per word and per page object, one call per page.

A ctypes call costs about a microsecond, more than most of these pdfium calls
themselves, and a page has hundreds of words and objects. ``_pdfium_batch.c``
makes the loops in C; the project's install compiles it (a setuptools extension
in pyproject.toml) and it is loaded with ctypes, taking pdfium's functions as
pointers from pypdfium2. Without the compiled file (no compiler at install
time) the same loops run here in Python, with identical results, only slower.
"""

from __future__ import annotations

import ctypes
import importlib.util
from itertools import repeat
from typing import Any, NamedTuple

import numpy as np
import pypdfium2.raw as pdfium_c

from pipeline.parsers.pdfium_calls import calls

STROKE_MODES = (1, 5)  # render modes of stroke-only text: its stroke colour is what shows (also in the C file)
_P = ctypes.c_void_p
_INTS, _DOUBLES, _FLOATS = (np.ctypeslib.ndpointer(t, flags="C_CONTIGUOUS") for t in (np.int32, np.float64, np.float32))
_UINTS, _HANDLES = np.ctypeslib.ndpointer(np.uint32, flags="C_CONTIGUOUS"), np.ctypeslib.ndpointer(np.uintp, flags="C_CONTIGUOUS")


def _pointer(name: str) -> int:
    return ctypes.cast(getattr(pdfium_c, name), _P).value or 0


def _load() -> Any:
    """The compiled loops with their signatures, or None where the install did not build them."""
    spec = importlib.util.find_spec(f"{__package__}._pdfium_batch")
    if spec is None or not spec.origin or not spec.origin.endswith(".so"):
        return None
    try:
        lib = ctypes.CDLL(spec.origin)
    except OSError:
        return None
    lib.word_rects.argtypes = [_P, _P, _P, _P, ctypes.c_int, _INTS, _INTS, _DOUBLES, _INTS, _HANDLES]
    lib.text_objects.argtypes = [ctypes.c_int, _HANDLES] + [_P] * 6 + [_INTS, _INTS, _UINTS, _FLOATS, _FLOATS, _FLOATS]
    lib.page_objects.argtypes = [_P, _P, _P, ctypes.c_int, _HANDLES, _INTS]
    lib.word_rects.restype = lib.text_objects.restype = lib.page_objects.restype = None
    lib.pdfium = {name: _pointer(name) for name in (
        "FPDFText_CountRects", "FPDFText_GetRect", "FPDFText_GetTextObject", "FPDFTextObj_GetTextRenderMode",
        "FPDFPageObj_GetFillColor", "FPDFPageObj_GetStrokeColor", "FPDFTextObj_GetFontSize", "FPDFPageObj_GetMatrix",
        "FPDFPageObj_GetBounds", "FPDFPage_GetObject", "FPDFPageObj_GetType",
    )}
    return lib


_LIB = _load()


def word_rects(textpage: int, starts: np.ndarray, ends: np.ndarray) -> tuple[np.ndarray, np.ndarray, list[int]]:
    """For each word (pdfium chars ``starts[i]`` to ``ends[i]``, int32 arrays): the union of
    pdfium's rectangles as (left, top, right, bottom) in PDF space, the number of rectangles
    (0: no box, the row is 0 then), and the text object of its first char (0: none)."""
    n = len(starts)
    boxes, counts, objects = np.zeros((n, 4)), np.zeros(n, np.int32), np.zeros(n, np.uintp)
    if _LIB is not None:
        f = _LIB.pdfium
        _LIB.word_rects(textpage, f["FPDFText_CountRects"], f["FPDFText_GetRect"], f["FPDFText_GetTextObject"],
                        n, starts, ends, boxes, counts, objects)
        return boxes, counts, objects.tolist()
    count_rects, get_rect = calls.FPDFText_CountRects, calls.FPDFText_GetRect
    l, t, r, b = ctypes.c_double(), ctypes.c_double(), ctypes.c_double(), ctypes.c_double()
    for i, (start, end) in enumerate(zip(starts.tolist(), ends.tolist(), strict=True)):
        counts[i] = rects = count_rects(textpage, start, end - start)  # one per text object the word spans
        objects[i] = calls.FPDFText_GetTextObject(textpage, start) or 0
        if not rects:
            continue
        get_rect(textpage, 0, l, t, r, b)
        x0, y0, x1, y1 = l.value, t.value, r.value, b.value
        for j in range(1, rects):
            get_rect(textpage, j, l, t, r, b)
            x0, y0, x1, y1 = min(x0, l.value), max(y0, t.value), max(x1, r.value), min(y1, b.value)
        boxes[i] = x0, y0, x1, y1
    return boxes, counts, objects.tolist()


class TextObjects(NamedTuple):
    """What each text object says of itself: row i for the i-th handle given to ``text_objects``."""

    modes: np.ndarray  # render mode
    read: np.ndarray  # (n, 3) bool: the colour, the matrix and the bounds were read (else their row is 0)
    rgba: np.ndarray  # (n, 4) uint32: the stroke colour for stroke-only modes 1 and 5, else the fill
    sizes: np.ndarray  # float32: font size, before the transform (0 where unread)
    abcd: np.ndarray  # (n, 4) float32: the matrix's a, b, c, d
    bounds: np.ndarray  # (n, 4) float32: left, bottom, right, top in PDF space


def text_objects(handles: list[int]) -> TextObjects:
    """What each of the text objects ``handles`` says of itself."""
    n = len(handles)
    out = TextObjects(np.zeros(n, np.int32), np.zeros((n, 3), np.int32), np.zeros((n, 4), np.uint32),
                      np.zeros(n, np.float32), np.zeros((n, 4), np.float32), np.zeros((n, 4), np.float32))
    if _LIB is not None:
        f = _LIB.pdfium
        _LIB.text_objects(
            n, np.array(handles, np.uintp), f["FPDFTextObj_GetTextRenderMode"], f["FPDFPageObj_GetFillColor"],
            f["FPDFPageObj_GetStrokeColor"], f["FPDFTextObj_GetFontSize"], f["FPDFPageObj_GetMatrix"],
            f["FPDFPageObj_GetBounds"], *out,
        )
        return out._replace(read=out.read != 0)
    for i, obj in enumerate(handles):
        out.modes[i] = mode = calls.FPDFTextObj_GetTextRenderMode(obj)
        getter = calls.FPDFPageObj_GetStrokeColor if mode in STROKE_MODES else calls.FPDFPageObj_GetFillColor
        rgba = [ctypes.c_uint() for _ in range(4)]
        if getter(obj, *rgba):
            out.read[i, 0], out.rgba[i] = 1, [c.value for c in rgba]
        size = ctypes.c_float()
        calls.FPDFTextObj_GetFontSize(obj, size)
        out.sizes[i] = size.value
        m = pdfium_c.FS_MATRIX()
        if calls.FPDFPageObj_GetMatrix(obj, m):
            out.read[i, 1], out.abcd[i] = 1, (m.a, m.b, m.c, m.d)
        box = [ctypes.c_float() for _ in range(4)]
        if calls.FPDFPageObj_GetBounds(obj, *box):
            out.read[i, 2], out.bounds[i] = 1, [c.value for c in box]
    return out._replace(read=out.read != 0)


def page_objects(page: int) -> tuple[np.ndarray, np.ndarray]:
    """The page's top-level objects in paint order (uintp, 0 where pdfium gave none), and their types."""
    n = calls.FPDFPage_CountObjects(page)
    objects, types = np.zeros(n, np.uintp), np.zeros(n, np.int32)
    if _LIB is not None:
        _LIB.page_objects(page, _LIB.pdfium["FPDFPage_GetObject"], _LIB.pdfium["FPDFPageObj_GetType"], n, objects, types)
        return objects, types
    found = list(map(calls.FPDFPage_GetObject, repeat(page, n), range(n)))
    types[:] = list(map(calls.FPDFPageObj_GetType, found))
    objects[:] = [obj or 0 for obj in found]
    return objects, types
