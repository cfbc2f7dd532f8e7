"""Routing: each field is auto-accepted or sent to a person.

A field is ``auto_accepted`` when its confidence reaches its threshold (the
field's own, else the default) *and* it is grounded: a value that does not occur
in the document, or only in text a person cannot see, is never accepted without
a person, whatever its score; so is one with a hygiene flag (``pipeline.hygiene``:
hidden characters, foreign digits, instruction-like text, markup), one not plausibly
of its kind (``pipeline.plausible``: an identifier that is a word, an amount printed
like a page number), one the model was asked about and read differently, one only the
model read (no calibration shipped has seen the model's outcomes), and one read
from the same words as another field of its kind (a due date grounded on the issue date). "Not in
the document" is accepted like a value, when its (calibrated) confidence says so.

An audit sample (``audit_rate`` of the fields that would be accepted, drawn by a
hash of document and field, so routing stays idempotent) goes to a person anyway:
the only way to learn how often accepted values are right, which re-fits need.
 A failed
cross-field check sends the fields it involves to review, and so do values chosen over
likelier readings so that one holds (``pipeline.score``).
"""

from __future__ import annotations

import hashlib
from typing import Any

from pipeline.cues import cues_for
from pipeline.hygiene import BLOCKING, flag_fields
from pipeline.kinds.date import order_guessed
from pipeline.plausible import implausible
from pipeline.reasons import Reason
from pipeline.state import DocStatus, DocumentState, FieldResult, FieldStatus, Stage
from pipeline.schemas import field_specs, get_schema
from pipeline.score import MODEL_WITNESS

NEVER_ALONE = BLOCKING | {Reason.made_to_add_up, Reason.date_order}  # reasons no confidence overrules
REVIEWED = {FieldStatus.accepted, FieldStatus.corrected, FieldStatus.rejected}
AUDIT = Reason.audit


def audited(document: str, field: str, rate: float) -> bool:
    """Whether this document's field is in the audit sample: uniform, fixed per (document, field)."""
    draw = int.from_bytes(hashlib.sha256(f"{document}:{field}".encode()).digest()[:8], "big") / 2**64
    return draw < rate


def _grounded(result: FieldResult) -> bool:
    """Read from the document, where a person can see it."""
    return bool(result.evidence) and all(s.visible for s in result.evidence) and not BLOCKING.intersection(result.reasons)


def _doubts(kind: str, result: FieldResult) -> list[str]:
    """Why a confident, grounded value is still not accepted alone: not plausibly of its kind
    (the typed reason, then the detail); the model, asked about it, read another value; or only
    the model read it: the shipped calibrations were fitted on the rules' outcomes, and on 24
    invoices and receipts unlike the dev data the model read due dates none of them prints (a
    shipping date, a quote's validity), two of which the invoice calibration auto-accepted."""
    if detail := implausible(kind, result):
        return [Reason.implausible, detail]
    if result.features.get("model_asked") and not result.features.get("model_agrees"):
        return [Reason.model_disagrees]
    if result.extractor == MODEL_WITNESS and result.features.get("n_extractors", 0.0) <= 1.0:
        return [Reason.model_only]
    return []


def _order_guessed(state: DocumentState, model: Any, result: FieldResult) -> bool:
    """A date read from "04/02/24" where neither the document nor its region says whether the
    day or the month comes first: the default order is a guess, however confident the rest."""
    document = state.parsed
    if document is None or result.value in (None, "") or isinstance(result.value, list):
        return False
    cues = cues_for(model, document.text)
    return any(order_guessed(e.text, document, cues) for e in result.evidence)


def _shared(fields: dict[str, FieldResult], kinds: dict[str, str]) -> set[str]:
    """Single values read from the very words another field of the same kind is read from: a
    due date grounded on the issue date's "Oct 31, 2023", a subtotal on the total's figure.
    At most one of them is what the document says there."""
    readers: dict[tuple[str, int, int], set[str]] = {}
    for name, result in fields.items():
        if result.value in (None, "") or isinstance(result.value, list):
            continue
        for span in result.evidence:
            readers.setdefault((kinds.get(name, ""), span.start, span.end), set()).add(name)
    return {name for names in readers.values() if len(names) > 1 for name in names}


def route(
    state: DocumentState, default_threshold: float = 0.9, thresholds: dict[str, float] | None = None, audit_rate: float = 0.0
) -> DocumentState:
    """Stage: statuses for every field and the document.

    ``thresholds`` (field -> threshold) override the schema's, e.g. calibrated ones.
    Fields a person already decided keep their status.
    """
    model = get_schema(state.schema_name)
    thresholds = thresholds or {}
    flagged = flag_fields(state.parsed, state.fields)  # hidden characters, foreign digits, injections, markup
    specs = field_specs(model)
    shared = _shared(flagged, {spec.name: spec.kind for spec in specs})
    fields: dict[str, FieldResult] = {}
    for spec in specs:
        result = flagged.get(spec.name) or FieldResult()
        if result.status in REVIEWED:
            fields[spec.name] = result
            continue
        threshold = thresholds.get(spec.name, spec.review_threshold or default_threshold)
        empty = result.value in (None, [], "")
        accept = result.confidence >= threshold and (empty or _grounded(result)) and not NEVER_ALONE.intersection(result.reasons)
        if accept and state.parsed is not None and not all(state.parsed.ocr_sure(e.start, e.end) for e in result.evidence):
            accept, result = False, result.model_copy(update={"reasons": [*result.reasons, Reason.ocr_unsure]})
        if accept and spec.kind == "date" and _order_guessed(state, model, result):
            accept, result = False, result.model_copy(update={"reasons": [*result.reasons, Reason.date_order]})
        if accept and spec.name in shared:
            accept, result = False, result.model_copy(update={"reasons": [*result.reasons, Reason.shared_evidence]})
        if accept and (doubts := _doubts(spec.kind, result)):
            accept, result = False, result.model_copy(update={"reasons": [*result.reasons, *doubts]})
        if accept and audited(state.sha256 or state.id, spec.name, audit_rate):
            accept, result = False, result.model_copy(update={"reasons": [*result.reasons, AUDIT]})
        if not accept and not result.reasons:  # every field sent to a person says why
            result = result.model_copy(update={"reasons": [Reason.low_confidence]})
        status = FieldStatus.auto_accepted if accept else FieldStatus.needs_review
        fields[spec.name] = result.model_copy(update={"status": status})

    values: dict[str, Any] = {name: r.value for name, r in fields.items()}
    for check in model.checks:
        if check.failed(values):
            for name in check.fields:
                r = fields[name]
                if r.status == FieldStatus.auto_accepted:
                    r = r.model_copy(update={"status": FieldStatus.needs_review})
                fields[name] = r.model_copy(update={"reasons": [*r.reasons, f"{Reason.cross_field}: {check.message}"]})

    pending = any(r.status == FieldStatus.needs_review for r in fields.values())
    status = DocStatus.needs_review if pending else DocStatus.completed
    return state.model_copy(update={"fields": fields, "status": status, "stage": Stage.routed})
