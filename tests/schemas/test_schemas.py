import json
from datetime import date
from decimal import Decimal

import pytest
from pydantic import ValidationError

from pipeline import schemas as reg
from schemas.invoice import Invoice
from schemas.nda import NDA
from schemas.receipt import Receipt
from schemas.types import parse_currency, parse_date, parse_money, parse_term


@pytest.mark.parametrize("text,expected", [
    ("25/12/2018", date(2018, 12, 25)), ("25-12-18", date(2018, 12, 25)), ("25 DEC 2018", date(2018, 12, 25)),
    ("2023-07-04", date(2023, 7, 4)), ("March 3, 2012", date(2012, 3, 3)), ("04.07.2023", date(2023, 7, 4)),
    ("no date here", None), ("12345", None), ("2024年3月8日", date(2024, 3, 8)), ("2023년 12월 1일", date(2023, 12, 1)),
])
def test_dates_parse_day_first(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize("text,expected", [
    ("RM 1,234.50", Decimal("1234.50")), ("$8,000.00", Decimal("8000.00")), ("1.234,50 €", Decimal("1234.50")),
    ("9", Decimal("9.00")), ("TOTAL", None),
])
def test_money_parses_printed_amounts(text, expected):
    assert parse_money(text) == expected


@pytest.mark.parametrize("text,expected", [
    ("-12.26", Decimal("-12.26")), ("\u221212.26", Decimal("-12.26")), ("-$12.26", Decimal("-12.26")),
    ("$-12.26", Decimal("-12.26")), ("EUR -5,00", Decimal("-5.00")), ("€ -3,50", Decimal("-3.50")),
])
def test_money_keeps_a_credits_sign(text, expected):
    assert parse_money(text) == expected


@pytest.mark.parametrize("text,expected", [
    ("0.150", Decimal("0.15")), ("0,600 kg", Decimal("0.60")), ("-0.500", Decimal("-0.50")), ("1.200", Decimal("1200.00")),
])
def test_a_figure_below_one_with_three_decimals_is_no_thousands(text, expected):
    """No thousands are printed with a leading nought: "0.150" is 0.15, while "1.200" alone stays
    ambiguous and keeps the thousands reading."""
    assert parse_money(text) == expected


@pytest.mark.parametrize("text", ["A-1 12.00", "Total \u2013 12.26", "2018-01-02"])
def test_a_hyphen_in_a_code_or_a_dash_after_a_label_is_no_sign(text):
    assert parse_money(text) > 0


def test_currency_and_term():
    assert parse_currency("€") == "EUR" and parse_currency("usd") == "USD" and parse_currency("RM") == "MYR"
    assert parse_currency("XYZ") is None
    assert parse_term("three (3) years") == "3 years" and parse_term("for 18 months") == "18 months"
    # counts spelled in two words, and the digits in brackets where both are printed
    assert parse_term("twenty four (24)\nmonths") == "24 months" and parse_term("forty-five days") == "45 days"
    assert parse_term("twelve (12) calendar months") == "12 months" and parse_term("seventeen years") == "17 years"


def test_schemas_normalise_and_reject_bad_values():
    inv = Invoice(total="€ 1.190,00", currency="€", date="04.07.2023", due_date="2023-08-01")
    assert inv.total == Decimal("1190.00") and inv.currency == "EUR" and inv.date == date(2023, 7, 4)
    with pytest.raises(ValidationError):
        Invoice(total="not money")
    assert NDA(term="two years", party=["A Inc", "B LLC"]).term == "2 years"
    assert Receipt(company="  ACME   SDN BHD ").company == "ACME SDN BHD"


def test_every_shipped_type_is_registered_with_described_fields():
    types = reg.registry()
    assert {"receipt", "invoice", "nda"} <= set(types)
    for model in types.values():
        for spec in reg.field_specs(model):
            assert spec.description, f"{model.name}.{spec.name} has no description"
    kinds = {s.name: (s.kind, s.many) for s in reg.field_specs(NDA)}
    assert kinds["party"] == ("organization", True) and kinds["effective_date"] == ("date", False)


def test_user_types_from_json_schema_and_module(tmp_path, monkeypatch):
    (tmp_path / "purchase_order.json").write_text(json.dumps({
        "title": "Purchase order", "x-name": "purchase_order", "x-keywords": ["purchase order"],
        "properties": {
            "po_number": {"type": "string", "description": "PO number", "x-kind": "identifier", "x-aliases": ["PO #"]},
            "order_date": {"type": "string", "format": "date", "description": "Order date"},
            "amount": {"type": "number", "description": "Total", "x-review-threshold": 0.95},
        },
    }))
    (tmp_path / "payslip.py").write_text(
        "from schemas.base import DocumentSchema, field\nfrom schemas.types import Money\n"
        "class Payslip(DocumentSchema):\n    name = 'payslip'\n"
        "    net_pay: Money | None = field('Net pay', aliases=['net pay'])\n")
    monkeypatch.setenv("DOCLOOP_SCHEMA_PATH", str(tmp_path))
    reg.registry.cache_clear()
    try:
        po = reg.get_schema("purchase_order")
        specs = {s.name: s for s in reg.field_specs(po)}
        assert specs["order_date"].kind == "date" and specs["amount"].review_threshold == 0.95
        assert specs["po_number"].aliases == ("PO #",)
        assert str(po(order_date="1 May 2024", amount="1,000").order_date) == "2024-05-01"
        assert reg.field_specs(reg.get_schema("payslip"))[0].kind == "money"
    finally:
        reg.registry.cache_clear()


def test_installed_packages_add_types_through_the_entry_point_group(tmp_path, monkeypatch):
    """``[docloop.schemas] leases = "leasepkg:Lease"`` in an installed package's metadata."""
    (tmp_path / "leasepkg.py").write_text(
        "from schemas.base import DocumentSchema, field\nfrom schemas.types import Date\n"
        "class Lease(DocumentSchema):\n    name = 'lease_test'\n    cues = ['contracts_us']\n"
        "    start: Date | None = field('Start', aliases=['commencement date'])\n")
    dist = tmp_path / "leasepkg-1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: leasepkg\nVersion: 1.0\n")
    (dist / "entry_points.txt").write_text("[docloop.schemas]\nleases = leasepkg:Lease\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    reg.registry.cache_clear()
    try:
        lease = reg.get_schema("lease_test")
        assert lease.cues == ["contracts_us"] and reg.field_specs(lease)[0].kind == "date"
    finally:
        reg.registry.cache_clear()


def test_json_schema_as_older_drafts_and_other_tools_write_it(tmp_path, monkeypatch):
    """``definitions`` (draft-07), a reference wrapped in ``allOf`` with a description beside it,
    ``oneOf`` with null, and no title (the file's name names the type)."""
    (tmp_path / "incoming_invoice.json").write_text(json.dumps({
        "definitions": {"Company": {"type": "object", "properties": {"name": {"type": "string"}}}},
        "properties": {
            "issuer": {"$ref": "#/definitions/Company"},
            "buyer": {"allOf": [{"$ref": "#/definitions/Company"}], "description": "Who is billed"},
            "invoice_date": {"oneOf": [{"type": "string", "format": "date"}, {"type": "null"}]},
        },
    }))
    monkeypatch.setenv("DOCLOOP_SCHEMA_PATH", str(tmp_path))
    reg.registry.cache_clear()
    try:
        model = reg.get_schema("incoming_invoice")
        specs = {s.name: s for s in reg.field_specs(model)}
        assert (specs["issuer"].kind, specs["buyer"].kind, specs["invoice_date"].kind) == ("object", "object", "date")
        assert specs["buyer"].description == "Who is billed"
        assert [p.kind for p in reg.part_specs(model, "issuer")] == ["organization"]
    finally:
        reg.registry.cache_clear()


def test_a_schema_file_that_cannot_be_read_costs_only_its_own_types(tmp_path, monkeypatch, caplog):
    """A broken JSON file, a module that raises, and a file that takes a built-in type's name:
    the good file's type and the built-ins stay, the broken ones are named when asked for, and
    the replacement is logged."""
    (tmp_path / "good_bill.json").write_text(json.dumps({"properties": {"total": {"type": "number"}}}))
    (tmp_path / "broken.json").write_text('{"properties": {"total": ')
    (tmp_path / "raises.py").write_text("raise RuntimeError('not today')\n")
    (tmp_path / "mine.json").write_text(json.dumps({"title": "NDA", "properties": {"party": {"type": "string"}}}))
    monkeypatch.setenv("DOCLOOP_SCHEMA_PATH", str(tmp_path))
    reg.registry.cache_clear()
    try:
        with caplog.at_level("WARNING", logger="pipeline.schemas"):
            assert {"good_bill", "invoice", "receipt"} <= set(reg.registry())
        assert "replaces the document type 'nda'" in caplog.text
        with pytest.raises(reg.UnknownSchema) as missing:
            reg.get_schema("broken")
        assert "broken.json (JSONDecodeError" in str(missing.value) and "raises.py (RuntimeError: not today)" in str(missing.value)
    finally:
        reg.registry.cache_clear()


def test_a_schema_of_a_list_of_documents_is_read_as_one_of_them(tmp_path, monkeypatch):
    """``"type": "array"`` at the top (a batch of receipts): each document is the item, under
    the list's title, and exports are checked against the item."""
    (tmp_path / "batch.json").write_text(json.dumps({
        "title": "Receipts batch", "type": "array",
        "items": {"$ref": "#/$defs/Receipt"},
        "$defs": {"Receipt": {"type": "object", "properties": {"company": {"type": "string"}, "total": {"type": "number"}}}},
    }))
    monkeypatch.setenv("DOCLOOP_SCHEMA_PATH", str(tmp_path))
    reg.registry.cache_clear()
    try:
        model = reg.get_schema("receipts_batch")
        assert [(s.name, s.kind) for s in reg.field_specs(model)] == [("company", "organization"), ("total", "money")]
        assert model.source["type"] == "object" and "company" in model.source["properties"]
    finally:
        reg.registry.cache_clear()


def test_a_titled_schema_file_is_found_by_its_file_name_too(tmp_path, monkeypatch):
    """hotel_folio.json titled "Hotel bill" is the type hotel_bill, and ``--schema hotel_folio``
    (the file a user wrote) finds it too; it is listed once, under its title."""
    (tmp_path / "hotel_folio.json").write_text(json.dumps({"title": "Hotel bill", "properties": {"guest_name": {"type": "string"}}}))
    monkeypatch.setenv("DOCLOOP_SCHEMA_PATH", str(tmp_path))
    reg.registry.cache_clear()
    try:
        assert reg.get_schema("hotel_folio") is reg.get_schema("hotel_bill")
        assert "hotel_folio" not in reg.registry()
    finally:
        reg.registry.cache_clear()


def test_fields_named_like_a_types_own_facts_stay_fields(tmp_path, monkeypatch, recwarn):
    """A user's "title", "source", "version", "cues" or "checks" is a field like any other:
    no warning, its value validated, and the type's own title and cue packs untouched."""
    names = ["title", "source", "version", "keywords", "cues", "checks"]
    (tmp_path / "card.json").write_text(json.dumps({
        "title": "Person card", "type": "object", "properties": {n: {"type": "string"} for n in names},
    }))
    monkeypatch.setenv("DOCLOOP_SCHEMA_PATH", str(tmp_path))
    reg.registry.cache_clear()
    try:
        model = reg.get_schema("person_card")
        assert not [w for w in recwarn if "shadows" in str(w.message)]
        assert model.title == "Person card" and model.cues == [] and model.checks == []
        assert sorted(s.name for s in reg.field_specs(model)) == sorted(names)
        doc = model.model_validate({"title": "Head of Finance", "source": "LinkedIn"})
        assert (doc.title, doc.source) == ("Head of Finance", "LinkedIn")
    finally:
        reg.registry.cache_clear()
