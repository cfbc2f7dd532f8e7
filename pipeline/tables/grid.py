"""Finding tables: as grids of cells located in the document text.

Office formats hand tables over as elements whose cells have offsets. PDFs and
scans only have word boxes; there a table is found in three steps:

1. lines: words whose vertical centres lie within half a word height;
2. segments: runs of words in a line separated by less than a gap of one word
   height (column gaps are wider than word spaces);
3. columns: a header line defines the columns: one whose segments match the
   labels of the record's fields, else one laid out as a header (``_laid_out``:
   titles over a first row that ends in an amount, for headers no label knows);
   each segment of the lines below goes to the column whose header it overlaps
   most (else the nearest), until a line starts with a label that ends the
   table (subtotal, total: the schema's other fields), a line breaks the first
   row's pattern (a table found by layout only: ``_breaks``) or the text leaves
   the page. A table continues onto the next page when its header is printed
   again, or when it did not end on the page before.

Where no page has a header, a table may print none: ``from_priced_lines`` reads runs of
lines that each start with words and end in an amount, the amounts right-aligned, as a
table whose columns are where those lines print (an item list with no column titles).

A header's titles may take two or three lines ("Service" over "Period"): lines of
titles only, close together, are read as one header line. Words many times the page's
text height (a "PAID" stamp) belong to no line. Wrapped descriptions and rows without a
value in some column are left as they are here: ``records`` decides which lines start a row.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from statistics import median

from rapidfuzz import fuzz

from pipeline.kinds.money import CURRENCY_MARK
from pipeline.state import BBox, Element, Page, ParsedDocument, Word

LABEL_MIN = 88  # rapidfuzz ratio for a header segment to be a field's label
ROW_GAP = 4.0  # a header's first row starts within this many header heights below it
# a word this many times the page's median word height is no text of a line: a stamp or a
# watermark printed across the page ("PAID", "DRAFT"); titles stay within about three
STAMP = 5.0
# an amount as tables print one: a number with cents, a currency beside it at most; not a
# count, code or date, which the lenient money parser would also read
AMOUNT = re.compile(r"\D{0,4}\d{1,3}(?:[.,' ]?\d{3})*[.,]\d{2}\D{0,4}")


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
    labelled: bool = True  # False: the header was found by its layout, no label vouches for it

    def follows(self, row: int) -> bool:
        """Whether row ``row`` sits right below the row before it (a wrapped line, not a new block).
        Measured in the taller line's height: a detail line printed smaller under an item's name
        ("Apr 16 – May 16, 2023") follows it at the item's line spacing, not its own."""
        if not self.line_tops or row == 0:
            return False
        return self.line_tops[row] - self.line_tops[row - 1] <= 2.0 * max(self.line_heights[row - 1 : row + 1])


def _height(word: Word) -> float:
    return word.bbox[3] - word.bbox[1]  # type: ignore[index]


@dataclass
class _Line:
    words: list[Word]

    @property
    def top(self) -> float:
        return min(w.bbox[1] for w in self.words)  # type: ignore[index]

    @property
    def height(self) -> float:
        return median(_height(w) for w in self.words)


def _text(run: list[Word]) -> str:
    return " ".join(w.text for w in run)


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
    return Cell(_text(words), parts)


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


def _printed(page: Page) -> list[Word]:
    """The page's located words, less stamps: a stamp's box spans several lines of a table and
    would join their words into one line, its letters into their cells."""
    located = [w for w in page.words if w.bbox]
    usual = median(_height(w) for w in located) if located else 0.0
    return [w for w in located if _height(w) <= STAMP * usual]


def lines(page: Page) -> list[_Line]:
    """The page's located words grouped into lines, top to bottom, each left to right."""
    words = sorted(_printed(page), key=lambda w: (w.bbox[1] + w.bbox[3]) / 2)  # type: ignore[index]
    out: list[list[Word]] = []
    for word in words:
        centre = (word.bbox[1] + word.bbox[3]) / 2  # type: ignore[index]
        if out:
            last = out[-1]
            last_centre = median((w.bbox[1] + w.bbox[3]) / 2 for w in last)  # type: ignore[index]
            if abs(centre - last_centre) <= 0.5 * median(_height(w) for w in last):
                last.append(word)
                continue
        out.append([word])
    return [_Line(sorted(ws, key=lambda w: w.bbox[0])) for ws in out]  # type: ignore[index]


def char_width(page_lines: list[_Line]) -> float:
    """The page's median width of a character, over its words of two characters or more."""
    widths = [
        (w.bbox[2] - w.bbox[0]) / len(w.text) for line in page_lines for w in line.words if len(w.text) >= 2  # type: ignore[index]
    ]
    return median(widths) if widths else 0.0


def segments(line: _Line, char: float = 0.0) -> list[list[Word]]:
    """A line's words split where the gap is wider than a word height, and wider than a
    character of the page (``char``): a monospaced font's space ("case of 500" in Courier) is as
    wide as a character, wider than its lowercase words are tall."""
    runs: list[list[Word]] = [[line.words[0]]]
    gap = max(line.height, 1.5 * char)
    for word in line.words[1:]:
        # a comma or a stop is drawn narrower than its place: the gap after it looks wider
        narrow = 0.5 * char if runs[-1][-1].text.endswith((",", ".", ";")) else 0.0
        if word.bbox[0] - runs[-1][-1].bbox[2] > gap + narrow:  # type: ignore[index]
            runs.append([])
        runs[-1].append(word)
    return runs


def _readings(text: str) -> list[str]:
    """A header text folded for matching, and its alternatives: a title may name the column's
    currency ("Amount (EUR)", "Total USD"), which no label spells, or give two names for it
    ("Description / Memo"), either of which a label may be."""
    words = text.casefold().replace(".", " ").replace(":", " ").split()
    folded = " ".join(w for w in words if not CURRENCY_MARK.fullmatch(w.strip("()[]"))) or " ".join(words)
    parts = [" ".join(part.split()) for part in folded.split("/")]
    return [folded] + [part for part in parts if part and len(parts) > 1]


def label_of(text: str, labels: dict[str, tuple[str, ...]]) -> str | None:
    """The field whose label this header text is, if any (longest label first, fuzzily)."""
    best, score = None, 0.0
    for folded in _readings(text):
        for name, aliases in labels.items():
            for alias in aliases:
                alias = " ".join(alias.replace(".", " ").replace(":", " ").split())  # folded as the header is ("q.tà")
                s = fuzz.ratio(folded, alias) if len(folded) > 3 else (100.0 if folded == alias else 0.0)
                if s >= LABEL_MIN and (s, len(alias)) > (score, 0):
                    best, score = name, s
    return best


# words a header prints around a label that say nothing of the column: "Country of origin"
_FILLER = frozenset("of the and in per".split())


def _header_words(text: str) -> set[str]:
    from pipeline.infer import spelled  # short forms written out: "Ref." is "reference"

    return set(spelled(text)) - _FILLER


def label_within(text: str, labels: dict[str, tuple[str, ...]]) -> str | None:
    """The field one of whose labels a header prints among other words, in any order: "Test
    Description" holds "test", "Country of origin" "origin country", "Biological Ref. Range"
    "reference range", "Net weight (kg)" "weight kg". The field of the label with the most words;
    None where two fields' labels are as long (the header names neither more than the other)."""
    printed = _header_words(text)
    best: dict[str, int] = {}
    for name, aliases in labels.items():
        for alias in aliases:
            own = _header_words(alias)
            if own and own <= printed and any(len(w) > 2 for w in own):
                best[name] = max(best.get(name, 0), len(own))
    ranked = sorted(best.items(), key=lambda item: -item[1])
    if not ranked or (len(ranked) > 1 and ranked[1][1] == ranked[0][1]):
        return None
    return ranked[0][0]


def header_label(text: str, labels: dict[str, tuple[str, ...]]) -> str | None:
    """The field a header text names: as a whole (:func:`label_of`), else among its words."""
    return label_of(text, labels) or label_within(text, labels)


def _is_header(runs: list[list[Word]], labels: dict[str, tuple[str, ...]], stops: tuple[str, ...]) -> bool:
    """Whether a line is a header the record's labels name. Not one that starts with a label
    ending a table ("Net amount | VAT rate | Tax | Gross value"): a summary of the totals, whose
    row would read as a line; a table of lines starts with what the line is."""
    named = {header_label(_text(run), labels) for run in runs} - {None}
    return len(named) >= 2 and len(named) * 2 >= len(runs) and not is_stop(_text(runs[0]), stops)


def is_stop(text: str, stops: tuple[str, ...]) -> bool:
    """Whether a line's first cell is a label that ends a table ("Subtotal", "Total (EUR):",
    "Subtotal in EUR"), not a description that merely begins with one ("Tax consulting")."""
    folded = " ".join(text.casefold().split())
    return any(
        folded.startswith(stop) and re.fullmatch(r"[\W\d_]*(?:(?:in )?[a-z]{3}\b[\W\d_]*)?", folded[len(stop) :]) is not None
        for stop in stops
    )


def _spans(header: list[list[Word]]) -> list[tuple[float, float]]:
    """The horizontal extent of each header segment: one per column (a title over two lines
    reaches as far as its wider line)."""
    return [(min(w.bbox[0] for w in run), max(w.bbox[2] for w in run)) for run in header]  # type: ignore[index]


def _titles(runs: list[list[Word]]) -> bool:
    return not any(c.isdigit() for run in runs for c in _text(run))


def _stack(header: list[list[Word]], runs: list[list[Word]]) -> list[list[Word]] | None:
    """A header with a line of titles below it added: each title to the one it stands under, or
    as a column of its own where it stands under none; None where a title spans two columns
    (a caption or a heading, no part of the header)."""
    spans = _spans(header)
    out = [list(run) for run in header]
    for run in runs:
        x0, x1 = run[0].bbox[0], run[-1].bbox[2]  # type: ignore[index]
        over = [k for k, (low, high) in enumerate(spans) if min(x1, high) > max(x0, low)]
        if len(over) > 1:
            return None
        if over:
            out[over[0]] += run
        else:
            out.append(list(run))
    return sorted(out, key=lambda run: min(w.bbox[0] for w in run))  # type: ignore[index]


def _split_titles(runs: list[list[Word]], labels: dict[str, tuple[str, ...]]) -> list[list[Word]]:
    """Titles of two columns printed too close to part ("Prezzo Importo", "Qtd. Preço unit. IVA"):
    a segment no label names is parted into the longest runs of its words that labels name, a
    word no label names standing alone, where two different fields are named so."""
    out = []
    for run in runs:
        if len(run) > 1 and _titles([run]) and label_of(_text(run), labels) is None:
            parts, named, i = [], [], 0
            while i < len(run):
                j = next((j for j in range(len(run), i, -1) if label_of(_text(run[i:j]), labels)), i + 1)
                parts.append(run[i:j])
                named.append(label_of(_text(run[i:j]), labels))
                i = j
            found = [n for n in named if n]
            if len(found) >= 2 and len(set(found)) == len(found):
                out += parts
                continue
        out.append(run)
    return out


def _header_lines(page_lines: list[_Line], page_runs: list[list[list[Word]]], i: int) -> tuple[list[list[Word]], int]:
    """The header that line ``i`` may start, as segments, and the index of its last line. Its
    titles can take two or three lines ("Service" over "Period", "Unit" over "Price", "PRODUCT"
    printed between "AMOUNT" and its currencies): lines of titles only, each within two line
    heights of the one above, are read as one header line."""
    runs, last = page_runs[i], i
    while _titles(runs) and last + 1 < len(page_lines) and _titles(page_runs[last + 1]):
        if page_lines[last + 1].top - page_lines[last].top > 2.0 * page_lines[last].height:
            break
        stacked = _stack(runs, page_runs[last + 1])
        if stacked is None:
            break
        runs, last = stacked, last + 1
    return runs, last


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
        at = _column(run[0].bbox[0], run[-1].bbox[2], columns)  # type: ignore[index]
        # right of the last title, beside a value under it: a column no title names (the amount
        # printed again, a gross beside the net), not more of that value
        if not (row[at] and run[0].bbox[0] > columns[-1][1]):  # type: ignore[index]
            row[at] += run
    return [_cell(document, ws) if ws else None for ws in row]


def is_words(text: str) -> bool:
    """Whether a text is words rather than a figure ("Net amount", "Page 1 of 2"; not "1 pcs."
    nor "USD 40.25"): more letters than digits."""
    return sum(c.isalpha() for c in text) > sum(c.isdigit() for c in text)


def _laid_out(runs: list[list[Word]], below: list[list[Word]], stops: tuple[str, ...]) -> dict[int, float] | None:
    """Whether a line is a table header by its layout alone (for headers the schema's labels do
    not know): three or more titles without figures, over a first row whose segments fall into
    distinct columns, with words before its first amount and an amount under the last title.
    A letterhead, an address block or a totals block lacks one of these: titles, a row of
    columns, an amount; a summary of net, tax and gross amounts starts with an amount.
    Returns the columns the first row prints words in, with their left edges (None: no header)."""
    if len(runs) < 3 or len(below) < 2 or any(c.isdigit() for run in runs for c in _text(run)):
        return None
    if is_stop(_text(runs[0]), stops) or is_stop(_text(below[0]), stops):
        return None
    spans = _spans(runs)
    taken = [_column(run[0].bbox[0], run[-1].bbox[2], spans) for run in below]  # type: ignore[index]
    amounts = [k for k, run in enumerate(below) if AMOUNT.fullmatch(_text(run))]
    if (
        len(set(taken)) == len(taken) and taken[-1] == len(spans) - 1 and amounts and amounts[-1] == len(below) - 1
        and any(is_words(_text(run)) for run in below[: amounts[0]])
    ):
        return {i: run[0].bbox[0] for i, run in zip(taken, below) if is_words(_text(run))}  # type: ignore[index]
    return None


def _breaks(runs: list[list[Word]], columns: list[tuple[float, float]], worded: dict[int, float], height: float) -> bool:
    """Whether a line leaves the pattern of the first row of a table found by layout: words in
    a column where that row has none, or not lined up with its words there. So ends such a
    table at the totals below it ("Net amount", "Subtotal in EUR"), which the schema's stop
    labels need not know, or at a footer ("Page 1 of 2"). A line of words only, indented under
    the row's words in their column, is a detail of the row above ("• Site address: …"), not a
    break; a totals line prints an amount."""
    detail = not any(AMOUNT.fullmatch(_text(run)) for run in runs)
    for run in runs:
        if is_words(_text(run)):
            at = _column(run[0].bbox[0], run[-1].bbox[2], columns)  # type: ignore[index]
            indent = run[0].bbox[0] - worded[at] if at in worded else None  # type: ignore[index]
            if indent is None or (indent < -height if detail else abs(indent) > height):
                return True
    return False


def from_words(document: ParsedDocument, labels: dict[str, tuple[str, ...]], stops: tuple[str, ...]) -> list[Grid]:
    """Tables found on the pages' word boxes, one grid per page a table is on."""
    grids: list[Grid] = []
    columns: list[tuple[float, float]] | None = None  # of a table still open from the page before
    header_texts: list[str] = []
    worded: dict[int, float] | None = None  # of a table found by layout: where its first row has words
    for page in document.pages:
        totalled = False  # a table on this page has come to its totals
        rows: list[list[Cell | None]] = []
        tops: list[float] = []
        heights: list[float] = []

        def close() -> None:
            if rows:
                grids.append(Grid(page.number, list(rows), header_texts, list(tops), list(heights), worded is None))
            rows.clear()
            tops.clear()
            heights.clear()

        page_lines = lines(page)
        char = char_width(page_lines)
        page_runs = [segments(line, char) for line in page_lines]
        done = -1  # the last line of a header read over several lines
        for i, (line, runs) in enumerate(zip(page_lines, page_runs)):
            if i <= done:
                continue
            header, last = _header_lines(page_lines, page_runs, i)
            header = _split_titles(header, labels)
            labelled = _is_header(header, labels, stops)
            near = last + 1 < len(page_lines) and page_lines[last + 1].top - page_lines[last].top <= ROW_GAP * page_lines[last].height
            laid_out = None if labelled or totalled or not near else _laid_out(header, page_runs[last + 1], stops)
            if labelled or laid_out is not None:
                close()
                columns, worded, done = _spans(header), laid_out, last
                header_texts = [_text(run) for run in header]
                continue
            stop = is_stop(_text(runs[0]), stops)
            # below a table's totals on its page, a table no label vouches for sums them up (VAT,
            # payments): no lines; a header printed again on the next page opens the table again
            totalled = totalled or (stop and (columns is not None or any(g.page == page.number for g in grids)))
            if columns is None:
                continue
            if stop or (worded is not None and _breaks(runs, columns, worded, line.height)):
                close()
                columns = None
                continue
            rows.append(_row(document, runs, columns))
            tops.append(line.top)
            heights.append(line.height)
        close()
    return grids


def _priced(runs: list[list[Word]], stops: tuple[str, ...]) -> bool:
    """Whether a line reads like an item without column titles: words, then an amount with cents
    at its end ("Managers | 2 @ $24.00 | $48.00"), not a label that ends a table."""
    return len(runs) >= 2 and is_words(_text(runs[0])) and not is_stop(_text(runs[0]), stops) and AMOUNT.fullmatch(_text(runs[-1])) is not None


def _bands(block: list[list[list[Word]]]) -> list[tuple[float, float]]:
    """The columns of lines without a header: their segments' extents, merged where they overlap."""
    spans = sorted((run[0].bbox[0], run[-1].bbox[2]) for runs in block for run in runs)  # type: ignore[index]
    bands = [spans[0]]
    for x0, x1 in spans[1:]:
        if x0 <= bands[-1][1]:
            bands[-1] = (bands[-1][0], max(bands[-1][1], x1))
        else:
            bands.append((x0, x1))
    return bands


def _next_item(above: _Line, above_runs: list[list[Word]], line: _Line, runs: list[list[Word]]) -> bool:
    """Whether a line continues the list of items above it: a few line heights below, its amount
    right-aligned with the one above (within a line height)."""
    right = above_runs[-1][-1].bbox[2]  # type: ignore[index]
    return line.top - above.top <= ROW_GAP * above.height and abs(runs[-1][-1].bbox[2] - right) <= line.height  # type: ignore[index]


def from_priced_lines(document: ParsedDocument, stops: tuple[str, ...]) -> list[Grid]:
    """Tables that print no column titles, for a document where no header was found: two or more
    lines in a row, each within a few line heights of the one before, that start with words and
    end in an amount, their amounts' right edges within a line height of each other. A block of
    totals is none: its lines start with labels that end a table."""
    grids: list[Grid] = []
    for page in document.pages:
        page_lines = lines(page)
        char = char_width(page_lines)
        page_runs = [segments(line, char) for line in page_lines]
        blocks: list[list[int]] = []
        for i, (line, runs) in enumerate(zip(page_lines, page_runs)):
            if not _priced(runs, stops):
                continue
            if blocks and blocks[-1][-1] == i - 1 and _next_item(page_lines[i - 1], page_runs[i - 1], line, runs):
                blocks[-1].append(i)
            else:
                blocks.append([i])
        for block in (b for b in blocks if len(b) >= 2):
            bands = _bands([page_runs[k] for k in block])
            grids.append(Grid(
                page.number, [_row(document, page_runs[k], bands) for k in block], [],
                [page_lines[k].top for k in block], [page_lines[k].height for k in block], labelled=False,
            ))
    return grids
