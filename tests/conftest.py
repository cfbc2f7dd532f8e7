"""Shared fixtures: the datasets folder and small parsed documents."""

from pathlib import Path

import pytest

from pipeline.state import PAGE_BREAK, Page, ParsedDocument, Word

ROOT = Path(__file__).resolve().parents[1]
DATASETS = ROOT / ".." / "shared" / "datasets"


def make_document(*pages: str) -> ParsedDocument:
    """A parsed document from page texts, one Word (without boxes) per token."""
    import re

    text = PAGE_BREAK.join(pages)
    out, offset = [], 0
    for number, page_text in enumerate(pages, start=1):
        words = [
            Word(text=m.group(0), start=offset + m.start(), end=offset + m.end(), bbox=(m.start(), number, m.end(), number + 1))
            for m in re.finditer(r"\S+", page_text)
        ]
        out.append(Page(number=number, start=offset, end=offset + len(page_text), words=words))
        offset += len(page_text) + len(PAGE_BREAK)
    return ParsedDocument(text=text, pages=out, parser="test")


@pytest.fixture
def datasets() -> Path:
    return DATASETS
