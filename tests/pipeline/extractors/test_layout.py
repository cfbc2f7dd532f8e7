"""Lines, rows, spans and fuzzy labels over a parsed document (pipeline/extractors/layout.py)."""

from __future__ import annotations

import re

from pipeline.extractors.layout import Layout, find_aliases, norm
from pipeline.state import PAGE_BREAK, Page, ParsedDocument, Word


def boxed(rows: list[list[tuple[float, str]]]) -> ParsedDocument:
    """One page; each row is (x, text) pieces printed side by side 20 units apart vertically,
    emitted one piece per text line (as OCR does), characters 10 units wide."""
    lines, words, offset = [], [], 0
    for r, pieces in enumerate(rows):
        for x, piece in pieces:
            for m in re.finditer(r"\S+", piece):
                box = (x + 10.0 * m.start(), 20.0 * r, x + 10.0 * m.end(), 20.0 * r + 15)
                words.append(Word(text=m.group(), start=offset + m.start(), end=offset + m.end(), bbox=box))
            lines.append(piece)
            offset += len(piece) + 1
    text = "\n".join(lines)
    page = Page(number=1, start=0, end=len(text), width=600, height=20.0 * len(rows) + 20, words=words)
    return ParsedDocument(text=text, pages=[page], parser="test")


def test_pieces_printed_side_by_side_share_a_row_left_to_right():
    doc = boxed([[(300, "9.00"), (0, "TOTAL:")], [(0, "CASH")]])
    layout = Layout(doc)
    assert [ln.text for ln in layout.lines] == ["9.00", "TOTAL:", "CASH"]
    first = layout.row_of(layout.lines[0])
    assert [ln.text for ln in first.lines] == ["TOTAL:", "9.00"]  # by x, not text order
    assert layout.lines[2].row != first.index
    assert layout.next_rows(layout.lines[1], 2)[0].lines[0].text == "CASH"


def test_without_boxes_each_line_is_its_own_row_and_position_is_its_rank():
    text = "A\nB\n\nC"
    doc = ParsedDocument(text=text, pages=[Page(number=1, start=0, end=len(text))], parser="test")
    layout = Layout(doc)
    assert [ln.text for ln in layout.lines] == ["A", "B", "C"]  # blank lines are no lines
    assert len({ln.row for ln in layout.lines}) == 3
    assert [layout.relative_y(ln) for ln in layout.lines] == [0.0, 0.5, 1.0]


def test_next_rows_stay_on_their_page():
    text = "TOTAL" + PAGE_BREAK + "9.00"
    pages = [Page(number=1, start=0, end=5), Page(number=2, start=6, end=len(text))]
    layout = Layout(ParsedDocument(text=text, pages=pages, parser="test"))
    assert layout.next_rows(layout.lines[0]) == []


def test_a_span_carries_its_page_and_the_box_of_its_words():
    doc = boxed([[(0, "Invoice no INV-7")]])
    layout = Layout(doc)
    start = doc.text.index("INV-7")
    span = layout.span(start, start + 5)
    assert span.text == "INV-7" and span.page == 1
    assert span.bbox == (110.0, 0.0, 160.0, 15.0)


def test_aliases_match_whole_words_fuzzily_and_short_ones_exactly():
    layout = Layout(boxed([[(0, "T0TAL AMOUNT: 12.00")], [(0, "TAX 1.00 TAXI 2.00")], [(0, "Lieferdatum 3.2.")]]))
    amount, tax, compound = layout.lines
    [hit] = find_aliases(amount, ["total amount"])
    assert hit.ratio < 1.0 and amount.text[hit.start - amount.start : hit.end - amount.start] == "T0TAL AMOUNT"
    assert [h.alias for h in find_aliases(tax, ["tax"])] == ["tax"]  # "TAXI" is another word
    assert find_aliases(tax, ["tab"]) == []  # one letter off a three-letter label is no match
    [weak] = find_aliases(compound, ["datum"])
    assert weak.ratio == 0.5  # a compound printed as one word is a weak label


def test_a_number_where_the_alias_has_a_word_is_no_slip():
    """"Statement period 1 March" holds the label "statement period" and a value, not a slip of
    the longer label "statement period end"; a digit inside a word still is one ("T0TAL")."""
    [line] = Layout(boxed([[(0, "Statement period 1 March 2025 to 31 March 2025")]])).lines
    assert find_aliases(line, ["statement period end"]) == []
    assert [h.alias for h in find_aliases(line, ["statement period"])] == ["statement period"]


def test_a_lines_piece_ends_at_the_gap_to_the_next_column():
    """A PDF's text layer joins two columns with one space ("Mr Aaron P. Whitmore Employee No.
    004127"); the word boxes show the gap, and each column is a line of its own. Plain text
    without boxes shows it as three spaces or more."""
    from pipeline.extractors.layout import cell_end

    text = "Employee Mr Aaron P. Whitmore Employee No. 004127"
    far = text.index("Employee No.")  # printed 200 units right of where one space would put it
    words = [
        Word(text=m.group(), start=m.start(), end=m.end(), bbox=(10.0 * m.start() + 200 * (m.start() >= far), 0, 10.0 * m.end() + 200 * (m.start() >= far), 15))
        for m in re.finditer(r"\S+", text)
    ]
    lines = Layout(ParsedDocument(text=text, pages=[Page(number=1, start=0, end=len(text), words=words)], parser="test")).lines
    assert [ln.text for ln in lines] == ["Employee Mr Aaron P. Whitmore", "Employee No. 004127"]
    text = "KEYSTONE HOME LENDING      Mortgage Statement"
    [plain_line] = Layout(ParsedDocument(text=text, pages=[Page(number=1, start=0, end=len(text))], parser="test")).lines
    assert text[: cell_end(plain_line, 0)] == "KEYSTONE HOME LENDING"


def test_norm_keeps_lower_cased_words_only():
    assert norm("  Total (RM):\tInkl. MwSt. ") == "total rm inkl mwst"


def test_other_value_labels_are_each_fields_own_search_filtered_from_one():
    # Context finds every SAME_LABELS label once per document and filters per field;
    # that must equal searching each field's own list (exact, fuzzy and compound hits)
    from pipeline.extractors.finding import Context
    from pipeline.infer import other_labels
    from pipeline.schemas import field_specs, get_schema

    doc = boxed([[(0, "Invoice Date 01.02.2024"), (300, "Due by 15.02.2024")], [(0, "Subtotal 90.00 Sub-total")],
                 [(0, "VAT 10.00 Tax amount"), (300, "Grand Totl 100.00")], [(0, "Amount due 100.00 Qty 2 Unitprice")]])
    invoice = get_schema("invoice")
    ctx = Context(doc, invoice)
    specs = {spec.name: spec for spec in field_specs(invoice)}
    for spec in specs.values():
        own = [h for ln in ctx.lines for h in find_aliases(ln, list(other_labels(spec.aliases)))]
        assert ctx.other_value_labels(spec) == own, spec.name
    assert len(ctx.other_value_labels(specs["total"])) >= 4  # the document has some, fuzzy and compound too
