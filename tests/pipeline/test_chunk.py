from pipeline.chunk import split
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
