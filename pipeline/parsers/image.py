"""Images (and PDF pages without a text layer): OCR with RapidOCR or tesseract.

Two engines behind one contract, :func:`ocr_lines`: words with their boxes and
confidences, grouped in lines in reading order, written words joined by spaces
and lines by newlines, so a receipt row such as ``TOTAL 9.00`` reads as one line.

* ``rapidocr``: PaddleOCR's PP-OCRv4 models run by onnxruntime (the models ship in
  the ``rapidocr_onnxruntime`` wheel). It finds text boxes (a line or a segment
  of one) and reads each; boxes are grouped into lines by vertical overlap, left to
  right, and split into words at spaces and at gaps in the ink. Its recogniser
  reads Chinese and English only, so other languages stay with tesseract
  (:func:`engine_for`). On SROIE's receipt scans it reads far better than
  tesseract (``bench/ocr_scans.py``).
* ``tesseract``: words from ``pytesseract.image_to_data`` with their boxes and
  confidences, in tesseract's lines (block, paragraph, line).
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import os
import sys
import tempfile
import unicodedata
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NamedTuple

from PIL import Image, ImageOps, ImageSequence, UnidentifiedImageError

from pipeline.errors import CorruptDocument, DecompressionBomb, TooManyPages
from pipeline.parsers import ParseOptions, PlainDocument, TextBuilder
from pipeline.parsers.confusions import fix_confusions
from pipeline.state import OCR_SURE, BBox

# tesseract's OpenMP threads contend for cores when documents are parsed in
# parallel: one thread each measured 5x faster on 2 cores.
os.environ.setdefault("OMP_THREAD_LIMIT", "1")


_log = logging.getLogger(__name__)

# a read with this share of its words sure (pipeline.state.OCR_SURE) is not tried again
SURE_ENOUGH = 0.8


RAPIDOCR = "rapidocr"
TESSERACT = "tesseract"
ENGINES = (RAPIDOCR, TESSERACT)


class OcrWord(NamedTuple):
    text: str
    bbox: BBox  # pixels of the image given to the engine
    confidence: float  # 0..1


def engine_for(engine: str, lang: str) -> str:
    """The engine that reads ``lang`` (tesseract's codes, ``eng+deu``) when ``engine`` is asked for:
    RapidOCR's recogniser knows no accented Latin letters (it reads "Größe" as "Grobe"), so
    any language but English goes to tesseract."""
    if engine not in ENGINES:
        raise ValueError(f"unknown OCR engine {engine!r}; one of {', '.join(ENGINES)}")
    return engine if engine == TESSERACT or set(lang.split("+")) <= {"eng"} else TESSERACT


def ocr_lines(image: Image.Image, lang: str, cache: str | None = None, engine: str = TESSERACT) -> list[list[OcrWord]]:
    """The words ``engine`` reads in ``image``, grouped into lines in reading order.

    With a ``cache`` folder, what the engine read is kept there by the hash of the
    pixels, engine and language, so an image (or a rendered page) seen again is not read again.
    """
    if image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    read = _rapidocr_lines if engine == RAPIDOCR else lambda image: _tesseract_lines(image, lang)
    if cache is None:
        return read(image)
    tag = f"{RAPIDOCR}-{_RAPIDOCR_VERSION}" if engine == RAPIDOCR else TESSERACT
    digest = hashlib.sha256(f"{tag}|{lang}|{image.mode}|{image.size}|".encode() + image.tobytes()).hexdigest()
    path = Path(cache) / f"{digest}.json"
    if path.exists():
        return [[OcrWord(text, tuple(box), conf) for text, box, conf in line] for line in json.loads(path.read_text())]
    lines = read(image)
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


# RapidOCR: what this module makes of its output is part of the cache key (bump on change)
_RAPIDOCR_VERSION = "1.4.4/5"
# a gap in the ink this many text heights wide between two characters RapidOCR read
# without a space is a space all the same (its recogniser drops many between narrow
# receipt letters: "SDNBHD", "25/12/20188:13:39PM")
WORD_GAP = 0.3
WORD_PITCH = 1.3
WIDE_GAP = 0.6  # ... or wider still, whatever the distance (after a narrow "." of a proportional font)
# ... or this many times the box's usual blank between two characters: the recogniser's
# character centres are rough, and a space its ink shows ("53300 Kuala Lumpur": blanks of
# 0.37 heights where its letters stand 0.07-0.15 apart) fell 1.2 pitches apart; not beside a
# narrow letter or digit inside a word or number (_inside_narrow). On the 40 scans, with
# pipeline.parsers.confusions and _stacked, 84.3% -> 85.4% of its words were the shipped rows',
# and 79.8% -> 83.5% of theirs were read (2.5 times: 84.9%, 83.7%; 3.5: 85.0%, 82.2%)
BLANK_TIMES = 3.0
DET_MAX_PIXELS = 1024 * 1024  # the most pixels text boxes are detected in (_capped_detection)
_rapidocr_engine: Any = None


def _rapidocr() -> Any:
    """The RapidOCR engine, loaded once per process (its three ONNX models, ~0.2 s)."""
    global _rapidocr_engine
    if _rapidocr_engine is None:
        from rapidocr_onnxruntime import RapidOCR

        # one thread, as tesseract: parse children run side by side
        engine = RapidOCR(intra_op_num_threads=1, inter_op_num_threads=1)
        engine.text_det.get_preprocess = _capped_detection(engine.text_det)
        _rapidocr_engine = engine
    return _rapidocr_engine


def _capped_detection(det: Any) -> Any:
    """RapidOCR's text detection input (its short side grown to 736 pixels, no side shrunk), but
    of no more than DET_MAX_PIXELS: the detector's memory grows with the pixels, and a parse
    child's address space is limited (``parse_memory_mb``; at 2 GB, 7 of SROIE's 40 scans ran out
    detecting at up to 2000 x 1400 in a warm child). Lines are still read from the image at up to
    2000 pixels a side (RapidOCR's max_side_len). A limit on the longer side instead (1280) split
    a date of a small scan in two boxes, "06-05-20" and "18"."""
    from rapidocr_onnxruntime.ch_ppocr_det.utils import DetPreProcess

    default = DetPreProcess(det.limit_side_len, det.limit_type, det.mean, det.std)

    def preprocess(img: Any) -> Any:
        h, w = img.shape[:2]
        grown = max(1.0, det.limit_side_len / max(1, min(h, w)))
        if h * w * grown * grown <= DET_MAX_PIXELS:
            return default(img)
        side = int(max(h, w) * (DET_MAX_PIXELS / (h * w)) ** 0.5)
        return DetPreProcess(side, "max", det.mean, det.std)(img)

    return lambda max_wh: preprocess


def _rapidocr_lines(image: Image.Image) -> list[list[OcrWord]]:
    import numpy as np

    # no direction classifier: it turns a line it is unsure of upside down and reads it as
    # garbage, while a page upside down is no better read by tesseract either
    result, _ = _rapidocr()(image, use_cls=False, return_word_box=True)
    grey = np.asarray(image.convert("L"))
    segments: list[list[OcrWord]] = []
    for quad, text, score, char_boxes, chars, char_scores in result or []:
        words = _segment_words(grey, np.asarray(quad, dtype=np.float32), text, score, chars, char_boxes, char_scores)
        if words:
            segments.append(words)
    return _group_lines(segments)


def _segment_words(
    grey: Any, quad: Any, text: str, score: float, chars: list[str], char_boxes: list[Any], scores: list[float],
) -> list[OcrWord]:
    """One RapidOCR text box as words: split at its spaces and at gaps in the ink between two
    characters; each word's box is its ink, and its confidence its least sure character's."""
    import cv2
    import numpy as np

    if len(chars) != len(text) or len(char_boxes) != len(chars) or len(scores) != len(chars):
        chars, char_boxes, scores = [], [], []  # not read character by character: one box for the text
    width = max(1, int(max(np.linalg.norm(quad[0] - quad[1]), np.linalg.norm(quad[3] - quad[2]))))
    height = max(1, int(max(np.linalg.norm(quad[0] - quad[3]), np.linalg.norm(quad[1] - quad[2]))))
    to_crop = cv2.getPerspectiveTransform(quad, np.float32([[0, 0], [width, 0], [width, height], [0, height]]))
    crop = cv2.warpPerspective(grey, to_crop, (width, height), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    _, binary = cv2.threshold(crop, 0, 1, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    ink = binary == 0 if (binary == 0).sum() <= binary.size / 2 else binary == 1  # ink: the smaller share
    columns = ink.any(axis=0)
    rows = np.flatnonzero(ink.any(axis=1))
    text_height = max(1.0, float(rows[-1] - rows[0] + 1) if len(rows) else float(height))
    # each character's centre, in crop columns: its box's centre along the box's top edge
    axis = quad[1] - quad[0]
    along = float(axis @ axis) or 1.0
    centres = [float(((np.mean(np.asarray(b, dtype=np.float32), axis=0) - quad[0]) @ axis) / along * width) for b in char_boxes]
    if not chars:
        chars, scores, centres = [text], [score], [width / 2]
    # NFKC: the recogniser, trained on Chinese too, writes some punctuation full width ("59，");
    # any space (an ideographic one) is a space
    chars = [" " if c.isspace() else unicodedata.normalize("NFKC", c) for c in chars]
    # the usual distance between neighbouring characters' centres: a space dropped between two
    # words leaves about twice it (receipt fonts are monospaced); a faded letter, a gap in the ink only
    steps = [b - a for a, b, c, d in zip(centres, centres[1:], chars, chars[1:]) if c != " " and d != " "]
    pitch = float(np.median(steps)) if len(steps) >= 2 else 0.0
    # the widest blank run of columns between each character's centre and the next one's, and the
    # usual width of those between characters (in a box of five characters or more), a pixel at least
    runs = [_widest_blank(columns, int(max(0, a)), int(min(width, b + 1))) for a, b in zip(centres, centres[1:])]
    blanks = [run[1] - run[0] for run, c, d in zip(runs, chars, chars[1:]) if c != " " and d != " "]
    usual_blank = max(float(np.median(blanks)), 1.0) if len(blanks) >= 4 else float("inf")
    # cut between characters at a space, or at a blank run of columns WORD_GAP text heights wide
    # between centres WORD_PITCH pitches apart, or one WIDE_GAP wide or BLANK_TIMES the usual
    words: list[tuple[str, float, int, int]] = []  # text, confidence, first and last crop column
    start, left = 0, 0
    for i in range(len(chars) + 1):
        cut: tuple[int, int] | None = None
        if i == len(chars):
            cut = (width, width)
        elif i > 0:
            run = runs[i - 1]
            blank = run[1] - run[0]
            spaced = blank >= WORD_GAP * text_height and (
                centres[i] - centres[i - 1] >= WORD_PITCH * pitch or blank >= WIDE_GAP * text_height
                or (blank >= BLANK_TIMES * usual_blank and not _inside_narrow(chars[i - 1], chars[i]))
            )
            if chars[i - 1] == " " or chars[i] == " " or spaced:
                middle = (int(max(0, centres[i - 1])) + int(min(width, centres[i] + 1))) // 2
                cut = run if run[1] > run[0] else (middle, middle)
        if cut is None:
            continue
        piece = [(c, s) for c, s in zip(chars[start:i], scores[start:i]) if c.strip()]
        if piece:
            text = "".join(fix_confusions([c for c, _ in piece], [s for _, s in piece]))
            words.append((text, min(s for _, s in piece), left, cut[0]))
        start, left = i, cut[1]
    out: list[OcrWord] = []
    from_crop = np.linalg.inv(to_crop)
    for word, confidence, x0, x1 in words:
        cols = np.flatnonzero(columns[x0:x1]) + x0
        if len(cols):
            x0, x1 = int(cols[0]), int(cols[-1]) + 1
        ys = np.flatnonzero(ink[:, x0:x1].any(axis=1))
        y0, y1 = (int(ys[0]), int(ys[-1]) + 1) if len(ys) else (0, height)
        corners = np.float32([[[x0, y0], [x1, y0], [x1, y1], [x0, y1]]])
        points = cv2.perspectiveTransform(corners, from_crop)[0]
        box = (float(points[:, 0].min()), float(points[:, 1].min()), float(points[:, 0].max()), float(points[:, 1].max()))
        out.append(OcrWord(word, tuple(round(v, 1) for v in box), round(float(confidence), 4)))
    return out


def _inside_narrow(a: str, b: str) -> bool:
    """Two letters or two digits, one of them narrow ("1", "l", "i"): a blank beside a narrow
    character is wide in a monospaced font, so it is no sign of a space (BLANK_TIMES split
    "53100" and "Petaling" there)."""
    same = (a.isalpha() and b.isalpha()) or (a.isdigit() and b.isdigit())
    return same and bool({a, b} & set("1Iijl"))


def _widest_blank(columns: Any, lo: int, hi: int) -> tuple[int, int]:
    """The widest run of columns without ink in ``columns[lo:hi]``, as (start, end); (lo, lo) if none."""
    best, run_start = (lo, lo), None
    for x in range(lo, hi + 1):
        blank = x < hi and not columns[x]
        if blank and run_start is None:
            run_start = x
        elif not blank and run_start is not None:
            if x - run_start > best[1] - best[0]:
                best = (run_start, x)
            run_start = None
    return best


def _group_lines(segments: list[list[OcrWord]]) -> list[list[OcrWord]]:
    """Text boxes (each a list of words) in lines: a box joins the line it overlaps vertically by
    half its height or more (the most such) unless its words stand over or under that line's
    (:func:`_stacked`), lines top to bottom, words left to right. The last
    word of a box and the first of the next one in its line are one word where no gap of a
    space (WORD_GAP) parts their ink: the detector split "06-05-2018" into "06-05-20" and "18"."""
    def span(words: list[OcrWord]) -> tuple[float, float]:
        return min(w.bbox[1] for w in words), max(w.bbox[3] for w in words)

    # [top, bottom] of the line's first box, its words with the number of their box
    lines: list[tuple[list[float], list[tuple[OcrWord, int]]]] = []
    for n, words in enumerate(sorted(segments, key=lambda ws: (span(ws)[0] + span(ws)[1]) / 2)):
        top, bottom = span(words)
        best, best_overlap = None, 0.0
        for line in lines:
            overlap = min(bottom, line[0][1]) - max(top, line[0][0])
            if overlap >= 0.5 * min(bottom - top, line[0][1] - line[0][0]) and overlap > best_overlap and not _stacked(words, line[1]):
                best, best_overlap = line, overlap
        if best is None:
            lines.append(([top, bottom], [(w, n) for w in words]))
        else:
            best[1].extend((w, n) for w in words)
    out: list[list[OcrWord]] = []
    for _, placed in lines:
        placed.sort(key=lambda wn: wn[0].bbox[0])
        line = [placed[0]]
        for w, n in placed[1:]:
            last, m = line[-1]
            height = min(last.bbox[3] - last.bbox[1], w.bbox[3] - w.bbox[1])
            if n != m and w.bbox[0] - last.bbox[2] < WORD_GAP * height:
                box = (min(last.bbox[0], w.bbox[0]), min(last.bbox[1], w.bbox[1]), max(last.bbox[2], w.bbox[2]), max(last.bbox[3], w.bbox[3]))
                line[-1] = (OcrWord(last.text + w.text, box, min(last.confidence, w.confidence)), n)
            else:
                line.append((w, n))
        out.append([w for w, _ in line])
    return out


def _stacked(words: list[OcrWord], placed: list[tuple[OcrWord, int]]) -> bool:
    """Whether a text box's words stand over or under words already in a line (their columns
    overlap by over a quarter of the narrower one's): then the box is no part of that line. On a skewed scan a
    line's box overlaps the next line's by half its height, and joined, their words were
    interleaved ("No.1, Jalan(GST Permas Reg 10/5,No: 001559298048)")."""
    return any(
        min(w.bbox[2], p.bbox[2]) - max(w.bbox[0], p.bbox[0]) > 0.25 * min(w.bbox[2] - w.bbox[0], p.bbox[2] - p.bbox[0])
        for w in words for p, _ in placed
    )


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
    """What the OCR engine (:func:`engine_for` the options) reads in a scan or photo (or a PDF page
    without a text layer). Where tesseract is unsure of much of it, it reads it again in grey with
    its faintest and darkest 1% stretched to black and white, keeping the read with more sure
    words: a faded thermal receipt reads as nothing to tesseract as it is, while stretching a
    clear scan's contrast loses letters (measured on SROIE's 40 scans, ``bench/ocr_scans.py``);
    the size, and so every word box, is the same either way. RapidOCR reads each scan once: it
    reads faded receipts as they are, and a second read of the 28 of 40 scans it is that unsure
    of changed no value's F1 or status, at twice the time."""
    return _read_scan(photo, options)[0]


def _read_scan(photo: Image.Image, options: ParseOptions) -> tuple[list[list[OcrWord]], str]:
    """:func:`read_scan`'s lines, and the engine that read them: RapidOCR that fails is replaced by
    tesseract. It needs ~1.2 GB of address space for a page (OpenCV's and onnxruntime's libraries,
    the detector's tensors), more than a parse child limited to 1 GB has (``parse_memory_mb``),
    where tesseract, a small process of its own, reads the page."""
    engine = engine_for(options.ocr_engine, options.ocr_lang)
    if engine == RAPIDOCR:
        try:
            return ocr_lines(photo, options.ocr_lang, options.ocr_cache, engine), engine
        except Exception as exc:  # noqa: BLE001  # onnxruntime's std::bad_alloc, cv2.error, MemoryError, ImportError
            _log.warning("RapidOCR failed (%s: %s); the image is read by tesseract", type(exc).__name__, str(exc)[:200])
            engine = TESSERACT
    first = ocr_lines(photo, options.ocr_lang, options.ocr_cache, engine)
    if _sure(first) >= SURE_ENOUGH * max(1, sum(map(len, first))):
        return first, engine
    stretched = ocr_lines(ImageOps.autocontrast(ImageOps.grayscale(photo), cutoff=1), options.ocr_lang, options.ocr_cache, engine)
    return max(first, stretched, key=_sure), engine


def _sure(lines: list[list[OcrWord]]) -> int:
    return sum(w.confidence >= OCR_SURE for line in lines for w in line)


def parse(data: bytes, media_type: str, options: ParseOptions) -> PlainDocument:
    image = _open(data, options.max_image_pixels)
    frames = getattr(image, "n_frames", 1)
    if frames > options.max_pages:
        raise TooManyPages(f"{frames} frames, limit {options.max_pages}")
    builder = TextBuilder()
    engines: list[str] = []
    for frame in _frames(image):
        builder.begin_page()
        lines, engine = _read_scan(frame, options)
        write_lines(builder, lines)
        builder.end_page(width=float(frame.width), height=float(frame.height), ocr=True)
        engines += [engine] if engine not in engines else []
    return builder.build("+".join(engines) or engine_for(options.ocr_engine, options.ocr_lang), {"format": image.format, "frames": frames})
