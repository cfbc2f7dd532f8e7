"""Lines, rows and evidence spans over a parsed document.

The rules extractor reasons in lines (a label and its value usually share one)
and, when the parser kept word boxes, in *rows*: lines whose boxes overlap
vertically on the same page, so "TOTAL:" and "9.00" printed far apart (and
emitted as separate OCR rows, possibly far apart in the text) still read as
one row. Every offset indexes ``ParsedDocument.text``.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Iterable

from rapidfuzz import fuzz, process

from pipeline.state import BBox, Page, ParsedDocument, Span, Word


def union(boxes: list[BBox]) -> BBox | None:
    """The smallest box holding all ``boxes`` (None when there are none)."""
    if not boxes:
        return None
    lefts, tops, rights, bottoms = zip(*boxes)
    return min(lefts), min(tops), max(rights), max(bottoms)


@dataclass
class Line:
    """One line of text (between newlines) with its place on the page."""

    index: int  # position in reading (text) order over the whole document
    page: int
    start: int
    end: int
    text: str
    bbox: BBox | None = None
    row: int = -1  # index of the Row this line belongs to
    words: list[Word] = field(default_factory=list)

    _windows: dict[int, list[tuple[int, int, str]]] = field(default_factory=dict, repr=False)
    _tokens: list[tuple[int, int, str]] | None = field(default=None, repr=False, compare=False)

    def windows(self, n: int) -> list[tuple[int, int, str]]:
        """(start, end, words) for every run of ``n`` words, line-relative, lower-cased."""
        if n not in self._windows:
            if self._tokens is None:  # the line's words, read once for every window length
                self._tokens = [(m.start(), m.end(), m.group().casefold()) for m in _TOKEN.finditer(self.text)]
            tokens = self._tokens
            words = [t[2] for t in tokens]
            self._windows[n] = [
                (tokens[i][0], tokens[i + n - 1][1], " ".join(words[i : i + n]) if n > 1 else words[i])
                for i in range(len(tokens) - n + 1)
            ]
        return self._windows[n]


@dataclass
class Row:
    """Lines that sit side by side on one page, left to right."""

    index: int
    page: int
    lines: list[Line]
    bbox: BBox | None = None


class Layout:
    """Lines and rows of a document, plus span construction with page and box."""

    def __init__(self, document: ParsedDocument):
        self.document = document
        self._word_starts: dict[int, list[int]] = {
            p.number: [w.start for w in p.words] for p in document.pages
        }
        self.lines = self._lines()
        self.rows = self._rows()
        self.has_boxes = any(line.bbox for line in self.lines)
        # page extent for relative positions: the page size, else the words' extent
        self._extent = {p.number: self._page_extent(p) for p in document.pages}
        self._page_lines: dict[int, tuple[int, int]] = {}  # page -> (index of its first line, count)
        for line in self.lines:
            first, count = self._page_lines.get(line.page, (line.index, 0))
            self._page_lines[line.page] = (first, count + 1)

    # -- construction -------------------------------------------------------

    def _lines(self) -> list[Line]:
        text = self.document.text
        lines: list[Line] = []
        for page in self.document.pages:
            for m in re.finditer(r"[^\n\f]+", text[page.start : page.end]):
                start, end = page.start + m.start(), page.start + m.end()
                if not m.group().strip():
                    continue
                for words in _columns(self.words_in(page, start, end), text):
                    s, e = (max(words[0].start, start), min(words[-1].end, end)) if words else (start, end)
                    lines.append(
                        Line(
                            index=len(lines),
                            page=page.number,
                            start=s,
                            end=e,
                            text=text[s:e],
                            bbox=union([w.bbox for w in words if w.bbox]),
                            words=words,
                        )
                    )
        return lines

    def _rows(self) -> list[Row]:
        """Group lines whose boxes overlap vertically by at least half the smaller height.

        Without boxes each line is its own row (text order is all we know).
        """
        rows: list[Row] = []
        by_page: dict[int, list[Line]] = {}
        for line in self.lines:
            by_page.setdefault(line.page, []).append(line)
        for page, lines in by_page.items():
            boxed = sorted((ln for ln in lines if ln.bbox), key=lambda ln: ln.bbox[1])
            groups: list[list[Line]] = []
            # [bottom-most edge, group] of the groups a line may still join: lines come top
            # first, so a group ending above a line's top overlaps neither it nor any later
            # line. Dropping those keeps a long page linear; the first group that overlaps
            # wins, as among all groups.
            open_groups: list[list] = []
            for line in boxed:
                top, bottom = line.bbox[1], line.bbox[3]
                open_groups = [g for g in open_groups if g[0] >= top]
                for g in open_groups:
                    if any(_same_row(line.bbox, other.bbox) for other in g[1]):
                        g[1].append(line)
                        g[0] = max(g[0], bottom)
                        break
                else:
                    groups.append([line])
                    open_groups.append([bottom, groups[-1]])
            groups += [[ln] for ln in lines if not ln.bbox]
            groups.sort(key=lambda g: min(ln.index for ln in g) if not g[0].bbox else g[0].bbox[1])
            for group in groups:
                group.sort(key=lambda ln: ln.bbox[0] if ln.bbox else ln.index)
                row = Row(len(rows), page, group, union([ln.bbox for ln in group if ln.bbox]))
                for ln in group:
                    ln.row = row.index
                rows.append(row)
        return rows

    @staticmethod
    def _page_extent(page: Page) -> BBox | None:
        if page.width and page.height:
            return (0.0, 0.0, page.width, page.height)
        return union([w.bbox for w in page.words if w.bbox])

    # -- queries -------------------------------------------------------------

    def words_in(self, page: Page, start: int, end: int) -> list[Word]:
        """The page's words overlapping ``[start, end)``."""
        starts = self._word_starts.get(page.number, [])
        # words are in text order: the one starting at or before ``start`` up to the last starting before ``end``
        first, stop = max(bisect.bisect_right(starts, start) - 1, 0), bisect.bisect_left(starts, end)
        return [w for w in page.words[first:stop] if w.end > start]

    def span(self, start: int, end: int) -> Span:
        """Evidence for ``text[start:end]``, with its page and the box of the words it covers."""
        page = self.document.page_at(start)
        boxes = [w.bbox for w in self.words_in(page, start, end) if w.bbox]
        return Span(
            page=page.number,
            start=start,
            end=end,
            text=self.document.text[start:end],
            bbox=union(boxes),
        )

    def relative_y(self, line: Line) -> float:
        """Where the line sits from top (0) to bottom (1) of its page.

        Uses boxes when there are any, else the line's rank among the page's lines.
        """
        extent = self._extent.get(line.page)
        if line.bbox and extent and extent[3] > extent[1]:
            return min(max((line.bbox[1] - extent[1]) / (extent[3] - extent[1]), 0.0), 1.0)
        first, count = self._page_lines[line.page]
        return (line.index - first) / (count - 1) if count > 1 else 0.0

    def one_printed_line(self, a: Line, b: Line) -> bool:
        """``a`` and ``b`` are parts of one text line (columns a wide gap parts, see
        ``_columns``): a label and its value across the gap are as near as on one line."""
        first, last = (a, b) if a.start <= b.start else (b, a)
        return a is b or (a.page == b.page and "\n" not in self.document.text[first.end : last.start])

    def row_of(self, line: Line) -> Row:
        return self.rows[line.row]

    def next_rows(self, line: Line, count: int = 2) -> list[Row]:
        """The rows below ``line``'s row on the same page, nearest first."""
        row = self.rows[line.row]
        return [r for r in self.rows[row.index + 1 : row.index + 1 + count] if r.page == row.page]


COLUMN_GAP = 2.0  # a gap between words wider than this many line heights parts two columns


def _columns(words: list[Word], text: str) -> list[list[Word]]:
    """A text line's words split where a wide gap parts them: a PDF's text layer joins what two
    columns print side by side ("VENDOR SHIP TO", a label's block beside another's) with one
    space, as OCR does not; each column is a line of its own, the two one row. Where the text
    itself shows the gap (plain text's run of spaces, ``_TEXT_GAP``), the line stays whole and
    is read by its gaps, as a text without word boxes is."""
    if not words:
        return [words]
    out = [[words[0]]]
    for a, b in zip(words, words[1:]):
        wide = a.bbox and b.bbox and b.bbox[0] - a.bbox[2] > COLUMN_GAP * max(a.bbox[3] - a.bbox[1], b.bbox[3] - b.bbox[1])
        shown = _TEXT_GAP.search(text[a.end : b.start])
        if wide and not shown and not b.text.startswith(":"):  # a colon set apart ("Room No.   : 1207") still ends its label
            out.append([])
        out[-1].append(b)
    return out


_TEXT_GAP = re.compile(r"\s{3,}|\t")  # how plain text sets columns apart


def cell_end(line: Line, start: int) -> int:
    """Where the piece of ``line`` that begins at ``start`` (a document offset) ends: at the gap
    to the next column (three spaces or a tab, where plain text without word boxes sets columns
    apart; boxed words are parted into lines of their own, ``_columns``), else at the line's end,
    trailing spaces left out."""
    i = start - line.start
    i += len(line.text[i:]) - len(line.text[i:].lstrip())
    gap = _TEXT_GAP.search(line.text, i)
    return line.start + (gap.start() if gap else len(line.text.rstrip()))


def cell_start(line: Line, offset: int) -> int:
    """Where the piece of ``line`` that holds ``offset`` begins: after the gap to the column
    before it (as :func:`cell_end` finds gaps), else at the line's start."""
    return line.start + max((m.end() for m in _TEXT_GAP.finditer(line.text, 0, offset - line.start)), default=0)


def _same_row(a: BBox, b: BBox) -> bool:
    overlap = min(a[3], b[3]) - max(a[1], b[1])
    smaller = min(a[3] - a[1], b[3] - b[1])
    return smaller > 0 and overlap >= 0.5 * smaller


# -- labels ------------------------------------------------------------------

_TOKEN = re.compile(r"[^\W_]+")


def norm(text: str) -> str:
    """Lower-cased words separated by single spaces (punctuation dropped)."""
    return " ".join(_TOKEN.findall(text.casefold()))


@dataclass(frozen=True)
class LabelHit:
    """An alias found in a line: where, which alias, and how well it matched (0..1)."""

    line: Line
    start: int  # document offsets of the matched words
    end: int
    alias: str
    ratio: float


@lru_cache(maxsize=8192)
def _alias(alias: str) -> tuple[str, int]:
    want = norm(alias)
    return want, len(want.split())


@dataclass
class _Wanted:
    """The aliases of one word count, each with its position in the caller's list: short ones
    by their words (matched exactly), long ones (matched fuzzily) with their length range."""

    exact: dict[str, list[int]] = field(default_factory=dict)
    fuzzy: list[str] = field(default_factory=list)
    fuzzy_positions: list[int] = field(default_factory=list)
    shortest: int = 0
    longest: int = 0
    by_text: dict[str, list[int]] = field(default_factory=dict)  # a long alias -> its indexes in ``fuzzy``
    _near: dict[int, tuple[list[str], list[int]]] = field(default_factory=dict)

    def near(self, length: int) -> tuple[list[str], list[int]]:
        """The long aliases at most two letters longer or shorter than ``length`` (the only
        ones a window of that length can match), with their indexes in ``fuzzy``."""
        if length not in self._near:
            ks = [k for k, want in enumerate(self.fuzzy) if abs(len(want) - length) <= 2]
            self._near[length] = [self.fuzzy[k] for k in ks], ks
        return self._near[length]


@lru_cache(maxsize=256)
def _wanted(aliases: tuple[str, ...]) -> dict[int, _Wanted]:
    """The aliases by word count."""
    by_count: dict[int, _Wanted] = {}
    for position, alias in enumerate(aliases):
        want, n = _alias(alias)
        if want:
            wanted = by_count.setdefault(n, _Wanted())
            if len(want) >= 5:
                wanted.by_text.setdefault(want, []).append(len(wanted.fuzzy))
                wanted.fuzzy.append(want)
                wanted.fuzzy_positions.append(position)
            else:
                wanted.exact.setdefault(want, []).append(position)
    for wanted in by_count.values():
        wanted.shortest = min(map(len, wanted.fuzzy), default=0)
        wanted.longest = max(map(len, wanted.fuzzy), default=0)
    return by_count


_IN_ADDRESS = frozenset("/@=?&")  # a character that joins a word to a web or e-mail address


def find_aliases(line: Line, aliases: list[str], min_ratio: float = 0.86) -> list[LabelHit]:
    """Every alias occurring in ``line`` as whole words, case-insensitive, fuzzy for OCR slips.

    Aliases of five letters or more match at ``min_ratio`` (rapidfuzz ratio over
    the same number of words, at most two letters longer or shorter); shorter ones
    must match exactly, since one wrong letter in "due" or "tax" is another word.
    Hits come in the order of ``aliases``, then of the words.
    """
    return [
        LabelHit(line, start, end, aliases[position], ratio)
        for position, start, end, ratio in _matches(line, _wanted(tuple(aliases)), min_ratio)
    ]


def _matches(line: Line, wanted_by_count: dict[int, _Wanted], min_ratio: float) -> list[tuple[int, int, int, float]]:
    """(alias position, start, end, ratio) of every hit in ``line`` (document offsets), in
    the order of :func:`find_aliases`; each alias is matched on its own, so a hit does not
    depend on which other aliases are looked for alongside it."""
    found: list[tuple[int, int, int, float]] = []  # alias position, window index, word count, ratio
    # each window is looked up once against all aliases of its word count (lines outnumber labels)
    for n, wanted in wanted_by_count.items():
        positions = wanted.fuzzy_positions
        for i, (_, _, got) in enumerate(line.windows(n)):
            for position in wanted.exact.get(got, ()):
                found.append((position, i, n, 1.0))
            if not wanted.fuzzy or len(got) < wanted.shortest - 2:  # too short for any long alias
                continue
            scored = set()
            near, ks = wanted.near(len(got))
            if near:
                for want, score, j in process.extract(got, near, scorer=fuzz.ratio, score_cutoff=min_ratio * 100, limit=None):
                    if n > 1 and _number_for_word(got, want):
                        continue
                    found.append((positions[ks[j]], i, n, score / 100))
                    scored.add(ks[j])
            if n == 1 and len(got) > wanted.shortest:
                for k in _affixes(got, wanted) - scored:
                    # a compound printed as one word ("subtotal", "lieferdatum"): usually a
                    # different quantity of the same kind, so a weak label
                    found.append((positions[k], i, n, 0.5))
    hits = []
    for position, i, n, ratio in sorted(found):
        start, end, _ = line.windows(n)[i]
        if start and line.text[start - 1] in _IN_ADDRESS:
            continue  # a word of a web address or e-mail ("…/invoice?id=67389368") labels nothing
        hits.append((position, line.start + start, line.start + end, ratio))
    return hits


def _number_for_word(got: str, want: str) -> bool:
    """A number read where the alias has a word ("Statement period 1 March" is no slip of
    "statement period end"): the value after a shorter label, not an OCR slip, which garbles
    letters inside a word ("T0TAL") rather than print a number for it."""
    return any(g.isdigit() and not w.isdigit() for g, w in zip(got.split(), want.split()))


def _affixes(got: str, wanted: _Wanted) -> set[int]:
    """Indexes of the long aliases that ``got`` (one word) starts or ends with and is longer
    than: its prefixes and suffixes looked up, rather than every alias tried against it."""
    found: set[int] = set()
    for length in range(max(wanted.shortest, 1), len(got)):
        found.update(wanted.by_text.get(got[:length], ()))
        found.update(wanted.by_text.get(got[-length:], ()))
    return found


class LabelSearch:
    """Where aliases occur in a document's lines: ``find_aliases`` of every line, each line
    searched once for many aliases.

    A document is asked for the labels of each field, of its rivals and of the values other
    fields name; an alias's hits do not depend on the aliases looked for beside it, so one
    pass over the lines with all of them gives each list's hits as a pass per list would.
    """

    def __init__(self, lines: list[Line], min_ratio: float = 0.86):
        self.lines = lines
        self.min_ratio = min_ratio
        self._hits: dict[str, list[tuple[int, int, int, float]]] = {}  # alias -> (line index, start, end, ratio)

    def add(self, aliases: Iterable[str]) -> None:
        """Search the lines, in one pass, for those of ``aliases`` not searched yet."""
        new = tuple(a for a in dict.fromkeys(aliases) if a not in self._hits)
        if not new:
            return
        for alias in new:
            self._hits[alias] = []
        wanted = _wanted(new)
        for line in self.lines:
            for position, start, end, ratio in _matches(line, wanted, self.min_ratio):
                self._hits[new[position]].append((line.index, start, end, ratio))

    def find(self, aliases: list[str] | tuple[str, ...]) -> list[LabelHit]:
        """``[h for line in lines for h in find_aliases(line, aliases)]``: by line, then by
        the aliases' order, then by place in the line."""
        self.add(aliases)
        found = sorted(
            (index, position, start, end, ratio)
            for position, alias in enumerate(aliases)
            for index, start, end, ratio in self._hits[alias]
        )
        return [LabelHit(self.lines[index], start, end, aliases[position], ratio) for index, position, start, end, ratio in found]
