"""Parse: text, pages and word boxes from real PDFs, scans (real tesseract), DOCX, HTML, e-mail and text."""

from __future__ import annotations

import io
import json
from pathlib import Path

import docx
import pypdfium2 as pdfium
import pytest
from PIL import Image

from pipeline.config import Settings
from pipeline.ingest import ingest
from pipeline.parsers import ParseOptions
from pipeline.parse import parse
from pipeline.state import PAGE_BREAK, DocStatus, DocumentState, ParsedDocument, Stage

DATA = Path(__file__).resolve().parents[2] / ".." / "shared" / "datasets"
NDA_PDF = sorted((DATA / "kleister_nda" / "documents").glob("*.pdf"))[0]
INVOICES = [json.loads(line) for line in (DATA / "parsee_invoices" / "labels.jsonl").read_text().splitlines()]
RECEIPT = json.loads((DATA / "sroie" / "images" / "index.jsonl").read_text().splitlines()[0])
RECEIPT_JPEG = DATA / "sroie" / "images" / RECEIPT["image"]


@pytest.fixture(scope="module")
def settings() -> Settings:
    return Settings(parse_timeout_s=120, parse_memory_mb=2048)


def run(data: bytes, source: str, settings: Settings) -> DocumentState:
    state = parse(ingest(data, source, "auto", settings), data, settings)
    assert state.status != DocStatus.failed, state.error
    assert state.stage == Stage.parsed and state.parsed is not None
    check_offsets(state.parsed)
    return state


def check_offsets(parsed: ParsedDocument) -> None:
    """The invariant every later stage relies on."""
    assert PAGE_BREAK.join(parsed.text[p.start : p.end] for p in parsed.pages) == parsed.text
    assert [p.number for p in parsed.pages] == list(range(1, len(parsed.pages) + 1))
    for page in parsed.pages:
        for word in page.words:
            assert parsed.text[word.start : word.end] == word.text
            assert page.start <= word.start < word.end <= page.end


def check_boxes(parsed: ParsedDocument) -> None:
    for page in parsed.pages:
        assert page.width and page.height
        for word in page.words:
            assert word.bbox is not None
            x0, y0, x1, y1 = word.bbox
            assert -1 <= x0 <= x1 <= page.width + 1 and -1 <= y0 <= y1 <= page.height + 1, word


def test_text_pdf_has_pages_offsets_and_word_boxes(settings: Settings) -> None:
    data = NDA_PDF.read_bytes()
    parsed = run(data, NDA_PDF.name, settings).parsed
    assert parsed is not None and parsed.parser == "pdfium"
    assert len(parsed.pages) == len(pdfium.PdfDocument(data)) == parsed.metadata["pages"]
    assert not any(page.ocr for page in parsed.pages)
    assert sum(len(page.words) for page in parsed.pages) > 500
    assert "\n" in parsed.text and "  " not in parsed.text  # line breaks kept, column padding collapsed
    check_boxes(parsed)

    # a box, turned back into PDF coordinates, encloses its word on the page
    document = pdfium.PdfDocument(data)
    for page in parsed.pages[:2]:
        pdf_page = document[page.number - 1]
        left, _, _, top = pdf_page.get_bbox()
        textpage = pdf_page.get_textpage()
        for word in page.words[:: max(1, len(page.words) // 25)]:
            x0, y0, x1, y1 = word.bbox  # type: ignore[misc]
            inside = textpage.get_text_bounded(left + x0 - 0.5, top - y1 - 0.5, left + x1 + 0.5, top - y0 + 0.5)
            assert word.text.strip("-") in " ".join(inside.split()), (word, inside)


def test_invoice_pdfs_contain_their_labelled_values(settings: Settings) -> None:
    for label in INVOICES[:5]:
        path = DATA / "parsee_invoices" / label["file"]
        parsed = run(path.read_bytes(), path.name, settings).parsed
        assert parsed is not None
        flat = " ".join(parsed.text.split()).casefold()
        issuer_words = label["issuer"].casefold().split()
        assert issuer_words[0] in flat, (label["file"], label["issuer"])
        check_boxes(parsed)


def test_a_hyphen_that_ends_a_line_ends_its_word_and_the_next_starts_a_line(settings: Settings) -> None:
    from reportlab.pdfgen.canvas import Canvas

    buffer = io.BytesIO()
    canvas = Canvas(buffer)
    canvas.drawString(72, 700, "Beratung in den Bereichen Online-")
    canvas.drawString(72, 686, "Marketing, -Konzeption und -Technik")
    canvas.save()
    parsed = run(buffer.getvalue(), "hyphen.pdf", settings).parsed
    assert parsed is not None
    assert "Bereichen Online-\nMarketing, -Konzeption" in parsed.text  # pdfium prints no line break there
    words = {w.text: w for w in parsed.pages[0].words}
    assert words["Online-"].bbox[3] <= words["Marketing,"].bbox[1]  # type: ignore[index]  # one line each
    check_boxes(parsed)


def test_compiled_pdfium_loops_and_their_python_fallback_parse_the_same(monkeypatch, tmp_path: Path) -> None:
    from pipeline.parsers import PDF, parse_plain, pdfium_batch
    from tests.pipeline.hostile_corpus import CASES

    if pdfium_batch._LIB is None:
        pytest.skip("the install built no pipeline/parsers/_pdfium_batch (no compiler)")
    pdfs = [NDA_PDF.read_bytes()] + [c.data for c in CASES if c.media_type == PDF]  # hidden text of every kind
    options = ParseOptions(min_text_chars=0, ocr_cache=str(tmp_path))  # the cross-check's OCR runs once per page
    compiled = [parse_plain(data, PDF, options) for data in pdfs]
    monkeypatch.setattr(pdfium_batch, "_LIB", None)
    assert [parse_plain(data, PDF, options) for data in pdfs] == compiled


def _total_in(text: str, total: str) -> bool:
    return total in text or total.replace(".", ",") in text


def test_scanned_receipt_is_read_by_ocr(settings: Settings) -> None:
    parsed = run(RECEIPT_JPEG.read_bytes(), RECEIPT_JPEG.name, settings).parsed
    assert parsed is not None and parsed.parser == "rapidocr"  # the default engine
    (page,) = parsed.pages
    assert page.ocr and page.width and page.height
    assert _total_in(parsed.text, RECEIPT["entities"]["total"])
    assert RECEIPT["entities"]["date"] in parsed.text
    assert len(parsed.text.splitlines()) > 10  # OCR lines become text lines
    assert all(w.confidence is not None and 0 <= w.confidence <= 1 for w in page.words)
    check_boxes(parsed)
    # the line holding the total reads left to right: its words' boxes are ordered by x
    line = next(line for line in parsed.text.splitlines() if RECEIPT["entities"]["total"] in line)
    start = parsed.text.index(line)
    words = [w for w in page.words if start <= w.start < start + len(line)]
    assert [w.bbox[0] for w in words] == sorted(w.bbox[0] for w in words)  # type: ignore[index]


def test_pdf_without_text_layer_falls_back_to_ocr(settings: Settings) -> None:
    image = Image.open(RECEIPT_JPEG)
    buffer = io.BytesIO()
    image.save(buffer, format="PDF", resolution=200)  # a scanned page: an image, no text
    parsed = run(buffer.getvalue(), "scan.pdf", settings).parsed
    assert parsed is not None
    (page,) = parsed.pages
    assert page.ocr
    assert _total_in(parsed.text, RECEIPT["entities"]["total"])
    # boxes are in PDF points: the page is the image's size at 200 dpi
    assert page.width == pytest.approx(image.width * 72 / 200, rel=0.01)
    check_boxes(parsed)


def test_docx_paragraphs_tables_and_page_breaks(settings: Settings) -> None:
    document = docx.Document()
    document.add_heading("Invoice 42", 0)
    document.add_paragraph("Issued by Example Trading Ltd.")
    table = document.add_table(rows=2, cols=2)
    for row, cells in zip(table.rows, [("Item", "Price"), ("Widget", "10.00")]):
        for cell, text in zip(row.cells, cells):
            cell.text = text
    document.add_page_break()
    run_ = document.add_paragraph().add_run("Total due: 123.45 EUR")
    # Word records where it laid out a page break; that, not the break request, starts a page
    run_._r.insert(0, run_._r.makeelement(docx.oxml.ns.qn("w:lastRenderedPageBreak"), {}))
    buffer = io.BytesIO()
    document.save(buffer)
    parsed = run(buffer.getvalue(), "invoice.docx", settings).parsed
    assert parsed is not None and parsed.parser == "docx"
    first, second = (parsed.text[p.start : p.end] for p in parsed.pages)
    assert first.splitlines() == ["Invoice 42", "Issued by Example Trading Ltd.", "Item\tPrice", "Widget\t10.00"]
    assert second == "Total due: 123.45 EUR"
    assert [e.type for e in parsed.elements][::2] == ["title", "table"]
    table_element = parsed.elements[2]
    assert [parsed.text[c.start : c.end] for c in table_element.cells] == ["Item", "Price", "Widget", "10.00"]
    assert [(c.row, c.col) for c in table_element.cells] == [(0, 0), (0, 1), (1, 0), (1, 1)]


def test_html_visible_text_one_block_per_line(settings: Settings) -> None:
    html = (
        b"<html><head><title>Receipt</title><style>p{color:red}</style><script>var x = 1;</script></head>"
        b"<body><h1>Shop &amp; Co</h1><p>Date: 2024-01-05<br>Total: <b>9.00</b></p>"
        b"<table><tr><td>Tea</td><td>4.50</td></tr><tr><td>Cake</td><td>4.50</td></tr></table></body></html>"
    )
    parsed = run(html, "receipt.html", settings).parsed
    assert parsed is not None and parsed.parser == "html"
    assert "Shop & Co" in parsed.text and "Total: 9.00" in parsed.text
    assert "Tea\t4.50\nCake\t4.50" in parsed.text
    assert "var x" not in parsed.text and "color" not in parsed.text
    assert {e.type for e in parsed.elements} >= {"title", "table"}


def test_email_headers_and_body(settings: Settings) -> None:
    eml = (
        b"From: Alice <alice@example.com>\r\nTo: billing@example.com\r\nSubject: Invoice 7\r\n"
        b"Date: Mon, 1 Jan 2024 10:00:00 +0000\r\nMIME-Version: 1.0\r\n"
        b'Content-Type: multipart/mixed; boundary="b1"\r\n\r\n'
        b"--b1\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>Please pay <b>50.00 USD</b> by Friday.</p>\r\n"
        b'--b1\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename="inv.pdf"\r\n\r\n%PDF-1.4\r\n'
        b"--b1--\r\n"
    )
    parsed = run(eml, "mail.eml", settings).parsed
    assert parsed is not None and parsed.parser == "email"
    assert parsed.text.splitlines()[:4] == [
        "Subject: Invoice 7", "From: Alice <alice@example.com>", "To: billing@example.com",
        "Date: Mon, 01 Jan 2024 10:00:00 +0000",
    ]
    assert "Please pay 50.00 USD by Friday." in parsed.text
    assert "%PDF" not in parsed.text  # the attachment is a document of its own
    assert parsed.metadata["attachments"] == ["inv.pdf"]


@pytest.mark.parametrize(
    ("data", "source", "expected"),
    [
        (b"Total: 12.00\r\nThank you\r\n", "r.txt", "Total: 12.00\nThank you\n"),
        ("Caf\u00e9 3,50\n".encode("latin-1"), "r.txt", "Caf\u00e9 3,50\n"),  # not UTF-8: Latin-1
        ("\ufeffNa\u00efve\fpage\n".encode("utf-8"), "r.txt", "Na\u00efve\npage\n"),  # BOM dropped, no stray page break
        (b"# Invoice\n\n| Item | Price |\n|---|---|\n| Tea | 4.50 |\n", "r.md", "# Invoice\n\n| Item | Price |\n|---|---|\n| Tea | 4.50 |\n"),
    ],
)
def test_plain_text_and_markdown_are_decoded_as_one_page(data: bytes, source: str, expected: str, settings: Settings) -> None:
    parsed = run(data, source, settings).parsed
    assert parsed is not None and parsed.text == expected and len(parsed.pages) == 1
    assert parsed.elements  # located in the file's own text
    for element in parsed.elements:
        assert 0 <= element.start < element.end <= len(parsed.text)


def test_parse_is_idempotent_and_passes_failures_through(settings: Settings) -> None:
    data = b"Total: 12.00\n"
    parsed = parse(ingest(data, "a.txt", "receipt", settings), data, settings)
    assert parse(parsed, data, settings) is parsed
    failed = ingest(b"", "a.txt", "receipt", settings)
    assert parse(failed, b"", settings) is failed


def test_document_without_text_fails_with_no_text(settings: Settings) -> None:
    buffer = io.BytesIO()
    Image.new("L", (400, 300), 255).save(buffer, format="PNG")  # a blank scan
    data = buffer.getvalue()
    state = parse(ingest(data, "blank.png", "receipt", settings), data, settings)
    assert state.status == DocStatus.failed and state.error is not None and state.error.code == "no_text"


def test_ocr_results_are_kept_by_image_hash(tmp_path: Path) -> None:
    from pipeline.parsers.image import ocr_lines

    image = Image.open(RECEIPT_JPEG)
    read = ocr_lines(image, "eng", str(tmp_path))
    (kept,) = tmp_path.glob("*.json")
    assert _total_in(" ".join(w.text for line in read for w in line), RECEIPT["entities"]["total"])
    assert ocr_lines(image, "eng", str(tmp_path)) == read  # the same words, boxes and confidences
    # the second read came from the kept result, not from tesseract: an edit to it shows
    kept.write_text(json.dumps([[["kept", [1, 2, 3, 4], 0.5]]]))
    assert ocr_lines(image, "eng", str(tmp_path)) == [[("kept", (1, 2, 3, 4), 0.5)]]
    assert ocr_lines(image.rotate(180), "eng", str(tmp_path)) != [[("kept", (1, 2, 3, 4), 0.5)]]  # other pixels


def test_a_faded_thermal_receipt_is_read_again_with_its_contrast_stretched() -> None:
    """A faint, low-contrast scan that tesseract reads as almost nothing as it is: the parser
    reads it again in stretched grey and keeps the read with more sure words."""
    from pipeline.parsers.image import read_scan, _sure, ocr_lines

    faded = Image.open(DATA / "sroie" / "images" / "X51006619862.jpg")
    options = ParseOptions.from_settings(Settings(ocr_engine="tesseract"))
    read = read_scan(faded, options)
    text = " ".join(w.text for line in read for w in line)
    assert "BALAKONG" in text and "13.30" in text
    assert _sure(read) > _sure(ocr_lines(faded, "eng"))


def test_a_pdf_page_that_is_a_picture_is_read_as_a_scan_and_printed_pages_by_tesseract():
    """A scanned page (an image over the page) goes to the engine chosen for scans; a page drawn
    as print without a text layer goes to tesseract, which reads clean print as well, faster."""
    import io

    import pypdfium2 as pdfium
    from PIL import Image

    from pipeline.parsers.pdf import _scanned

    scan = io.BytesIO()
    Image.new("L", (850, 1100), 255).save(scan, format="PDF", resolution=100)
    assert _scanned(pdfium.PdfDocument(scan.getvalue())[0])
    drawn = pdfium.PdfDocument.new()
    drawn.new_page(612, 792)
    assert not _scanned(drawn[0])
