"""The JSON contract users take out, and its JSON Schema.

``data`` holds the best value of every field, reviewed or not; ``fields`` says
for each how sure we are, whether a person looked, and where it came from.
The models below *are* the contract: ``export_json_schema()`` is generated from
them and published as ``docs/export.schema.json``.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field, ValidationError

from pipeline.conform import conform, violations
from pipeline.errors import UnknownSchema
from pipeline.schemas import get_schema
from pipeline.state import DocumentState, FieldStatus
from pipeline.usage import usage

PIPELINE_VERSION = "0.1.0"


class ExportDocument(BaseModel):
    id: str
    source: str
    sha256: str
    pages: int


class ExportSchemaRef(BaseModel):
    name: str
    version: str


class ExportEvidence(BaseModel):
    page: int
    start: int = Field(description="Offset into the document's text (pages joined by form feeds).")
    end: int
    text: str
    bbox: tuple[float, float, float, float] | None = None
    path: str | None = Field(None, description="Inside a list of records: '<item index>.<field>', e.g. '0.amount'.")


class ExportField(BaseModel):
    value: Any
    confidence: float = Field(ge=0, le=1)
    status: Literal["auto_accepted", "needs_review", "accepted", "corrected", "rejected"]
    evidence: list[ExportEvidence]
    extractor: str | None


class ExportError(BaseModel):
    code: str
    message: str


class Export(BaseModel):
    document: ExportDocument
    schema_: ExportSchemaRef = Field(alias="schema")
    status: Literal["completed", "needs_review", "failed"]
    data: dict[str, Any]
    fields: dict[str, ExportField]
    error: ExportError | None
    provenance: dict[str, Any]


def as_typed(schema_name: str, values: dict[str, Any], printed: dict[str, str] | None = None) -> dict[str, Any]:
    """Each value as the document type's own field type writes it in JSON (ISO dates, amounts
    and rates in plain decimal notation, never "2E+1"), whichever extractor or person gave it;
    a value the type does not accept stays as it is. A type built from the user's JSON Schema
    writes them as that schema declares (``pipeline.conform``; ``printed``: evidence texts)."""
    try:
        model = get_schema(schema_name)
    except UnknownSchema:  # failed before a type was known
        return values
    typed = {}
    for name, value in values.items():
        try:
            typed[name] = model.model_validate({name: value}).model_dump(mode="json")[name]
        except ValidationError:
            typed[name] = value
    return conform(model.source, typed, printed or {}) if model.source else typed


def _violations(schema_name: str, data: dict[str, Any]) -> dict[str, Any]:
    """``{"schema_violations": [...]}`` for a type built from the user's JSON Schema, else {}."""
    try:
        source = get_schema(schema_name).source
    except UnknownSchema:
        return {}
    return {"schema_violations": violations(source, data)} if source else {}


def export(state: DocumentState) -> dict[str, Any]:
    """The export of a document in any end state (failed ones included). A corrected field's
    value is the reviewer's: its confidence is 1.0, not the one its replaced value had."""
    status = state.status.value if state.status.value != "pending" else "needs_review"
    printed = {name: r.evidence[0].text for name, r in state.fields.items() if r.evidence}
    values = as_typed(state.schema_name, {name: r.value for name, r in state.fields.items()}, printed)
    fields = {
        name: {
            "value": values[name],
            "confidence": 1.0 if r.status == FieldStatus.corrected else r.confidence,
            "status": r.status.value,
            "evidence": [s.model_dump(mode="json") for s in r.evidence],
            "extractor": r.extractor,
        }
        for name, r in state.fields.items()
    }
    doc = {
        "document": {
            "id": state.id,
            "source": state.source,
            "sha256": state.sha256,
            "pages": len(state.parsed.pages) if state.parsed else 0,
        },
        "schema": {"name": state.schema_name, "version": state.schema_version},
        "status": status,
        "data": values,
        "fields": fields,
        "error": state.error.model_dump() if state.error else None,
        "provenance": {
            "pipeline_version": PIPELINE_VERSION,
            "models": sorted({f"{c.provider}:{c.model}" for c in state.model_calls}),
            "prompt_version": next((c.prompt_version for c in state.model_calls), None),
            "usage": usage(state.model_calls),  # tokens and cost, per document and per field
            **_violations(state.schema_name, values),  # where data breaks the user's own schema
            **state.provenance,
        },
    }
    # The contract is checked on the way out: an export that breaks it is a bug here.
    return Export.model_validate(doc).model_dump(mode="json", by_alias=True)


def export_json_schema() -> dict[str, Any]:
    schema = Export.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "docloop export"
    return schema
