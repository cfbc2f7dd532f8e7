"""Every office format through unstructured: each file is made here by the library that writes
that format (python-docx, python-pptx, openpyxl, pandoc, LibreOffice, the standard library),
then ingested and parsed in the sandbox like any upload. Outlook MSG files, which no library
here writes, are real ones from ``tests/fixtures/outlook``, and ones its ``make_msg.py`` wrote
for what those lack (an RTF-only body, S/MIME, IRM)."""

from __future__ import annotations

import email
import email.policy
import io
import json
import os
import shutil
import subprocess
import sys
from email.message import EmailMessage
from pathlib import Path

import docx
import openpyxl
import pptx
import pypandoc
import pytest

from pipeline.config import Settings
from pipeline.ingest import ingest
from pipeline.parse import parse
from pipeline.parsers.unstructured_setup import ModelDownloadRefused, lean_classifier, offline_unstructured
from pipeline.run import Pipeline
from pipeline.state import PAGE_BREAK, DocStatus, ParsedDocument

OUTLOOK = Path(__file__).resolve().parents[1] / "fixtures" / "outlook"  # real .msg files, see its README
SETTINGS = Settings(parse_timeout_s=120, parse_memory_mb=2048, llm_provider="none")
ROWS = [["Description", "Qty", "Amount"], ["Widget", "2", "10.00"], ["Gadget", "1", "5.00"]]
MARKDOWN = (
    "# Invoice 42\n\nThe seller shall deliver the goods by Friday.\n\n- first item\n- second item\n\n"
    "| Description | Qty | Amount |\n|---|---|---|\n| Widget | 2 | 10.00 |\n| Gadget | 1 | 5.00 |\n\nTotal: 15.00\n"
)


def _docx() -> bytes:
    document = docx.Document()
    document.add_heading("Invoice 42", 1)
    document.add_paragraph("The seller shall deliver the goods by Friday.")
    table = document.add_table(rows=len(ROWS), cols=3)
    for r, row in enumerate(ROWS):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    document.sections[0].header.paragraphs[0].text = "ACME Corp letterhead"
    document.add_paragraph("Total: 15.00")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _pptx() -> bytes:
    deck = pptx.Presentation()
    first = deck.slides.add_slide(deck.slide_layouts[1])
    first.shapes.title.text = "Invoice 42"
    first.placeholders[1].text = "The seller shall deliver the goods by Friday."
    second = deck.slides.add_slide(deck.slide_layouts[5])
    second.shapes.title.text = "Items"
    table = second.shapes.add_table(len(ROWS), 3, 0, 0, 4_000_000, 1_000_000).table
    for r, row in enumerate(ROWS):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    buffer = io.BytesIO()
    deck.save(buffer)
    return buffer.getvalue()


def _xlsx() -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    for row in ROWS:
        sheet.append(row)
    book.create_sheet("Totals").append(["Total", "15.00"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _pandoc(fmt: str, tmp_path: Path) -> bytes:
    target = tmp_path / f"invoice.{fmt}"
    pypandoc.convert_text(MARKDOWN, fmt, format="md", outputfile=str(target), extra_args=["--standalone", "--metadata", "title=Invoice"])
    return target.read_bytes()


def _eml(attachment: bytes | None = None) -> bytes:
    message = EmailMessage()
    message["Subject"], message["From"], message["To"] = "Invoice 42", "billing@example.com", "ap@example.org"
    message.set_content("Please find invoice 42 attached.\n\nThe total is 15.00 EUR.")
    if attachment is not None:
        message.add_attachment(attachment, maintype="application", subtype="vnd.openxmlformats-officedocument.wordprocessingml.document", filename="invoice.docx")
    return bytes(message)


def _doc(tmp_path: Path) -> bytes:
    source = tmp_path / "invoice.docx"
    source.write_bytes(_docx())
    subprocess.run(["soffice", "--headless", "--convert-to", "doc", "--outdir", str(tmp_path), str(source)],
                   check=True, capture_output=True, timeout=120)
    return (tmp_path / "invoice.doc").read_bytes()


def parsed(data: bytes, source: str) -> ParsedDocument:
    state = parse(ingest(data, source, "auto", SETTINGS), data, SETTINGS)
    assert state.status != DocStatus.failed, state.error
    assert state.parsed is not None
    document = state.parsed
    assert PAGE_BREAK.join(document.text[p.start : p.end] for p in document.pages) == document.text
    for element in document.elements:
        assert 0 <= element.start <= element.end <= len(document.text)
        assert document.pages[element.page - 1].start <= element.start
    return document


def _table_rows(document: ParsedDocument) -> list[list[str]]:
    """The rows of the first table element, read back from its cells' offsets."""
    table = next(e for e in document.elements if e.type == "table")
    rows: dict[int, list[str]] = {}
    for cell in table.cells:
        rows.setdefault(cell.row, []).append(document.text[cell.start : cell.end])
    return list(rows.values())


@pytest.mark.parametrize(
    ("make", "name", "media_type", "pages"),
    [
        (lambda tmp: _docx(), "a.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", 1),
        (lambda tmp: _pptx(), "a.pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation", 2),
        (lambda tmp: _xlsx(), "a.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", 2),
        (lambda tmp: b"Description,Qty,Amount\nWidget,2,10.00\nGadget,1,5.00\n", "a.csv", "text/csv", 1),
        (lambda tmp: _pandoc("odt", tmp), "a.odt", "application/vnd.oasis.opendocument.text", 1),
        (lambda tmp: _pandoc("rtf", tmp), "a.rtf", "application/rtf", 1),
        (lambda tmp: _pandoc("epub", tmp), "a.epub", "application/epub+zip", 1),
        (lambda tmp: _pandoc("html", tmp), "a.html", "text/html", 1),
        (_doc, "a.doc", "application/msword", 1),
    ],
    ids=["docx", "pptx", "xlsx", "csv", "odt", "rtf", "epub", "html", "doc"],
)
def test_office_format_tables_keep_rows_and_cells(make, name: str, media_type: str, pages: int, tmp_path: Path) -> None:
    if media_type == "application/msword" and not shutil.which("soffice"):
        pytest.skip("LibreOffice is not installed (scripts/install-system-deps.sh installs it)")
    data = make(tmp_path)
    assert ingest(data, "upload.bin" if media_type not in {"text/csv", "text/html"} else name, "auto", SETTINGS).media_type == media_type
    document = parsed(data, name)
    assert len(document.pages) == pages
    assert _table_rows(document) == ROWS
    assert "Widget\t2\t10.00\nGadget\t1\t5.00" in document.text


@pytest.mark.parametrize("fmt", ["docx", "odt", "html", "epub"])
def test_headings_and_prose_keep_their_types(fmt: str, tmp_path: Path) -> None:
    data = _docx() if fmt == "docx" else _pandoc(fmt, tmp_path)
    document = parsed(data, f"a.{fmt}")
    typed = {document.text[e.start : e.end]: e.type for e in document.elements}
    assert typed["Invoice 42"] == "title"
    assert typed["The seller shall deliver the goods by Friday."] == "narrative_text"
    if fmt == "docx":
        assert typed["ACME Corp letterhead"] == "header"
    else:
        assert typed["first item"] == "list_item"


def test_markdown_elements_point_into_the_file_itself() -> None:
    document = parsed(MARKDOWN.encode(), "a.md")
    assert document.text == MARKDOWN
    table = next(e for e in document.elements if e.type == "table")
    assert document.text[table.start : table.end].startswith("Description | Qty | Amount |")
    title = next(e for e in document.elements if e.type == "title")
    assert document.text[title.start : title.end] == "Invoice 42"


def test_email_attachments_become_linked_documents(tmp_path: Path) -> None:
    pipe = Pipeline(settings=SETTINGS.model_copy(update={"home": tmp_path}), extractor_names=["rules"])
    message, attachment = pipe.process_with_attachments(_eml(_docx()), "inbox/mail.eml", "invoice")
    assert message.media_type == "message/rfc822" and message.status != DocStatus.failed
    assert message.parsed is not None and "Widget" not in message.parsed.text
    assert attachment.source == "inbox/mail.eml#attachment/1/invoice.docx"
    assert attachment.parsed is not None and "Widget\t2\t10.00" in attachment.parsed.text
    assert attachment.provenance["parent"] == message.id
    assert message.provenance["attachments"] == [attachment.id]


def test_a_forwarded_emails_own_attachments_follow_it(tmp_path: Path) -> None:
    outer = EmailMessage()
    outer["Subject"] = "Fwd: Invoice 42"
    outer.set_content("See the message below.")
    outer.add_attachment(email.message_from_bytes(_eml(_docx()), policy=email.policy.default), filename="forwarded.eml")
    pipe = Pipeline(settings=SETTINGS.model_copy(update={"home": tmp_path}), extractor_names=["rules"])
    message, forwarded, invoice = pipe.process_with_attachments(bytes(outer), "inbox/fwd.eml", "invoice")
    assert forwarded.source == "inbox/fwd.eml#attachment/1/forwarded.eml" and forwarded.media_type == "message/rfc822"
    assert invoice.source == "inbox/fwd.eml#attachment/1/forwarded.eml#attachment/1/invoice.docx"
    assert invoice.parsed is not None and "Widget\t2\t10.00" in invoice.parsed.text
    assert (forwarded.provenance["parent"], invoice.provenance["parent"]) == (message.id, forwarded.id)
    assert (message.provenance["attachments"], forwarded.provenance["attachments"]) == ([forwarded.id], [invoice.id])


def test_an_outlook_message_is_written_as_its_headers_then_its_body() -> None:
    document = parsed((OUTLOOK / "other.msg").read_bytes(), "other.msg")
    assert document.parser == "msg"
    headers = [document.text[e.start : e.end] for e in document.elements if e.type == "email_header"]
    assert headers == [
        "Subject: 投递状态通知 (Failure Notice)",  # decoded from the GBK encoded-word it was sent as
        "From: Mail Delivery Subsystem <mailer-daemon@tjdpf.org.cn>",
        "To: yosipnps@model.com",
        "Date: Mon, 27 Nov 2017 17:44:30 +0800",  # the sender's own time zone, as received
    ]
    assert "The error that the other server returned was: The recipients is locked. (User Locked)" in document.text
    assert "对方服务器无法正常接收或者拒绝接收这封邮件。" in document.text
    assert "%PDF" not in document.text and document.metadata["attachments"] == ["default_attachment.eml"]


def test_an_outlook_messages_embedded_item_becomes_a_linked_email(tmp_path: Path) -> None:
    pipe = Pipeline(settings=SETTINGS.model_copy(update={"home": tmp_path}), extractor_names=["rules"])
    message, embedded = pipe.process_with_attachments((OUTLOOK / "outer.msg").read_bytes(), "inbox/outer.msg", "invoice")
    assert message.media_type == "application/vnd.ms-outlook" and message.status != DocStatus.failed
    assert message.parsed is not None and message.parsed.text == "Subject: outer subject\nTo: outer@foo.bar\nOuter body"
    assert embedded.source == "inbox/outer.msg#attachment/1/test.eml" and embedded.media_type == "message/rfc822"
    assert embedded.parsed is not None and embedded.parsed.text == "Subject: test\nTo: test@foobar.com\nbody"
    assert embedded.provenance["parent"] == message.id and message.provenance["attachments"] == [embedded.id]


def test_an_outlook_messages_attachments_are_read_with_evidence_down_the_chain(tmp_path: Path) -> None:
    pipe = Pipeline(settings=SETTINGS.model_copy(update={"home": tmp_path}), extractor_names=["rules"])
    message, returned, pdf = pipe.process_with_attachments((OUTLOOK / "other.msg").read_bytes(), "other.msg", "invoice")
    assert returned.media_type == "message/rfc822" and pdf.media_type == "application/pdf"
    assert returned.parsed is not None and "From: Meredith chen <yosipnps@model.com>" in returned.parsed.text
    assert pdf.source.endswith("#attachment/1/北京 2017年12月02-03日 销售主管 确认n.pdf")
    assert pdf.parsed is not None and "销售主管 2 天强化训练营" in pdf.parsed.text
    assert (returned.provenance["parent"], pdf.provenance["parent"]) == (message.id, returned.id)
    assert (message.provenance["attachments"], returned.provenance["attachments"]) == ([returned.id], [pdf.id])
    date = message.fields["date"]
    assert date.value == "2017-11-27" and date.evidence
    assert message.parsed is not None
    for span in date.evidence:  # the value points at the characters it was read from
        assert message.parsed.text[span.start : span.end] == span.text == "27 Nov 2017"


def test_a_truncated_outlook_message_fails_as_corrupt_and_the_batch_goes_on(tmp_path: Path) -> None:
    inputs, out = tmp_path / "in", tmp_path / "out"
    inputs.mkdir()
    whole = (OUTLOOK / "outer.msg").read_bytes()
    (inputs / "a-truncated.msg").write_bytes(whole[: len(whole) // 4])
    (inputs / "b-outer.msg").write_bytes(whole)
    result = subprocess.run(
        [sys.executable, "-m", "pipeline.cli", "extract", str(inputs), "--schema", "invoice", "--out", str(out), "--extractors", "rules"],
        capture_output=True, text=True, cwd=Path(__file__).resolve().parents[2], timeout=600,
        env=dict(os.environ, DOCLOOP_HOME=str(tmp_path), DOCLOOP_DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite'}"),
    )
    assert result.returncode == 1, result.stderr  # some input failed
    exports = {p.name: json.loads(p.read_text()) for p in out.glob("*.json")}
    assert set(exports) == {"a-truncated.json", "b-outer.json", "b-outer.attachment-1.json"}
    assert exports["a-truncated.json"]["status"] == "failed"
    assert exports["a-truncated.json"]["error"]["code"] == "corrupt"
    assert "Outlook message cannot be read" in exports["a-truncated.json"]["error"]["message"]
    outer, embedded = exports["b-outer.json"], exports["b-outer.attachment-1.json"]
    assert outer["status"] != "failed" and embedded["status"] != "failed"
    assert embedded["provenance"]["parent"] == outer["document"]["id"]


def test_the_spacy_model_comes_from_a_package_never_a_download() -> None:
    from unstructured.nlp import tokenize

    offline_unstructured()
    with pytest.raises(ModelDownloadRefused):
        tokenize._install_spacy_model()
    assert tokenize.pos_tag("The seller shall deliver the goods.")[3] == ("deliver", "VB")


# receipt lines (capitals, numbers, short) and prose, some lines of several sentences; a line each
RECEIPT_AND_PROSE = """ABC TRADING SDN BHD
NO 5, JALAN MEGAH 2, 81100 JOHOR BAHRU
TOTAL: 9.00
THANK YOU. PLEASE COME AGAIN SOON.
Thank you. Please come again soon and bring a friend along next time.
1. Goods sold are not returnable.
The seller shall deliver the goods by Friday. The buyer pays on delivery.
Payment Terms"""


def test_the_lean_classifier_types_text_as_unstructured_does(monkeypatch: pytest.MonkeyPatch) -> None:
    from unstructured.nlp import tokenize
    from unstructured.partition import text_type
    from unstructured.partition.text import partition_text

    offline_unstructured()
    lean_classifier()
    lean = [(e.category, e.text) for e in partition_text(text=RECEIPT_AND_PROSE)]
    monkeypatch.setattr(text_type, "word_tokenize", tokenize.word_tokenize)
    monkeypatch.setattr(text_type, "sentence_count", text_type.sentence_count.__wrapped__)
    assert lean == [(e.category, e.text) for e in partition_text(text=RECEIPT_AND_PROSE)]
    assert {"Title", "NarrativeText", "ListItem"} <= {category for category, _ in lean}


def test_an_outlook_message_kept_only_as_rtf_is_read_as_its_text() -> None:
    # made by tests/fixtures/outlook/make_msg.py: no plain or HTML body, only compressed RTF
    document = parsed((OUTLOOK / "rtf-only.msg").read_bytes(), "rtf-only.msg")
    assert document.text == (  # the body as the EML path writes a plain text body
        "Subject: RTF only\nFrom: Bob Seller <bob@example.com>\nTo: Ada Buyer <ada@example.com>\n"
        "Invoice 42 The seller shall deliver the goods by Friday. Total: 15.00 €")  # € from \\'80 in code page 1252


def test_an_outlook_messages_rtf_that_encapsulates_html_is_read_as_the_htmls_text() -> None:
    document = parsed((OUTLOOK / "rtf-html.msg").read_bytes(), "rtf-html.msg")
    assert document.text == (  # the text, none of the markup
        "Subject: RTF from HTML\nFrom: Bob Seller <bob@example.com>\nTo: Ada Buyer <ada@example.com>\n"
        "Invoice 42\nTotal: 15.00 €")


def test_an_outlook_message_with_a_damaged_rtf_body_fails_as_corrupt() -> None:
    data = bytearray((OUTLOOK / "rtf-only.msg").read_bytes())
    crc = data.index(b"LZFu") + 4  # the compressed RTF header's checksum follows its type
    data[crc : crc + 4] = bytes(4)
    state = parse(ingest(bytes(data), "damaged.msg", "auto", SETTINGS), bytes(data), SETTINGS)
    assert state.status == DocStatus.failed and state.error is not None and state.error.code == "corrupt"


@pytest.mark.parametrize("name", ["smime.msg", "irm.msg"])
def test_an_encrypted_or_rights_managed_outlook_message_fails_as_encrypted(name: str) -> None:
    # S/MIME: message class IPM.Note.SMIME, content in smime.p7m; IRM: a notice for a body,
    # content in message.rpmsg. Neither is exported as if its body were all there is.
    data = (OUTLOOK / name).read_bytes()
    state = parse(ingest(data, name, "auto", SETTINGS), data, SETTINGS)
    assert state.status == DocStatus.failed and state.error is not None and state.error.code == "encrypted"


def test_plain_text_words_are_boxed_on_its_grid_of_characters():
    """A text file sets its columns with spaces: its words get boxes by line and column, so a
    value stands under its column's header and three spaces part columns, as in a PDF; the text
    is the file's own."""
    from pipeline.extractors.layout import Layout, cell_end

    data = "Employee       Pay Date\nMarcus Delgado\t03/20/2025\n".encode()
    document = parsed(data, "payslip.txt")
    assert document.text == data.decode()
    words = {w.text: w for w in document.pages[0].words}
    assert all(document.text[w.start : w.end] == w.text for w in words.values())
    # "03/20/2025" after a tab (column 16) stands under "Pay" (column 15), on the line below
    assert words["03/20/2025"].bbox[0] >= words["Pay"].bbox[0] and words["03/20/2025"].bbox[1] > words["Pay"].bbox[1]
    header = Layout(document).lines[0]
    assert document.text[: cell_end(header, 0)] == "Employee"
