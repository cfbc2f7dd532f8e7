"""OCR engines behind ``ocr_lines``: the real RapidOCR (and tesseract) on images rendered here."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image, ImageDraw, ImageFont

from pipeline.config import Settings
from pipeline.parsers import ParseOptions, parse_bytes
from pipeline.parsers.image import RAPIDOCR, TESSERACT, engine_for, ocr_lines
from pipeline.state import OCR_SURE

FONTS = Path("/usr/share/fonts/truetype/dejavu")
SANS, MONO = FONTS / "DejaVuSans.ttf", FONTS / "DejaVuSansMono.ttf"
pytestmark = pytest.mark.skipif(not SANS.exists() or not MONO.exists(), reason="no DejaVu fonts to render with")


def render(rows: list[list[tuple[int, str]]], font: Path = SANS, size: int = 28, width: int = 900) -> tuple[Image.Image, dict[str, tuple]]:
    """A white image with each row's (x, text) drawn in black; and each word's drawn box."""
    face = ImageFont.truetype(str(font), size)
    image = Image.new("RGB", (width, 60 + 60 * len(rows)), "white")
    draw = ImageDraw.Draw(image)
    boxes: dict[str, tuple] = {}
    for r, row in enumerate(rows):
        y = 30 + 60 * r
        for x, text in row:
            draw.text((x, y), text, font=face, fill="black")
            at = 0
            for word in text.split(" "):
                at = text.index(word, at)
                boxes[word] = draw.textbbox((x + draw.textlength(text[:at], font=face), y), word, font=face)
                at += len(word)
    return image, boxes


def inside(box: tuple, drawn: tuple, slack: float) -> bool:
    """Whether ``box`` covers ``drawn`` give or take ``slack`` pixels on each side."""
    return all(abs(a - b) <= slack for a, b in zip(box, drawn))


def test_rapidocr_reads_words_in_lines_left_to_right_with_their_boxes() -> None:
    image, drawn = render([[(40, "INVOICE NO. 4711")], [(40, "TOTAL"), (600, "9.00")], [(40, "Thank you")]])
    lines = ocr_lines(image, "eng", engine=RAPIDOCR)
    assert [[w.text for w in line] for line in lines] == [["INVOICE", "NO.", "4711"], ["TOTAL", "9.00"], ["Thank", "you"]]
    for word in (w for line in lines for w in line):
        assert inside(word.bbox, drawn[word.text], slack=4), (word, drawn[word.text])  # each word's own box
        assert OCR_SURE <= word.confidence <= 1  # clean print: sure
    assert lines[1][0].bbox[2] < lines[1][1].bbox[0]  # TOTAL left of 9.00, two boxes of RapidOCR in one line


def test_rapidocr_splits_words_whose_space_its_recogniser_dropped() -> None:
    """Narrow monospaced receipt print: the recogniser reads "SDN BHD" as one word; the gap in
    the ink between the two (twice the usual distance between letters) splits it again."""
    rows = [[(30, "BOOK TA.K (TAMAN DAYA) SDN BHD")], [(30, "NO.53 55,57 & 59, JALAN SAGU 18,")], [(30, "25/12/2018 8:13:39 PM")]]
    image, drawn = render(rows, font=MONO, size=16, width=420)
    lines = ocr_lines(image, "eng", engine=RAPIDOCR)
    words = [w.text for line in lines for w in line]
    # and its full-width punctuation ("59，") is written as ASCII
    for expected in ("SDN", "BHD", "59,", "JALAN", "SAGU", "25/12/2018", "8:13:39", "PM"):
        assert expected in words, words
    found = {w.text: w for line in lines for w in line}
    for word in ("SDN", "BHD", "25/12/2018", "8:13:39"):
        assert inside(found[word].bbox, drawn[word], slack=3), (found[word], drawn[word])


def test_rapidocr_and_tesseract_results_are_kept_apart_in_the_cache(tmp_path: Path) -> None:
    image, _ = render([[(40, "TOTAL 12.50")]])
    rapid = ocr_lines(image, "eng", str(tmp_path), RAPIDOCR)
    tess = ocr_lines(image, "eng", str(tmp_path), TESSERACT)
    assert [w.text for w in rapid[0]] == [w.text for w in tess[0]] == ["TOTAL", "12.50"]
    kept = sorted(tmp_path.glob("*.json"))
    assert len(kept) == 2  # one per engine for the same pixels
    for path in kept:
        path.write_text(json.dumps([[["kept", [1, 2, 3, 4], 0.5]]]))
    assert ocr_lines(image, "eng", str(tmp_path), RAPIDOCR) == [[("kept", (1, 2, 3, 4), 0.5)]]  # read from the cache
    assert ocr_lines(image.rotate(180), "eng", str(tmp_path), RAPIDOCR) != [[("kept", (1, 2, 3, 4), 0.5)]]


def test_other_languages_than_english_are_read_by_tesseract() -> None:
    assert engine_for(RAPIDOCR, "eng") == RAPIDOCR
    assert engine_for(RAPIDOCR, "deu") == engine_for(RAPIDOCR, "eng+fra") == TESSERACT
    assert engine_for(TESSERACT, "eng") == TESSERACT
    with pytest.raises(ValueError):
        engine_for("easyocr", "eng")
    assert ParseOptions.from_settings(Settings(ocr_engine="tesseract")).ocr_engine == TESSERACT


def test_a_german_scan_keeps_its_umlauts() -> None:
    """RapidOCR's recogniser (Chinese and English) reads "Größe" as "Grobe": a German scan goes to
    tesseract, which with its German data reads it as printed."""
    image, _ = render([[(20, "Größe der Straße: 12 Äpfel")], [(20, "Müller GmbH, Übergabe am 3. März")]], size=32)
    rapid = " ".join(w.text for line in ocr_lines(image, "eng", engine=RAPIDOCR) for w in line)
    assert "Größe" not in rapid and "Straße" not in rapid  # what it would read
    langs = subprocess.run([shutil.which("tesseract") or "tesseract", "--list-langs"], capture_output=True, text=True).stdout.split()
    if "deu" not in langs:
        pytest.skip("tesseract has no German data (apt: tesseract-ocr-deu)")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    parsed = parse_bytes(buffer.getvalue(), "image/png", ParseOptions(ocr_lang="deu", ocr_engine=RAPIDOCR))
    assert parsed.parser == TESSERACT
    assert "Größe der Straße" in parsed.text and "Müller" in parsed.text and "Übergabe" in parsed.text


def test_rapidocr_that_fails_leaves_the_image_to_tesseract(monkeypatch) -> None:
    """RapidOCR needs more address space than a parse child limited to 1 GB has (onnxruntime's
    std::bad_alloc): the image is read by tesseract instead, and the parser says so."""
    import pipeline.parsers.image as image_parser

    def fail(image):
        raise RuntimeError("std::bad_alloc")

    monkeypatch.setattr(image_parser, "_rapidocr_lines", fail)
    image, _ = render([[(40, "TOTAL 12.50")]])
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    parsed = parse_bytes(buffer.getvalue(), "image/png", ParseOptions(ocr_engine=RAPIDOCR))
    assert parsed.parser == TESSERACT and "TOTAL 12.50" in parsed.text


def test_a_date_in_a_word_ocr_was_unsure_of_decides_no_date_order() -> None:
    """A scan's "SP-NULL-18/06/04" read as "SP-rul1-18/06/04" (at 0.52) holds "1-18/06", which only
    reads month first; it once turned the receipt's sure "04/06/2018" into April."""
    from pipeline.kinds.date import document_order
    from pipeline.parsers import TextBuilder
    from pipeline.state import ParsedDocument

    def read(confidence: float) -> ParsedDocument:
        builder = TextBuilder()
        builder.begin_page()
        for n, (line, sure) in enumerate([(["Invoice", "No:", "SP-rul1-18/06/04-1016956"], confidence), (["Date", ":", "04/06/2018"], 0.99)]):
            for k, word in enumerate(line):
                builder.word(word, (10.0 * k, 20.0 * n, 10.0 * k + 9, 20.0 * n + 9), sure if "/" in word else 0.99, prefix=" " if k else "\n" if n else "")
        builder.end_page(width=100.0, height=100.0, ocr=True)
        return ParsedDocument.model_validate(builder.build(RAPIDOCR))

    assert document_order(read(0.95)) is True  # read sure, it is what the page says
    assert document_order(read(0.52)) is None  # undecided: "04/06/2018" reads day first


def test_a_blank_three_times_the_usual_between_letters_is_a_space() -> None:
    """The recogniser's character centres are rough: where it dropped a space ("53300KualaLumpur")
    they may stand evenly apart, while the ink shows a blank three times the usual one between
    the box's letters (narrower than WIDE_GAP): the word is cut there."""
    import numpy as np

    from pipeline.parsers.image import WIDE_GAP, _segment_words

    grey = np.full((40, 120), 255, dtype=np.uint8)
    lefts = [10, 22, 34, 46, 63, 75, 87, 99]  # letters 10 px wide, 2 px apart; 7 between D and E
    for x in lefts:
        grey[10:30, x : x + 10] = 0
    assert 7 < WIDE_GAP * 20  # the blank alone is no space by WIDE_GAP
    centres = np.linspace(15, 104, len(lefts))  # evenly apart, as the recogniser may place them
    boxes = [[[c - 5, 10], [c + 5, 10], [c + 5, 30], [c - 5, 30]] for c in centres]
    quad = np.float32([[0, 0], [120, 0], [120, 40], [0, 40]])
    words = _segment_words(grey, quad, "ABCDEFGH", 0.99, list("ABCDEFGH"), boxes, [0.99] * 8)
    assert [w.text for w in words] == ["ABCD", "EFGH"]
    assert words[0].bbox[2] <= 56 and words[1].bbox[0] >= 63  # each word's box is its ink
    # beside a narrow letter (or a "1" among digits) such a blank is the glyph's own: "Petaling", "53100"
    words = _segment_words(grey, quad, "ABClEFGH", 0.99, list("ABClEFGH"), boxes, [0.99] * 8)
    assert [w.text for w in words] == ["ABClEFGH"]


def test_a_box_over_or_under_a_lines_words_is_a_line_of_its_own() -> None:
    """On a skewed scan a line's box overlaps the next line's by half its height: joined, the
    two lines' words were interleaved ("No.1, Jalan(GST Permas Reg 10/5, ...")."""
    from pipeline.parsers.image import OcrWord, _group_lines

    above = [OcrWord("(GST", (100, 0, 160, 40), 0.99), OcrWord("Reg", (170, 2, 220, 42), 0.99)]
    below = [OcrWord("No.1,", (0, 20, 90, 60), 0.99), OcrWord("Jalan", (110, 21, 180, 61), 0.99), OcrWord("Permas", (200, 22, 300, 62), 0.99)]
    beside = [OcrWord("10/5,", (320, 24, 380, 64), 0.99)]  # the same line's next box, right of it
    lines = _group_lines([below, above, beside])
    assert [[w.text for w in line] for line in lines] == [["(GST", "Reg"], ["No.1,", "Jalan", "Permas", "10/5,"]]
