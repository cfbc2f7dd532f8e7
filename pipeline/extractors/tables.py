"""The ``tables`` extractor: a list field of records (an invoice's line items) read from tables.

For every requested field that is a list of records with a money field, tables
are found in the document (``pipeline.tables.grid``: office table elements, or
word boxes of PDFs and scans) and their rows read as records
(``pipeline.tables.records``). The record's last money field is the one that
makes a row (a line's amount), its first text field the one wrapped lines
continue (the description). A table ends at a line labelled like one of the
schema's other money fields (subtotal, tax, total). Each row is one candidate,
whose evidence is one span per cell, named by the record field it fills; its
``header`` signal is the share of the table's headers that labels name, halved
for a word-box table whose header was found by its layout alone.

Where the cascade also runs a model (an extractor that spends tokens), columns
whose header no label names are named by it (``pipeline.tables.columns``); its
calls are reported like the model extractor's, for cost accounting.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from pipeline.config import Settings, get_settings
from pipeline.cues import cues_for
from pipeline.extractors.base import ExtractionRequest, ExtractionResult, Extractor, extractor_class, register
from pipeline.infer import SAME_LABELS
from pipeline.kinds.date import in_document_order, in_documents_year
from pipeline.state import Candidate, ParsedDocument
from pipeline.tables import grid as grids
from pipeline.tables.columns import name_columns, unnamed
from pipeline.tables.records import TEXT_KINDS, RecordField, label_columns, label_share, read, record_fields
from schemas.base import DocumentSchema
from pipeline.schemas import FieldSpec, field_specs


# the labels printed for a subtotal, tax or total end a table whether or not the schema asks for them
_SUMMARY = tuple(label for group in SAME_LABELS if group[0] in ("subtotal", "tax", "total") for label in group)


def stop_labels(schema: type[DocumentSchema]) -> tuple[str, ...]:
    """Labels that end a table: those of the schema's single money fields, and ``_SUMMARY``."""
    own = tuple(a.casefold() for s in field_specs(schema) if s.kind == "money" and not s.many for a in s.aliases)
    return tuple(dict.fromkeys(own + _SUMMARY))


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
    """Tables of the document: its table elements, else tables laid out in its word boxes, else
    its lines of items printed without column titles."""
    tables = [grids.from_element(document, e) for e in document.elements if e.type == "table" and e.cells]
    if tables:
        return tables
    return grids.from_words(document, {name: f.aliases for name, f in fields.items()}, stops) or grids.from_priced_lines(document, stops)


@register("tables")
class TablesExtractor(Extractor):
    """Rows of tables as records of a list field, each value with its cell's evidence."""

    conclusive = True  # a model is not asked again for the rows of a table found here

    def __init__(self, settings: Settings | None = None, cascade: tuple[str, ...] = (), provider: Any = None, cache: Any = True):
        self.settings = settings or get_settings()
        # the model names unknown columns only in a run that already pays for a model
        self.asks_model = self.settings.llm_provider != "none" and any(
            extractor_class(name).spends_tokens for name in cascade if name != self.name
        )
        self._provider, self._cache = provider, cache

    def _named(self, table: grids.Grid, fields: dict[str, RecordField], result: ExtractionResult) -> dict[int, str | None]:
        """The model's names for the table's columns that no header label names (none asked: {})."""
        labelled = label_columns(table, fields) if self.asks_model else []
        free = {name: f for name, f in fields.items() if name not in labelled}
        if not (unnamed(table, labelled) and free):
            return {}
        from pipeline.extractors.llm import answer_cache
        from pipeline.providers import get_provider

        if self._provider is None:
            self._provider = get_provider(self.settings)
        if self._cache is True:
            self._cache = answer_cache(self.settings)
        named, call = name_columns(table, labelled, free, self._provider, self._cache or None)
        result.model_calls.append(call)
        return named

    def extract(self, request: ExtractionRequest) -> ExtractionResult:
        result = ExtractionResult()
        # a region's tables print their own headers ("Betrag" over the amounts) and totals
        cues = cues_for(request.schema, request.document.text)
        stops = stop_labels(request.schema)
        stops += cues.labels(stops)
        for spec in request.fields:
            found = record_spec(request.schema, spec)
            if found is None:
                continue
            fields, amount, description = found
            fields = {name: replace(f, aliases=f.aliases + cues.labels(f.aliases)) for name, f in fields.items()}
            for table in find_grids(request.document, fields, stops):
                # a header found by its layout alone is vouched for by fewer labels than any labelled one
                share = label_share(table, fields) * (1.0 if table.labelled else 0.5)
                named = self._named(table, fields, result)
                for record in read(table, fields, amount, description, stops, named):
                    value = record.value(fields)
                    for name in (n for n, f in fields.items() if f.kind == "date" and record.cells.get(n)):
                        # a line's date read as the document reads its dates ("11/12/2024" on a page
                        # that also prints "11/16/2024" is 12 November); one without its year
                        # ("03 Mar") is in the document's period
                        printed = " ".join(c.text for c in record.cells[name])
                        day = in_document_order(printed, request.document, cues) or in_documents_year(printed, request.document, cues)
                        value[name] = str(day) if day else value[name]
                    result.candidates.append(Candidate(
                        field=spec.name, value=value, extractor=self.name,
                        evidence=record.evidence(request.document), signals={"table": 1.0, "header": round(share, 3)},
                    ))
        return result
