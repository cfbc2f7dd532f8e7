"""DOCX, HTML and e-mail: text with one element (paragraph, table row, block) per line.

Read with python-docx, html-text (lxml) and the standard library's ``email``.
``unstructured`` was the first choice, but its partitioners classify every
element with a spaCy model that it downloads from GitHub on first use (and
installs into site-packages), which fails where only package registries are
reachable; its element types are not needed here, only the text.

These formats carry no layout, so pages have no words: evidence offsets index
the text directly. A DOCX starts a new page after each hard page break.
"""

from __future__ import annotations

import email
import email.policy
import io
from collections.abc import Iterator
from email.message import EmailMessage
from typing import cast

import html_text
import lxml.etree
import lxml.html
from docx import Document
from docx.table import Table

from pipeline.parsers import DOCX, ParseOptions, PlainDocument, TextBuilder, plain
from pipeline.parsers.html_visibility import end_page_with_hidden, take_hidden
from pipeline.parsers.text import decode

_HEADERS = ("Subject", "From", "To", "Cc", "Date")


def html_to_text(data: bytes | str) -> str:
    """Visible text of an HTML document, block elements on their own lines."""
    return html_parts(data)[0]


def html_parts(data: bytes | str) -> tuple[str, list[str]]:
    """The visible text of an HTML document, and the texts it hides (``html_visibility``)."""
    try:
        tree = lxml.html.document_fromstring(data)  # from bytes, lxml honours <meta charset>
    except (lxml.etree.ParserError, ValueError):  # nothing but whitespace or comments
        return "", []
    hidden = take_hidden(tree)
    return plain(html_text.extract_text(tree)), hidden


def _docx_pages(data: bytes) -> Iterator[list[str]]:
    """The lines of each page: paragraphs, and table rows as tab-separated cells."""
    lines: list[str] = []
    for block in Document(io.BytesIO(data)).iter_inner_content():
        if isinstance(block, Table):
            for row in block.rows:
                cells = list(dict.fromkeys(row.cells))  # a merged cell repeats in every column it spans
                lines.append("\t".join(" ".join(cell.text.split()) for cell in cells))
            continue
        if text := block.text.strip():
            lines.append(text)
        if block._p.xpath('.//w:br[@w:type="page"]'):
            yield lines
            lines = []
    yield lines


def _email_text(data: bytes) -> tuple[str, list[str]]:
    """Headers, then the plain (else HTML) body; and the attachments' names."""
    # with the default policy the parser builds an EmailMessage (get_body and friends)
    msg = cast(EmailMessage, email.message_from_bytes(data, policy=email.policy.default))
    lines = [f"{name}: {msg[name]}" for name in _HEADERS if msg[name]]
    body = msg.get_body(preferencelist=("plain", "html"))
    if body is not None:
        try:
            content = body.get_content()
        except (LookupError, UnicodeError):  # an unknown or wrong charset: decode it ourselves
            content = decode(body.get_payload(decode=True) or b"")[0]
        lines += ["", html_to_text(content) if body.get_content_subtype() == "html" else plain(content).strip()]
    attachments = [part.get_filename() or "" for part in msg.iter_attachments()]
    return "\n".join(lines), attachments


def parse(data: bytes, media_type: str, options: ParseOptions) -> PlainDocument:
    builder = TextBuilder()
    metadata: dict[str, object] = {}
    hidden: list[str] = []
    if media_type == DOCX:
        pages = ["\n".join(lines) for lines in _docx_pages(data)]
        parser = "docx"
    elif media_type == "message/rfc822":
        text, metadata["attachments"] = _email_text(data)
        pages, parser = [text], "email"
    else:
        text, hidden = html_parts(data)
        pages, parser = [text], "html"
    for page in pages:
        builder.begin_page()
        builder.text(plain(page))
        end_page_with_hidden(builder, hidden)  # hidden HTML text: kept, as words nobody sees
    return builder.build(parser, metadata)
