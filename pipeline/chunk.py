"""Chunking: slices of the document small enough for one model call.

Splits on page breaks first, then blank lines, then line ends, and only then
inside a line, so a table row or a "Label: value" line stays whole unless it is
longer than a chunk by itself; the overlap keeps a label on one line with a value
on the next together in at least one chunk. Every chunk keeps its offsets into
the document text and the pages it spans, so the cascade can send a model only
the chunks relevant to a field and evidence maps back to pages.
"""

from __future__ import annotations

from langchain_text_splitters import RecursiveCharacterTextSplitter

from pipeline.state import PAGE_BREAK, Chunk, DocumentState, ParsedDocument, Stage

SEPARATORS = [PAGE_BREAK, "\n\n", "\n", ". ", " ", ""]


def split(document: ParsedDocument, chunk_chars: int = 1500, overlap_chars: int = 200) -> list[Chunk]:
    splitter = RecursiveCharacterTextSplitter(
        chunk_size=chunk_chars,
        chunk_overlap=min(overlap_chars, chunk_chars // 4),
        separators=SEPARATORS,
        keep_separator="end",
        add_start_index=True,
        strip_whitespace=False,
    )
    chunks = []
    for i, piece in enumerate(splitter.create_documents([document.text])):
        start = piece.metadata["start_index"]
        end = start + len(piece.page_content)
        pages = sorted({p.number for p in document.pages if p.start < end and p.end >= start})
        chunks.append(Chunk(index=i, start=start, end=end, pages=pages, text=piece.page_content))
    return chunks


def chunk(state: DocumentState, chunk_chars: int = 1500) -> DocumentState:
    """Stage: ``state.chunks`` cover the whole document."""
    if state.parsed is None:
        return state
    return state.model_copy(update={"chunks": split(state.parsed, chunk_chars), "stage": Stage.chunked})
