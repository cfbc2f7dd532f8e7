"""A schema with nothing docloop-specific: kinds and labels come from its field names."""

import json
import textwrap

from pipeline import schemas as reg
from pipeline.infer import infer_kind, label_from_name


def test_kinds_from_names_and_json_types():
    assert infer_kind("agreement_date", {"type": "string"}) == "date"
    assert infer_kind("due", {"type": "string", "format": "date"}) == "date"
    assert infer_kind("governing_law", {"type": "string"}) == "jurisdiction"
    assert infer_kind("parties", {"type": "string"}) == "organization"
    assert infer_kind("invoiceNumber", {"type": "string"}) == "identifier"
    assert infer_kind("total", {"type": "number"}) == "money"
    assert infer_kind("currency", {"type": "string"}) == "currency"
    assert infer_kind("notes", {"type": "string"}) == "text"
    assert label_from_name("invoiceNumber") == "invoice number"


def test_plain_json_schema_and_pydantic_module_work_without_hints(tmp_path, monkeypatch):
    (tmp_path / "contract.json").write_text(json.dumps({
        "title": "Service contract",
        "properties": {
            "parties": {"type": "array", "items": {"type": "string"}, "description": "Who signs."},
            "governing_law": {"type": "string", "examples": ["New York"]},
        },
    }))
    (tmp_path / "bill.py").write_text(textwrap.dedent('''
        from datetime import date
        from pydantic import BaseModel

        class Line(BaseModel):
            item: str

        class Bill(BaseModel):
            bill_number: str | None = None
            issued: date | None = None
            amount_due: float | None = None
            lines: list[Line] = []
    '''))
    monkeypatch.setenv("DOCLOOP_SCHEMA_PATH", str(tmp_path))
    reg.registry.cache_clear()
    try:
        contract = {s.name: s for s in reg.field_specs(reg.get_schema("service_contract"))}
        assert (contract["parties"].kind, contract["parties"].many) == ("organization", True)
        assert contract["governing_law"].kind == "jurisdiction"
        assert contract["governing_law"].aliases == ("governing law",)
        assert "New York" in contract["governing_law"].description  # examples reach the prompt
        bill = {s.name: s for s in reg.field_specs(reg.get_schema("bill"))}
        assert [bill[n].kind for n in ("bill_number", "issued", "amount_due", "lines")] == ["identifier", "date", "money", "object"]
        assert "line" not in reg.registry()  # a record inside a document is no document type
    finally:
        reg.registry.cache_clear()
