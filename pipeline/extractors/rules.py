"""The rules extractor: labels, typed values and layout, no model and no configuration.

Driven only by the schema's field specs (kind, aliases), so it works for any
document type. Each field's *kind* picks a finder from :data:`FINDERS`; a finder
returns :class:`Proposal` s (value, where it was read, and signals in 0..1 that
say how strong the evidence is). The extractor merges proposals of equal value,
ranks them by the mean of their signals (the same quantity the scorer calls
*strength*, so both agree on the order), adds ``unique`` (the margin over the
runner-up) and returns the top few as candidates.

Other modules add finders for more kinds without editing this one::

    from pipeline.extractors.rules import Context, Proposal, register_finder

    @register_finder("jurisdiction")
    def find_jurisdiction(ctx: Context, spec: FieldSpec) -> list[Proposal]: ...

``pipeline.extractors.clauses`` (legal kinds) is imported at the bottom when present.

Signals used here: ``match`` (a label/alias of the field precedes the value,
fuzzy for OCR slips), ``typed`` (the value parsed cleanly as its kind),
``layout`` (the value sits right of / below that label), ``position`` (where on
the page this kind of field usually is), ``magnitude`` (a total is the largest
labelled amount), ``legal`` / ``name`` / ``role`` / ``domain`` for organisations,
``cues`` / ``shape`` for addresses, ``share`` for currencies, and ``unique``.
"""

from __future__ import annotations

import bisect
import importlib.util
import re
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import Any, Callable

from pipeline.extractors.base import ExtractionRequest, ExtractionResult, Extractor, register
from pipeline.extractors.layout import Layout, LabelHit, Line, find_aliases, norm
from pipeline.state import Candidate, ParsedDocument
from schemas.base import DocumentSchema
from schemas.registry import FieldSpec, field_specs
from schemas.types import ISO_4217, PARSERS, clean_text, parse_currency, parse_date, parse_money

MAX_CANDIDATES = 5
RIVAL_SHARE = 0.6  # alternatives weaker than this share of the leader's strength are dropped


@dataclass
class Proposal:
    """One possible value of a field, before ranking: what, where (offsets), and why."""

    value: Any
    spans: list[tuple[int, int]]  # offsets into document.text; the first is the main evidence
    signals: dict[str, float]
    raw: str | None = None  # printed form; defaults to the spans' text joined by spaces

    @property
    def strength(self) -> float:
        return sum(self.signals.values()) / len(self.signals) if self.signals else 0.0


Finder = Callable[["Context", FieldSpec], list[Proposal]]
FINDERS: dict[tuple[str, bool], Finder] = {}
"""(kind, many) -> finder. A later registration for the same key replaces the earlier one."""


def register_finder(kind: str, many: bool = False) -> Callable[[Finder], Finder]:
    """Decorator: ``finder(ctx, spec)`` proposes values for fields of this kind."""

    def wrap(fn: Finder) -> Finder:
        FINDERS[(kind, many)] = fn
        return fn

    return wrap


class Context:
    """One document as the finders see it: text, layout, the schema's fields, label hits."""

    def __init__(self, document: ParsedDocument, schema: type[DocumentSchema]):
        self.document = document
        self.text = document.text
        self.layout = Layout(document)
        self.lines = self.layout.lines
        self.specs = field_specs(schema)
        self._line_starts = [ln.start for ln in self.lines]
        self._labels: dict[str, list[LabelHit]] = {}
        self.memo: dict[str, Any] = {}  # per-document values finders compute once

    def line_at(self, offset: int) -> Line:
        return self.lines[max(bisect.bisect_right(self._line_starts, offset) - 1, 0)]

    def labels(self, spec: FieldSpec) -> list[LabelHit]:
        """Where the field's aliases occur, in text order (cached per field)."""
        if spec.name not in self._labels:
            self._labels[spec.name] = [h for ln in self.lines for h in find_aliases(ln, list(spec.aliases))]
        return self._labels[spec.name]

    def rival_labels(self, spec: FieldSpec) -> list[LabelHit]:
        """Alias hits of the schema's *other* fields of the same kind (e.g. "due date" vs "date")."""
        return [h for s in self.specs if s.kind == spec.kind and s.name != spec.name for h in self.labels(s)]

    def candidate(self, spec: FieldSpec, proposal: Proposal, extractor: str) -> Candidate:
        spans = [self.layout.span(s, e) for s, e in proposal.spans]
        raw = proposal.raw if proposal.raw is not None else " ".join(s.text.strip() for s in spans)
        signals = {k: round(min(max(v, 0.0), 1.0), 4) for k, v in proposal.signals.items()}
        return Candidate(
            field=spec.name, value=proposal.value, raw=raw, extractor=extractor, evidence=spans, signals=signals
        )


# -- labelled values -----------------------------------------------------------

# Words that turn a total-like label into a partial amount ("SUB TOTAL", "TOTAL QTY",
# "TOTAL EXCL. GST"); they only count when the matched alias does not contain them.
_PARTIAL = frozenset(
    "sub subtotal qty quantity item items excl excluding exclusive exc before discount disc "
    "saving savings change tender tendered paid accepted rounding round adj adjustment deposit netto".split()
)
_TAX_WORDS = frozenset("tax gst vat sst mwst ust".split())
_INCLUSIVE = frozenset("incl include includes inclusive including inkl inc with".split())
_CURRENCY_WORDS = frozenset(c.casefold() for c in ISO_4217) | {"rm"}


def _label_words(text: str) -> set[str]:
    return set(norm(text).split())


def _partial_penalty(label_text: str, alias: str) -> float:
    """1.0, or lower when the label names a part of the amount rather than the amount."""
    words = _label_words(label_text) - _label_words(alias)
    partial = words & _PARTIAL
    if words & _TAX_WORDS and not words & _INCLUSIVE:
        partial |= words & _TAX_WORDS
    return 0.35 if partial else 1.0


def _gap_words(text: str) -> int:
    """Words between a label and its value, not counting an aside in brackets or a currency."""
    text = re.sub(r"\([^)]*\)", " ", text)
    return sum(1 for w in norm(text).split() if not w.isdigit() and w not in _CURRENCY_WORDS)


@dataclass
class LabelLink:
    match: float  # alias strength after gap and rival penalties
    layout: float  # 1 same line, 0.9 same row, 0.75/0.6 one/two rows below


def link_label(ctx: Context, spec: FieldSpec, start: int, end: int, money: bool = False) -> LabelLink:
    """The best label of ``spec`` for the value at ``[start, end)``: same line, same row, or above."""
    line = ctx.line_at(start)
    row = ctx.layout.row_of(line)
    best = LabelLink(0.0, 0.0)
    rivals = ctx.rival_labels(spec)
    for hit in ctx.labels(spec):
        if hit.line is line and hit.end <= start:
            layout, label_text, gap = 1.0, ctx.text[line.start : start], ctx.text[hit.end : start]
        elif hit.line.row == line.row and hit.line is not line and _left_of(hit.line, line):
            lead = ctx.text[line.start : start]
            layout, label_text = 0.9, ctx.text[hit.line.start : hit.line.end] + " " + lead
            gap = ctx.text[hit.end : hit.line.end] + " " + lead
        else:
            below = ctx.layout.next_rows(hit.line, 2)
            if row not in below or not _stacked(hit.line, line):
                continue
            lead = ctx.text[line.start : start]
            layout = 0.75 if below.index(row) == 0 else 0.6
            label_text = ctx.text[hit.line.start : hit.line.end] + " " + lead
            gap = ctx.text[hit.end : hit.line.end] + " " + lead
        strength = hit.ratio * 0.9 ** _gap_words(gap)
        if money:
            strength *= _partial_penalty(label_text, hit.alias)
        if any(_covers(r, hit) for r in rivals) or any(_between(r, hit, start) for r in rivals):
            strength *= 0.2  # the words belong to another field's label
        if strength * layout > best.match * best.layout:
            best = LabelLink(strength, layout)
    return best


def _covers(rival: LabelHit, hit: LabelHit) -> bool:
    return rival.start <= hit.start and rival.end >= hit.end and (rival.end - rival.start) > (hit.end - hit.start)


def _between(rival: LabelHit, hit: LabelHit, start: int) -> bool:
    """A rival label sits between this label and the value on the same line."""
    return rival.line is hit.line and hit.end <= rival.start and rival.end <= start


def _left_of(a: Line, b: Line) -> bool:
    return a.bbox is not None and b.bbox is not None and a.bbox[0] < b.bbox[0]


def _stacked(upper: Line, lower: Line) -> bool:
    """``lower`` is under ``upper``: their boxes overlap horizontally (or there are no boxes)."""
    if upper.bbox is None or lower.bbox is None:
        return True
    return min(upper.bbox[2], lower.bbox[2]) >= max(upper.bbox[0], lower.bbox[0]) - 5


def _rightmost_in_row(ctx: Context, start: int, others: list[tuple[int, int]]) -> bool:
    """No other typed value of the same kind lies to the right of this one in its row."""
    line = ctx.line_at(start)
    for s, _ in others:
        other = ctx.line_at(s)
        if other.row != line.row or s == start:
            continue
        if other is line and s > start:
            return False
        if other is not line and _left_of(line, other):
            return False
    return True


# -- dates -------------------------------------------------------------------------

_MONTH = (
    r"(?:jan|feb|m[aä]r|apr|ma[iy]|mei|jun|jul|aug|ago|ogo|sep|o[ck]t|nov|de[cz]|dis|f[eé]v|avr|"
    r"juil|ao[uû]|d[eé]c)[^\W\d_]*\.?"
)
_DATE = re.compile(
    rf"(?<![\d.])(?:\d{{4}}[-/.]\d{{1,2}}[-/.]\d{{1,2}}"
    rf"|\d{{1,2}}[-/.]\d{{1,2}}[-/.](?:\d{{4}}|\d{{2}})"
    rf"|\d{{1,2}}(?:st|nd|rd|th)?\.?[ \t\-/]*{_MONTH}[ \t\-/,]*(?:\d{{4}}|\d{{2}})"
    rf"|{_MONTH}[ \t\-/]*\d{{1,2}}(?:st|nd|rd|th)?,?[ \t]*\d{{4}})(?![\d])",
    re.IGNORECASE,
)
_NUMERIC = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.]\d{2,4}$")


@lru_cache(maxsize=4096)
def _parse_date(text: str, day_first: bool) -> date | None:
    return parse_date(text, day_first=day_first)


def _month_first(ctx: Context) -> bool:
    """Whether this document writes numeric dates month first (some date only reads that way)."""
    for d in _DATE.finditer(ctx.text):
        n = _NUMERIC.match(d.group())
        if n and int(n.group(2)) > 12 >= int(n.group(1)):
            return True
    return False


@register_finder("date")
def find_dates(ctx: Context, spec: FieldSpec) -> list[Proposal]:
    """Every date in the text, with the field's label nearby and a preference for the top."""
    month_first = _month_first(ctx)
    out = []
    for m in _DATE.finditer(ctx.text):
        value = _parse_date(m.group(), not month_first) or _parse_date(m.group(), month_first)
        if value is None:
            continue
        link = link_label(ctx, spec, m.start(), m.end())
        short_year = bool(re.search(r"(?<!\d)\d{2}$", m.group().strip()))
        out.append(
            Proposal(
                value=value.isoformat(),
                spans=[(m.start(), m.end())],
                signals={
                    "match": link.match,
                    "typed": 0.8 if short_year else 1.0,
                    "layout": link.layout,
                    "position": 1.0 - ctx.layout.relative_y(ctx.line_at(m.start())) / 2,
                },
            )
        )
    return out


# -- money ---------------------------------------------------------------------------

_AMOUNT = re.compile(
    r"(?:(?P<pre>(?<![A-Za-z])(?:RM|US\$|S\$|A\$|C\$|[$€£¥]|(?:USD|EUR|GBP|MYR|CHF|SGD|AUD|CAD)\b)[ \t]?)"
    r"|(?<![\w.,/:\-$€£]))"
    r"(?P<num>\d{1,3}(?:[,.']\d{3})+(?:[.,]\d{1,2})?|\d{1,7}(?:[.,]\d{1,2})?)"
    r"(?![\w/:%]|[.,]\d|-\d)"
    r"(?P<post>[ \t]?(?:€|\b(?:" + "|".join(sorted(ISO_4217)) + r")\b))?"
)


def amounts(text: str) -> list[tuple[re.Match, Decimal]]:
    """Printed amounts with their values (dates, times, percentages and ids left out)."""
    out = []
    for m in _AMOUNT.finditer(text):
        value = parse_money(m.group("num"))
        if value is not None:
            out.append((m, value))
    return out


def _is_total(spec: FieldSpec) -> bool:
    """A field that is an overall amount (its aliases speak of a total or the amount due)."""
    return any(w in {"total", "due", "gesamt", "summe", "jumlah"} for a in spec.aliases for w in norm(a).split())


@register_finder("money")
def find_money(ctx: Context, spec: FieldSpec) -> list[Proposal]:
    """Amounts labelled with the field's aliases, the rightmost on their row; for a total,
    the largest such amount, after any printed rounding adjustment."""
    found = amounts(ctx.text)
    spans = [(m.start("num"), m.end("num")) for m, _ in found]
    total = _is_total(spec)
    out = []
    for (m, value), span in zip(found, spans):
        link = link_label(ctx, spec, m.start(), m.end(), money=True)
        decimals = bool(re.search(r"[.,]\d{2}$", m.group("num")))
        signals = {
            "match": link.match,
            "typed": 1.0 if decimals or m.group("pre") or m.group("post") else 0.5,
            "layout": link.layout * (1.0 if _rightmost_in_row(ctx, span[0], spans) else 0.6),
        }
        start = m.start("pre") if m.group("pre") and not m.group("pre").endswith((" ", "\t")) else span[0]
        out.append(Proposal(value=str(value), spans=[(start, span[1])], signals=signals))
    if total:
        summary = _summary_row(ctx)
        for p in out:
            if ctx.line_at(p.spans[0][0]).row >= summary:
                p.signals["match"] *= 0.5  # a tax summary table repeats parts of the total
        _apply_adjustments(ctx, out)
        paid = _paid(ctx)
        for p in out:  # what was paid confirms or contradicts a total; 0.5 where nothing says
            p.signals["paid"] = 0.5 if not paid else float(Decimal(p.value) in paid)
        # the total is the largest labelled amount (tax lines and summaries are parts of it)
        # beside its label (cash tendered, change and amounts in a second currency below
        # the label do not count); only amounts labelled at least as well compete, so
        # "TOTAL PAYABLE" after returns is not beaten by a larger "TOTAL 6% SUPPLIES"
        sure = [p for p in out if p.signals["typed"] == 1.0]
        labelled = [p for p in sure if p.signals["match"] >= 0.5 and p.signals["layout"] >= 0.9] or sure
        for p in out:
            peers = [q for q in labelled if q.signals["match"] >= p.signals["match"]] or labelled
            largest = max((Decimal(q.value) for q in peers), default=Decimal(0))
            v = Decimal(p.value)
            p.signals["magnitude"] = float(min(v, largest) / max(v, largest)) if largest > 0 and v > 0 else 0.0
    return out


_TENDER_WORDS = frozenset("cash tender tendered paid payment tunai".split())
_CHANGE_WORDS = frozenset("change kembalian baki".split())


def _row_amounts(ctx: Context, words: frozenset[str]) -> list[Decimal]:
    """Amounts on the rows of lines labelled with any of ``words``."""
    found = []
    for line in ctx.lines:
        if _label_words(line.text) & words:
            found += [v for ln in ctx.layout.row_of(line).lines for _, v in amounts(ln.text)]
    return found


def _paid(ctx: Context) -> set[Decimal]:
    """Amounts tendered less the change given back ("CASH 50.00", "CHANGE 27.35"): what the
    customer paid, which is the total (so on 95% of the train receipts that print both). Empty
    when the receipt prints no such pair: card payments, invoices."""
    if "paid" not in ctx.memo:
        tendered, change = _row_amounts(ctx, _TENDER_WORDS), _row_amounts(ctx, _CHANGE_WORDS)
        ctx.memo["paid"] = {t - c for t in tendered for c in change if t > c}
    return ctx.memo["paid"]


_SUMMARY_WORDS = frozenset("summary analysis ringkasan zusammenfassung".split())


def _summary_row(ctx: Context) -> int:
    """The first row (top to bottom, so OCR text order does not matter) of a heading that
    opens a summary table ("GST SUMMARY"); past the last row when there is none."""
    rows = [ln.row for ln in ctx.lines if len(_label_words(ln.text)) <= 4 and _label_words(ln.text) & _SUMMARY_WORDS]
    return min(rows, default=len(ctx.layout.rows))


_ADJUSTMENT_WORDS = frozenset("rounding round adj adjustment adjustments pembundaran rundung".split())
_SIGNED = re.compile(r"(?P<sign>[-+])?[ \t]?(?:RM|\$)?[ \t]?(?P<num>(?<!\d)\d{0,3}[.,]\d{2})(?!\d)")


def _adjustments(ctx: Context) -> list[tuple[int, Decimal]]:
    """(row, signed amount) on rounding/adjustment rows (unsigned ones could go either way)."""
    out: list[tuple[int, Decimal]] = []
    for line in ctx.lines:
        if not _label_words(line.text) & _ADJUSTMENT_WORDS:
            continue
        row = ctx.layout.row_of(line)
        for ln in row.lines if line in row.lines else [line]:
            for m in _SIGNED.finditer(ln.text):
                amount = Decimal("0" + m.group("num").replace(",", "."))
                if amount == 0 or amount >= 1:
                    continue
                signs = [m.group("sign")] if m.group("sign") else ["-", "+"]
                out += [(line.row, -amount if s == "-" else amount) for s in signs]
    return out


def _apply_adjustments(ctx: Context, proposals: list[Proposal]) -> None:
    """A labelled total plus a printed rounding adjustment gives the amount actually due:
    when that amount is printed too, it takes the label's evidence and the label's own
    amount is marked superseded."""
    adjustments = _adjustments(ctx)
    if not adjustments:
        return
    def row(p: Proposal) -> int:
        return ctx.line_at(p.spans[0][0]).row

    labelled = sorted((p for p in proposals if p.signals["match"] >= 0.5), key=lambda p: p.strength, reverse=True)
    for total in labelled[:3]:
        for adj_row, r in adjustments:
            target = str(Decimal(total.value) + r)
            # total, then the adjustment, then the amount due, as receipts print them
            adjusted = [p for p in proposals if p.value == target and row(total) <= adj_row <= row(p) and row(p) > row(total)]
            for p in adjusted:
                p.signals["match"] = max(p.signals["match"], total.signals["match"])
                p.signals["layout"] = max(p.signals["layout"], total.signals["layout"])
            if adjusted:
                total.signals["match"] *= 0.5
                return


# -- percentages -----------------------------------------------------------------------

_PERCENT = re.compile(r"(?<![\w.,])(\d{1,3}(?:[.,]\d{1,3})?)[ \t]?%")


@register_finder("percent")
def find_percent(ctx: Context, spec: FieldSpec) -> list[Proposal]:
    out = []
    for m in _PERCENT.finditer(ctx.text):
        value = Decimal(m.group(1).replace(",", "."))
        if value > 100:
            continue
        link = link_label(ctx, spec, m.start(), m.end())
        # a rate printed inside its own label ("VAT 19%") has the alias just before it
        out.append(
            Proposal(
                value=format(value.to_integral_value(), "f") if value == value.to_integral() else str(value),
                spans=[(m.start(), m.end())],
                signals={"match": link.match, "typed": 1.0, "layout": link.layout},
            )
        )
    return out


# -- currencies --------------------------------------------------------------------------

_CURRENCY = re.compile(
    r"(?<![A-Za-z])(?:" + "|".join(sorted(ISO_4217)) + r")(?![A-Za-z])|US\$|S\$|A\$|C\$|[$€£¥₹]|\bRM(?=[ \t]?\d)"
)


@register_finder("currency")
def find_currency(ctx: Context, spec: FieldSpec) -> list[Proposal]:
    """Currency codes and symbols, the most used one first; stronger next to a labelled amount."""
    by_code: dict[str, list[re.Match]] = {}
    for m in _CURRENCY.finditer(ctx.text):
        code = parse_currency(m.group())
        if code:
            by_code.setdefault(code, []).append(m)
    total = sum(len(v) for v in by_code.values())
    out = []
    for code, hits in by_code.items():
        links = [link_label(ctx, spec, m.start(), m.end()) for m in hits]
        best = max(range(len(hits)), key=lambda i: (links[i].match * links[i].layout, -i))
        symbol_only = all(len(m.group()) == 1 and m.group() == "$" for m in hits)
        out.append(
            Proposal(
                value=code,
                spans=[(hits[best].start(), hits[best].end())],
                signals={
                    "typed": 0.7 if symbol_only else 1.0,
                    "share": len(hits) / total,
                    "match": max(links[best].match, 0.5 if _next_to_amount(ctx, hits[best]) else 0.0),
                },
            )
        )
    return out


def _next_to_amount(ctx: Context, m: re.Match) -> bool:
    return bool(re.match(r"[ \t]?\d", ctx.text[m.end() : m.end() + 2])) or bool(
        re.search(r"\d[ \t]?$", ctx.text[max(m.start() - 2, 0) : m.start()])
    )


# -- text after a label ------------------------------------------------------------------

_SEPARATOR = re.compile(r"^[\s:#.\-–—=|]*")


def find_labelled_text(ctx: Context, spec: FieldSpec) -> list[Proposal]:
    """The text printed after one of the field's labels (same line, else the line below),
    read with the kind's parser when it has one."""
    parser = PARSERS.get(spec.kind, clean_text)
    out = []
    for hit in ctx.labels(spec):
        line = hit.line
        rest = ctx.text[hit.end : line.end]
        lead = _SEPARATOR.match(rest).end()
        segment = re.split(r"\s{3,}|\t", rest[lead:])[0].rstrip()
        start, layout = hit.end + lead, 1.0
        if not segment:
            below = [ln for r in ctx.layout.next_rows(line, 1) for ln in r.lines if _stacked(line, ln)]
            if not below:
                continue
            nxt = below[0]
            segment = nxt.text.strip()
            start, layout = nxt.start + nxt.text.index(segment), 0.75
        if spec.kind == "identifier":
            segment = segment.split()[0] if segment.split() else ""
        value = parser(segment)
        if not segment or value is None:
            continue
        rivals = any(_covers(r, hit) for r in ctx.rival_labels(spec))
        typed = 1.0 if spec.kind != "identifier" or re.search(r"\d", segment) else 0.5
        out.append(
            Proposal(
                value=value if isinstance(value, str) else str(value),
                spans=[(start, start + len(segment))],
                signals={"match": hit.ratio * (0.2 if rivals else 1.0), "typed": typed, "layout": layout},
            )
        )
    return out


for _kind in ("text", "identifier"):
    register_finder(_kind)(find_labelled_text)


# -- organisations and addresses ------------------------------------------------------------

# Generic cues, several languages: legal-entity forms, business nouns, street words,
# regions, postcodes. They describe what names and addresses look like anywhere,
# never a particular vendor.
_LEGAL = re.compile(
    r"(?<![^\W_])(?:sdn\.?\W{0,2}b[hn]d\.?|s/b|bhd\.?|berhad|plc|l\.?l\.?c\.?|llp|ltd\.?|limited|"
    r"inc\.?|incorporated|corp\.?|corporation|gmbh|mbh|pty\.?(?:\s+ltd\.?)?|pte\.?(?:\s+ltd\.?)?|pvt\.?|"
    r"b\.\s?v\.?|n\.\s?v\.?|s\.\s?a\.?(?:\s?s\.?)?|s\.\s?r\.\s?l\.?|sarl|s\.\s?l\.|s\.\s?p\.\s?a\.?|a/s|aps|"
    r"&\s?co\.?(?:\s?kg)?|co\.,?\s?ltd\.?|co\.|kg|(?-i:AG|UG|SE|OY)|e\.\s?k\.|sp\.\s?z\s?o\.\s?o\.?|s\.\s?r\.\s?o\.?)"
    r"(?![^\W_])",
    re.IGNORECASE,
)
_BUSINESS = frozenset(
    "enterprise enterprises trading traders hardware restaurant restoran cafe café bakery mart store "
    "stores supermarket minimarket pharmacy farmasi station services solutions software technologies "
    "kedai stationery marketing industries electrical bookstore books food foods kitchen gallery "
    "centre center agency holdings group studio".split()
)
# business nouns that end a name ("... HARDWARE TRADING"), so a line opening with one is cut
_NAME_FINAL = frozenset("enterprise enterprises trading traders holdings industries".split())
# words that mark a line as part of the document's furniture, not a name
_FURNITURE = frozenset(
    "invoice receipt tax total date page tel telephone phone fax email gst sst reg registration "
    "cashier bill table order rechnung quittung datum no number vat ust qty amount thank thanks "
    "welcome customer cash change subtotal description".split()
)
# labels after which the *other* party is printed (the customer, not the issuer)
_COUNTERPARTY = (
    "bill to", "billed to", "invoice to", "invoiced to", "ship to", "sold to", "customer", "client",
    "recipient", "rechnungsempfänger", "rechnung an", "kunde", "an", "to", "attention", "attn",
    "facturé à", "buyer", "käufer", "billing contact",
)
_STREET = frozenset(
    "jalan jln lorong lrg taman tmn bandar bdr lot kawasan persiaran kampung kg batu "
    "street st road rd avenue ave lane ln drive dr boulevard blvd way floor flr level suite ste unit "
    "building bldg block blk tower plaza court ct highway hwy square sq "
    "strasse straße str weg platz gasse allee ring damm ufer chaussee "
    "rue chemin place via viale piazza calle avenida carrer straat laan plein".split()
)
_REGION = re.compile(
    r"(?<![^\W_])(?:selangor|johor|kuala lumpur|penang|pulau pinang|perak|kedah|melaka|malacca|"
    r"negeri sembilan|pahang|terengganu|kelantan|sabah|sarawak|putrajaya|labuan|perlis|darul \w+|"
    r"malaysia|singapore|germany|deutschland|austria|österreich|switzerland|schweiz|ireland|"
    r"united kingdom|england|usa|united states|canada|australia|netherlands|nederland|france|"
    r"belgium|spain|españa|italy|italia|israel|poland|polska|sweden|denmark|norway|finland|"
    r"berlin|münchen|munich|hamburg|köln|frankfurt|dublin|london|paris|amsterdam|zürich|"
    r"new york|san francisco|california|delaware)(?![^\W_])",
    re.IGNORECASE,
)
_POSTCODE = re.compile(
    r"(?<![\w-])(?:\d{5}(?:-\d{4})?|[A-Z]{1,2}\d[A-Z\d]?\s\d[A-Z]{2}|\d{4}\s?[A-Z]{2}|[A-Z]-\d{4,5}|"
    r"\d{4}(?=\s+[A-Z][a-zäöü]))(?![\w-])"
)
_CONTACT = re.compile(
    r"(?i)\b(?:tel|telephone|phone|fax|hp|mobile|email|e-mail|www|http|gst|sst|reg|vat|ust|"
    r"invoice|receipt|date|cashier)\b|\w@\w|\+\d"
)


def _line_rel(ctx: Context, line: Line) -> float:
    return ctx.layout.relative_y(line)


def _name_score(text: str) -> float:
    """How much a piece of text looks like a name: letters, a few words, no document furniture."""
    words = norm(text).split()
    if not words:
        return 0.0
    chars = [c for c in text if not c.isspace()]
    letters = sum(c.isalpha() for c in chars) / len(chars)
    score = min(letters / 0.7, 1.0)
    if len(words) > 8:
        score *= 0.5
    if _FURNITURE & set(words) or _CONTACT.search(text) or re.search(r"\d{5,}", text):
        score *= 0.3
    return score * (1.0 - _address_score(text) / 2)


def _address_score(text: str) -> float:
    """Cues that a line is part of a postal address (0 for contact lines and names)."""
    if _CONTACT.search(text):
        return 0.0
    words = set(norm(text).split())
    score = 0.5 * bool(_POSTCODE.search(text)) + 0.4 * bool(words & _STREET) + 0.4 * bool(_REGION.search(text))
    score += 0.1 * min(text.count(","), 2) + 0.2 * bool(re.search(r"(?i)\bno\.?\s?\d|\d+[a-z]?,", text))
    return min(score, 1.0)


def _roles(ctx: Context, spec: FieldSpec) -> dict[int, float]:
    """Per line: 1 under the field's own label, 0 inside the other party's block, else 0.5.

    A label starts its line ("Bill to", "Rechnung an: ..."); its block is that line and the
    lines of the next rows in the label's column (so a second column beside it is not
    included). When the field's own aliases name the other party (a "customer" field), those
    blocks count as its own.
    """
    own = {norm(a) for a in spec.aliases}
    counter = [a for a in _COUNTERPARTY if norm(a) not in own]
    roles: dict[int, float] = {}
    for aliases, role in ((counter, 0.0), (list(spec.aliases), 1.0)):
        for line in ctx.lines:
            for hit in find_aliases(line, aliases):
                if hit.start - line.start > 2 or (role == 1.0 and not _stands_as_label(ctx, hit)):
                    continue
                box = ctx.layout.span(hit.start, hit.end).bbox
                roles.setdefault(line.index, role)
                for row in ctx.layout.next_rows(line, 4):
                    for ln in row.lines:
                        if box is None or ln.bbox is None or abs(ln.bbox[0] - box[0]) <= max(box[2] - box[0], 20):
                            roles.setdefault(ln.index, role)
    return roles


def _stands_as_label(ctx: Context, hit: LabelHit) -> bool:
    """The field's own alias is a label only when a separator or the line's end follows it
    ("Store: ..."); "COMPANY REG NO" labels a number and "SHOP WITH US" is a slogan."""
    return bool(re.match(r"\s*(?:name\s*)?(?::|$)", ctx.text[hit.end : hit.line.end], re.IGNORECASE))


_DOMAIN = re.compile(r"(?i)(?:@|https?://|www\.)((?:[a-z0-9-]+\.)+[a-z]{2,})")
_SECOND_LEVEL = frozenset("co com net org gov ac edu".split())


def _domains(ctx: Context) -> set[str]:
    """The names of the web domains in e-mail addresses and URLs ("info@acme.co.uk" -> "acme")."""
    if "domains" not in ctx.memo:
        names = set()
        for m in _DOMAIN.finditer(ctx.text):
            parts = m.group(1).casefold().split(".")[:-1]
            while len(parts) > 1 and parts[-1] in _SECOND_LEVEL:
                parts.pop()
            if parts and len(parts[-1]) >= 4:
                names.add(parts[-1])
        ctx.memo["domains"] = names
    return ctx.memo["domains"]


def _domain_match(ctx: Context, name: str) -> float:
    """1 when the name is the document's own web domain (a company's e-mail and site carry
    its name: "Acme Software GmbH" and "billing@acme.de"), else 0."""
    tokens = [t for t in norm(name).split() if len(t) >= 4]
    tokens.append("".join(norm(name).split()))
    return float(any(t.startswith(d) or d.startswith(t) for t in tokens for d in _domains(ctx) if len(t) >= 4))


# "CO." as the label of a company number ("CO. REG. NO:", "CO. NO."), not a legal form
_CO_LABEL = re.compile(r"(?i)co\.?\W*(?:reg|registration|no|number)\b")


def _legal_form(line: Line) -> tuple[int, int] | None:
    """Line-relative (start, end) of the first legal form, run on through the forms that
    follow it ("GmbH & Co. KG", "CO. (M) BHD"); a form opening a bracket is a registration note
    and "CO. REG. NO" labels a company number."""
    found = [
        m for m in _LEGAL.finditer(line.text)
        if not line.text[: m.start()].rstrip().endswith("(") and not _CO_LABEL.match(line.text, m.start())
    ]
    if not found:
        return None
    start, end = found[0].start(), found[0].end()
    for m in found[1:]:
        if not re.fullmatch(r"[\s&,.]*(?:\(\w{1,3}\))?[\s&,.]*", line.text[end : m.start()]):
            break
        end = m.end()
    return start, end


def _name_span(line: Line, form: tuple[int, int]) -> tuple[int, int]:
    """Offsets of the company name ending with the legal form: the run of capitalised words
    before it (an uppercase line is all capitalised), without a leading label, © or "#12" number."""
    words = list(re.finditer(r"\S+", line.text[: form[0]]))
    start = line.start + form[0]
    for w in reversed(words):
        token = w.group()
        if token.endswith(":") or token in ("©", "(c)", "|", "-", "–", "·") or re.fullmatch(r"\d{4}|#\d*", token):
            break
        if token[0].isalpha() and token[0].islower() and token not in ("and", "und", "of", "de"):
            break
        start = line.start + w.start()
    return start, line.start + form[1]


def _organisation_spans(ctx: Context, labelled: set[int]) -> list[tuple[list[Line], int, int, float]]:
    """(lines, start, end, legal) for every name-like piece: legal forms anywhere; business
    nouns, the document's web-domain name, lines under the field's label (``labelled``) or
    plain names near the top; names broken over lines joined."""
    found = []
    for line in ctx.lines:
        form = _legal_form(line)
        if form:
            start, end = _name_span(line, form)
            lines, start, end = _join_broken(ctx, [line], start, end, start == line.start + form[0])
            if start < line.start + form[0] or len(lines) > 1:  # a legal form alone is no name
                found.append((lines, start, end, 1.0))
            continue
        if _is_company_no(line.text) or _DOMAIN.search(line.text):
            continue  # a company number or a web address is no name, even beside a legal form
        stripped = re.sub(r"\s*\([^)]*\d[^)]*\)\s*$", "", line.text.strip())  # a trailing (reg. no.)
        registered = _registered(ctx, line)
        # a company number vouches for a name whose words look like furniture ("CASH & CARRY")
        if not stripped or _name_score(stripped) < (0.25 if registered else 0.5):
            continue
        business = bool(_BUSINESS & set(norm(stripped).split()))
        own_domain = "".join(norm(stripped).split()) in _domains(ctx)
        if (line.index < 6 and line.page == 1) or business or own_domain or registered or line.index in labelled:
            start = line.start + line.text.index(stripped)
            lines, start, end = _join_broken(ctx, [line], start, start + len(stripped), False)
            found.append((lines, start, end, 1.0 if registered else 0.6 if business else 0.0))
    return found


# a line that holds only a company (registration) number and its label: "822737-X",
# "(002049088-U)", "CO. REG. NO: 000948487-V", "COMPANY NO:" (number left blank)
_COMPANY_NO_LINE = re.compile(
    r"(?i)\W*(?:(?:co|company|roc|reg|registration|no|number)\b\W*)*(?P<no>[A-Z]{0,2}\d{5,12}\s?-\s?[A-Z])?\W*"
)


def _is_company_no(text: str) -> bool:
    """The line is a company number or its label; a bare number needs the letter suffix
    ("-X"), so phone and tax numbers do not count."""
    m = _COMPANY_NO_LINE.fullmatch(text)
    return bool(m) and bool(m.group("no") or re.match(r"(?i)\W*(?:co|company|roc)\b", text))


def _registered(ctx: Context, line: Line) -> bool:
    """A company number is printed beside the line or on the line under it: the registry's
    mark of a legal entity, as strong as a legal form (brand names and slogans carry none).
    The last line of an address often sits above the number too, so it does not count."""
    if _REGISTRATION.search(line.text):
        return True
    if line.index + 1 >= len(ctx.lines) or ctx.lines[line.index + 1].page != line.page:
        return False
    return _is_company_no(ctx.lines[line.index + 1].text) and _address_score(line.text) < 0.3


def _join_broken(ctx: Context, lines: list[Line], start: int, end: int, bare: bool):
    """Extend a name over the line above when it is cut (``bare``: nothing before the legal
    form; an unclosed bracket; starting with "&" or a name-final noun such as "TRADING"; the
    line above ending in "&", "," or "-"), and over the line below when it ends in "&"."""
    for _ in range(2):
        first = lines[0]
        if first.index == 0 or ctx.lines[first.index - 1].page != first.page:
            break
        prev = ctx.lines[first.index - 1]
        piece = ctx.text[start:end]
        cut = (
            bare
            or piece.count("(") != piece.count(")")
            or piece.lstrip().startswith(("&", ")"))
            or bool(set(norm(piece).split()[:1]) & _NAME_FINAL)
            or prev.text.rstrip().endswith(("&", ",", "-", "("))
        )
        if not cut or _name_score(prev.text) < 0.6 or _legal_form(prev):
            break
        lines, bare = [prev] + lines, False
        start = prev.start + len(prev.text) - len(prev.text.lstrip())
    if lines[-1].text.rstrip().endswith("&") and lines[-1].index + 1 < len(ctx.lines):
        nxt = ctx.lines[lines[-1].index + 1]
        if _name_score(nxt.text) >= 0.6:
            lines, end = lines + [nxt], nxt.start + len(nxt.text.rstrip())
    return lines, start, end


def _spans_over(lines: list[Line], start: int, end: int) -> list[tuple[int, int]]:
    """One span per line of a value that runs over several lines."""
    out = []
    for ln in lines:
        s, e = max(start, ln.start), min(end, ln.start + len(ln.text.rstrip()))
        s += len(ln.text[s - ln.start :]) - len(ln.text[s - ln.start :].lstrip())
        if s < e:
            out.append((s, e))
    return out


def _first_address_y(ctx: Context) -> float:
    """Relative height of the first line (in text order) that opens an address block; 1 if none."""
    if "first_address_y" not in ctx.memo:
        scores = [_address_score(ln.text) for ln in ctx.lines]
        first = next((ln for ln in ctx.lines if _opens(ctx, scores, ln.index)), None)
        ctx.memo["first_address_y"] = _line_rel(ctx, first) if first else 1.0
    return ctx.memo["first_address_y"]


@register_finder("organization")
def find_organisations(ctx: Context, spec: FieldSpec) -> list[Proposal]:
    """Company names: a legal form (SDN BHD, GmbH, Ltd, Inc, ...) or a company number beside
    the name, business nouns, a name-like line near the top; not inside the other party's
    block (bill to, customer)."""
    roles = _roles(ctx, spec)
    out = []
    for lines, start, end, legal in _organisation_spans(ctx, {i for i, r in roles.items() if r == 1.0}):
        spans = _spans_over(lines, start, end)
        if not spans:
            continue
        raw = " ".join(ctx.text[s:e] for s, e in spans)
        y = _line_rel(ctx, lines[0])
        position = 1.0 - y if y < 0.5 else (0.6 if y > 0.85 else 0.3)
        if _first_address_y(ctx) < y < 0.5:
            position /= 2  # the seller heads the page above its address; a name under it is an operator
        out.append(
            Proposal(
                value=clean_text(raw),
                spans=spans,
                signals={
                    "legal": legal,
                    "name": _name_score(raw),
                    "position": position,
                    "role": roles.get(lines[0].index, 0.5),
                    "domain": _domain_match(ctx, raw),
                },
                raw=raw,
            )
        )
    # a name printed anywhere as the other party is the other party wherever else it appears
    for p in out:
        same = [q.signals["role"] for q in out if q.value.casefold() == p.value.casefold()]
        p.signals["role"] = 0.0 if 0.0 in same else max(same)
    return out


_REGISTRATION = re.compile(r"\([^()\d]*\d{4,9}[\s-]*[A-Z]\s*\)")  # a company number: "(308282-A)", "(NO. 193573-M)"


def _names_party(line: Line) -> bool:
    """The line names a company (a legal form or a company number), so it is no address
    line; "KG." (kampung) reads as a legal form, so a line with a postcode still counts."""
    if _REGISTRATION.search(line.text) or _is_company_no(line.text):
        return True
    return _legal_form(line) is not None and not _POSTCODE.search(line.text)


def _opens(ctx: Context, scores: list[float], i: int) -> bool:
    """Whether an address block starts at line ``i``: it has cues, or weak ones ("NO. 19 & 21")
    and the next line has cues; a line naming the company does not."""
    if _names_party(ctx.lines[i]):
        return False
    return scores[i] >= 0.3 or (scores[i] > 0 and i + 1 < len(scores) and scores[i + 1] >= 0.3)


def _continues(ctx: Context, scores: list[float], first: int, k: int) -> bool:
    """Whether line ``k`` carries on the address block that starts at line ``first``: it has
    cues itself, or it is a plain line (a district name) followed by one that has."""
    line = ctx.lines[k]
    if line.page != ctx.lines[first].page or _CONTACT.search(line.text) or _names_party(line):
        return False
    if scores[k] >= 0.3:
        return True
    return k + 1 < len(scores) and scores[k + 1] >= 0.3 and _name_score(line.text) >= 0.6


def _address_shape(first: str, last: str) -> float:
    """How much a block is shaped like a whole address: it opens with a number or street
    ("NO 5, JALAN ...", "12 Main Street") and closes with a postcode or region."""
    opens = bool(re.match(r"(?i)\W*(?:no\b|lot\b|unit\b|\d)", first)) or bool(set(norm(first).split()) & _STREET)
    closes = bool(_POSTCODE.search(last) or _REGION.search(last))
    return (opens + closes) / 2


@register_finder("address")
def find_addresses(ctx: Context, spec: FieldSpec) -> list[Proposal]:
    """Runs of consecutive lines with address cues (postcodes, street words, regions, commas)."""
    scores = [_address_score(ln.text) for ln in ctx.lines]
    out = []
    i = 0
    while i < len(ctx.lines):
        if not _opens(ctx, scores, i):
            i += 1
            continue
        j = i
        while j + 1 < len(ctx.lines) and j - i < 5 and _continues(ctx, scores, i, j + 1):
            j += 1
        while j > i and scores[j] < 0.3:
            j -= 1  # a block ends on a line with cues
        lines = ctx.lines[i : j + 1]
        spans = [(ln.start + len(ln.text) - len(ln.text.lstrip()), ln.start + len(ln.text.rstrip())) for ln in lines]
        raw = " ".join(ctx.text[s:e] for s, e in spans)
        cues = sum(scores[i : j + 1])
        y = _line_rel(ctx, lines[0])
        out.append(
            Proposal(
                value=clean_text(raw),
                spans=spans,
                signals={
                    "cues": min(cues / 1.5, 1.0),
                    "shape": _address_shape(lines[0].text, lines[-1].text),
                    "position": 1.0 - y if y < 0.5 else 0.3,
                },
                raw=raw,
            )
        )
        i = j + 1
    return out


# -- the extractor ---------------------------------------------------------------------------


def finder_for(spec: FieldSpec) -> Finder | None:
    """The finder for a field: by (kind, many); scalar kinds without one read the text after a label."""
    found = FINDERS.get((spec.kind, spec.many))
    if found is None and not spec.many and spec.kind in PARSERS:
        return find_labelled_text
    return found


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
    ranked = [p for p in ranked[:limit] if p.strength >= keep * ranked[0].strength]
    strengths = [p.strength for p in ranked]
    for i, p in enumerate(ranked):
        # only the leader has a margin; adding it keeps the order (the others get 0)
        margin = strengths[0] - (strengths[1] if len(ranked) > 1 else 0.0) if i == 0 else 0.0
        p.signals["unique"] = margin / strengths[0] if i == 0 and strengths[0] > 0 else 0.0
    return ranked


@register("rules")
class RulesExtractor(Extractor):
    """Labels, typed parsers and layout cues; fast enough for thousands of documents a minute."""

    def __init__(self, limit: int = MAX_CANDIDATES):
        self.limit = limit

    def extract(self, request: ExtractionRequest) -> ExtractionResult:
        ctx = Context(request.document, request.schema)
        candidates: list[Candidate] = []
        # learned label anchors (a prompt version's, see pipeline.prompting.PromptConfig) extend the aliases
        anchors = request.hints.get("anchors") or {}
        for spec in request.fields:
            if anchors.get(spec.name):
                spec = replace(spec, aliases=spec.aliases + tuple(anchors[spec.name]))
            finder = finder_for(spec)
            if finder is None:
                continue
            for proposal in rank(finder(ctx, spec), self.limit, many=spec.many):
                candidates.append(ctx.candidate(spec, proposal, self.name))
        return ExtractionResult(candidates=candidates)


if importlib.util.find_spec("pipeline.extractors.clauses") is not None:
    from pipeline.extractors import clauses  # noqa: E402,F401  (legal kinds register their finders)
