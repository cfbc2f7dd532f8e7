import re
from decimal import Decimal

import jsonschema
import pytest
from pydantic import ValidationError
from pydantic_core import to_jsonable_python

from pipeline.export import export, export_json_schema
from pipeline.route import route
from pipeline.score import score
from pipeline.state import DocumentState
from tests.pipeline.test_score_route import cand, state


def test_export_validates_against_published_schema_and_spans_hold_their_text():
    s = route(score(state([cand("total", "106.00", "106.00", match=1.0, layout=1.0),
                           cand("issuer", "ACME SDN BHD", "ACME SDN BHD", match=0.9)])))
    doc = export(s)
    jsonschema.validate(doc, export_json_schema())
    assert doc["data"]["total"] == "106.00" and doc["schema"] == {"name": "invoice", "version": "1"}
    assert set(doc["data"]) == set(doc["fields"])
    for f in doc["fields"].values():
        for ev in f["evidence"]:
            assert s.parsed.text[ev["start"] : ev["end"]] == ev["text"]
    assert doc["status"] == "needs_review"  # most invoice fields are missing here


def test_failed_document_exports_typed_error():
    s = DocumentState(id="x", source="a.pdf", sha256="0" * 64, size=0, schema_name="invoice", schema_version="1")
    doc = export(s.failed("empty", "the file is empty"))
    jsonschema.validate(doc, export_json_schema())
    assert doc["status"] == "failed" and doc["error"] == {"code": "empty", "message": "the file is empty"}
    assert doc["document"]["pages"] == 0 and doc["data"] == {}


def test_published_schema_file_is_current():
    import json
    from pathlib import Path

    published = json.loads((Path(__file__).resolve().parents[2] / "docs" / "export.schema.json").read_text())
    assert published == export_json_schema(), "regenerate with: docloop export-schema > docs/export.schema.json"


def _field_of_kind(kind: str):
    from pipeline.schemas import field_specs, registry

    found = [(spec.many, name, spec.name) for name, model in sorted(registry().items()) for spec in field_specs(model) if spec.kind == kind]
    return min(found)  # a single value where a schema has one, else a list of them


def _exported(schema: str, values: dict, status: str = "needs_review") -> dict:
    from pipeline.state import FieldResult

    s = DocumentState(id="x", source="a.pdf", sha256="0" * 64, size=1, schema_name=schema, schema_version="1",
                      fields={name: FieldResult(value=v, confidence=0.3, status=status) for name, v in values.items()})
    doc = export(s)
    jsonschema.validate(doc, export_json_schema())
    return doc


NUMBERS = ["2E+1", Decimal("2E+1"), Decimal("1.5E-7"), 1e3, "8000", 19.5]
PLAIN = re.compile(r"-?\d+(\.\d+)?")


def _kinds() -> list[str]:
    from pipeline.schemas import field_specs, registry

    return sorted({spec.kind for model in registry().values() for spec in field_specs(model)})


@pytest.mark.parametrize("kind", _kinds())
def test_every_kind_is_exported_as_its_type_writes_it_and_numbers_in_plain_decimals(kind):
    """Issue 17: "vat_rate 2E+1" in an export. Whatever an extractor stored, amounts and rates
    leave in plain decimal notation, and every kind as its field type writes it."""
    from pipeline.schemas import get_schema

    many, schema, name = _field_of_kind(kind)
    for number in NUMBERS:
        value = [number] if many else number
        exported = _exported(schema, {name: value})["data"][name]
        try:
            typed = get_schema(schema).model_validate({name: value}).model_dump(mode="json")[name]
        except ValidationError:
            typed = to_jsonable_python(value)  # not of this kind: kept as given
        assert exported == typed
        if many:
            [exported] = exported
        if kind in ("money", "percent"):
            assert PLAIN.fullmatch(exported) and Decimal(exported) == Decimal(str(number)), (number, exported)


def test_line_item_amounts_in_plain_decimals_and_corrections_at_full_confidence():
    doc = _exported("invoice", {"line_items": [{"description": "Freight", "quantity": "1E+1", "amount": Decimal("2.5E+2")}]}, "corrected")
    assert doc["data"]["line_items"] == [{"description": "Freight", "quantity": "10.00", "unit_price": None, "amount": "250", "tax_rate": None}]
    assert doc["fields"]["line_items"]["confidence"] == 1.0
    assert _exported("invoice", {"total": "5.00"}, "accepted")["fields"]["total"]["confidence"] == 0.3
