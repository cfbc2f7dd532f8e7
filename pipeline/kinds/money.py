"""Amounts of money: the printed-amount grammar, its parser, grounding and generic finder.

For a total (a field whose aliases speak of a total or the amount due) the finder
also reads what receipts print around it: a summary table below it, a rounding
adjustment, and cash tendered less change given (the ``paid`` signal). The words
for these are English here; cue packs add their languages' words under the same
names (``total``, ``tender``, ``change``, ``summary``, ``adjustment``).
"""

from __future__ import annotations

import re
from collections import Counter
from decimal import Decimal

from pipeline.extractors.finding import PARTIAL, TAX_WORDS, Context, Proposal, label_words, link_label, rightmost_in_row
from pipeline.extractors.layout import cell_end, norm
from pipeline.infer import SAME_LABELS, infer_kind, sequence_end
from pipeline.kinds.base import Kind
from pipeline.schemas import FieldSpec
from schemas.types import ISO_4217, Money, parse_currency, parse_money

_AMOUNT = re.compile(
    # a minus sign opening an amount ("-£490.00", "-103.00" on a credit note), not a hyphen
    # inside a reference or a range ("PO-2026", "555-0142")
    r"(?P<sign>(?<![\w.,/:\-])[-\u2212](?=[ \t]?(?:RM|[$€£¥]|[A-Z]{3}\b|\d)))?"
    r"(?:(?P<pre>(?<![A-Za-z])(?:RM|(?:US|MX|NZ|HK|[SACR])\$|[$€£¥₹]|Rs\.?|(?:USD|EUR|GBP|MYR|CHF|SGD|AUD|CAD|INR|ZAR)\b"
    # a lone "R" (rand) only before an amount with cents
    r"|R(?=[ \t]?\d{1,3}(?:[ \u00a0]?\d{3})*[.,]\d{2}(?!\d)))[ \t]?)"
    r"|(?(sign)|(?<![\w.,/:\-$€£])))"
    # French, Swiss and Nordic amounts group thousands with a space ("2 860,00 €", also a
    # no-break or narrow one): read whole where cents follow a comma, not as "860,00"; after a
    # currency sign also where they follow a point ("R 19 060.00"), where a space before
    # "150.00" otherwise parts a quantity from a price
    r"(?P<num>(?(pre)\d{1,3}(?:[ \u00a0\u202f]\d{3})+[.,]\d{2}|\d{1,3}(?:[ \u00a0\u202f]\d{3})+,\d{2})"
    # Indian amounts group lakhs and crores in pairs ("2,50,00,000"), and may close with "/-"
    r"|\d{1,2}(?:,\d{2})+,\d{3}(?:\.\d{1,2})?|\d{1,3}(?:[,.']\d{3})+(?:[.,]\d{1,2})?|\d{1,7}(?:[.,]\d{1,2})?)"
    r"(?![\w:%]|/(?!-)|[.,]\d|-\d)"
    r"(?P<post>[ \t]?(?:€|\b(?:" + "|".join(sorted(ISO_4217)) + r")\b))?"
)


_FORMATTED = re.compile(r"\d[.,']\d{1,3}(?!\d)")
CURRENCY_MARK = re.compile(r"RM|[$€£¥₹]|\b(?:" + "|".join(sorted(ISO_4217)) + r")\b", re.I)


_CENTS = re.compile(r"\d([.,])\d{2}$")
_THREE_DECIMALS = re.compile(r"\d{1,3}([.,])\d{3}")
_TERMS = re.compile(r"(?i)\bnet[ \t]+$")


def _printed_as_money(m: re.Match) -> bool:
    """An ``_AMOUNT`` match printed as money: with cents or a currency mark ("39.23", "$40",
    "40 EUR"), not a bare number that may be a quantity, a postcode or a box's number."""
    return bool(_CENTS.search(m.group("num")) or m.group("pre") or m.group("post"))


def _decimal_mark(matches: list[re.Match]) -> str | None:
    """The mark every amount with cents uses ("." in "39.23", "," in "7,50"), or None where
    the document uses both or prints no cents."""
    marks = {c.group(1) for m in matches if (c := _CENTS.search(m.group("num")))}
    return marks.pop() if len(marks) == 1 else None


_REFERENCE = re.compile(r"(?i)\b(?:clause|section|article|paragraph|schedule|exhibit|annex|appendix)s?[ \t]+$")
_YEAR = re.compile(r"(?:19|20)\d\d")
_MONTH_BEFORE = re.compile(
    r"(?i)\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?[ \t]+(?:\d{1,2}(?:st|nd|rd|th)?,?[ \t]+)?$"
)


def amounts(text: str) -> list[tuple[re.Match, Decimal]]:
    """Printed amounts with their values (dates, times, percentages and ids left out).

    A number with three digits after the document's decimal mark ("3.459" a gallon where
    cents are printed "39.23") is a quantity or unit price, not thousands of money; a whole
    number after "Net" is a payment term in days."""
    matches = list(_AMOUNT.finditer(text))
    mark = _decimal_mark(matches)
    out = []
    for m in matches:
        three = _THREE_DECIMALS.fullmatch(m.group("num"))
        if three and three.group(1) == mark:
            continue
        if _TERMS.search(text, max(m.start() - 8, 0), m.start()) and m.group("num").isdigit() and not (m.group("pre") or m.group("post")):
            continue  # payment terms in days ("Terms: Net 30"), not a net amount
        if _REFERENCE.search(text, max(0, m.start() - 16), m.start()) and not (m.group("pre") or m.group("post")):
            continue  # a clause's or schedule's number ("the rate in clause 2.1"), not an amount
        if _YEAR.fullmatch(m.group("num")) and not (m.group("pre") or m.group("post")) and _MONTH_BEFORE.search(text, max(0, m.start() - 16), m.start()):
            continue  # a date's year ("in April 2026", "March 3, 2025"), not an amount
        value = parse_money(m.group("num"))
        if value is not None:
            out.append((m, -value if m.group("sign") else value))
    return out


TOTAL_WORDS = frozenset("total due".split())
TENDER_WORDS = frozenset("cash tender tendered paid payment".split())
CHANGE_WORDS = frozenset("change".split())
SUMMARY_WORDS = frozenset("summary analysis".split())
ADJUSTMENT_WORDS = frozenset("rounding round adj adjustment adjustments".split())


def _is_total(ctx: Context, spec: FieldSpec) -> bool:
    """A field that is an overall amount (its aliases speak of a total or the amount due)."""
    words = ctx.cues.words("total", TOTAL_WORDS)
    return any(w in words for a in spec.aliases for w in norm(a).split())


_TOTAL_LABELS = frozenset(next(group for group in SAME_LABELS if group[0] == "total"))


def _is_part(ctx: Context, spec: FieldSpec) -> bool:
    """A field that is a part of the total (a subtotal, a tax, a discount, a rounding, change
    given): its aliases name one (a partial or tax word) and none is a label of the total."""
    if {norm(a) for a in spec.aliases} & _TOTAL_LABELS:
        return False
    words = ctx.cues.words("partial", PARTIAL) | ctx.cues.words("tax", TAX_WORDS)
    return any(w in words for a in spec.aliases for w in norm(a).split())




def _is_tax(ctx: Context, spec: FieldSpec) -> bool:
    """A field that is the tax (its aliases name a tax and no other part: not "total excl tax")."""
    said = {w for a in spec.aliases for w in norm(a).split()}
    return bool(said & ctx.cues.words("tax", TAX_WORDS)) and not said & ctx.cues.words("partial", PARTIAL)


def _taxes_summed(ctx: Context, found: list[Proposal], rightmost: set[int]) -> list[Proposal]:
    """Two or three taxes printed on consecutive rows under different labels (GST and PST, CGST
    and SGST, VAT at two rates) are parts of one tax: their sum, derived (so a person confirms
    it), is one more candidate, weaker than its weakest part, that the checks choose where only it makes
    the subtotal and the tax add up to the total."""
    rows: dict[int, tuple[Proposal, str]] = {}
    for p in found:
        start = p.spans[0][0]
        line = ctx.line_at(start)
        if p.signals["typed"] == 1.0 and p.signals["match"] >= 0.9 and start in rightmost and line.row not in rows:
            rows[line.row] = (p, " ".join(ctx.text[line.start : start].casefold().split()))
    out = []
    for first in sorted(rows):
        run = [first]
        while len(run) < 3 and run[-1] + 1 in rows:
            run.append(run[-1] + 1)
            parts = [rows[r][0] for r in run]
            if len({rows[r][1] for r in run}) == len(run):
                out.append(Proposal(
                    value=str(sum(Decimal(p.value) for p in parts)),
                    spans=[span for p in parts for span in p.spans],
                    signals={
                        "match": 0.95 * min(p.signals["match"] for p in parts),
                        "typed": 1.0,
                        "layout": min(p.signals["layout"] for p in parts),
                        "derived": 1.0,
                    },
                ))
    return out


_OUT_OF = re.compile(r"\d[ \t]+/[ \t]*$|\d[ \t]+out[ \t]+of[ \t]+$", re.IGNORECASE)


def _counted(spec: FieldSpec) -> bool:
    """A number a plain schema asks for whose name and description say nothing of money ("age",
    "probation_months", "cgpa", "total_hours" aside): a count or a measure, no amount of the
    document, so any figure printed elsewhere is no reading of it."""
    return infer_kind(spec.name, {"description": spec.description}) not in ("money", "percent")


def find_money(ctx: Context, spec: FieldSpec) -> list[Proposal]:
    """Amounts labelled with the field's aliases, the rightmost on their row; for a total,
    the largest such amount, after any printed rounding adjustment. A part of the total (a
    subtotal, a tax) is read only under one of its labels: an invoice that prints no tax
    line has no tax, and its total is no answer."""
    found, rightmost = _document_amounts(ctx)
    total = _is_total(ctx, spec)
    part = _is_part(ctx, spec)
    counted = not total and not part and _counted(spec)
    out = []
    currencies = {}  # proposal -> the currency its amount is marked with
    for m, value in found:
        span = (m.start("num"), m.end("num"))
        link = link_label(ctx, spec, m.start(), m.end(), money=True)
        money = _printed_as_money(m)
        if not money and _numbers_words(ctx, m):
            continue  # a box's or a section's number ("4 Social security tax withheld"), no amount
        if part and (not link.own or (link.layout < 0.9 and not money)):
            continue  # unlabelled, or a bare number in a column under it (a quantity, a footnote's "[1]")
        if counted and not link.own:
            continue  # a count or a measure (an age, hours, a grade average) is read under its label only
        if _OUT_OF.search(ctx.text, max(m.start() - 12, 0), m.start()):
            continue  # the scale of a score printed before it ("4.21 / 5.00", "8 out of 10"), no value
        signals = {
            "match": link.match,
            "typed": 1.0 if money or counted else 0.5,  # a count is printed without cents
            "layout": link.layout * (1.0 if span[0] in rightmost else 0.6),
        }
        start = m.start("pre") if m.group("pre") and not m.group("pre").endswith((" ", "\t")) else span[0]
        start = m.start("sign") if m.group("sign") else start
        out.append(Proposal(value=str(value), spans=[(start, span[1])], signals=signals))
        currencies[id(out[-1])] = _currency(m)
    summed: list[Proposal] = []  # amounts in a year-to-date column beside the period's own
    if not set(norm(" ".join(spec.aliases)).split()) & CUMULATIVE_WORDS:
        summed = [p for p in out if _cumulative(ctx, p.spans[0])]
        for p in summed:
            p.signals["layout"] *= 0.3
    if not total and not ctx.labels(spec) and (first_or_last := sequence_end(spec.name)):
        out += _first_or_last(ctx, spec, *first_or_last)
    if part and _is_tax(ctx, spec):
        out += _taxes_summed(ctx, out, rightmost)
    if total:
        main = _main_currency(found)
        for p in out:
            if main and currencies.get(id(p)) not in (None, main):
                p.signals["match"] *= 0.5  # the total converted ("TOTAL USD $174.63" under "TOTAL GBP £137.50")
        summary = _summary_row(ctx)
        for p in out:
            if ctx.line_at(p.spans[0][0]).row >= summary:
                p.signals["match"] *= 0.5  # a tax summary table repeats parts of the total
        _apply_adjustments(ctx, out)
        if not part:  # a subtotal's later charges are the rest of the total
            _apply_additions(ctx, out)
        paid = _paid(ctx)
        for p in out:  # what was paid confirms or contradicts a total; 0.5 where nothing says
            p.signals["paid"] = 0.5 if not paid else float(Decimal(p.value) in paid)
        # the total is the largest labelled amount (tax lines and summaries are parts of it)
        # beside its label (cash tendered, change and amounts in a second currency below
        # the label do not count); only amounts labelled at least as well compete, so
        # "TOTAL PAYABLE" after returns is not beaten by a larger "TOTAL 6% SUPPLIES"
        sure = [p for p in out if p.signals["typed"] == 1.0 and p not in summed]
        labelled = [p for p in sure if p.signals["match"] >= 0.5 and p.signals["layout"] >= 0.9] or sure
        for p in out:
            peers = [q for q in labelled if q.signals["match"] >= p.signals["match"]] or labelled
            # of a credit (a credit note's "-£618.00") the largest in size
            largest = max((abs(Decimal(q.value)) for q in peers), default=Decimal(0))
            v = abs(Decimal(p.value))
            p.signals["magnitude"] = float(min(v, largest) / max(v, largest)) if largest > 0 and v > 0 else 0.0
    return out


_DOLLARS = frozenset("USD SGD AUD CAD NZD HKD".split())


def _currency(m: re.Match) -> str | None:
    """The currency an amount is marked with; every dollar as one, since a bare "$" beside
    "S$ 19.78" is the same Singapore dollar."""
    code = parse_currency((m.group("pre") or m.group("post") or "").strip())
    return "dollar" if code in _DOLLARS else code


def _main_currency(found: list[tuple[re.Match, Decimal]]) -> str | None:
    """The currency most of the document's marked amounts are in (the first printed of those
    as often marked), where they are marked with more than one; else None."""
    marks = [c for m, _ in found if (c := _currency(m))]
    counts = Counter(marks)
    return max(counts, key=lambda c: (counts[c], -marks.index(c))) if len(counts) > 1 else None


# column headers over amounts summed since the year began: a payslip or a loan statement prints
# them beside this period's ("Current | Year to Date"); a cue pack's LABELS print them in its language
CUMULATIVE_LABELS = ("year to date", "ytd", "cumulative")
CUMULATIVE_WORDS = frozenset(w for label in CUMULATIVE_LABELS for w in label.split()) - {"to"}
HEADER_REACH = 12  # lines from a column's header to the last amount read under it


def _cumulative(ctx: Context, span: tuple[int, int]) -> bool:
    """The amount at ``span`` stands in a year-to-date column: under such a header in one of
    the lines above it (where boxes are, by them; in plain text, by character columns)."""
    if "cumulative" not in ctx.memo:
        ctx.memo["cumulative"] = ctx.find([*CUMULATIVE_LABELS, *ctx.cues.labels(CUMULATIVE_LABELS)])
    line = ctx.line_at(span[0])
    for hit in ctx.memo["cumulative"]:
        if hit.line.page != line.page or not 0 < line.index - hit.line.index <= HEADER_REACH:
            continue
        header, value = ctx.layout.span(hit.start, hit.end).bbox, ctx.layout.span(*span).bbox
        if header is None or value is None:  # plain text: columns of characters
            header = (hit.start - hit.line.start, 0, hit.end - hit.line.start, 0)
            value = (span[0] - line.start, 0, span[1] - line.start, 0)
        if min(header[2], value[2]) > max(header[0], value[0]):
            return True
    return False


def _first_or_last(ctx: Context, spec: FieldSpec, label: str, which: int) -> list[Proposal]:
    """Of a field that is the first or the last amount of its kind (``opening_balance``) whose
    own label the document does not print: the first or the last amount labelled as well as
    any under the label of its kind ("Balance on 1 March 2025", "Balance carried forward")."""
    kind = FieldSpec(name=f"{spec.name}\0kind", description="", kind=spec.kind, aliases=(label,))  # no name holds a NUL
    found, _ = _document_amounts(ctx)
    printed = [(m, value) for m, value in found if _printed_as_money(m)]
    # an amount printed as one: the day of "Balance on 1 March 2025" is no balance
    linked = [(m, value, link) for m, value in printed if (link := link_label(ctx, kind, m.start(), m.end(), money=True)).own]
    best = max((link.match * link.layout for _, _, link in linked), default=0.0)
    tier = [(m, value, link) for m, value, link in linked if best and link.match * link.layout >= 0.9 * best]
    if not tier:
        return []
    m, value, link = tier[which]
    return [Proposal(value=str(value), spans=[(m.start("num"), m.end("num"))], signals={"match": link.match, "typed": 1.0, "layout": link.layout})]


def _numbers_words(ctx: Context, m: re.Match) -> bool:
    """A small whole number opens words printed after it in its own column: it numbers them
    ("4 Social security tax withheld"); "18.4 kg" is a measure, not a box's number. A clause's
    number opening its line ("6.1 The Employee shall be paid") numbers its words too."""
    line = ctx.line_at(m.start())
    small = re.fullmatch(r"\d{1,2}", m.group("num"))
    after = ctx.text[m.end() : cell_end(line, m.start())]
    opens = max(ctx.text.rfind("\n", 0, m.start()), ctx.text.rfind("\f", 0, m.start())) + 1
    if re.fullmatch(r"\d{1,2}(?:\.\d{1,2})?", m.group("num")) and not ctx.text[opens : m.start()].strip():
        return bool(re.match(r"\.?[^\S\n]{1,2}[^\W\d_]", after))  # "6.1 The Employee", "7. HOLIDAYS"
    return bool(small and re.match(r"[^\S\n]{1,2}[^\W\d_]", after))


def _document_amounts(ctx: Context) -> tuple[list[tuple[re.Match, Decimal]], set[int]]:
    """The document's amounts, and the starts of those with no other amount right of them in
    their row (``rightmost_in_row``): the same for every money field, so found once."""
    if "amounts" not in ctx.memo:
        found = amounts(ctx.text)
        spans = [(m.start("num"), m.end("num")) for m, _ in found]
        by_row: dict[int, list[tuple[int, int]]] = {}  # only amounts of a value's row can be right of it
        for span in spans:
            by_row.setdefault(ctx.line_at(span[0]).row, []).append(span)
        rightmost = {s for row in by_row.values() for s, _ in row if rightmost_in_row(ctx, s, row)}
        ctx.memo["amounts"] = found, rightmost
    return ctx.memo["amounts"]


def _line_words(ctx: Context) -> list[set[str]]:
    """Each line's words (``label_words``), read once per document for the scans below."""
    if "line_words" not in ctx.memo:
        ctx.memo["line_words"] = [label_words(line.text) for line in ctx.lines]
    return ctx.memo["line_words"]


def _row_amounts(ctx: Context, words: frozenset[str]) -> list[Decimal]:
    """The document's amounts on the rows of lines labelled with any of ``words``: read with
    the document's decimal mark, so a line's lone "$3.459" stays no amount here too."""
    rows = {line.row for line, said in zip(ctx.lines, _line_words(ctx)) if said & words}
    found, _ = _document_amounts(ctx)
    return [v for m, v in found if ctx.line_at(m.start("num")).row in rows]


def _paid(ctx: Context) -> set[Decimal]:
    """Amounts tendered less the change given back ("CASH 50.00", "CHANGE 27.35"): what the
    customer paid, which is the total (so on 95% of the train receipts that print both). Empty
    when the receipt prints no such pair: card payments, invoices."""
    if "paid" not in ctx.memo:
        tendered = _row_amounts(ctx, ctx.cues.words("tender", TENDER_WORDS))
        change = _row_amounts(ctx, ctx.cues.words("change", CHANGE_WORDS))
        paid = {t - c for t in tendered for c in change if t > c}
        ctx.memo["paid"] = paid or _paid_unlabelled(ctx)
    return ctx.memo["paid"]


def _paid_unlabelled(ctx: Context) -> set[Decimal]:
    """Cash tendered and change given, in words no pack knows ("お預り", "Gegeben"): a whole
    sum on one row and a smaller amount on the next whose difference is the largest amount
    printed above them (the total, then what was handed over, then the change). Arithmetic any receipt paid in cash follows, whatever its language; only
    amounts printed as money count."""
    found, rightmost = _document_amounts(ctx)
    by_row: dict[int, list[Decimal]] = {}
    for m, v in found:  # amounts printed as money: a postcode or a street number is none
        if m.start("num") in rightmost and _printed_as_money(m):
            by_row.setdefault(ctx.line_at(m.start("num")).row, []).append(v)
    rows = sorted(by_row)
    paid = set()
    for above, (r, nxt) in enumerate(zip(rows, rows[1:]), start=1):
        t, c = by_row[r][-1], by_row[nxt][-1]
        before = {v for row in rows[:above - 1] for v in by_row[row]}
        if nxt == r + 1 and t == t.to_integral() and t > c > 0 and before and t - c == max(before) <= t:
            paid.add(t - c)
    return paid


def _summary_row(ctx: Context) -> int:
    """The first row (top to bottom, so OCR text order does not matter) of a heading that
    opens a summary table ("GST SUMMARY"); past the last row when there is none."""
    summary = ctx.cues.words("summary", SUMMARY_WORDS)
    rows = [ln.row for ln, said in zip(ctx.lines, _line_words(ctx)) if len(said) <= 4 and said & summary]
    return min(rows, default=len(ctx.layout.rows))


_SIGNED = re.compile(r"(?P<sign>[-+])?[ \t]?(?:RM|\$)?[ \t]?(?P<num>(?<!\d)\d{0,3}[.,]\d{2})(?!\d)")


def _adjustments(ctx: Context) -> list[tuple[int, Decimal]]:
    """(row, signed amount) on rounding/adjustment rows (unsigned ones could go either way)."""
    out: list[tuple[int, Decimal]] = []
    words = ctx.cues.words("adjustment", ADJUSTMENT_WORDS)
    for line, said in zip(ctx.lines, _line_words(ctx)):
        if not said & words:
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


def _apply_additions(ctx: Context, proposals: list[Proposal]) -> None:
    """A charge printed after the labelled total (a tip, a card surcharge, a gratuity), or
    several (the taxes under an Indian bill's "Total"), and then the total plus that charge
    or all of them ("Total 20.19", "Tip 4.00", "Total with tip 24.19"): the
    later amount is what was paid, however its label reads ("Amount paid"), and takes the
    total's evidence. Cash, change, savings and other parts of the total (``PARTIAL`` words)
    are no charge: cash handed over after the change is no total."""
    found, rightmost = _document_amounts(ctx)
    parts = ctx.cues.words("partial", PARTIAL) | ctx.cues.words("tender", TENDER_WORDS) | ctx.cues.words("change", CHANGE_WORDS)
    parted = {line.row for line, said in zip(ctx.lines, _line_words(ctx)) if said & parts}
    charges: dict[int, Decimal] = {}  # row -> its amount, on rows that add to a total
    for m, v in found:
        row = ctx.line_at(m.start("num")).row
        if m.start("num") in rightmost and row not in parted and _CENTS.search(m.group("num")):
            charges[row] = v

    def row(p: Proposal) -> int:
        return ctx.line_at(p.spans[0][0]).row

    labelled = [p for p in proposals if p.signals["match"] >= 0.5 and p.signals["layout"] >= 0.9]
    for total in sorted(labelled, key=lambda p: p.strength, reverse=True)[:3]:
        for p in proposals:
            if row(p) <= row(total) or p.signals["typed"] < 1.0:
                continue
            added = Decimal(p.value) - Decimal(total.value)
            between = [v for r, v in charges.items() if row(total) < r < row(p)]
            if added > 0 and (added in between or added == sum(between)):
                p.signals["match"] = max(p.signals["match"], total.signals["match"])
                p.signals["layout"] = max(p.signals["layout"], total.signals["layout"])
                total.signals["match"] *= 0.5
                return


class MoneyKind(Kind):
    name = "money"
    json_type = Money
    grounding = r"(?<![\w.,])-?[$€£¥]?\s?-?\d{1,3}(?:[ ,.']?\d{3})*(?:[.,]\d{1,2})?(?![\w])"
    hint = "an amount, as printed"
    parse = staticmethod(parse_money)

    def find(self, ctx, spec):
        return find_money(ctx, spec)

    def implausible(self, value, printed):
        """An amount is printed as one: with decimals, thousands or a currency mark. A bare
        small integer ("3" of "page 3 of 5", a quantity, a clause number) is not taken on trust."""
        if _FORMATTED.search(printed) or CURRENCY_MARK.search(printed):
            return None
        return "amount printed without decimals or currency"
