"""Office formats, HTML, e-mail and text through ``unstructured``: typed elements.

Every format whose layout is a flow of blocks (DOCX, DOC, PPTX, XLSX, CSV, ODT,
RTF, EPUB, HTML, Markdown, EML, MSG, plain text) is partitioned by
``unstructured`` into elements (title, narrative text, list item, table,
header/footer, page break). The document text is those elements one per line;
a table is written one row per line with its cells separated by tabs, and every
cell keeps its offsets, so a table extractor can read rows and columns and
every cell's value points to its exact characters. Pages follow the elements'
page numbers (slides, sheets, rendered page breaks).

Plain text and Markdown keep their own characters as the document text (a
reader, or model, understands the markup, and offsets point into the file);
their elements are located in it where their words appear in order.

An Outlook MSG file is read as the RFC 822 message it stands for
(``pipeline.parsers.outlook``), so it is written exactly as an EML file is: its
header lines, then its body. Attachments of e-mails are not partitioned here:
``pipeline.attachments`` hands them on as documents of their own, linked to the
message.
"""

from __future__ import annotations

import importlib
import io
import re
import shutil
from contextlib import nullcontext
from typing import Any

from pipeline.attachments import CONTAINERS, EMAIL, MSG, attachments_of
from pipeline.errors import TooManyPages, UnsupportedType
from pipeline.parsers import ParseOptions, PlainDocument, TextBuilder, plain
from pipeline.parsers.containers import guard_container
from pipeline.parsers.html_visibility import end_page_with_hidden, strip_hidden, strip_hidden_email
from pipeline.parsers.outlook import as_email
from pipeline.parsers.unstructured_setup import lean_classifier, offline_unstructured, tagged_together

# media type -> (unstructured.partition module, function, keyword arguments, parser name)
PARTITIONERS: dict[str, tuple[str, str, dict[str, Any], str]] = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ("docx", "partition_docx", {}, "docx"),
    "application/msword": ("doc", "partition_doc", {}, "doc"),
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": ("pptx", "partition_pptx", {}, "pptx"),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ("xlsx", "partition_xlsx", {"find_subtable": False}, "xlsx"),
    "text/csv": ("csv", "partition_csv", {}, "csv"),
    "application/vnd.oasis.opendocument.text": ("odt", "partition_odt", {}, "odt"),
    "application/rtf": ("rtf", "partition_rtf", {}, "rtf"),
    "application/epub+zip": ("epub", "partition_epub", {}, "epub"),
    "text/html": ("html", "partition_html", {}, "html"),
    EMAIL: ("email", "partition_email", {"process_attachments": False}, "email"),
    "text/markdown": ("md", "partition_md", {}, "markdown"),
    "text/plain": ("text", "partition_text", {}, "text"),
}
# formats whose own characters are the document text
VERBATIM = {"text/plain", "text/markdown"}
_HEADERS = ("Subject", "From", "To", "Cc", "Date")


def decode(data: bytes) -> tuple[str, str]:
    """The text and its encoding: UTF-8 (a BOM dropped), else Latin-1, which decodes any bytes."""
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1"


def element_type(category: str) -> str:
    """unstructured's category as a snake_case type: ``NarrativeText`` -> ``narrative_text``."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", category).lower()


def _partition(data: bytes, media_type: str) -> list[Any]:
    module, function, kwargs, _ = PARTITIONERS[media_type]
    offline_unstructured()
    lean_classifier()
    partitioner = getattr(importlib.import_module(f"unstructured.partition.{module}"), function)
    if media_type == "application/msword" and not shutil.which("soffice"):
        raise UnsupportedType("a .doc file needs LibreOffice (soffice), which is not installed")
    # only plain text's paragraphs are known beforehand (Markdown's elements are its text less the markup)
    with tagged_together(data.decode("utf-8")) if media_type == "text/plain" else nullcontext():
        # languages [""]: no language detection (langdetect over the text), as no element's language is read
        return partitioner(file=io.BytesIO(data), languages=[""], **kwargs)


def _table_rows(html: str) -> list[list[str]]:
    """The cell texts of each row of unstructured's ``text_as_html``."""
    import lxml.html

    table = lxml.html.fragment_fromstring(html, create_parent="div")
    return [
        [" ".join(cell.text_content().split()) for cell in row.xpath("./th|./td")]
        for row in table.iter("tr")
    ]


class _Writer:
    """Writes elements into a TextBuilder and records each element and table cell at its offsets."""

    def __init__(self, max_pages: int) -> None:
        self.builder = TextBuilder()
        self.elements: list[dict[str, Any]] = []
        self.max_pages = max_pages
        self.page = 0
        self._line_open = False

    def turn_to(self, page: int) -> None:
        while self.page < page:
            if self.page:
                self.builder.end_page()
            if self.page + 1 > self.max_pages:
                raise TooManyPages(f"more than {self.max_pages} pages")
            self.builder.begin_page()
            self.page += 1
            self._line_open = False

    def _newline(self) -> None:
        if self._line_open:
            self.builder.text("\n")
        self._line_open = True

    def line(self, text: str, kind: str) -> None:
        self._newline()
        start = self.builder.offset
        self.builder.text(text)
        self.elements.append({"type": kind, "start": start, "end": self.builder.offset, "page": self.page})

    def table(self, rows: list[list[str]]) -> None:
        start = self.builder.offset + (1 if self._line_open else 0)
        cells = []
        for r, row in enumerate(rows):
            self._newline()
            for c, value in enumerate(row):
                if c:
                    self.builder.text("\t")
                cell_start = self.builder.offset
                self.builder.text(value)
                cells.append({"row": r, "col": c, "start": cell_start, "end": self.builder.offset})
        self.elements.append({"type": "table", "start": start, "end": self.builder.offset, "page": self.page, "cells": cells})

    def build(self, parser: str, metadata: dict[str, Any], hidden: list[str]) -> PlainDocument:
        self.turn_to(1)
        end_page_with_hidden(self.builder, hidden)  # hidden HTML text: kept, as words nobody sees
        document = self.builder.build(parser, metadata)
        document["elements"] = self.elements
        return document


def _email_headers(data: bytes) -> list[str]:
    import email
    import email.policy

    message = email.message_from_bytes(data, policy=email.policy.default)
    return [f"{name}: {plain(str(message[name]))}" for name in _HEADERS if message[name]]


def _written(data: bytes, media_type: str, options: ParseOptions) -> PlainDocument:
    writer = _Writer(options.max_pages)
    hidden: list[str] = []
    if media_type == "text/html":
        data, hidden = strip_hidden(data)
    elif media_type == EMAIL:
        data, hidden = strip_hidden_email(data)
    if media_type == EMAIL:
        writer.turn_to(1)
        for header in _email_headers(data):
            writer.line(header, "email_header")  # not a page header: it names sender and date
    for element in _partition(data, media_type):
        kind = element_type(element.category)
        writer.turn_to(element.metadata.page_number or 1)
        if kind == "page_break":
            continue
        html = element.metadata.text_as_html if kind == "table" else None
        rows = _table_rows(html) if html else []
        if rows:
            writer.table(rows)
        elif text := " ".join(plain(element.text).split()):
            writer.line(text, kind)
    metadata = {"attachments": [name for name, _ in attachments_of(data, media_type)]} if media_type in CONTAINERS else {}
    return writer.build(PARTITIONERS[media_type][3], metadata, hidden)


def _located(text: str, found: str, cursor: int) -> tuple[int, int] | None:
    """Where the words of ``found`` appear in order in ``text`` from ``cursor``, with any
    markup or whitespace between them: the first such span, or None."""
    words = found.split()
    if not words:
        return None
    # Most elements are their own characters. Found there, at the first place its first word
    # appears, no span can start earlier, and from there the words with the shortest gaps
    # are exactly those characters, so the pattern (costly to compile) is not needed.
    start = text.find(words[0], cursor)
    if start >= 0 and found == found.strip() and text.startswith(found, start):
        return start, start + len(found)
    match = re.compile(r"\W*?".join(re.escape(w) for w in words), re.S).search(text, cursor)
    return (match.start(), match.end()) if match else None


# Plain text sets its columns with spaces: its words are boxed on a grid of characters, each
# line one row, so that its layout reads as a PDF's does (a value under its column's header, a
# table's columns). A character is drawn taller than wide, as type is: three spaces then part
# columns as a PDF's wide gaps do (``pipeline.extractors.layout.cell_end``), one or two do not.
CHAR_WIDTH, CHAR_HEIGHT, LINE_PITCH = 10.0, 12.0, 15.0


def _on_a_grid(builder: TextBuilder, text: str) -> tuple[float, float]:
    """Writes ``text`` as words boxed by their line and column (tabs every 8 columns); returns
    the page's width and height."""
    texts, boxes, prefixes, cursor, offset, widest = [], [], [], 0, 0, 0
    lines = text.split("\n")
    for row, line in enumerate(lines):
        for m in re.finditer(r"\S+", line):
            column = len(line[: m.start()].expandtabs(8))
            top = row * LINE_PITCH
            texts.append(m.group())
            boxes.append((column * CHAR_WIDTH, top, (column + len(m.group())) * CHAR_WIDTH, top + CHAR_HEIGHT))
            prefixes.append(text[cursor : offset + m.start()])
            cursor = offset + m.end()
        widest = max(widest, len(line.expandtabs(8)))
        offset += len(line) + 1
    builder.words(texts, boxes, prefixes)
    builder.text(text[cursor:])
    return widest * CHAR_WIDTH, len(lines) * LINE_PITCH


def _verbatim(data: bytes, media_type: str) -> PlainDocument:
    """The file's own text as one page, with the elements located where their words appear;
    plain text's words boxed on its grid of characters."""
    text, encoding = decode(data)
    text = plain(text)
    builder = TextBuilder()
    builder.begin_page()
    if media_type == "text/plain":
        builder.end_page(*_on_a_grid(builder, text))
    else:
        builder.text(text)
        builder.end_page()
    elements, cursor = [], 0
    for element in _partition(text.encode("utf-8"), media_type):
        span = _located(text, element.text, cursor)
        if span is None:
            continue
        elements.append({"type": element_type(element.category), "start": span[0], "end": span[1], "page": 1})
        cursor = span[1]
    document = builder.build(PARTITIONERS[media_type][3], {"encoding": encoding})
    document["elements"] = elements
    return document


def parse(data: bytes, media_type: str, options: ParseOptions) -> PlainDocument:
    noted = guard_container(data, options.max_sheet_cells)
    if media_type == MSG:  # written as the e-mail it stands for, under its own parser name
        document = _written(as_email(data), EMAIL, options)
        document["parser"] = "msg"
    elif media_type not in PARTITIONERS:
        raise UnsupportedType(f"no partitioner for {media_type}")
    else:
        document = _verbatim(data, media_type) if media_type in VERBATIM else _written(data, media_type, options)
    document["metadata"].update(noted)
    return document
