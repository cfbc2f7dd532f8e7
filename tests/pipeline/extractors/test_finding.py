

def _grid(text: str) -> ParsedDocument:
    """``text`` as a text file is parsed: words boxed on its grid of characters."""
    from pipeline.parsers import TextBuilder
    from pipeline.parsers.elements import _on_a_grid

    builder = TextBuilder()
    builder.begin_page()
    builder.end_page(*_on_a_grid(builder, text))
    return ParsedDocument.model_validate(builder.build("test"))


def test_a_value_under_a_row_of_column_headers_is_labelled_by_its_own_column():
    """A form prints its boxes' titles in one row and the values under them: the words after a
    title in the row are other columns' titles, no gap between it and its value, and another
    field's title there is no rival of a value under this one."""
    model = model_from_json_schema({"title": "W2", "properties": {
        "wages": {"type": "number"}, "federal_income_tax_withheld": {"type": "number"}}})
    ctx = Context(_grid("1 Wages, tips, other compensation     2 Federal income tax withheld\n"
                        "  68,412.50                             7,904.12"), model)
    best = {s.name: max(propose(ctx, s), key=lambda p: p.strength).value for s in field_specs(model)}
    assert best == {"wages": "68412.50", "federal_income_tax_withheld": "7904.12"}
