"""Plain text and Markdown: decoded as they are, one page.

Markdown is read as text rather than rendered: its markup is plain characters a
reader (or model) understands, and the offsets then point into the file itself.
"""

from __future__ import annotations

from pipeline.parsers import ParseOptions, PlainDocument, TextBuilder, plain


def decode(data: bytes) -> tuple[str, str]:
    """The text and its encoding: UTF-8 (a BOM dropped), else Latin-1, which decodes any bytes."""
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1"


def parse(data: bytes, media_type: str, options: ParseOptions) -> PlainDocument:
    text, encoding = decode(data)
    builder = TextBuilder()
    builder.begin_page()
    builder.text(plain(text))
    builder.end_page()
    return builder.build("text", {"encoding": encoding})
