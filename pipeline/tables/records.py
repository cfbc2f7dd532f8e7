"""Reading a table's rows as records of a nested list field (an invoice's line items).

Columns are mapped to the record's fields by their header labels (the record's
aliases, e.g. "Qty" -> quantity); a column whose header no label knows is named
by the model where the cascade runs one (``pipeline.tables.columns``) if its
values are of that field's kind, and any field still free goes to a column by
the kind of the values below it (text -> the text fields from the left,
percentages -> the percent field, amounts -> the money fields from the right:
the last is the amount, the one before it the unit price; whole numbers -> the
first money fields: a count, the quantity). The description is the column that names
what was sold: a column of words no label names, before the one the description went to,
takes it where it prints more letters (the product, beside a "Description" of charge
types). A cell printing a count at a price ("2 @ $24.00") gives the quantity and the unit
price. A row is a record when it has a value in the amount column, until a row with a stop label or with only a label and
the sum of the rows above (a subtotal in words the schema does not know); a
word-box line right below a record with text only in the description column
continues that record's description (a wrapped line), and fills the columns it left
empty (a tall row's quantity printed centred below the item's first line). Tall rows
centre their cells: description lines right above an amount line are the start of its
item's name where that line prints none, or where as many follow it as precede it. A row
without a description, or whose description names a tax and its rate, is a tax line.
Every value keeps the evidence spans of the cells it was read from, each with
the record field it fills as its ``path``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from pipeline.state import ParsedDocument, Span
from pipeline.tables.grid import AMOUNT, Cell, Grid, header_label, is_stop, is_words, label_of, label_within
from pipeline.kinds import parser

TEXT_KINDS = {"text", "organization", "address", "identifier"}
RATE = re.compile(r"[\s.:@(]*\d+(?:[.,]\d+)?\s*%")  # a rate after a label: " @ 0%", ". 19 %"
AT_PRICE = re.compile(r"(\d+(?:[.,]\d+)?)\s*[@x×]\s*(.+)", re.IGNORECASE)  # a count at a price: "2 @ $24.00", "3 x 9.99"


# a statement's two amount columns, money going out and money coming in: a line's amount is the
# one it prints, out negative ("Money out | Money in", "Debit | Credit"); a running balance
# beside them is no line's amount
OUT_HEADERS = frozenset(("debit", "debits", "money out", "paid out", "withdrawal", "withdrawals", "out"))
IN_HEADERS = frozenset(("credit", "credits", "money in", "paid in", "deposit", "deposits", "in"))
BALANCE_HEADERS = frozenset(("balance", "running balance"))


@dataclass(frozen=True)
class RecordField:
    name: str
    kind: str
    aliases: tuple[str, ...]
    description: str = ""


@dataclass
class Record:
    """One row read as a record: each field's cells, and the field that marks a row."""

    cells: dict[str, list[Cell]] = field(default_factory=dict)
    # a column's decimal mark where its figures show it ("0.150" over "1.200": weights, not thousands)
    marks: dict[str, str] = field(default_factory=dict)

    def value(self, fields: dict[str, RecordField]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name, spec in fields.items():
            cells = self.cells.get(name)
            text = " ".join(c.text for c in cells or [])
            if not cells:
                out[name] = None
            elif spec.kind in TEXT_KINDS:
                out[name] = text
            elif name in self.marks and (m := re.fullmatch(r"(\d{1,3})" + re.escape(self.marks[name]) + r"(\d{3,})", text.strip())):
                out[name] = format(Decimal(f"{m[1]}.{m[2]}").normalize(), "f")  # "1.2": no reading takes it for thousands
            else:
                parsed = parser(spec.kind)(" ".join(c.text for c in cells))
                out[name] = None if parsed is None else str(parsed)
        return out

    def evidence(self, document: ParsedDocument) -> list[Span]:
        return [
            Span(page=document.page_at(start).number, start=start, end=end, text=document.text[start:end], bbox=bbox, path=name)
            for name, cells in self.cells.items() for c in cells for start, end, bbox in c.parts
        ]


def record_fields(item_schema: dict[str, Any]) -> dict[str, RecordField]:
    """The fields of a nested record from its JSON Schema (kinds and aliases, as for top-level
    fields: a plain schema's field names stand for the column headers, ``unit_price`` for "Unit price",
    ``description`` for "Item")."""
    from pipeline.infer import column_labels_from_name
    from pipeline.schemas import _kind, resolve

    defs = item_schema.get("$defs", {})
    fields = {}
    for name, raw in item_schema.get("properties", {}).items():
        prop = resolve(raw, defs)
        aliases = prop.get("x-aliases") or column_labels_from_name(name)
        fields[name] = RecordField(name, _kind(name, prop), tuple(a.casefold() for a in aliases), prop.get("description", ""))
    return fields


def _kind_of(values: list[str]) -> str | None:
    """The kind most of a column's values parse as: percent, money or text. Words are text
    even where the lenient parsers find a number in them ("CCM19 licence", "Oct 1 - Oct 31")."""
    if not values:
        return None
    for kind in ("percent", "money"):
        if sum(parser(kind)(v) is not None and not is_words(v) for v in values) * 3 >= len(values) * 2:
            if kind == "money" or all("%" in v for v in values):
                return kind
    return "text"


def label_columns(grid: Grid, fields: dict[str, RecordField]) -> list[str | None]:
    """The record field each column's header label names (None where it names none)."""
    labels = {name: f.aliases for name, f in fields.items()}
    n_cols = max((len(r) for r in grid.rows), default=0)
    header = grid.header + [""] * (n_cols - len(grid.header))
    mapped: list[str | None] = [label_of(text, labels) if text else None for text in header[:n_cols]]
    # a header that prints a label among other words ("Course Code", "Country of origin") names
    # a field no header names as a whole
    free = {name: aliases for name, aliases in labels.items() if name not in mapped}
    for i, text in enumerate(header[:n_cols]):
        if mapped[i] is None and text and free:
            mapped[i] = label_within(text, free)
    # a label twice (e.g. "Total" and "Net" both read as the amount): the rightmost keeps it
    for i, name in enumerate(mapped):
        if name is not None and name in mapped[i + 1 :]:
            mapped[i] = None
    return mapped


def _whole(grid: Grid, i: int) -> bool:
    """Whether column ``i`` holds whole numbers only (counts and codes, no amounts with cents)."""
    return all(c.isdigit() for r in grid.rows if i < len(r) and r[i] is not None for c in r[i].text)


def _fits(kind: str | None, spec: RecordField) -> bool:
    """Whether a column of values of ``kind`` can hold the field ``spec``."""
    return kind == spec.kind or (kind == "text" and spec.kind in TEXT_KINDS)


def map_columns(grid: Grid, fields: dict[str, RecordField], named: dict[int, str | None] | None = None) -> list[str | None]:
    """The record field of each column: by header label, else as ``named`` (the model's answer
    for columns whose header no label knows) where the column's values are of that field's
    kind, else by the kind of its values."""
    mapped = label_columns(grid, fields)

    def kind(i: int) -> str | None:
        return _kind_of([r[i].text for r in grid.rows if i < len(r) and r[i] is not None])

    for i in sorted(named or {}, reverse=True):  # a field named twice: the rightmost keeps it, as for labels
        name = (named or {})[i]
        if i < len(mapped) and mapped[i] is None and name in fields and name not in mapped and _fits(kind(i), fields[name]):
            mapped[i] = name
    free = [name for name in fields if name not in mapped]
    # a record lists its fields in the order tables print them: text columns from the left take
    # the first text fields (the description leads a row), other columns from the right the last
    # fields of their kind (the last amount column is the amount, not the quantity), except
    # whole numbers, which count (quantities, hours) and take the first ones
    headers = [_header(grid, i) for i in range(len(mapped))]
    kinds = {i: kind(i) for i, name in enumerate(mapped) if name is None and headers[i] not in BALANCE_HEADERS}
    for i in [i for i in kinds if kinds[i] == "text"] + [i for i in reversed(kinds) if kinds[i] != "text"]:
        choices = free if kinds[i] == "text" or _whole(grid, i) else reversed(free)
        name = next((n for n in choices if _fits(kinds[i], fields[n])), None)
        if name is not None:
            mapped[i] = name
            free.remove(name)
    return mapped


def _header(grid: Grid, i: int) -> str:
    return " ".join(re.findall(r"[^\W\d_]+", grid.header[i].casefold())) if i < len(grid.header) else ""


def _out_column(grid: Grid, columns: list[str | None], at: int) -> int | None:
    """Where the amount column is one of a statement's pair of money out and money in, the
    other one of the pair (no field's); None otherwise."""
    own = _header(grid, at)
    other = IN_HEADERS if own in OUT_HEADERS else OUT_HEADERS if own in IN_HEADERS else frozenset()
    return next((i for i, name in enumerate(columns) if name is None and _header(grid, i) in other), None)


def _line_amount(grid: Grid, row: list[Cell | None], at: int, other: int | None) -> Cell | None:
    """The row's amount: in the amount column, else in the other column of a money out | money in
    pair; money out negative."""
    for i in (at, other):
        if i is not None and i < len(row) and _money(row[i]) is not None:
            out = _header(grid, i) in OUT_HEADERS
            return Cell("-" + row[i].text.strip(), row[i].parts) if out else row[i]
    return None


def _product_column(grid: Grid, columns: list[str | None], description: str | None) -> list[str | None]:
    """The columns with the description moved to the column that names what was sold: a column
    no label names, before the description's, whose cells are all words and print more letters
    than the description's. A table may print the product first and head a column of charge
    types "Description" ("Workspace Business Standard" | "Usage"); not a code or a date column,
    which print more digits than letters."""
    if description not in columns:
        return columns
    at = columns.index(description)

    def cells(i: int) -> list[Cell]:
        return [r[i] for r in grid.rows if i < len(r) and r[i] is not None]

    def letters(i: int) -> int:
        return sum(c.isalpha() for cell in cells(i) for c in cell.text)

    products = [i for i in range(at) if columns[i] is None and cells(i) and all(is_words(c.text) for c in cells(i))]
    best = max(products, key=letters, default=None)
    if best is None or letters(best) <= letters(at):
        return columns
    moved = list(columns)
    moved[best], moved[at] = description, None
    return moved


def label_share(grid: Grid, fields: dict[str, RecordField]) -> float:
    """The share of the table's columns whose header names a record field (how sure the mapping is)."""
    labels = {name: f.aliases for name, f in fields.items()}
    named = [header_label(text, labels) for text in grid.header if text]
    return sum(n is not None for n in named) / len(named) if named else 0.0


def _money(cell: Cell | None) -> Decimal | None:
    """A cell's amount; none in words that hold a number ("Invoice Serial#: 0", "Page 2 of 3")."""
    return parser("money")(cell.text) if cell is not None and not is_words(cell.text) else None


def _totals(records: list[Record], cells: dict[str, Cell], fields: dict[str, RecordField], description: str | None) -> bool:
    """Whether a row holds only a label and, in each amount column it fills, the sum of the
    lines above ("Claim Totals | 735.00 | 316.55 | 249.72 | 66.83"): their totals, not a line."""
    figures = [name for name in cells if name != description]
    return all(fields[name].kind == "money" and _adds_up(records, name, _money(cells[name])) for name in figures)


def _adds_up(records: list[Record], amount: str, value: Decimal | None) -> bool:
    """Whether ``value`` is the sum of the records' amounts (to the cent)."""
    if value is None:
        return False
    amounts = [_money(r.cells[amount][0]) for r in records if r.cells.get(amount)]
    return abs(sum((a for a in amounts if a is not None), Decimal(0)) - value) <= Decimal("0.01")


@dataclass
class _Reading:
    """A record being read from a tall row: the description lines printed right above its amount
    line, whether that line prints a description, and how many description lines follow it."""

    record: Record
    above: list[Cell]
    own: bool
    below: int = 0
    added: list[tuple[str, Cell]] = field(default_factory=list)  # cells of the lines that followed it

    def done(self, description: str | None, stops: tuple[str, ...]) -> Record | None:
        """The record, its description led by the lines above where they are its item's name: the
        amount line prints none (the name stands above it, or above and below), or as many lines
        follow it as precede it (a description cell centred on the amount line). None: a tax line,
        with no description in a table that has them, or one that names a tax and its rate."""
        if self.above and description is not None and (not self.own or self.below == len(self.above)):
            self.record.cells[description] = self.above + self.record.cells.get(description, [])
        if description is None:
            return self.record
        cells = self.record.cells.get(description)
        return None if not cells or _at_rate(cells[0].text, stops) else self.record


def _at_rate(text: str, stops: tuple[str, ...]) -> bool:
    """Whether a description is a label ending a table followed by a rate: a tax line printed
    among the items ("VAT @ 0% on 80.65", "MwSt. 19 %"), not an item."""
    folded = " ".join(text.casefold().split())
    return any(folded.startswith(stop) and RATE.match(folded, len(stop)) is not None for stop in stops)


def read(
    grid: Grid, fields: dict[str, RecordField], amount: str, description: str | None, stops: tuple[str, ...],
    named: dict[int, str | None] | None = None,
) -> list[Record]:
    """The grid's rows as records, until a row labelled like a total (``stops``) or one that
    holds only a label and the sum of the lines above (a subtotal the labels do not know); ``amount`` is
    the field that makes a row, ``description`` the text field that wrapped lines continue,
    ``named`` the model's names for columns no header label knows (``map_columns``)."""
    columns = _product_column(grid, map_columns(grid, fields, named), description)
    if amount not in columns:
        return []
    at = columns.index(amount)
    other = _out_column(grid, columns, at)
    readings: list[_Reading] = []
    above: list[Cell] = []  # description lines, each right below the one before, not continuing a record
    last = -1  # the index of the last row read into a record
    text = description if description in columns else None
    for index, row in enumerate(grid.rows):
        if any(cell is not None and is_stop(cell.text, stops) for cell in row):
            break  # a totals label, also where a note is printed before it ("Notes: … Subtotal: 75.87")
        cells = _at_price({name: cell for name, cell in zip(columns, row) if name is not None and cell is not None}, fields, amount)
        records = [r.record for r in readings]
        if records and amount in cells and _totals(records, cells, fields, description):
            break  # a label and the sums of the lines above: their totals, in whatever words they are labelled
        follows = grid.follows(index)
        line_amount = _line_amount(grid, row, at, other)
        if line_amount is not None:
            cells[amount] = line_amount
            readings.append(_Reading(Record({name: [cell] for name, cell in cells.items()}), above if follows else [], text in cells))
            above, last = [], index
        elif readings and cells and follows and last == index - 1 and _continues(readings[-1].record, cells, description):
            # right below the record's own last line: a wrapped line; below a note that followed
            # the table ("*** End of Report ***"), a signature is no part of its last record
            for name, cell in cells.items():
                readings[-1].record.cells.setdefault(name, []).append(cell)
                readings[-1].added.append((name, cell))
            readings[-1].below += text in cells
            above, last = [], index
        else:  # the start of a tall row's name, printed above its amount line; else a heading or a note
            above = (above if follows else []) + ([cells[text]] if text in cells else [])
    _drop_trailing_note(readings)
    records = [record for r in readings if (record := r.done(text, stops)) is not None]
    marks = _decimal_marks(records, fields)
    for record in records:
        record.marks = marks
    return records


def _drop_trailing_note(readings: list[_Reading]) -> None:
    """Lines after the last row of a table whose other rows take one line each are a note
    printed after it ("*** End of Report ***", "Cumulative Grade Point Average: 4.21"), not
    its wrapped description: those rows show the table wraps nothing."""
    if len(readings) < 3 or not readings[-1].added or any(r.added or r.above for r in readings[:-1]):
        return
    last = readings[-1]
    for name, cell in last.added:
        last.record.cells[name].remove(cell)
        if not last.record.cells[name]:
            del last.record.cells[name]
    last.added, last.below = [], 0


_BELOW_ONE = re.compile(r"0([.,])\d{3,}")


def _decimal_marks(records: list[Record], fields: dict[str, RecordField]) -> dict[str, str]:
    """The decimal mark of each figure column that prints a number below one with three decimals
    ("0.150"): there "1.200" is one and a fifth (a weight, a volume), not twelve hundred."""
    marks = {}
    for name, spec in fields.items():
        if spec.kind in TEXT_KINDS:
            continue
        seen = {m[1] for r in records for c in r.cells.get(name, []) if (m := _BELOW_ONE.fullmatch(c.text.strip()))}
        if len(seen) == 1:
            marks[name] = seen.pop()
    return marks


def _at_price(cells: dict[str, Cell], fields: dict[str, RecordField], amount: str) -> dict[str, Cell]:
    """A row's cells with one that prints a count at a price ("2 @ $24.00") read as both: the
    record's first money field (the count, the quantity) and the one before its amount (the unit
    price), each with the whole cell as evidence; where the row prints neither elsewhere."""
    money = [name for name, f in fields.items() if f.kind == "money" and name != amount]
    if len(money) < 2:
        return cells
    count, price = money[0], money[-1]
    for name, cell in cells.items():
        m = AT_PRICE.fullmatch(cell.text.strip())
        if name in money and m and AMOUNT.fullmatch(m[2]) and not ({count, price} - {name}) & cells.keys():
            rest = {k: c for k, c in cells.items() if k != name}
            return {**rest, count: Cell(m[1], cell.parts), price: Cell(m[2], cell.parts)}
    return cells


def _continues(record: Record, cells: dict[str, Cell], description: str | None) -> bool:
    """Whether a line right below a record, without an amount, belongs to it: text in the
    description column (a wrapped line) and values only in columns the record left empty (a
    tall row prints its quantity centred, a line or two below the item's first line)."""
    return all(name == description or name not in record.cells for name in cells)
