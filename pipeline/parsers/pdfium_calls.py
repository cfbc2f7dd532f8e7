"""pdfium's C functions taking and returning handles as plain ints, for the per-word loops.

pypdfium2.raw types every handle (page, text page, page object) as a pointer to
an opaque struct: turning one into a hashable key takes ``ctypes.cast`` (about
3 µs, more than the call that returned it), and checking the pointer type on
each call costs more than a void pointer does. The PDF parser makes a few calls
per word and per page object, so it calls these copies of the same C functions,
whose handles are ints (``c_void_p``): hashable, compared by address.
"""

from __future__ import annotations

import ctypes
from typing import Any

import pypdfium2.raw as pdfium_c


def _handle(kind: Any) -> Any:
    """``c_void_p`` for a pointer to one of pdfium's opaque structs, else ``kind``."""
    opaque = isinstance(kind, type) and issubclass(kind, ctypes._Pointer) and kind._type_.__name__.startswith("struct_fpdf_")
    return ctypes.c_void_p if opaque else kind


def address(handle: Any) -> int:
    """A pypdfium2 handle (``PdfPage.raw``, ``PdfTextPage.raw``) as the int these functions take."""
    return ctypes.cast(handle, ctypes.c_void_p).value or 0


class _Calls:
    """``calls.FPDFText_GetRect`` etc.: each function copied on first use, with int handles."""

    def __getattr__(self, name: str) -> Any:
        original = getattr(pdfium_c, name)
        copy = type(original)(ctypes.cast(original, ctypes.c_void_p).value)  # same C function
        copy.argtypes = [_handle(kind) for kind in original.argtypes]
        copy.restype = _handle(original.restype)
        setattr(self, name, copy)
        return copy


calls = _Calls()
