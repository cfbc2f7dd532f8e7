from pipeline.chunk import split
from pipeline.state import Element, Page, ParsedDocument
from tests.conftest import make_document


def test_chunks_cover_document_with_exact_offsets_and_pages():
    doc = make_document("Invoice No: 123\nTotal: 5.00\n" * 80, "second page line\n" * 60)
    chunks = split(doc, chunk_chars=400)
    assert len(chunks) > 4
    assert all(doc.text[c.start : c.end] == c.text for c in chunks)
    assert chunks[0].start == 0 and chunks[-1].end == len(doc.text)
    # consecutive chunks overlap or touch: nothing is skipped
    assert all(b.start <= a.end for a, b in zip(chunks, chunks[1:]))
    assert chunks[0].pages == [1] and chunks[-1].pages == [2]


def test_lines_are_never_split_inside():
    rows = "".join(f"| item {i:03d} | qty 2 | 10.00 | 20.00 |\n" for i in range(200))
    doc = make_document(rows)
    for c in split(doc, chunk_chars=300):
        assert c.text.endswith("\n") or c.end == len(doc.text)
        assert c.start == 0 or doc.text[c.start - 1] == "\n"


def test_long_document_is_many_small_chunks():
    doc = make_document(*[f"page {i} " + "lorem ipsum dolor sit amet\n" * 40 for i in range(120)])
    chunks = split(doc, chunk_chars=1500)
    assert max(len(c.text) for c in chunks) <= 1500
    assert {p for c in chunks for p in c.pages} == set(range(1, 121))


def _typed(*blocks: tuple[str, str]) -> ParsedDocument:
    """A one-page document of typed elements, one per line."""
    text, elements = "", []
    for kind, block in blocks:
        if text:
            text += "\n"
        elements.append(Element(type=kind, start=len(text), end=len(text) + len(block), page=1))
        text += block
    return ParsedDocument(text=text, pages=[Page(number=1, start=0, end=len(text))], parser="test", elements=elements)


def test_a_table_is_never_split_even_when_longer_than_a_chunk():
    rows = "\n".join(f"item {i:03d}\t2\t10.00" for i in range(60))
    doc = _typed(("narrative_text", "Line items follow."), ("table", rows), ("narrative_text", "Thank you."))
    chunks = split(doc, chunk_chars=300)
    holding = [c for c in chunks if "item 000" in c.text or "item 059" in c.text]
    assert len(holding) == 1 and rows in holding[0].text
    assert all(doc.text[c.start : c.end] == c.text for c in chunks)


def test_a_heading_travels_with_its_section():
    body = "The seller shall deliver the goods. " * 6
    doc = _typed(("title", "Terms"), ("narrative_text", body), ("title", "Payment"), ("narrative_text", body), ("narrative_text", body))
    chunks = split(doc, chunk_chars=500)
    for chunk in chunks:
        assert not chunk.text.rstrip().endswith(("Terms", "Payment"))  # no chunk ends on a heading
    assert any(c.text.startswith("Payment\n") for c in chunks)


def test_page_headers_and_footers_are_not_retrieved():
    doc = _typed(("header", "ACME Corp letterhead"), ("narrative_text", "Total due: 15.00"), ("footer", "Page 1 of 1"))
    chunks = split(doc, chunk_chars=500)
    assert [c.text for c in chunks] == ["Total due: 15.00\n"]
