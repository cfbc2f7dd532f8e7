"""The stage sequence declared once: which step is due, and the unknown-schema fallback."""

from __future__ import annotations

import pytest

from pipeline.stages import AUTO, STEPS, UNKNOWN, next_step, settle_schema
from pipeline.state import DocStatus, DocumentState, Stage


@pytest.mark.parametrize(
    "stage, status, exported, due",
    [
        (Stage.ingested, DocStatus.pending, False, "parse"),
        (Stage.parsed, DocStatus.pending, False, "extract"),
        (Stage.scored, DocStatus.pending, False, "extract"),  # an extract cut short is redone whole
        (Stage.routed, DocStatus.pending, False, "finalise"),
        (Stage.ingested, DocStatus.failed, False, "finalise"),  # a failed run is exported with its reason
        (Stage.routed, DocStatus.pending, True, None),
        (Stage.exported, DocStatus.pending, False, None),
    ],
)
def test_the_step_due_follows_from_stage_and_status(stage, status, exported, due):
    assert next_step(stage.value, status.value, exported) == due


def test_walking_from_ingested_visits_every_step_once_in_order():
    order, stage = [], Stage.ingested
    after = {"parse": Stage.parsed, "extract": Stage.routed, "finalise": Stage.exported}
    while (step := next_step(stage, DocStatus.pending, False)) is not None:
        order.append(step)
        stage = after[step]
    assert tuple(order) == STEPS


def test_a_run_that_failed_before_its_type_was_known_is_unknown():
    state = DocumentState(id="x", source="s", sha256="0" * 64, size=1, media_type="text/plain", schema_name=AUTO, schema_version="")
    assert settle_schema(state).schema_name == UNKNOWN
    typed = state.model_copy(update={"schema_name": "receipt"})
    assert settle_schema(typed).schema_name == "receipt"
