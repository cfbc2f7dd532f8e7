"""PDF: pypdf for structure, pdfium for text with word boxes, tesseract for scans.

- pypdf checks encryption (a file that needs a password -> EncryptedDocument;
  one that opens with an empty user or owner password is parsed) and reads the
  metadata. Its errors are not fatal: pdfium repairs far more broken files, so
  pdfium decides whether the document opens at all (else CorruptDocument).
- pdfium gives every character with its position; whitespace runs split words,
  a word's box is the union of pdfium's rectangles for its characters, in PDF
  points with the origin at the top-left of the page's visible box (unrotated).
  Words are written separated by one space, or by a newline where pdfium saw a
  line break, so column padding does not bloat the text. A hyphen that ends a line
  is printed ink: it ends its word ("Online-") and the next word starts a line,
  as pdfium gives no line break after it.
- A page with fewer than ``min_text_chars`` characters in its text layer is
  rendered and read with tesseract; OCR boxes are converted to points too.
  Blank renderings skip OCR. A page that pdfium cannot load is left empty and
  listed in ``metadata["unreadable_pages"]``.
"""

from __future__ import annotations

import array
import io
import re
from dataclasses import replace
from itertools import repeat
from typing import Any

import numpy as np
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from pypdf import PdfReader, PdfWriter

from pipeline.errors import CorruptDocument, EmptyDocument, EncryptedDocument, TooManyPages
from pipeline.parsers import ParseOptions, PlainDocument, TextBuilder
from pipeline.parsers.image import TESSERACT, read_scan, write_lines
from pipeline.parsers.pdfium_batch import word_rects
from pipeline.parsers.pdfium_calls import address
from pipeline.parsers.visibility import mark_words, word_styles
from pipeline.state import BBox

# a word and the whitespace before it; a word ends at a line-end hyphen (\x02)
_WORD = re.compile(r"(\s*)([^\s\x02]*\x02|\S+)")
# pdfium marks a line-end hyphen in place of the line break: \uFFFE in a text range, \x02
# char by char; it stays \x02 until written. Other control characters and non-characters are
# noise. Same-length replacements keep char indices aligned.
_CLEAN = {0xFFFE: "\x02", 0xFFFF: " "} | {c: " " for c in range(0x20) if chr(c) not in "\t\n\r\x02"}
_UNCLEAN = re.compile("[" + "".join(map(re.escape, map(chr, _CLEAN))) + "]")  # most pages have none
_META_KEYS = ("title", "author", "subject", "creator", "producer")


def _structure(data: bytes) -> tuple[dict[str, Any], PdfReader | None]:
    """Metadata via pypdf, and the reader when it decrypted the file with an empty password.

    Raises EncryptedDocument when no empty password opens the file.
    """
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise EncryptedDocument("the PDF is encrypted and needs a password")
        info = reader.metadata or {}
        metadata = {key: str(value) for key in _META_KEYS if (value := getattr(info, key, None))}
        return metadata, reader if reader.is_encrypted else None
    except (EncryptedDocument, MemoryError):  # the memory limit is the sandbox's to report
        raise
    except Exception:  # structure pypdf cannot read; pdfium decides below
        return {}, None


def _open(data: bytes, decrypted: PdfReader | None) -> pdfium.PdfDocument:
    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if exc.err_code != pdfium_c.FPDF_ERR_PASSWORD:
            raise CorruptDocument(f"unreadable PDF: {exc}") from exc
        if decrypted is None:
            raise EncryptedDocument("the PDF is encrypted and needs a password") from exc
    # pdfium tries the empty password only as the user password; pypdf also
    # accepted it as the owner password, so parse pypdf's decrypted copy
    copy = io.BytesIO()
    PdfWriter(clone_from=decrypted).write(copy)
    try:
        return pdfium.PdfDocument(copy.getvalue())
    except pdfium.PdfiumError as exc:
        raise CorruptDocument(f"unreadable PDF after decryption: {exc}") from exc


def _chars(textpage: pdfium.PdfTextPage) -> str:
    """The page's characters, one per pdfium char index (so indices stay aligned)."""
    n = textpage.count_chars()
    text = textpage.get_text_range()  # one call; usually one character per index
    if len(text) != n:  # pdfium added or dropped some (or UTF-16 pairs): read each index
        codes = array.array("I", map(pdfium_c.FPDFText_GetUnicode, repeat(textpage.raw, n), range(n)))
        # utf-32 with "replace" turns each invalid code point into one U+FFFD
        text = codes.tobytes().decode("utf-32-le", errors="replace")
    return text.translate(_CLEAN) if _UNCLEAN.search(text) else text  # translate() is slow per char


def _write_layer(builder: TextBuilder, textpage: pdfium.PdfTextPage, chars: str, left: float, top: float) -> list[int]:
    """Write the text layer's words with their boxes: a space between words, a newline at line ends.

    Returns the text object of each word's first char (0: none). Whole-page
    operations (the regex split, numpy, one pdfium_batch call): a loop per
    word in Python cost more than pdfium's own loading of the page.
    """
    parts = _WORD.split(chars)  # "" before the first word, then gap, word and "" for each, and trailing space
    words = parts[2::3]
    if not words:
        return []
    lengths = np.fromiter(map(len, parts), np.intp, len(parts))
    ends = np.cumsum(lengths)[2::3]  # char index after each word: words and gaps tile the page's chars
    starts = ends - lengths[2::3]
    codes = np.frombuffer(chars.encode("utf-32-le", "surrogatepass"), np.uint32)  # one code per char, whatever it is
    breaks = np.concatenate(([0], np.cumsum((codes == 10) | (codes == 13))))  # line breaks before each index
    broken = codes[ends - 1] == 2  # the word ends its line with a hyphen (\x02, only ever a word's last char)
    newline = np.zeros(len(words), bool)
    newline[1:] = broken[:-1] | (breaks[starts[1:]] > breaks[ends[:-1]])  # or a line break in the gap
    prefixes = list(map(" \n".__getitem__, newline.tolist()))
    prefixes[0] = ""
    for i in np.flatnonzero(broken).tolist():
        words[i] = words[i].replace("\x02", "-")
    boxes, counts, objects = word_rects(address(textpage.raw), starts.astype(np.int32), ends.astype(np.int32))
    # PDF space (y up) -> top-left origin
    x0, x1 = (boxes[:, [0, 2]] - left).T.tolist()
    y0, y1 = (top - boxes[:, [1, 3]]).T.tolist()
    located: list[BBox | None] = list(zip(x0, y0, x1, y1))  # tuples made once: no lists in between
    for i in np.flatnonzero(counts == 0).tolist():
        located[i] = None  # no rectangle: pdfium drew nothing of the word
    builder.words(words, located, prefixes)
    return objects


def _scanned(page: pdfium.PdfPage) -> bool:
    """The page is a picture: an image covers half of it or more (a scan, a photo)."""
    width, height = page.get_size()
    for image in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE]):
        left, bottom, right, top = image.get_bounds()
        if (right - left) * (top - bottom) >= 0.5 * width * height:
            return True
    return False


def _write_ocr(builder: TextBuilder, page: pdfium.PdfPage, options: ParseOptions, layer_chars: int) -> bool:
    """OCR the rendered page and write it, if it reads more than the text layer's ``layer_chars``."""
    scale = min(options.ocr_dpi / 72, options.ocr_max_side / max(*page.get_size(), 1))
    image = page.render(scale=scale, grayscale=True).to_pil()
    low, high = image.getextrema()
    if low == high:  # a blank page: nothing to read
        return False
    # a page that is a picture (a scan) is read as images are; a page drawn as print (outlines,
    # glyphs without a text layer) by tesseract, which reads clean print as well at a third of
    # RapidOCR's time (Parsee's values the same; 56 against 35 PDF pages/s, bench.rules_path)
    engine = options.ocr_engine if _scanned(page) else TESSERACT
    lines = read_scan(image, replace(options, ocr_engine=engine))
    if sum(len(w.text) for line in lines for w in line) <= layer_chars:
        return False
    write_lines(builder, lines, scale)  # boxes in points, like the text layer's
    builder.end_page(width=image.width / scale, height=image.height / scale, ocr=True)
    return True


def _write_page(builder: TextBuilder, page: pdfium.PdfPage, options: ParseOptions) -> None:
    left, bottom, right, top = page.get_bbox()
    textpage = page.get_textpage()
    try:
        chars = _chars(textpage)
        visible = len("".join(chars.split()))
        if visible < options.min_text_chars and _write_ocr(builder, page, options, visible):
            return
        objects = _write_layer(builder, textpage, chars, left, top)
        styles = word_styles(page, objects)  # what a person can see of each word
    finally:
        textpage.close()
    builder.end_page(width=right - left, height=top - bottom)
    mark_words(builder.pages[-1], page, options, *styles)


def parse(data: bytes, media_type: str, options: ParseOptions) -> PlainDocument:
    metadata, decrypted = _structure(data)
    doc = _open(data, decrypted)
    try:
        count = len(doc)
        if count == 0:
            raise EmptyDocument("the PDF has no pages")
        if count > options.max_pages:
            raise TooManyPages(f"{count} pages, limit {options.max_pages}")
        builder = TextBuilder()
        unreadable = []
        for index in range(count):
            builder.begin_page()
            try:
                page = doc[index]
            except pdfium.PdfiumError:
                unreadable.append(index + 1)
                builder.end_page()
                continue
            try:
                _write_page(builder, page, options)
            finally:
                page.close()
    finally:
        doc.close()
    metadata.update(pages=count, **({"unreadable_pages": unreadable} if unreadable else {}))
    return builder.build("pdfium", metadata)
