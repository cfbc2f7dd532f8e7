import jsonschema

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
