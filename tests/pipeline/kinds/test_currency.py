"""Currencies: signs shared by several currencies, and signs printed beside the amount."""

from __future__ import annotations

from pipeline.extractors.finding import Context
from pipeline.kinds.currency import find_currency
from pipeline.schemas import field_specs, model_from_json_schema
from pipeline.state import Page, ParsedDocument


def currencies(text: str) -> list[str]:
    model = model_from_json_schema({"title": "Bill", "properties": {"currency": {"type": "string"}}})
    ctx = Context(ParsedDocument(text=text, pages=[Page(number=1, start=0, end=len(text))], parser="test"), model)
    spec = next(s for s in field_specs(model) if s.name == "currency")
    proposals = find_currency(ctx, spec)
    return [p.value for p in sorted(proposals, key=lambda p: -p.signals["share"])]


def test_a_bare_dollar_sign_means_the_dollar_or_peso_the_document_names_by_code():
    """Pesos, Canadian and Australian dollars print "$" too: where the document names one such
    currency by its code, its bare "$" amounts are that currency, not US dollars."""
    text = "Moneda: MXN\nSubtotal: $8,500.00\nIVA 16%: $1,360.00\nTotal: $9,860.00"
    assert currencies(text) == ["MXN"]
    assert currencies("Subtotal $8,500.00\nTotal $9,860.00") == ["USD"]
    # two such codes name no single currency: the sign keeps its default beside them
    assert set(currencies("Total $10.00 (CAD 13.50, AUD 15.20)")) == {"USD", "CAD", "AUD"}


def test_real_zloty_krona_and_rand_signs_are_currencies():
    assert currencies("Valor aproximado dos tributos: R$ 576,00") == ["BRL"]
    assert currencies("Do zapłaty: 4 305,00 zł") == ["PLN"]
    assert currencies("TOTAL (incl. VAT)  R 21 919.00") == ["ZAR"]
    assert currencies("Row R 12 of the plan") == []
