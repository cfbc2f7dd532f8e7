"""The ``tables`` extractor: a list field of records (an invoice's line items) read from tables.

For every requested field that is a list of records with a money field, tables
are found in the document (``pipeline.tables.grid``: office table elements, or
word boxes of PDFs and scans) and their rows read as records
(``pipeline.tables.records``). The record's last money field is the one that
makes a row (a line's amount), its first text field the one wrapped lines
continue (the description). A table ends at a line labelled like one of the
schema's other money fields (subtotal, tax, total). Each row is one candidate,
whose evidence is one span per cell, named by the record field it fills.
"""

from __future__ import annotations

from typing import Any

from pipeline.extractors.base import ExtractionRequest, ExtractionResult, Extractor, register
from pipeline.state import Candidate, ParsedDocument
from pipeline.tables import grid as grids
from pipeline.tables.records import TEXT_KINDS, RecordField, label_share, read, record_fields
from schemas.base import DocumentSchema
from pipeline.schemas import FieldSpec, field_specs


def stop_labels(schema: type[DocumentSchema]) -> tuple[str, ...]:
    """Labels that end a table: those of the schema's single money fields (subtotal, tax, total)."""
    return tuple(a.casefold() for s in field_specs(schema) if s.kind == "money" and not s.many for a in s.aliases)


def record_spec(schema: type[DocumentSchema], spec: FieldSpec) -> tuple[dict[str, RecordField], str, str | None] | None:
    """A list-of-records field's record fields, the field that makes a row (its last money
    field) and the one wrapped lines continue (its first text field); None if it has no money field."""
    if not (spec.many and spec.kind == "object"):
        return None
    js: dict[str, Any] = schema.model_json_schema()
    ref = spec.json_schema.get("items", {}).get("$ref", "")
    fields = record_fields({**js.get("$defs", {}).get(ref.split("/")[-1], {}), "$defs": js.get("$defs", {})})
    money = [name for name, f in fields.items() if f.kind == "money"]
    text = [name for name, f in fields.items() if f.kind in TEXT_KINDS]
    return (fields, money[-1], text[0] if text else None) if money else None


def find_grids(document: ParsedDocument, fields: dict[str, RecordField], stops: tuple[str, ...]) -> list[grids.Grid]:
    """Tables of the document: its table elements, else tables laid out in its word boxes."""
    tables = [grids.from_element(document, e) for e in document.elements if e.type == "table" and e.cells]
    if tables:
        return tables
    return grids.from_words(document, {name: f.aliases for name, f in fields.items()}, stops)


@register("tables")
class TablesExtractor(Extractor):
    """Rows of tables as records of a list field, each value with its cell's evidence."""

    def extract(self, request: ExtractionRequest) -> ExtractionResult:
        candidates: list[Candidate] = []
        stops = stop_labels(request.schema)
        for spec in request.fields:
            found = record_spec(request.schema, spec)
            if found is None:
                continue
            fields, amount, description = found
            for table in find_grids(request.document, fields, stops):
                share = label_share(table, fields)
                for record in read(table, fields, amount, description, stops):
                    candidates.append(Candidate(
                        field=spec.name, value=record.value(fields), extractor=self.name,
                        evidence=record.evidence(request.document), signals={"table": 1.0, "header": round(share, 3)},
                    ))
        return ExtractionResult(candidates=candidates)
