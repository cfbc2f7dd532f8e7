"""Tables and line items: generated invoices (reportlab PDF, DOCX, XLSX) with known lines go through
parse and the tables extractor; the cross-field checks on line items route and feed calibration."""

from __future__ import annotations

from decimal import Decimal

import pytest

from eval.line_items import row_counts
from eval.synthetic_invoices import RENDERERS, generate
from pipeline.config import Settings
from pipeline.ingest import ingest
from pipeline.parse import parse
from pipeline.route import route
from pipeline.run import Pipeline
from pipeline.score import score
from pipeline.state import Candidate, DocumentState, FieldStatus, Stage
from schemas.invoice import Invoice
from tests.conftest import make_document

SETTINGS = Settings(llm_provider="none")
PIPE = Pipeline(settings=SETTINGS, extractor_names=["rules", "tables"])


def _multi_page_seed() -> int:
    return next(s for s in range(200) if len(generate(s).items) >= 30 and any(i["quantity"] is None for i in generate(s).items))


@pytest.mark.parametrize("fmt", ["pdf", "docx", "xlsx"])
def test_generated_invoice_lines_are_read_row_for_row(fmt: str) -> None:
    invoice = generate(_multi_page_seed())
    state = PIPE.process(RENDERERS[fmt](invoice), f"invoice.{fmt}", "invoice")
    items = state.fields["line_items"].value
    right, predicted, gold = row_counts(items, invoice.items)
    assert right == predicted == gold  # wrapped descriptions, rows without quantity, every page
    if fmt == "pdf":
        assert len(state.parsed.pages) > 1
    # every cell's value has its own evidence, at exact offsets, named by item and field
    evidence = state.fields["line_items"].evidence
    text = state.parsed.text
    assert all(text[s.start : s.end] == s.text for s in evidence)
    last = len(items) - 1
    amount = next(s for s in evidence if s.path == f"{last}.amount")
    assert Decimal(items[last]["amount"]) == invoice.items[last]["amount"]
    assert amount.text.replace(",", "").replace(".", "") == f"{invoice.items[last]['amount']:.2f}".replace(".", "")
    if fmt == "pdf":  # a word box on the page the amount is printed on
        assert amount.bbox is not None and amount.page > 1


def test_the_table_ends_at_the_subtotal_and_totals_are_no_lines() -> None:
    invoice = generate(0)
    state = PIPE.process(RENDERERS["pdf"](invoice), "invoice.pdf", "invoice")
    descriptions = [i["description"].casefold() for i in state.fields["line_items"].value]
    assert not any(d.startswith(("subtotal", "total", "net amount", "zwischensumme")) for d in descriptions)


def _word_document(lines: list[tuple]):
    """A one-page document laid out by hand: (top, [(word, left)]) per line, words 6 units a letter
    wide and 9 high, or (top, [(word, left)], height) for a line printed in another size."""
    from pipeline.state import Page, ParsedDocument, Word

    text, words = "", []
    for top, ws, *size in lines:
        height = size[0] if size else 9
        for word, x in ws:
            text += ("" if not text or text.endswith("\n") else " ")
            words.append(Word(text=word, start=len(text), end=len(text) + len(word), bbox=(x, top, x + 6 * len(word), top + height)))
            text += word
        text += "\n"
    return ParsedDocument(text=text, pages=[Page(number=1, start=0, end=len(text), width=600, height=800, words=words)], parser="test")


def test_word_box_table_with_a_wrapped_line_and_a_gap() -> None:
    """Word boxes laid out by hand: a wrapped description joins its row; a far-off line does not."""
    document = _word_document([
        (100, [("Description", 40), ("Qty", 300), ("Amount", 400)]),
        (120, [("Red", 40), ("widget", 62), ("2", 305), ("10.00", 405)]),
        (132, [("with", 40), ("handle", 62)]),
        (150, [("Blue", 40), ("gadget", 66), ("5.00", 410)]),
        (400, [("Thank", 40), ("you", 70)]),
        (420, [("Subtotal", 300), ("15.00", 405)]),
    ])
    from pipeline.extractors.base import ExtractionRequest
    from pipeline.extractors.tables import TablesExtractor
    from pipeline.schemas import field_specs

    spec = [s for s in field_specs(Invoice) if s.name == "line_items"]
    rows = [c.value for c in TablesExtractor().extract(ExtractionRequest(document, Invoice, spec, [])).candidates]
    assert [(r["description"], r["quantity"], r["amount"]) for r in rows] == [
        ("Red widget with handle", "2.00", "10.00"), ("Blue gadget", None, "5.00"),
    ]


def test_titles_of_two_columns_printed_close_are_two_columns() -> None:
    """A header whose titles sit one space apart ("Qty. Unit price" read as one segment) is parted
    into the titles labels name, so the table under it is read; a title no label names as a whole
    and whose words name no two fields stays one."""
    document = _word_document([
        (100, [("Description", 40), ("Qty.", 250), ("Unit", 280), ("price", 310), ("Amount", 420)]),
        (120, [("Red", 40), ("widget", 62), ("2", 252), ("5.00", 300), ("10.00", 425)]),
        (140, [("Blue", 40), ("gadget", 66), ("1", 252), ("7.50", 300), ("7.50", 425)]),
        (160, [("Subtotal", 300), ("17.50", 425)]),
    ])
    from pipeline.extractors.base import ExtractionRequest
    from pipeline.extractors.tables import TablesExtractor
    from pipeline.schemas import field_specs
    from pipeline.tables.grid import _split_titles

    spec = [s for s in field_specs(Invoice) if s.name == "line_items"]
    rows = [c.value for c in TablesExtractor().extract(ExtractionRequest(document, Invoice, spec, [])).candidates]
    assert [(r["description"], r["quantity"], r["unit_price"], r["amount"]) for r in rows] == [
        ("Red widget", "2.00", "5.00", "10.00"), ("Blue gadget", "1.00", "7.50", "7.50"),
    ]
    words = _word_document([(100, [("Thank", 40), ("you", 80)])]).pages[0].words
    assert _split_titles([words], {"description": ("description",), "amount": ("amount",)}) == [words]


def test_a_monospaced_tables_spaces_wider_than_its_words_are_tall_part_no_cells() -> None:
    """Courier prints a space as wide as a letter, wider than lowercase words are tall (here 6
    wide, 5 high): "case of 500" is one cell, and the gap after a comma is no column's."""
    from pipeline.tables.grid import char_width, lines, segments

    document = _word_document([
        (100, [("Centrifuge", 40), ("tubes,", 107), ("case", 153), ("of", 184), ("500", 203), ("12", 300), ("84.50", 400)], 5),
    ])
    page_lines = lines(document.pages[0])
    runs = segments(page_lines[0], char_width(page_lines))
    assert [" ".join(w.text for w in run) for run in runs] == ["Centrifuge tubes, case of 500", "12", "84.50"]


def test_office_table_cells_are_evidence() -> None:
    invoice = generate(1)
    data = RENDERERS["docx"](invoice)
    parsed = parse(ingest(data, "a.docx", "invoice", SETTINGS), data, SETTINGS).parsed
    table = next(e for e in parsed.elements if e.type == "table")
    assert len({c.row for c in table.cells}) == len(invoice.items) + 1


DOC = make_document("Widget 2 x 5.00 = 10.00\nGadget 1 x 5.00 = 5.00\nSubtotal 15.00\nTax 0.00\nTotal 15.00\n")


def _state(items: list[dict], subtotal: str) -> DocumentState:
    def cand(field: str, value, raw: str) -> Candidate:
        start = DOC.text.index(raw)
        from pipeline.ground import span_at

        return Candidate(field=field, value=value, raw=raw, extractor="tables", evidence=[span_at(DOC, start, start + len(raw))],
                         signals={"grounded": 1.0, "table": 1.0, "header": 1.0})

    candidates = {
        "line_items": [cand("line_items", item, item["description"]) for item in items],
        "subtotal": [cand("subtotal", subtotal, "Subtotal")],
    }
    return DocumentState(id="x", source="t", sha256="0" * 64, size=1, schema_name="invoice", schema_version="1",
                         parsed=DOC, candidates=candidates, stage=Stage.grounded)


ITEMS = [
    {"description": "Widget", "quantity": "2", "unit_price": "5.00", "amount": "10.00", "tax_rate": None},
    {"description": "Gadget", "quantity": "1", "unit_price": "5.00", "amount": "5.00", "tax_rate": None},
]


def test_lines_that_add_up_pass_the_checks_as_a_calibration_feature() -> None:
    scored = score(_state(ITEMS, "15.00"))
    assert scored.fields["line_items"].features["cross_check"] == 1.0
    assert scored.fields["subtotal"].features["cross_check"] == 1.0
    routed = route(scored, 0.0)
    assert not any("cross-field" in r for r in routed.fields["line_items"].reasons)


def test_lines_that_do_not_add_up_go_to_review_with_the_reason() -> None:
    routed = route(score(_state(ITEMS, "25.00")), 0.0)
    for name in ("line_items", "subtotal"):
        assert routed.fields[name].status == FieldStatus.needs_review
        assert "cross-field check failed: the line_items amounts do not add up to subtotal" in routed.fields[name].reasons
    assert routed.fields["line_items"].features["cross_check"] == 0.0


def test_quantity_times_unit_price_must_give_the_amount() -> None:
    wrong = [dict(ITEMS[0], amount="12.00"), ITEMS[1]]
    routed = route(score(_state(wrong, "17.00")), 0.0)
    assert any("quantity x unit_price is not the amount" in r for r in routed.fields["line_items"].reasons)
    rounded = [{"description": "Widget", "quantity": "3", "unit_price": "3.33", "amount": "10.00", "tax_rate": None}]
    assert not Invoice.checks[3].failed({"line_items": rounded})  # a unit price rounded to the cent


def test_a_plain_schemas_record_field_names_are_its_column_headers():
    """A user's line item {description, quantity, unit_price, line_total} with no x-aliases: the
    headers "Unit price" and "Line total" name their columns (by value kind alone, the rightmost
    amount would go to the first money field, the unit price)."""
    from pipeline.tables.grid import Cell, Grid
    from pipeline.tables.records import map_columns, record_fields

    fields = record_fields({"properties": {
        "description": {"type": "string"}, "quantity": {"type": "number"},
        "unit_price": {"type": "number"}, "line_total": {"type": "number"},
    }})
    row = [Cell(text, []) for text in ("Support plan", "2", "40.00", "80.00")]
    grid = Grid(page=1, rows=[row], header=["Description", "Quantity", "Unit price", "Line total"])
    assert map_columns(grid, fields) == ["description", "quantity", "unit_price", "line_total"]


PLAIN_LINE = {"properties": {
    "description": {"type": "string", "description": "What was sold."}, "quantity": {"type": "number"},
    "unit_price": {"type": "number"}, "amount": {"type": "number", "description": "The line's total."},
}}


def test_columns_the_model_named_are_kept_and_a_column_of_none_is_not_guessed_by_kind():
    """Headers no label knows ("Art.-Nr.", "Rate", "Line Total"): by value kind alone the unit
    price and the amount swap; the model's names win where the column's values fit them."""
    from pipeline.tables.grid import Cell, Grid
    from pipeline.tables.records import map_columns, record_fields

    fields = record_fields(PLAIN_LINE)
    row = [Cell(text, []) for text in ("Support plan", "10442", "2", "40.00", "80.00")]
    grid = Grid(page=1, rows=[row], header=["Item", "Art.-Nr.", "Quantity", "Rate", "Line Total"])
    assert map_columns(grid, fields)[3:] == ["unit_price", "amount"]  # by kind: amounts from the right
    # by kind alone, whole numbers count: the quantity nearest the amount, then the article code
    # as the unit price of a table that prints none: what the model is there to fix
    short = Grid(page=1, rows=[[Cell(t, []) for t in ("Support plan", "10442", "2", "80.00")]], header=["Item", "Art.-Nr.", "Menge", "Gesamt"])
    assert map_columns(short, fields) == ["description", "unit_price", "quantity", "amount"]
    named = {0: "description", 1: None, 3: "unit_price", 4: "amount"}
    assert map_columns(grid, fields, named) == ["description", None, "quantity", "unit_price", "amount"]
    # a field named twice: the rightmost column keeps it, as for labels (the other then goes by kind)
    assert map_columns(grid, fields, {3: "amount", 4: "amount"})[3:] == ["unit_price", "amount"]
    # a name the column's values cannot hold is not taken: numbers are no description, a rate no amount
    rated = Grid(page=1, rows=[[Cell(t, []) for t in ("Support plan", "10442", "19%", "80.00")]], header=["Item", "Art.-Nr.", "MwSt", "Gesamt"])
    taken = map_columns(rated, fields, {0: "description", 1: "description", 2: "amount", 3: "amount"})
    assert taken == ["description", "quantity", None, "amount"]  # the code column holds numbers: quantity by kind


def test_a_statements_money_out_is_negative_and_its_running_balance_no_lines_amount():
    """A bank statement prints each line's amount in one of two columns, money out or money in,
    and the balance after it rightmost: the amount is the one printed, out negative; a line
    with a balance only ("Balance brought forward") is no transaction."""
    from pipeline.tables.grid import Cell, Grid
    from pipeline.tables.records import read, record_fields

    fields = record_fields({"properties": {
        "date": {"type": "string"}, "description": {"type": "string"}, "amount": {"type": "number"}}})

    def row(*texts):
        return [Cell(t, []) if t else None for t in texts]

    grid = Grid(page=1, header=["Date", "Description", "Money out", "Money in", "Balance"], rows=[
        row("01 Mar", "Balance brought forward", None, None, "2,418.36"),
        row("03 Mar", "DD BRITISH GAS", "86.40", None, "2,331.96"),
        row("10 Mar", "FP ACME LOGISTICS LTD SALARY", None, "3,200.00", "5,477.79"),
    ])
    records = [r.value(fields) for r in read(grid, fields, "amount", "description", ())]
    assert [(r["description"], r["amount"]) for r in records] == [
        ("DD BRITISH GAS", "-86.40"), ("FP ACME LOGISTICS LTD SALARY", "3200.00")]


def test_a_column_numbering_the_lines_is_not_asked_of_the_model():
    """A "#" or "Pos." column counting 1, 2, 3 holds no field: a model call would only say "none"."""
    from pipeline.tables.columns import unnamed
    from pipeline.tables.grid import Cell, Grid

    rows = [[Cell(t, []) for t in (n, name, code)] for n, name, code in (("1", "Support", "10442"), ("2.", "Hosting", "10443"))]
    grid = Grid(page=1, rows=rows, header=["Pos.", "Item", "Art.-Nr."])
    assert unnamed(grid, [None, "description", None]) == [2]
    codes = Grid(page=1, rows=[[Cell(t, []) for t in ("3", "Support")]], header=["Nr", "Item"])
    assert unnamed(codes, [None, "description"]) == [0]  # a lone 3 counts no lines: maybe an article


def test_the_tables_extractor_asks_a_model_only_in_a_cascade_that_runs_one():
    from pipeline.extractors.tables import TablesExtractor

    assert not TablesExtractor(Settings(llm_provider="embedded"), cascade=("rules", "tables")).asks_model
    assert not TablesExtractor(Settings(llm_provider="none"), cascade=("rules", "tables", "llm")).asks_model
    assert TablesExtractor(Settings(llm_provider="embedded"), cascade=("rules", "tables", "llm")).asks_model


def test_the_embedded_model_names_columns_no_header_label_knows(tmp_path):
    """A DOCX invoice with German headers and an article-code column, read with a plain schema
    that knows none of them: the default 1.5B model names the columns (the code column none),
    every row is right, the call is counted with its tokens at cost 0, and a second read is
    answered from the cache."""
    from pipeline.extractors.base import ExtractionRequest
    from pipeline.extractors.tables import TablesExtractor
    from pipeline.schemas import field_specs, model_from_json_schema

    schema = model_from_json_schema({"title": "Invoice lines", "type": "object", "properties": {
        "total": {"type": "number"}, "line_items": {"type": "array", "items": {"type": "object", **PLAIN_LINE}},
    }})
    invoice = next(i for i in map(lambda s: generate(s, codes=True), range(200)) if i.header["quantity"] == "Menge")
    settings = Settings(home=tmp_path, llm_provider="embedded")
    data = RENDERERS["docx"](invoice)
    parsed = parse(ingest(data, "invoice.docx", "invoice", settings), data, settings).parsed
    request = ExtractionRequest(document=parsed, schema=schema, fields=[s for s in field_specs(schema) if s.many], chunks=[])
    tables = TablesExtractor(settings, cascade=("rules", "tables", "llm"))
    result = tables.extract(request)
    right, predicted, gold = row_counts([c.value for c in result.candidates], invoice.items)
    assert right == predicted == gold
    assert all(c.value.get("description") for c in result.candidates)
    [call] = result.model_calls
    assert call.ok and call.input_tokens > 0 and call.output_tokens > 0 and call.cost_usd == 0.0 and not call.cache_hit
    again = tables.extract(request)
    assert [c.value for c in again.candidates] == [c.value for c in result.candidates]
    assert again.model_calls[0].cache_hit


def _plain_lines(settings: Settings, data: bytes, name: str):
    """The tables extractor's request for a user's plain schema (field names only) on a document."""
    from pipeline.extractors.base import ExtractionRequest
    from pipeline.schemas import field_specs, model_from_json_schema

    schema = model_from_json_schema({"title": "Invoice lines", "type": "object", "properties": {
        "total": {"type": "number"}, "line_items": {"type": "array", "items": {"type": "object", **PLAIN_LINE}},
    }})
    parsed = parse(ingest(data, name, "invoice", settings), data, settings).parsed
    return ExtractionRequest(document=parsed, schema=schema, fields=[s for s in field_specs(schema) if s.many], chunks=[])


def _lines_read(document) -> list[tuple]:
    """The invoice's line items the tables extractor reads: (description, quantity, amount)."""
    from pipeline.extractors.base import ExtractionRequest
    from pipeline.extractors.tables import TablesExtractor
    from pipeline.schemas import field_specs

    spec = [s for s in field_specs(Invoice) if s.name == "line_items"]
    rows = [c.value for c in TablesExtractor().extract(ExtractionRequest(document, Invoice, spec, [])).candidates]
    return [(r["description"], r["quantity"], r["amount"]) for r in rows]


def test_a_detail_line_printed_smaller_under_an_item_joins_its_description() -> None:
    """A billing period printed in a smaller size under the item's name is as far below it as a
    wrapped line of the item's size: more than two of its own heights, within two of the item's."""
    document = _word_document([
        (100, [("Description", 40), ("Qty", 300), ("Amount", 400)]),
        (120, [("Plus", 40), ("Plan", 70), ("1", 305), ("19.00", 405)]),
        (134, [("Apr", 40), ("16", 62), ("-", 78), ("May", 88), ("16,", 110), ("2023", 132)], 6),
        (160, [("Setup", 40), ("1", 305), ("5.00", 410)]),
        (200, [("Subtotal", 300), ("24.00", 405)]),
    ])
    assert _lines_read(document) == [("Plus Plan Apr 16 - May 16, 2023", "1.00", "19.00"), ("Setup", "1.00", "5.00")]


def test_a_tall_rows_quantity_printed_centred_below_its_first_line_is_the_rows() -> None:
    """A row several lines tall prints its quantity centred, on a line of its own between the
    item's detail lines: it fills the row's empty quantity; the next row keeps its own."""
    document = _word_document([
        (100, [("Qty", 40), ("Product", 80), ("Unit", 300), ("Price", 326), ("Total", 400)]),
        (120, [("Confluence", 80), ("Standard", 146), ("40.25", 300), ("40.25", 400)]),
        (132, [("Site:", 80), ("example.net", 116)]),
        (138, [("1", 42)]),
        (144, [("Licensed", 80), ("to", 134), ("Example", 152)]),
        (170, [("3", 42), ("Jira", 80), ("Standard", 110), ("10.00", 300), ("30.00", 400)]),
        (200, [("Subtotal", 300), ("70.25", 400)]),
    ])
    assert _lines_read(document) == [
        ("Confluence Standard Site: example.net Licensed to Example", "1.00", "40.25"), ("Jira Standard", "3.00", "30.00"),
    ]


def test_a_totals_summary_under_a_header_of_known_labels_is_no_table() -> None:
    """A summary of the totals whose header the labels know ("Net amount", "VAT rate", "Tax") starts
    with a label that ends a table: its row of figures is no line item."""
    document = _word_document([
        (100, [("Description", 40), ("Qty", 300), ("Amount", 400)]),
        (120, [("Job", 40), ("posting", 64), ("1", 305), ("390.00", 405)]),
        (160, [("Net", 40), ("amount", 64), ("VAT", 160), ("rate", 184), ("Tax", 300), ("Gross", 400), ("value", 436)]),
        (175, [("390.00", 40), ("np", 160), ("0.00", 300), ("390.00", 400)]),
    ])
    assert _lines_read(document) == [("Job posting", "1.00", "390.00")]


def test_a_pdf_table_whose_headers_no_label_knows_is_found_by_its_layout():
    """A plain English schema knows none of the headers "Bezeichnung", "Menge", "Einzelpreis",
    "Gesamtpreis": the table is found by its layout (titles over a row that ends in an amount),
    runs over two pages, ends at totals its stop labels do not know ("Subtotal"), and its columns
    go by value kinds. Its header signal stays below that of the same table read with the labels
    of the built-in schema."""
    from pipeline.extractors.base import ExtractionRequest
    from pipeline.extractors.tables import TablesExtractor
    from pipeline.schemas import field_specs

    invoice = generate(0)
    assert invoice.header["quantity"] == "Menge" and invoice.totals[0] == "Subtotal"
    request = _plain_lines(SETTINGS, RENDERERS["pdf"](invoice), "invoice.pdf")
    found = TablesExtractor(SETTINGS).extract(request).candidates
    assert len(request.document.pages) == 2
    assert row_counts([c.value for c in found], invoice.items) == (len(invoice.items),) * 3
    labelled = TablesExtractor(SETTINGS).extract(
        ExtractionRequest(request.document, Invoice, [s for s in field_specs(Invoice) if s.name == "line_items"], [])
    ).candidates
    assert max(c.signals["header"] for c in found) < 0.5 <= min(c.signals["header"] for c in labelled)


def test_a_letterhead_or_a_totals_summary_is_no_table_found_by_layout():
    """Three titles over a line of figures without an amount (a letterhead), a summary of net,
    tax and gross amounts, and a payment table below the totals are no tables; the item table
    between them is, up to its totals."""
    from pipeline.tables.grid import from_words
    from pipeline.tables.records import record_fields

    document = _word_document([
        (40, [("Northwind", 40), ("Supplies", 100), ("Phone", 300), ("Bank", 450)]),
        (52, [("12", 40), ("Harbour", 58), ("Road", 106), ("+44", 300), ("20", 324), ("7946", 342), ("IBAN", 450), ("GB29", 480)]),
        (100, [("Net", 40), ("amount", 64), ("VAT", 200), ("rate", 224), ("Tax", 300), ("Gross", 400), ("value", 436)]),
        (115, [("390.00", 40), ("19%", 200), ("74.10", 300), ("464.10", 400)]),
        (220, [("Item", 40), ("Hours", 300), ("Fee", 400)]),
        (235, [("Design", 40), ("work", 82), ("2", 310), ("80.00", 400)]),
        (247, [("Net", 300), ("amount", 324), ("80.00", 400)]),
        (259, [("Total", 300), ("80.00", 400)]),
        (300, [("Method", 40), ("Date", 200), ("Paid", 400)]),
        (315, [("Card", 40), ("4", 200), ("May", 212), ("80.00", 400)]),
    ])
    labels = {name: f.aliases for name, f in record_fields(PLAIN_LINE).items()}
    [grid] = from_words(document, labels, ("subtotal", "tax", "total"))
    assert grid.header == ["Item", "Hours", "Fee"] and not grid.labelled
    assert [[c.text if c else None for c in row] for row in grid.rows] == [["Design work", "2", "80.00"]]


def test_a_detail_line_indented_under_a_row_keeps_a_table_found_by_layout_open():
    """A table found by its layout ends at a line that leaves its first row's pattern; a line of
    words indented under the row's description (a bulleted detail) does not, its totals still do."""
    from pipeline.tables.grid import from_words
    from pipeline.tables.records import record_fields

    document = _word_document([
        (220, [("Item", 40), ("Hours", 300), ("Fee", 400)]),
        (235, [("Design", 40), ("work", 82), ("2", 310), ("80.00", 400)]),
        (247, [("Site:", 52), ("example.net", 88)]),
        (259, [("Net", 300), ("amount", 324), ("80.00", 400)]),
        (271, [("Thanks", 60)]),
    ])
    labels = {name: f.aliases for name, f in record_fields(PLAIN_LINE).items()}
    [grid] = from_words(document, labels, ("subtotal", "tax", "total"))
    assert [[c.text if c else None for c in row] for row in grid.rows] == [
        ["Design work", "2", "80.00"], ["Site: example.net", None, None],
    ]


def test_the_embedded_model_names_the_columns_of_a_pdf_table_found_by_layout(tmp_path):
    """A PDF invoice with German headers and an article-code column, which a plain schema knows
    none of: the table is found by its layout and the default 1.5B model names its columns."""
    from pipeline.extractors.tables import TablesExtractor

    invoice = generate(27, codes=True)
    assert invoice.header["quantity"] == "Menge" and "code" in invoice.columns
    settings = Settings(home=tmp_path, llm_provider="embedded")
    result = TablesExtractor(settings, cascade=("rules", "tables", "llm")).extract(
        _plain_lines(settings, RENDERERS["pdf"](invoice), "invoice.pdf")
    )
    assert row_counts([c.value for c in result.candidates], invoice.items) == (len(invoice.items),) * 3
    [call] = result.model_calls
    assert call.ok and not call.cache_hit


def test_a_json_schemas_record_parts_keep_their_descriptions_and_aliases():
    from pipeline.extractors.tables import record_spec
    from pipeline.schemas import field_specs, model_from_json_schema

    schema = model_from_json_schema({"title": "Order", "type": "object", "properties": {"lines": {"type": "array", "items": {
        "type": "object", "properties": {
            "what": {"type": "string", "description": "What was sold."},
            "count": {"type": "number", "x-aliases": ["Menge", "Stk"]}, "amount": {"type": "number"},
        },
    }}}})
    fields, amount, description = record_spec(schema, field_specs(schema)[0])
    assert (amount, description) == ("amount", "what")
    assert fields["what"].description == "What was sold."
    assert fields["count"].aliases == ("menge", "stk")


def test_a_row_with_the_sum_of_the_lines_above_ends_the_table_whatever_its_label():
    """Totals under the lines, labelled in words the schema does not know ("Zwischensumme"):
    the row holding only a label and the sum of the lines is their subtotal, not one more line."""
    from pipeline.tables.grid import Cell, Grid
    from pipeline.tables.records import read, record_fields

    fields = record_fields(PLAIN_LINE)
    rows = [[Cell(t, []) if t else None for t in r] for r in (
        ("Support plan", "2", "40.00", "80.00"), ("Setup", "", "", "20.00"),
        ("Zwischensumme", "", "", "100.00"), ("MwSt", "", "", "19.00"), ("Gesamtbetrag", "", "", "119.00"),
    )]
    grid = Grid(page=1, rows=rows, header=["Description", "Quantity", "Unit price", "Amount"])
    records = read(grid, fields, "amount", "description", stops=())
    assert [r.value(fields)["description"] for r in records] == ["Support plan", "Setup"]


def test_a_stamp_printed_across_the_table_is_no_part_of_its_rows() -> None:
    """A "PAID" stamp whose box spans several rows would join their words into one line and its
    letters into a cell: a word many times the page's text height is left out of the lines."""
    document = _word_document([
        (100, [("Description", 40), ("Qty", 300), ("Amount", 400)]),
        (60, [("PAID", 130)], 130),
        (120, [("Red", 40), ("widget", 62), ("2", 305), ("10.00", 405)]),
        (150, [("Blue", 40), ("gadget", 66), ("1", 305), ("5.00", 410)]),
        (200, [("Subtotal", 300), ("15.00", 405)]),
    ])
    assert _lines_read(document) == [("Red widget", "2.00", "10.00"), ("Blue gadget", "1.00", "5.00")]


def test_a_header_whose_titles_take_two_lines_gives_each_its_column() -> None:
    """"Service" printed over the header line and "Period" under it title a column between
    "Description" and "Qty": the periods below are that column's, not the description's."""
    document = _word_document([
        (92, [("Service", 150)]),
        (100, [("Description", 40), ("Qty", 300), ("Amount", 400)]),
        (108, [("Period", 150)]),
        (130, [("Support", 40), ("01/05/2024", 150), ("1", 305), ("40.00", 405)]),
        (160, [("Hosting", 40), ("01/05/2024", 150), ("2", 305), ("10.00", 405)]),
        (200, [("Subtotal", 300), ("50.00", 405)]),
    ])
    assert _lines_read(document) == [("Support", "1.00", "40.00"), ("Hosting", "2.00", "10.00")]


def test_an_amount_titled_over_its_currencies_is_read_in_the_first() -> None:
    """"AMOUNT" printed over "USD" and "EUR", "PRODUCT" between the two lines: one header, whose
    amount column is the one titled "AMOUNT USD" (a currency named in a title is no part of its
    label), the reference amount in EUR beside it no line's amount."""
    document = _word_document([
        (100, [("AMOUNT", 382)]),
        (108, [("PRODUCT", 150)]),
        (116, [("USD", 383), ("EUR", 470)]),
        (135, [("PRO", 126), ("plan", 150), ("Monthly", 180), ("119.95", 373), ("109.15", 460)]),
        (180, [("Total", 250), ("119.95", 373), ("109.15", 460)]),
    ])
    assert _lines_read(document) == [("PRO plan Monthly", None, "119.95")]


def test_a_title_giving_two_names_for_its_column_is_labelled_by_either() -> None:
    from pipeline.tables.grid import label_of

    labels = {"description": ("description",), "amount": ("amount",)}
    assert [label_of(t, labels) for t in ("Description / Memo", "Memo/Description", "Amount (EUR)", "Memo")] == [
        "description", "description", "amount", None,
    ]


def test_a_tall_rows_name_printed_above_and_below_its_amount_line_is_its_description() -> None:
    """Tall rows centre their cells: an item's name starts a line above its amounts, or is split
    around an amount line that prints none; a heading above a one-line item is not its name."""
    document = _word_document([
        (100, [("Description", 40), ("Qty", 300), ("Amount", 400)]),
        (130, [("Hardware", 40)]),
        (150, [("Router", 40), ("1", 305), ("30.00", 405)]),
        (200, [("Extra", 40), ("seats", 76), ("on", 112)]),
        (212, [("Team", 40), ("plan", 70), ("--", 100), ("2", 305), ("-12.26", 405)]),
        (224, [("Proration", 40)]),
        (270, [("Functions", 40)]),
        (282, [("1", 305), ("25.00", 405)]),
        (294, [("Usage", 40)]),
        (340, [("Notes:", 40), ("Subtotal:", 300), ("42.74", 405)]),
    ])
    assert _lines_read(document) == [
        ("Router", "1.00", "30.00"), ("Extra seats on Team plan -- Proration", "2.00", "-12.26"), ("Functions Usage", "1.00", "25.00"),
    ]


def test_an_amount_printed_again_in_an_untitled_column_and_a_tax_line_at_its_rate_are_no_lines() -> None:
    """The amount printed twice (the second copy right of the last title), the name printed
    beside the middle of a tall cell; a tax line in the table, named with its rate; a footer
    line holding a number in words: one item."""
    document = _word_document([
        (100, [("Description", 40), ("Amount", 400)]),
        (120, [("80,65", 410), ("80,65", 470)]),
        (128, [("Sponsored", 40), ("jobs", 100)]),
        (136, [("EUR", 412), ("EUR", 472)]),
        (160, [("0,00", 416), ("0,00", 476)]),
        (168, [("VAT", 40), ("@", 64), ("0%", 76), ("on", 94), ("80.65", 112)]),
        (176, [("EUR", 412), ("EUR", 472)]),
        (400, [("Example", 40), ("Ltd,", 88), ("Dublin", 118)]),
        (408, [("Serial#:", 400), ("0", 452)]),
    ])
    assert _lines_read(document) == [("Sponsored jobs", None, "80.65")]


def test_a_product_column_before_a_description_column_of_charge_types_is_the_description() -> None:
    """A table printing the product first and a column headed "Description" holding only the
    charge type ("Usage"): the product is the description. Where the column headed "Description"
    says more than the one before it ("Item": a short name), or that one prints codes, it stays."""
    product_first = _word_document([
        (100, [("Subscription", 40), ("Description", 220), ("Quantity", 320), ("Amount", 400)]),
        (120, [("Workspace", 40), ("Business", 100), ("Standard", 154), ("Usage", 220), ("8", 325), ("83.20", 405)]),
        (140, [("Cloud", 40), ("Storage", 76), ("Usage", 220), ("2", 325), ("10.00", 405)]),
        (180, [("Subtotal", 300), ("93.20", 405)]),
    ])
    assert _lines_read(product_first) == [("Workspace Business Standard", "8.00", "83.20"), ("Cloud Storage", "2.00", "10.00")]
    described = _word_document([
        (100, [("Item", 40), ("Description", 130), ("Qty", 320), ("Amount", 400)]),
        (120, [("Consulting", 40), ("Consulting", 130), ("services", 196), ("for", 250), ("May", 274), ("1", 325), ("90.00", 405)]),
        (140, [("Hosting", 40), ("Hosting", 130), ("for", 178), ("May", 202), ("1", 325), ("10.00", 405)]),
        (180, [("Subtotal", 300), ("100.00", 405)]),
    ])
    assert _lines_read(described) == [("Consulting services for May", "1.00", "90.00"), ("Hosting for May", "1.00", "10.00")]
    coded = _word_document([
        (100, [("Code", 40), ("Description", 130), ("Qty", 320), ("Amount", 400)]),
        (120, [("SKU-10023-B", 40), ("Usage", 130), ("1", 325), ("90.00", 405)]),
        (180, [("Subtotal", 300), ("90.00", 405)]),
    ])
    assert _lines_read(coded) == [("Usage", "1.00", "90.00")]


def test_items_printed_without_column_titles_are_read_as_a_table() -> None:
    """No header anywhere: lines in a row that start with words and end in right-aligned amounts
    are the items, up to the line with their sum; "2 @ $24.00" is a quantity at a unit price. A
    block of totals ("Subtotal in EUR", "Total in EUR") is no table."""
    from pipeline.extractors.base import ExtractionRequest
    from pipeline.extractors.tables import TablesExtractor
    from pipeline.schemas import field_specs

    document = _word_document([
        (60, [("Invoice", 30), ("#4hrb", 80)]),
        (100, [("Subscription", 30), ("details:", 110)]),
        (120, [("Lite", 30), ("plan", 60), ("$0.00", 394)]),
        (136, [("Managers", 30), ("2", 272), ("@", 280), ("$24.00", 292), ("$48.00", 388)]),
        (155, [("Subscription", 30), ("total:", 110), ("$48.00", 388)]),
        (190, [("Charged", 30), ("to", 78), ("your", 96), ("card.", 126)]),
    ])
    spec = [s for s in field_specs(Invoice) if s.name == "line_items"]
    rows = [c.value for c in TablesExtractor().extract(ExtractionRequest(document, Invoice, spec, [])).candidates]
    assert [(r["description"], r["quantity"], r["unit_price"], r["amount"]) for r in rows] == [
        ("Lite plan", None, None, "0.00"), ("Managers", "2.00", "24.00", "48.00"),
    ]
    assert all(c.signals["header"] == 0.0 for c in TablesExtractor().extract(ExtractionRequest(document, Invoice, spec, [])).candidates)
    totals = _word_document([
        (100, [("Subtotal", 30), ("in", 84), ("EUR", 100), ("83.20", 400)]),
        (116, [("Total", 30), ("in", 66), ("EUR", 82), ("83.20", 400)]),
    ])
    assert _lines_read(totals) == []


def test_a_plain_schemas_lines_are_read_under_the_headers_and_up_to_the_totals_its_region_prints() -> None:
    """A German invoice read with English field names: the regional pack's column headers
    ("Beschreibung", "Menge", "Betrag") find the table, its "Gesamtbetrag" ends it, and the
    footer under it is no line."""
    from pipeline.extractors.base import ExtractionRequest
    from pipeline.extractors.tables import TablesExtractor
    from pipeline.schemas import field_specs, model_from_json_schema

    schema = model_from_json_schema({"title": "Bill lines", "type": "object", "properties": {
        "total": {"type": "number"}, "line_items": {"type": "array", "items": {"type": "object", **PLAIN_LINE}},
    }})
    document = _word_document([
        (40, [("Rechnung", 40), ("Nr.", 100), ("4711", 130)]),
        (60, [("Datum:", 40), ("04.07.2023", 90)]),
        (120, [("Beschreibung", 40), ("Menge", 300), ("Betrag", 420)]),
        (140, [("Beratung", 40), ("Juni", 100), ("2", 300), ("200,00", 420)]),
        (160, [("Reisekosten", 40), ("1", 300), ("50,00", 426)]),
        (200, [("MwSt", 40), ("19%", 100), ("47,50", 426)]),
        (220, [("Gesamtbetrag", 40), ("297,50", 420)]),
        (300, [("Bei", 40), ("Fragen", 64), ("melden", 106), ("Sie", 148), ("sich", 172), ("1234,00", 420)]),
    ])
    spec = [s for s in field_specs(schema) if s.many]
    rows = [c.value for c in TablesExtractor().extract(ExtractionRequest(document, schema, spec, [])).candidates]
    assert [(r["description"], r["quantity"], r["amount"]) for r in rows] == [("Beratung Juni", "2.00", "200.00"), ("Reisekosten", "1.00", "50.00")]


def test_a_header_printing_a_fields_name_among_other_words_names_its_column():
    """A plain schema's record {code, title, credits, grade}: "Course Code" and "Course Title"
    print the names among other words, "Country of origin" an origin_country in another order,
    "Biological Ref. Range" a reference_range by its short form; a header naming two fields
    as much names neither."""
    from pipeline.tables.grid import Cell, Grid, label_within
    from pipeline.tables.records import map_columns, record_fields

    fields = record_fields({"properties": {
        "code": {"type": "string"}, "title": {"type": "string"}, "credits": {"type": "number"}, "grade": {"type": "string"},
    }})
    row = [Cell(t, []) for t in ("CE4013", "Distributed Systems", "3", "A-")]
    grid = Grid(page=1, rows=[row], header=["Course Code", "Course Title", "AU", "Grade"])
    assert map_columns(grid, fields) == ["code", "title", "credits", "grade"]
    labels = {"origin_country": ("origin country",), "reference_range": ("reference range",), "unit": ("unit",)}
    assert label_within("Country of origin", labels) == "origin_country"
    assert label_within("Biological Ref. Range", labels) == "reference_range"
    assert label_within("Result", labels) is None
    assert label_within("Unit code", {"unit": ("unit",), "code": ("code",)}) is None


def test_a_column_printing_a_figure_below_one_with_three_decimals_reads_its_others_as_decimals():
    """Weights "0.150", "1.200", "0.600": the nought shows the point is a decimal mark, so 1.200 is
    1.2 kg, not 1,200; a column without such a figure keeps reading "1.200" as thousands."""
    from pipeline.tables.grid import Cell, Grid
    from pipeline.tables.records import read, record_fields

    fields = record_fields({"properties": {"description": {"type": "string"}, "weight_kg": {"type": "number"}, "value": {"type": "number"}}})
    rows = [[Cell(t, []) for t in r] for r in (("Silk scarf", "0.150", "86.00"), ("Tea set", "1.200", "145.50"))]
    records = read(Grid(page=1, rows=rows, header=["Description", "Weight kg", "Value"]), fields, "value", "description", stops=())
    assert [r.value(fields)["weight_kg"] for r in records] == ["0.15", "1.2"]
    alone = read(Grid(page=1, rows=rows[1:], header=["Description", "Weight kg", "Value"]), fields, "value", "description", stops=())
    assert alone[0].value(fields)["weight_kg"] == "1200.00"


def test_a_row_of_several_column_sums_ends_the_table_whatever_its_label():
    """"Claim Totals" under lines with billed, allowed and owed columns: each of its amounts is the
    sum of its column above, so it is the lines' totals, not one more line."""
    from pipeline.tables.grid import Cell, Grid
    from pipeline.tables.records import read, record_fields

    fields = record_fields({"properties": {
        "description": {"type": "string"}, "billed": {"type": "number"}, "allowed": {"type": "number"}, "owed": {"type": "number"},
    }})
    rows = [[Cell(t, []) for t in r] for r in (
        ("Office visit", "245.00", "132.40", "30.00"), ("X-ray", "310.00", "88.15", "17.63"), ("Claim Totals", "555.00", "220.55", "47.63"),
    )]
    records = read(Grid(page=1, rows=rows, header=["Description", "Billed", "Allowed", "Owed"]), fields, "owed", "description", stops=())
    assert [r.value(fields)["description"] for r in records] == ["Office visit", "X-ray"]


def test_a_line_below_a_note_after_the_table_does_not_continue_its_last_row():
    """"*** End of Report ***" after the last row, then a signature of two lines: the signer's
    second line follows the first, not the last row, so it is no part of that row."""
    document = _word_document([
        (100, [("Test", 40), ("Result", 300), ("Unit", 400)]),
        (120, [("Haemoglobin", 40), ("11.20", 300), ("g/dL", 400)]),
        (140, [("Creatinine", 40), ("0.82", 300), ("mg/dL", 400)]),
        (170, [("***", 40), ("End", 64), ("***", 88)]),
        (200, [("Dr.", 40), ("Rao", 60)]),
        (212, [("Pathologist", 40)]),
    ])
    from pipeline.extractors.tables import find_grids
    from pipeline.tables.records import read, record_fields

    fields = record_fields({"properties": {"test": {"type": "string"}, "result": {"type": "number"}, "unit": {"type": "string"}}})
    grid = find_grids(document, fields, ())[0]
    records = read(grid, fields, "result", "test", stops=())
    assert [r.value(fields)["test"] for r in records] == ["Haemoglobin", "Creatinine"]


def test_a_lines_date_is_read_as_the_document_reads_its_dates():
    """A US timesheet prints "Week Ending: 11/16/2024", which only reads month first: its line
    dated "11/12/2024" is 12 November, not 11 December."""
    document = _word_document([
        (60, [("Week", 40), ("Ending:", 76), ("11/16/2024", 130)]),
        (100, [("Date", 40), ("Description", 150), ("Amount", 400)]),
        (120, [("11/12/2024", 40), ("Site", 150), ("visit", 180), ("40.00", 400)]),
    ])
    from pipeline.extractors.base import ExtractionRequest
    from pipeline.extractors.tables import TablesExtractor
    from pipeline.schemas import field_specs, model_from_json_schema

    model = model_from_json_schema({"title": "Timesheet", "properties": {"lines": {"type": "array", "items": {"type": "object", "properties": {
        "date": {"type": "string", "format": "date"}, "description": {"type": "string"}, "amount": {"type": "number"}}}}}})
    rows = [c.value for c in TablesExtractor().extract(ExtractionRequest(document, model, field_specs(model), [])).candidates]
    assert [r["date"] for r in rows] == ["2024-11-12"]


def test_a_note_right_below_the_last_row_of_one_line_rows_is_no_part_of_it():
    """Rows of one line each, then "Cumulative Grade Point Average (CGPA): 4.21" at the same
    spacing: the table wraps nothing, so the note is not the last row's wrapped text; where an
    earlier row wraps too, a line below the last is its wrapped text as before."""
    from pipeline.tables.grid import Cell, Grid
    from pipeline.tables.records import read, record_fields

    fields = record_fields({"properties": {"code": {"type": "string"}, "title": {"type": "string"}, "credits": {"type": "number"}}})

    def grid(lines):
        rows = [[Cell(t, []) if t else None for t in r] for r in lines]
        return Grid(page=1, rows=rows, header=["Code", "Title", "Credits"], line_tops=[100 + 14 * i for i in range(len(rows))], line_heights=[9] * len(rows))

    lines = [("CE4013", "Distributed Systems", "3.00"), ("CE4031", "Databases", "3.00"), ("HW0288", "Communication II", "2.00"),
             ("Cumulative Grade Point Average (CGPA): 4.21", "", "")]
    records = read(grid(lines), fields, "credits", "code", stops=())
    assert [r.value(fields)["code"] for r in records] == ["CE4013", "CE4031", "HW0288"]
    wrapped = [("CE4013", "Distributed", "3.00"), ("", "Systems", ""), ("CE4031", "Databases", "3.00"), ("HW0288", "Communication", "2.00"), ("", "II", "")]
    records = read(grid(wrapped), fields, "credits", "title", stops=())
    assert [r.value(fields)["title"] for r in records] == ["Distributed Systems", "Databases", "Communication II"]
