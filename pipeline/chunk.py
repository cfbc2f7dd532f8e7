"""Chunking: slices of the document small enough for one model call.

Documents parsed into typed elements (office formats, HTML, e-mail, text) are
chunked along them: a table is never split (a long one is a chunk of its own,
however long), a heading starts a chunk with its section rather than ending
the one before it, and page headers and footers are left out of every chunk,
so a letterhead repeated on each page is not retrieved as content.

Other documents (PDF pages, OCR) split on page breaks first, then blank lines,
then line ends, and only then inside a line, so a table row or a "Label: value"
line stays whole unless it is longer than a chunk by itself; the overlap keeps a
label on one line with a value on the next together in at least one chunk.
Every chunk keeps its offsets into the document text and the pages it spans, so
the cascade can send a model only the chunks relevant to a field and evidence
maps back to pages.
"""

from __future__ import annotations

from pipeline.state import PAGE_BREAK, Chunk, DocumentState, Element, ParsedDocument, Stage

SEPARATORS = [PAGE_BREAK, "\n\n", "\n", ". ", " ", ""]
NOT_RETRIEVED = {"header", "footer"}  # page furniture
HEADINGS = {"title"}


def _chunk(document: ParsedDocument, index: int, start: int, end: int) -> Chunk:
    pages = sorted({p.number for p in document.pages if p.start < end and p.end >= start})
    return Chunk(index=index, start=start, end=end, pages=pages, text=document.text[start:end])


def _by_characters(document: ParsedDocument, chunk_chars: int, overlap_chars: int, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    from langchain_text_splitters import RecursiveCharacterTextSplitter  # loads langchain-core: only when splitting

    splitter = RecursiveCharacterTextSplitter(
        chunk_size=chunk_chars,
        chunk_overlap=min(overlap_chars, chunk_chars // 4),
        separators=SEPARATORS,
        keep_separator="end",
        add_start_index=True,
        strip_whitespace=False,
    )
    pieces = splitter.create_documents([document.text[start:end]])
    return [(start + p.metadata["start_index"], start + p.metadata["start_index"] + len(p.page_content)) for p in pieces]


def _units(document: ParsedDocument) -> list[tuple[int, int, str]]:
    """(start, end, type) of each element, extended over the separator after it; furniture dropped."""
    elements: list[Element] = sorted(document.elements, key=lambda e: e.start)
    units = []
    for i, element in enumerate(elements):
        end = elements[i + 1].start if i + 1 < len(elements) else len(document.text)
        if element.type not in NOT_RETRIEVED:
            units.append((element.start, max(end, element.end), element.type))
    return units


def _sections(units: list[tuple[int, int, str]]) -> list[list[tuple[int, int, str]]]:
    """Runs of contiguous units, each heading starting a new run (dropped furniture also ends one)."""
    sections: list[list[tuple[int, int, str]]] = []
    for unit in units:
        if not sections or unit[2] in HEADINGS or sections[-1][-1][1] != unit[0]:
            sections.append([])
        sections[-1].append(unit)
    return sections


def _by_elements(document: ParsedDocument, chunk_chars: int, overlap_chars: int) -> list[tuple[int, int]]:
    """Whole sections packed into chunks; a section too long for one is packed unit by unit."""
    spans: list[tuple[int, int]] = []
    for section in _sections(_units(document)):
        start, end = section[0][0], section[-1][1]
        if spans and spans[-1][1] == start and end - spans[-1][0] <= chunk_chars:
            spans[-1] = (spans[-1][0], end)  # the section fits in the chunk before it
            continue
        chunk_start, heading_only = None, False
        for unit_start, unit_end, kind in section:
            # a heading alone is never flushed: it travels with what follows, even over the size
            if chunk_start is not None and not heading_only and unit_end - chunk_start > chunk_chars:
                spans.append((chunk_start, unit_start))
                chunk_start = None
            heading_only = chunk_start is None and kind in HEADINGS
            if unit_end - unit_start > chunk_chars and kind != "table":  # one long paragraph: by characters
                pieces = _by_characters(document, chunk_chars, overlap_chars, unit_start, unit_end)
                if chunk_start is not None:  # the heading before it leads its first piece
                    pieces[0] = (chunk_start, pieces[0][1])
                spans += pieces
                chunk_start = None
                continue
            chunk_start = unit_start if chunk_start is None else chunk_start
        if chunk_start is not None:
            spans.append((chunk_start, end))
    return spans


def split(document: ParsedDocument, chunk_chars: int = 1500, overlap_chars: int = 200) -> list[Chunk]:
    if document.elements:
        spans = _by_elements(document, chunk_chars, overlap_chars)
    else:
        spans = _by_characters(document, chunk_chars, overlap_chars)
    return [_chunk(document, i, start, end) for i, (start, end) in enumerate(spans)]


def chunk(state: DocumentState, chunk_chars: int = 1500) -> DocumentState:
    """Stage: ``state.chunks`` cover the document (less page headers and footers)."""
    if state.parsed is None:
        return state
    return state.model_copy(update={"chunks": split(state.parsed, chunk_chars), "stage": Stage.chunked})
