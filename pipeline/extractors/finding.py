"""What every finder works with: one document's lines and labels, proposals, label links, ranking.

A finder (a kind's generic one, see :mod:`pipeline.kinds`, or a cue pack's, see
:mod:`pipeline.cues`) reads a :class:`Context` and returns :class:`Proposal` s:
a value, where it was read, and signals in 0..1 that say how strong the evidence
is. :func:`rank` merges proposals of equal value, orders them by the mean of
their signals (the same quantity the scorer calls *strength*) and adds
``unique`` (the margin over the runner-up).

Signals used here: ``match`` (a label/alias of the field precedes the value,
fuzzy for OCR slips) and ``layout`` (the value sits right of / below that label).
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, replace
from typing import Any, Callable

from pipeline.cues import Cues, cues_for
from pipeline.extractors.layout import _TEXT_GAP, LabelHit, LabelSearch, Layout, Line, cell_end, cell_start, norm
from pipeline.infer import infer_kind, other_labels
from pipeline.schemas import FieldSpec, field_specs, part_specs
from pipeline.state import Candidate, ParsedDocument, other_party
from schemas.base import DocumentSchema
from schemas.types import ISO_4217

MAX_CANDIDATES = 5
RIVAL_SHARE = 0.6  # alternatives weaker than this share of the leader's strength are dropped
ALL_OTHERS = other_labels(())  # every label of SAME_LABELS, each once (a hit's alias names its group)
assert len(set(ALL_OTHERS)) == len(ALL_OTHERS), "a label in two SAME_LABELS groups"


@dataclass
class Proposal:
    """One possible value of a field, before ranking: what, where (offsets), and why."""

    value: Any
    spans: list[tuple[int, int]]  # offsets into document.text; the first is the main evidence
    signals: dict[str, float]
    raw: str | None = None  # printed form; defaults to the spans' text joined by spaces
    paths: tuple[str, ...] = ()  # of a record's value: the part each span holds, as the spans

    @property
    def strength(self) -> float:
        return sum(self.signals.values()) / len(self.signals) if self.signals else 0.0


Finder = Callable[["Context", FieldSpec], "list[Proposal] | None"]
"""``finder(ctx, spec)``: proposals for the field; a cue pack's finder returns None to leave
the field to the next finder (another pack's, then the kind's generic one)."""


class Context:
    """One document as the finders see it: text, layout, the schema's fields and cue packs, label hits."""

    def __init__(self, document: ParsedDocument, schema: type[DocumentSchema], cues: Cues | None = None):
        self.document = document
        self.text = document.text
        self.layout = Layout(document)
        self.lines = self.layout.lines
        self.schema = schema
        self.specs = field_specs(schema)
        self.cues = cues if cues is not None else cues_for(schema, self.text)
        self._line_starts = [ln.start for ln in self.lines]
        self.search = LabelSearch(self.lines)
        self._searched = False  # whether every field's aliases were looked for (see ``find``)
        self._labels: dict[str, list[LabelHit]] = {}
        self._rivals: dict[str, list[LabelHit]] = {}
        self.memo: dict[str, Any] = {}  # per-document values finders compute once

    def line_at(self, offset: int) -> Line:
        return self.lines[max(bisect.bisect_right(self._line_starts, offset) - 1, 0)]

    def labels(self, spec: FieldSpec) -> list[LabelHit]:
        """Where the field's aliases, or the cue packs' printed forms of them, occur, in text
        order (cached per field)."""
        if spec.name not in self._labels:
            self._labels[spec.name] = [h for h in self.find(self._aliases(spec)) if not self._apart(h) and not self._aside(h)]
        return self._labels[spec.name]

    def _aside(self, hit: LabelHit) -> bool:
        """The hit's words are an aside in brackets qualifying another title ("Unit price (incl.
        VAT)", its "VAT)" wrapped to a line of its own): no label of their own. A bracket holding
        the hit alone is the title's short form ("Grade Point Average (CGPA):"), a label."""
        before, after = self.text[hit.line.start : hit.start], self.text[hit.end : hit.line.end]
        opened = before.count("(") > before.count(")")
        if opened and before.rstrip().endswith("(") and after.lstrip().startswith(")"):
            return False
        return (opened and ")" in after) or (after.lstrip().startswith(")") and "(" not in before)

    def find(self, aliases: list[str] | tuple[str, ...]) -> list[LabelHit]:
        """Every hit of ``aliases`` in the document's lines, in text order (``find_aliases``
        line by line). The first question looks for every field's aliases too, in one pass."""
        if not self._searched:
            self.search.add([*self._every_alias(), *aliases])
            self._searched = True
        return self.search.find(aliases)

    def _aliases(self, spec: FieldSpec) -> list[str]:
        return [*spec.aliases, *self.cues.labels(spec.aliases)]

    def _every_alias(self) -> list[str]:
        """The aliases a document is asked for: every field's and record part's, and the labels
        of other values."""
        specs = [p for s in self.specs for p in (s, *(part_specs(self.schema, s.name) if s.kind == "object" else ()))]
        return [a for s in specs for a in self._aliases(s)] + list(ALL_OTHERS)

    def _apart(self, hit: LabelHit) -> bool:
        """The hit's words stand apart, in two columns ("Tax" and "Amount" titling a table's
        last two columns, read as "tax amount"): no label."""
        boxes = [w.bbox for w in self.layout.words_in(self.document.page_at(hit.start), hit.start, hit.end) if w.bbox]
        return any(b[0] - a[2] > 2 * max(a[3] - a[1], b[3] - b[1]) for a, b in zip(boxes, boxes[1:]))

    def rival_labels(self, spec: FieldSpec) -> list[LabelHit]:
        """Alias hits of the schema's *other* fields of the same kind (e.g. "due date" vs "date"),
        cached per field (a finder asks for each value it reads)."""
        if spec.name not in self._rivals:
            self._rivals[spec.name] = [
                h for s in self.specs if s.kind == spec.kind and s.name != spec.name for h in self.labels(s)
            ]
        return self._rivals[spec.name]

    def other_value_labels(self, spec: FieldSpec) -> list[LabelHit]:
        """Hits of the labels documents print for other values ("due date" for a field labelled
        "date"), which the schema need not have fields for (cached per field)."""
        key = "\0" + spec.name  # no field name holds a NUL
        if key not in self._labels:
            # each field's list is ALL_OTHERS less its own groups, in the same order, and
            # find_aliases matches each alias on its own: so its hits are those of ALL_OTHERS,
            # found once per document, of its aliases (a third of the rules path's label search)
            if "\0" not in self._labels:
                self._labels["\0"] = self.find(ALL_OTHERS)
            others = set(other_labels(spec.aliases))
            self._labels[key] = [h for h in self._labels["\0"] if h.alias in others]
        return self._labels[key]

    def candidate(self, spec: FieldSpec, proposal: Proposal, extractor: str) -> Candidate:
        spans = [self.layout.span(s, e) for s, e in proposal.spans]
        raw = proposal.raw if proposal.raw is not None else " ".join(s.text.strip() for s in spans)
        spans = [s.model_copy(update={"path": path}) for s, path in zip(spans, proposal.paths)] or spans
        signals = {k: round(min(max(v, 0.0), 1.0), 4) for k, v in proposal.signals.items()}
        return Candidate(
            field=spec.name, value=proposal.value, raw=raw, extractor=extractor, evidence=spans, signals=signals
        )


# -- labelled values -----------------------------------------------------------

# Words that turn a total-like label into a partial amount ("SUB TOTAL", "TOTAL QTY",
# "TOTAL EXCL. GST"); they only count when the matched alias does not contain them.
# Cue packs add their languages' words under the same names.
PARTIAL = frozenset(
    "sub subtotal qty quantity item items excl excluding exclusive exc ex before discount disc "
    "saving savings change tender tendered paid accepted rounding round adj adjustment deposit".split()
)
TAX_WORDS = frozenset("tax gst vat sst".split())
INCLUSIVE = frozenset("incl include includes inclusive including inc with".split())
_CURRENCY_WORDS = frozenset(c.casefold() for c in ISO_4217) | {"rm"}


def label_words(text: str) -> set[str]:
    return set(norm(text).split())


def _partial_penalty(ctx: Context, label_text: str, alias: str) -> float:
    """1.0, or lower when the label names a part of the amount rather than the amount."""
    words = label_words(label_text) - label_words(alias)
    partial = words & ctx.cues.words("partial", PARTIAL)
    tax = ctx.cues.words("tax", TAX_WORDS)
    if words & tax and not words & ctx.cues.words("inclusive", INCLUSIVE):
        partial |= words & tax
    return 0.35 if partial else 1.0


def _gap_words(text: str) -> int:
    """Words between a label and its value, not counting an aside in brackets or a currency."""
    text = re.sub(r"\([^)]*\)", " ", text)
    return sum(1 for w in norm(text).split() if not w.isdigit() and w not in _CURRENCY_WORDS)


@dataclass
class LabelLink:
    match: float  # alias strength after gap and rival penalties
    layout: float  # 1 same line, 0.9 same row, 0.75/0.6 one/two rows below
    own: bool = False  # some label linked is the field's own, not words of another value's label


def link_label(ctx: Context, spec: FieldSpec, start: int, end: int, money: bool = False) -> LabelLink:
    """The best label of ``spec`` for the value at ``[start, end)``: same line, same row, or above."""
    line = ctx.line_at(start)
    row = ctx.layout.row_of(line)
    best = LabelLink(0.0, 0.0)
    for hit, covered, rivals in _linkable(ctx, spec):
        if ctx.layout.one_printed_line(hit.line, line) and hit.end <= start:
            layout, label_text, gap, reach = 1.0, ctx.text[hit.line.start : start], ctx.text[hit.end : start], start
        elif hit.line.row == line.row and hit.line is not line and left_of(hit.line, line):
            lead = ctx.text[line.start : start]
            layout, label_text = 0.9, ctx.text[hit.line.start : hit.line.end] + " " + lead
            gap, reach = ctx.text[hit.end : hit.line.end] + " " + lead, hit.line.end
        else:
            below = ctx.layout.next_rows(hit.line, 2)
            if row not in below or not stacked(hit.line, line) or not _under_label(ctx, hit, start, end):
                continue
            lead = ctx.text[line.start : start]
            layout = 0.75 if below.index(row) == 0 else 0.6
            # of a row of column headers, the label's own column titles what is under it
            reach = cell_end(hit.line, hit.start)
            label_text = ctx.text[cell_start(hit.line, hit.start) : reach] + " " + lead
            gap = ctx.text[hit.end : reach] + " " + lead
        strength = hit.ratio * 0.9 ** _gap_words(gap)
        if money:
            strength *= _partial_penalty(ctx, label_text, hit.alias)
        own = not covered  # else the words are another label's
        if covered or any(r.end <= start and r.start < reach and not _included(ctx, hit, r) for r in rivals):
            strength *= 0.2  # the words belong to another field's or value's label
        if strength * layout > best.match * best.layout:
            best = LabelLink(strength, layout, best.own)
        best.own = best.own or (own and strength > 0)
    return best


def _linkable(ctx: Context, spec: FieldSpec) -> list[tuple[LabelHit, bool, list[LabelHit]]]:
    """The field's labels for :func:`link_label`, each with whether another field's or value's
    label covers it and the rival labels after it on its line (``between`` it and a value
    there that they end before): the same for every value, so found once per field."""
    key = "\0linkable\0" + spec.name
    if key not in ctx.memo:
        rivals = ctx.rival_labels(spec)
        covering = rivals + ctx.other_value_labels(spec)
        ctx.memo[key] = [
            (
                hit,
                any(covers(r, hit) for r in covering),
                [r for r in rivals if r.line is hit.line and hit.end <= r.start],
            )
            for hit in ctx.labels(spec)
        ]
    return ctx.memo[key]


def _under_label(ctx: Context, hit: LabelHit, start: int, end: int) -> bool:
    """A value below a label that shares its line with other words (a table's header, "Tax ID
    DE355369209") sits under the label's own words: the amount under "Amount" is no tax for the
    "Tax" beside it."""
    if not ctx.text[hit.line.start : hit.start].strip() and not ctx.text[hit.end : hit.line.end].strip():
        return True
    label, value = ctx.layout.span(hit.start, hit.end).bbox, ctx.layout.span(start, end).bbox
    if label is None or value is None:
        return True
    return min(label[2], value[2]) >= max(label[0], value[0]) - 5


def covers(rival: LabelHit, hit: LabelHit) -> bool:
    """The rival label holds the hit's words and more, or the same words read exactly where the
    hit is a fuzzy reading ("PAYMENT DATE" is no slip of "payment due")."""
    if not (rival.start <= hit.start and rival.end >= hit.end):
        return False
    return (rival.end - rival.start) > (hit.end - hit.start) or rival.ratio > hit.ratio


def _included(ctx: Context, hit: LabelHit, rival: LabelHit) -> bool:
    """The rival label after this one says what the amount includes ("TOTAL SALES (INCLUSIVE OF
    GST)" beside a GST field): it qualifies this label's value and labels none of its own."""
    return bool(label_words(ctx.text[hit.end : rival.start]) & ctx.cues.words("inclusive", INCLUSIVE))


def left_of(a: Line, b: Line) -> bool:
    return a.bbox is not None and b.bbox is not None and a.bbox[0] < b.bbox[0]


def line_beside(ctx: Context, line: Line) -> Line | None:
    """The nearest line to the right of ``line`` in its row (word boxes only)."""
    right = [ln for ln in ctx.layout.row_of(line).lines if ln.bbox and line.bbox and ln.bbox[0] > line.bbox[2]]
    return min(right, key=lambda ln: ln.bbox[0], default=None)


def stacked(upper: Line, lower: Line) -> bool:
    """``lower`` is under ``upper``: their boxes overlap horizontally (or there are no boxes)."""
    if upper.bbox is None or lower.bbox is None:
        return True
    return min(upper.bbox[2], lower.bbox[2]) >= max(upper.bbox[0], lower.bbox[0]) - 5


def rightmost_in_row(ctx: Context, start: int, others: list[tuple[int, int]]) -> bool:
    """No other typed value of the same kind lies to the right of this one in its row."""
    line = ctx.line_at(start)
    for s, _ in others:
        other = ctx.line_at(s)
        if other.row != line.row or s == start:
            continue
        if other is line and s > start:
            return False
        if other is not line and left_of(line, other):
            return False
    return True



# -- text after a label ------------------------------------------------------------------

# "Facture N° F-32": the sign ends the label; so does an aside in brackets ("Employer
# identification number (EIN)"), one without digits ("Ref (123)" holds the value) unless a
# sign follows it ("Booking reference (PNR): QX7T9M")
# a label printed longer than the field's name: one or two more words, then its colon
_LABEL_RUNS_ON = re.compile(r"[ \t]+[^\W\d_][\w.'’-]*(?:[ \t]+[^\W\d_][\w.'’-]*)?[ \t]*:[ \t]*(?=\S)")
_SEPARATOR = re.compile(r"^(?:\s*\([^)\d]*\)|\s*\([^()]{1,20}\)(?=\s*[:#]))?[\s:#.\-–—=|°º№]*")


def find_labelled_text(
    ctx: Context,
    spec: FieldSpec,
    parse: Callable[[Any], Any],
    word: bool = False,
    pick: Callable[[str], tuple[int, int] | None] | None = None,
    hits: list[LabelHit] | None = None,
) -> list[Proposal]:
    """The text printed after one of the field's labels (same line, else the line below),
    read with ``parse`` (the kind's parser); with ``word``, only its first word (an
    identifier), and only where it holds a digit; with ``pick``, the part of it that
    ``pick`` finds (offsets in the text after the label), none where it finds none.
    ``hits``: the labels to read after (default: the field's own)."""
    out = []
    own = ctx.labels(spec) if hits is None else hits
    for hit in own:
        line = hit.line
        rest = ctx.text[hit.end : line.end]
        if hit.ratio < 1 and re.match(r"[-/\w]", rest):
            continue  # a label read fuzzily into the value's own word ("Original Invoice: INV-20417")
        if re.search(r"\w ?[#:]$", hit.alias) and not rest.lstrip().startswith(hit.alias[-1]):
            continue  # "Tracking #", "PO #", "Room:" are matched by their words; only with the sign printed are they labels
        if any(covers(other, hit) and other.ratio == 1 for other in own):
            continue  # "guest" inside "Guest Name": the longer label is read, not "Name : ..."
        if re.match(r"['’]s\b", rest, re.IGNORECASE) or _another_fields(ctx, spec, hit):
            continue  # a possessive ("EMPLOYEE'S RECORDS"): what follows is something of it
        lead = _SEPARATOR.match(rest).end()
        if hit.ratio == 1 and (more := _LABEL_RUNS_ON.match(rest)):
            lead = more.end()  # the label's last words before its colon ("Vehicle Registration Mark: LK19 XMP")
        start, layout = hit.end + lead, 1.0
        segment = ctx.text[start : cell_end(line, start)]  # to the next column
        if segment and not re.search(r"[^\W_]", segment):
            segment = ""  # the close of a label's brackets ("To (Addressee)"): the value is below
        if segment and _relabelled(spec, hit, segment, joined=not rest[:lead].strip() and lead < 3):
            continue
        if segment and (_titled_again(hit, segment) or (not rest[:lead].strip() and _row_of_titles(ctx, line))):
            # a row of column titles ("Employee | Employee ID | Pay Period", "GATE  SEAT  CLASS",
            # "OWNER OF RECORD  PROPERTY ADDRESS"): the value is under its own, not the next title
            segment = ""
        if not segment:
            # a label ending in a colon, alone on its text line, announces the value printed
            # beside it: a column of labels and one of values ("RechnungsNr:" | "70128793")
            # or a value across a wide gap of the same printed line, as it was read before columns were parted
            beside = line_beside(ctx, line)
            beside = beside if beside is not None and (":" in rest[:lead] or ctx.layout.one_printed_line(line, beside)) else None
            if beside is not None and _titled_again(hit, beside.text.strip()):
                beside = None  # the next title of a row of column titles: the value is under the label
            # the first row below holding a line under it (another column's row may come between)
            below = next(([ln for ln in r.lines if stacked(line, ln)] for r in ctx.layout.next_rows(line, 2) if any(stacked(line, ln) for ln in r.lines)), [])
            nxt = beside or (below[0] if below else None)
            if nxt is None or nxt.text.rstrip().endswith(":"):
                continue  # nothing, or another label
            first = nxt.start + len(nxt.text) - len(nxt.text.lstrip()) if beside else _under(ctx, hit, nxt)
            segment = ctx.text[first : cell_end(nxt, first)].lstrip("#")  # a number sign opening the value is no part of it
            start = cell_end(nxt, first) - len(segment)
            layout = (1.0 if ctx.layout.one_printed_line(line, nxt) else 0.9) if beside else 0.75
        if pick is not None:
            found = pick(segment)
            if found is None:
                continue
            start, segment = start + found[0], segment[found[0] : found[1]]
        if word:
            segment = segment.split()[0] if segment.split() else ""
            if not re.search(r"\d", segment):
                continue  # "Invoice to", "Order Date": a word after the label is no number
        spans = [(start, start + len(segment))]
        if not word and pick is None and segment.count("(") > segment.count(")") and (rest_of := _bracket_closed_below(ctx, line, start, segment)):
            spans.append(rest_of)  # a value wrapped in its cell, its brackets closed on the next line
            segment = f"{segment} {ctx.text[rest_of[0] : rest_of[1]]}"
        value = parse(segment)
        if not segment or value is None:
            continue
        rivals = any(covers(r, hit) for r in ctx.rival_labels(spec))
        # words run on from a label without a sign or a gap ("GUEST FOLIO") are a heading's, not a value
        run_on = not word and pick is None and rest[:lead] == " " and segment[:1].isalpha()
        typed = 1.0
        out.append(
            Proposal(
                value=value if isinstance(value, str) else str(value),
                spans=spans,
                signals={"match": hit.ratio * (0.2 if rivals else 1.0) * (0.5 if run_on else 1.0), "typed": typed, "layout": layout},
            )
        )
    return out


def _bracket_closed_below(ctx: Context, line: Line, start: int, segment: str) -> tuple[int, int] | None:
    """Where a value that opens a bracket it does not close ("Bachelor of Engineering (Computer")
    goes on: the piece of the next row that starts under it and closes the bracket, in a few
    words ("Engineering)"); None where there is none."""
    box = ctx.layout.span(start, start + len(segment)).bbox
    for row in ctx.layout.next_rows(line, 1):
        for ln in row.lines:
            if box is not None and ln.bbox is not None and abs(ln.bbox[0] - box[0]) > 5:
                continue
            first = ln.start + len(ln.text) - len(ln.text.lstrip())
            piece = ctx.text[first : cell_end(ln, first)]
            if ")" in piece and "(" not in piece.split(")")[0] and len(piece.split()) <= 4:
                return first, first + len(piece)
    return None


def _another_fields(ctx: Context, spec: FieldSpec, hit: LabelHit) -> bool:
    """A fuzzy hit on words that are exactly another field's label is that label ("Employer"
    is no slip of "employee" where the schema has an employer)."""
    return hit.ratio < 1.0 and any(covers(r, hit) for s in ctx.specs if s.name != spec.name for r in ctx.labels(s))


def _cells(ctx: Context, line: Line) -> list[str]:
    """The pieces a line's row prints, parted by column gaps (plain text) or as lines of their own (word boxes)."""
    return [piece.strip() for ln in ctx.layout.row_of(line).lines for piece in _TEXT_GAP.split(ln.text) if piece.strip()]


def _row_of_titles(ctx: Context, line: Line) -> bool:
    """Whether a line is a row of column titles over a row of values ("FLIGHT  DATE  BOARDING TIME",
    then "LX 2086  21NOV24  06:55"): two or more pieces of at most three words, no figure and no
    colon among them (a colon pairs a label with its value on the line), over a row of at least
    as many pieces less one that prints a figure."""
    titles = _cells(ctx, line)
    if len(titles) < 2 or any(re.search(r"[\d:]", t) or len(t.split()) > 3 for t in titles):
        return False
    below = ctx.layout.next_rows(line, 1)
    values = _cells(ctx, below[0].lines[0]) if below else []
    return len(values) >= len(titles) - 1 and any(re.search(r"\d", v) for v in values)


def _titled_again(hit: LabelHit, segment: str) -> bool:
    """What follows the label is the label again: a row of column titles ("Employee | Employee
    ID | Pay Period"), whose values stand under them."""
    alias, said = norm(hit.alias), norm(segment)
    return said == alias or said.startswith(alias + " ")


def _relabelled(spec: FieldSpec, hit: LabelHit, segment: str, joined: bool) -> bool:
    """What follows the label, printed on with one space, is a word that makes it a label of
    another kind of value ("Employee ID", "Employee No." over a name field; not "VAT of
    Storyblok GmbH", whose "of" changes nothing)."""
    alias, said = norm(hit.alias), norm(segment)
    first = said.split()[0] if said else ""
    return joined and bool(first) and infer_kind(f"{alias} {first}", {}) not in (spec.kind, "text", infer_kind(alias, {}))


def _under(ctx: Context, hit: LabelHit, line: Line) -> int:
    """Where the value under the label starts on ``line``: the column of the first word under
    the label's words (by word boxes), else the line's first word."""
    first = line.start + len(line.text) - len(line.text.lstrip())
    label = ctx.layout.span(hit.start, hit.end).bbox
    if label is None:
        return first
    under = next((w for w in line.words if w.bbox and min(label[2], w.bbox[2]) >= max(label[0], w.bbox[0]) - 5), None)
    return cell_start(line, under.start) if under else first


def rank(
    proposals: list[Proposal], limit: int = MAX_CANDIDATES, keep: float = RIVAL_SHARE, many: bool = False
) -> list[Proposal]:
    """One proposal per value (the strongest), strongest first, with ``unique`` added.

    Alternatives much weaker than the leader (below ``keep`` of its strength) are
    dropped: they are no real ambiguity, and the scorer reads every rival as conflict.
    Items of a list field (``many``) are not rivals: all are kept, without ``unique``.
    """
    best: dict[str, Proposal] = {}
    for p in proposals:
        key = str(p.value).casefold()
        if key not in best or p.strength > best[key].strength:
            best[key] = p
    ranked = sorted(best.values(), key=lambda p: p.strength, reverse=True)
    if many:
        return ranked
    against = [p for p in ranked if other_party(p.signals)]  # kept apart, for the scorer to rule out
    ranked = [p for p in ranked if not other_party(p.signals)]
    if not ranked:
        return against
    ranked = [p for p in ranked[:limit] if p.strength >= keep * ranked[0].strength]
    strengths = [p.strength for p in ranked]
    for i, p in enumerate(ranked):
        # only the leader has a margin; adding it keeps the order (the others get 0)
        margin = strengths[0] - (strengths[1] if len(ranked) > 1 else 0.0) if i == 0 else 0.0
        p.signals["unique"] = margin / strengths[0] if i == 0 and strengths[0] > 0 else 0.0
    return ranked + [replace(p, signals={**p.signals, "unique": 0.0}) for p in against]
