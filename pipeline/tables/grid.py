"""Finding tables: as grids of cells located in the document text.

Office formats hand tables over as elements whose cells have offsets. PDFs and
scans only have word boxes; there a table is found in three steps:

1. lines: words whose vertical centres lie within half a word height;
2. segments: runs of words in a line separated by less than a gap of one word
   height (column gaps are wider than word spaces);
3. columns: a header line, whose segments match the labels of the record's
   fields, defines the columns; each segment of the lines below goes to the
   column whose header it overlaps most (else the nearest), until a line starts with
   a label that ends the table (subtotal, total: the schema's other fields) or
   the text leaves the page. A table continues onto the next page when its
   header is printed again, or when it did not end on the page before.

Wrapped descriptions and rows without a value in some column are left as they
are here: ``records`` decides which lines start a row.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from statistics import median

from rapidfuzz import fuzz

from pipeline.state import BBox, Element, Page, ParsedDocument, Word

LABEL_MIN = 88  # rapidfuzz ratio for a header segment to be a field's label


@dataclass
class Cell:
    """A cell's text and where it stands: one (start, end, box) part per run of words that are
    contiguous in the document text (a PDF's text order need not follow its columns)."""

    text: str
    parts: list[tuple[int, int, BBox | None]]


@dataclass
class Grid:
    """A table: its rows of cells (None where a row has nothing in a column), page and header."""

    page: int
    rows: list[list[Cell | None]]
    header: list[str] = field(default_factory=list)  # the header row's texts, '' where none
    # per row of a word-box table: the line's top and height, to tell a wrapped line from a gap
    line_tops: list[float] = field(default_factory=list)
    line_heights: list[float] = field(default_factory=list)

    def follows(self, row: int) -> bool:
        """Whether row ``row`` sits right below the row before it (a wrapped line, not a new block)."""
        if not self.line_tops or row == 0:
            return False
        return self.line_tops[row] - self.line_tops[row - 1] <= 2.0 * self.line_heights[row]


@dataclass
class _Line:
    words: list[Word]

    @property
    def top(self) -> float:
        return min(w.bbox[1] for w in self.words)  # type: ignore[index]

    @property
    def height(self) -> float:
        return median(w.bbox[3] - w.bbox[1] for w in self.words)  # type: ignore[index]


def _cell(document: ParsedDocument, words: list[Word]) -> Cell:
    runs: list[list[Word]] = []
    for word in sorted(words, key=lambda w: w.start):
        if runs and document.text[runs[-1][-1].end : word.start].strip() == "":
            runs[-1].append(word)
        else:
            runs.append([word])
    parts = []
    for run in runs:
        boxes = [w.bbox for w in run if w.bbox]
        bbox = (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes)) if boxes else None
        parts.append((run[0].start, run[-1].end, bbox))
    return Cell(" ".join(w.text for w in words), parts)


def from_element(document: ParsedDocument, element: Element) -> Grid:
    """A table element's cells as a grid; its first row is the header."""
    n_rows = max((c.row for c in element.cells), default=-1) + 1
    n_cols = max((c.col for c in element.cells), default=-1) + 1
    rows: list[list[Cell | None]] = [[None] * n_cols for _ in range(n_rows)]
    for c in element.cells:
        if c.end > c.start:
            rows[c.row][c.col] = Cell(document.text[c.start : c.end], [(c.start, c.end, c.bbox)])
    header = [cell.text if cell else "" for cell in rows[0]] if rows else []
    return Grid(page=element.page, rows=rows[1:], header=header)


def lines(page: Page) -> list[_Line]:
    """The page's located words grouped into lines, top to bottom, each left to right."""
    words = sorted((w for w in page.words if w.bbox), key=lambda w: (w.bbox[1] + w.bbox[3]) / 2)  # type: ignore[index]
    out: list[list[Word]] = []
    for word in words:
        centre = (word.bbox[1] + word.bbox[3]) / 2  # type: ignore[index]
        if out:
            last = out[-1]
            last_centre = median((w.bbox[1] + w.bbox[3]) / 2 for w in last)  # type: ignore[index]
            if abs(centre - last_centre) <= 0.5 * median(w.bbox[3] - w.bbox[1] for w in last):  # type: ignore[index]
                last.append(word)
                continue
        out.append([word])
    return [_Line(sorted(ws, key=lambda w: w.bbox[0])) for ws in out]  # type: ignore[index]


def segments(line: _Line) -> list[list[Word]]:
    """A line's words split where the gap is wider than a word height."""
    runs: list[list[Word]] = [[line.words[0]]]
    gap = line.height
    for word in line.words[1:]:
        if word.bbox[0] - runs[-1][-1].bbox[2] > gap:  # type: ignore[index]
            runs.append([])
        runs[-1].append(word)
    return runs


def label_of(text: str, labels: dict[str, tuple[str, ...]]) -> str | None:
    """The field whose label this header text is, if any (longest label first, fuzzily)."""
    folded = " ".join(text.casefold().replace(".", " ").replace(":", " ").split())
    best, score = None, 0.0
    for name, aliases in labels.items():
        for alias in aliases:
            s = fuzz.ratio(folded, alias) if len(folded) > 3 else (100.0 if folded == alias else 0.0)
            if s >= LABEL_MIN and (s, len(alias)) > (score, 0):
                best, score = name, s
    return best


def _is_header(runs: list[list[Word]], labels: dict[str, tuple[str, ...]]) -> bool:
    named = {label_of(" ".join(w.text for w in run), labels) for run in runs} - {None}
    return len(named) >= 2 and len(named) * 2 >= len(runs)


def is_stop(text: str, stops: tuple[str, ...]) -> bool:
    """Whether a line's first cell is a label that ends a table ("Subtotal", "Total (EUR):"),
    not a description that merely begins with one ("Tax consulting")."""
    folded = " ".join(text.casefold().split())
    return any(
        folded.startswith(stop) and re.fullmatch(r"[\W\d_]*(?:[a-z]{3}\b[\W\d_]*)?", folded[len(stop) :]) is not None
        for stop in stops
    )


def _spans(header: list[list[Word]]) -> list[tuple[float, float]]:
    """The horizontal extent of each header segment: one per column."""
    return [(run[0].bbox[0], run[-1].bbox[2]) for run in header]  # type: ignore[index]


def _column(x0: float, x1: float, columns: list[tuple[float, float]]) -> int:
    """The column a segment belongs to: the header it overlaps most, else the nearest one.
    Segments, not words: a long description line stays in its column even where it reaches
    past the midpoint to the next header, and right-aligned numbers sit under theirs."""
    overlaps = [min(x1, high) - max(x0, low) for low, high in columns]
    best = max(range(len(columns)), key=lambda i: overlaps[i])
    if overlaps[best] > 0:
        return best
    return min(range(len(columns)), key=lambda i: max(columns[i][0] - x1, x0 - columns[i][1]))


def _row(document: ParsedDocument, runs: list[list[Word]], columns: list[tuple[float, float]]) -> list[Cell | None]:
    row: list[list[Word]] = [[] for _ in columns]
    for run in runs:
        row[_column(run[0].bbox[0], run[-1].bbox[2], columns)] += run  # type: ignore[index]
    return [_cell(document, ws) if ws else None for ws in row]


def from_words(document: ParsedDocument, labels: dict[str, tuple[str, ...]], stops: tuple[str, ...]) -> list[Grid]:
    """Tables found on the pages' word boxes, one grid per page a table is on."""
    grids: list[Grid] = []
    columns: list[tuple[float, float]] | None = None  # of a table still open from the page before
    header_texts: list[str] = []
    for page in document.pages:
        rows: list[list[Cell | None]] = []
        tops: list[float] = []
        heights: list[float] = []
        for line in lines(page):
            runs = segments(line)
            if _is_header(runs, labels):
                if rows:
                    grids.append(Grid(page.number, rows, header_texts, tops, heights))
                    rows, tops, heights = [], [], []
                columns = _spans(runs)
                header_texts = [" ".join(w.text for w in run) for run in runs]
                continue
            if columns is None:
                continue
            if is_stop(" ".join(w.text for w in runs[0]), stops):
                if rows:
                    grids.append(Grid(page.number, rows, header_texts, tops, heights))
                rows, tops, heights, columns = [], [], [], None
                continue
            rows.append(_row(document, runs, columns))
            tops.append(line.top)
            heights.append(line.height)
        if rows:
            grids.append(Grid(page.number, rows, header_texts, tops, heights))
    return grids
