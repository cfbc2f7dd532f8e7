"""Images (and PDF pages without a text layer): OCR with tesseract.

Words come from ``pytesseract.image_to_data`` with their boxes and confidences;
they are written line by line as tesseract grouped them (block, paragraph,
line), words joined by spaces and lines by newlines, so a receipt row such as
``TOTAL 9.00`` reads as one line.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import sys
import tempfile
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NamedTuple

from PIL import Image, ImageOps, ImageSequence, UnidentifiedImageError

from pipeline.errors import CorruptDocument, DecompressionBomb, TooManyPages
from pipeline.parsers import ParseOptions, PlainDocument, TextBuilder
from pipeline.state import OCR_SURE, BBox

# tesseract's OpenMP threads contend for cores when documents are parsed in
# parallel: one thread each measured 5x faster on 2 cores.
os.environ.setdefault("OMP_THREAD_LIMIT", "1")


# a read with this share of its words sure (pipeline.state.OCR_SURE) is not tried again
SURE_ENOUGH = 0.8


class OcrWord(NamedTuple):
    text: str
    bbox: BBox  # pixels of the image given to tesseract
    confidence: float  # 0..1


def ocr_lines(image: Image.Image, lang: str, cache: str | None = None) -> list[list[OcrWord]]:
    """The words tesseract reads in ``image``, grouped into its lines in reading order.

    With a ``cache`` folder, what tesseract read is kept there by the hash of the
    pixels and language, so an image (or a rendered page) seen again is not read again.
    """
    if image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    if cache is None:
        return _tesseract_lines(image, lang)
    digest = hashlib.sha256(f"{lang}|{image.mode}|{image.size}|".encode() + image.tobytes()).hexdigest()
    path = Path(cache) / f"{digest}.json"
    if path.exists():
        return [[OcrWord(text, tuple(box), conf) for text, box, conf in line] for line in json.loads(path.read_text())]
    lines = _tesseract_lines(image, lang)
    try:  # a cache that cannot be written only costs the next read
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(f".{os.getpid()}.tmp")
        partial.write_text(json.dumps(lines))
        partial.replace(path)
    except OSError:
        pass
    return lines


def _pytesseract() -> Any:
    """pytesseract, imported (on the first page read by OCR) without pandas.

    It imports pandas, and pandas pyarrow, whenever they are installed, only for an
    output type we never ask for: 0.3 s of every parse child's first OCR page.
    """
    if "pytesseract" not in sys.modules and "pandas" not in sys.modules:
        sys.modules["pandas"] = None  # type: ignore[assignment]  # its `import pandas` then fails as if not installed
        try:
            import pytesseract
        finally:
            del sys.modules["pandas"]
    import pytesseract

    return pytesseract


def _tesseract_lines(image: Image.Image, lang: str) -> list[list[OcrWord]]:
    pytesseract = _pytesseract()
    with tempfile.TemporaryDirectory(prefix="docloop-ocr-") as folder:
        source: Image.Image | str = image
        if not image.format and not image.info:  # a rendered page: pytesseract would write a plain PNG
            # whose zlib compression (and tesseract's decompression) costs ~40 ms at 200 dpi;
            # an uncompressed TIFF holds the same pixels and, like that PNG, no resolution
            source = os.path.join(folder, "page.tif")
            image.save(source, format="TIFF")
        data = pytesseract.image_to_data(source, lang=lang, output_type=pytesseract.Output.DICT)
    lines: dict[tuple[int, int, int], list[OcrWord]] = {}
    for i, text in enumerate(data["text"]):
        conf = float(data["conf"][i])
        text = text.strip()
        if conf < 0 or not text:  # conf -1 marks layout rows (blocks, lines), not words
            continue
        left, top = float(data["left"][i]), float(data["top"][i])
        box = (left, top, left + float(data["width"][i]), top + float(data["height"][i]))
        key = (data["block_num"][i], data["par_num"][i], data["line_num"][i])
        lines.setdefault(key, []).append(OcrWord(text, box, min(conf / 100.0, 1.0)))
    return list(lines.values())


def write_lines(builder: TextBuilder, lines: list[list[OcrWord]], scale: float = 1.0) -> None:
    """Write OCR lines into the current page; boxes are divided by ``scale`` (pixels -> page units)."""
    for n, line in enumerate(lines):
        for k, w in enumerate(line):
            box = (w.bbox[0] / scale, w.bbox[1] / scale, w.bbox[2] / scale, w.bbox[3] / scale)
            builder.word(w.text, box, w.confidence, prefix=" " if k else "\n" if n else "")


def _open(data: bytes, max_pixels: int) -> Image.Image:
    Image.MAX_IMAGE_PIXELS = max_pixels
    try:
        with warnings.catch_warnings():
            # Pillow only warns between 1x and 2x the limit; both are over it here
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            return Image.open(io.BytesIO(data))
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise DecompressionBomb(str(exc)) from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise CorruptDocument(f"unreadable image: {exc}") from exc


def _frames(image: Image.Image) -> Iterator[Image.Image]:
    """Each frame (page) decoded and upright; bad image data -> CorruptDocument."""
    try:
        for frame in ImageSequence.Iterator(image):
            frame.load()
            yield ImageOps.exif_transpose(frame)  # phone photos store their rotation in EXIF
    except (OSError, SyntaxError, ValueError) as exc:  # truncated or malformed data
        raise CorruptDocument(f"unreadable image: {exc}") from exc


def read_scan(photo: Image.Image, options: ParseOptions) -> list[list[OcrWord]]:
    """What tesseract reads in a scan or photo (or a PDF page without a text layer); where it is unsure of much of it, also in the
    photo in grey with its faintest and darkest 1% stretched to black and white, keeping the
    read with more sure words. A faded thermal receipt reads as nothing as it is, while
    stretching a clear scan's contrast loses letters (measured on SROIE's 40 scans,
    ``bench/ocr_scans.py``); the size, and so every word box, is the same either way."""
    first = ocr_lines(photo, options.ocr_lang, options.ocr_cache)
    if _sure(first) >= SURE_ENOUGH * max(1, sum(map(len, first))):
        return first
    stretched = ocr_lines(ImageOps.autocontrast(ImageOps.grayscale(photo), cutoff=1), options.ocr_lang, options.ocr_cache)
    return max(first, stretched, key=_sure)


def _sure(lines: list[list[OcrWord]]) -> int:
    return sum(w.confidence >= OCR_SURE for line in lines for w in line)


def parse(data: bytes, media_type: str, options: ParseOptions) -> PlainDocument:
    image = _open(data, options.max_image_pixels)
    frames = getattr(image, "n_frames", 1)
    if frames > options.max_pages:
        raise TooManyPages(f"{frames} frames, limit {options.max_pages}")
    builder = TextBuilder()
    for frame in _frames(image):
        builder.begin_page()
        write_lines(builder, read_scan(frame, options))
        builder.end_page(width=float(frame.width), height=float(frame.height), ocr=True)
    return builder.build("tesseract", {"format": image.format, "frames": frames})
