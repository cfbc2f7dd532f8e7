"""Currencies: signs shared by several currencies (a bare dollar sign is the dollar the document
names), and signs printed beside the amount."""

from __future__ import annotations

from pipeline.extractors.finding import Context
from pipeline.kinds.currency import find_currency
from pipeline.schemas import field_specs, model_from_json_schema
from pipeline.state import Page, ParsedDocument
from tests.pipeline.kinds.test_money import _best

SCHEMA = {"title": "Donation receipt", "properties": {"amount": {"type": "number"}, "currency": {"type": "string"}}}


def test_a_bare_dollar_sign_is_the_dollar_the_document_names_by_its_code():
    """"$750.00 AUD" and "gifts of $2 or more": the document names the Australian dollar, so its
    "$" signs are that dollar's, not three votes for the US dollar."""
    text = "Amount: $750.00 AUD\nDonations of $2 or more are tax deductible.\nTotal $750.00"
    assert _best(SCHEMA, text)["currency"].value == "AUD"


def test_a_dollar_sign_stays_the_us_dollar_where_the_document_names_none_or_names_usd():
    assert _best(SCHEMA, "Amount: $750.00\nTotal $750.00")["currency"].value == "USD"
    assert _best(SCHEMA, "Amount: $750.00 USD\nConverted: CAD 1,020.00")["currency"].value == "USD"


def test_rupees_marked_rs_are_indian_rupees():
    assert _best(SCHEMA, "Your annual CTC will be Rs. 24,50,000 (Rupees Twenty Four Lakh only)")["currency"].value == "INR"


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
