"""Per-kind calibration for unreviewed schemas: kept only where leave-one-schema-out holds."""

import json
import random

from eval.calibration import Outcome
from eval.transfer import fit_kinds
from pipeline import schemas as reg
from pipeline.confidence import KINDS, NEVER, CalibratedScorer, Calibration, along, kind_of


def _outcomes(schema, field, n, honest, rng):
    """``honest``: the grounded feature tells right from wrong; else it says the opposite."""
    out = []
    for _ in range(n):
        right = rng.random() < 0.7
        grounded = float(right if honest else not right)
        out.append(Outcome(schema, field, {"grounded": grounded, "strength": rng.random()}, right))
    return out


def test_kinds_keep_thresholds_only_where_every_held_out_schema_agrees():
    rng = random.Random(0)
    outcomes = (
        _outcomes("receipt", "date", 120, True, rng) + _outcomes("invoice", "date", 120, True, rng)
        + _outcomes("nda", "effective_date", 120, True, rng)
        # amounts: honest on receipts, the signal misleads on invoices
        + _outcomes("receipt", "total", 120, True, rng) + _outcomes("invoice", "total", 120, False, rng)
    )
    cal, held_out = fit_kinds(outcomes, "test", target=0.95)
    assert cal.schema == KINDS
    assert cal.fields["date"].threshold < 1  # transfers to each schema left out
    assert cal.fields["money"].threshold == NEVER  # fails on one held-out schema
    date_checks = [h for h in held_out if h.kind == "date"]
    assert {h.schema for h in date_checks} == {"receipt", "invoice", "nda"}
    assert all(h.precision is None or h.precision >= 0.95 for h in date_checks)


def test_a_new_schema_is_scored_and_thresholded_by_its_kinds(tmp_path, monkeypatch):
    (tmp_path / "letter.json").write_text(json.dumps({
        "title": "Letter", "properties": {"sent_on": {"type": "string", "format": "date"}, "note": {"type": "string"}},
    }))
    monkeypatch.setenv("DOCLOOP_SCHEMA_PATH", str(tmp_path))
    reg.registry.cache_clear()
    try:
        assert kind_of("letter", "sent_on") == "date" and kind_of("nda", "party") == "organization[]"
        rng = random.Random(1)
        outcomes = sum((_outcomes(s, f, 120, True, rng) for s, f in [("receipt", "date"), ("invoice", "date"), ("nda", "effective_date")]), [])
        cal, _ = fit_kinds(outcomes, "test", target=0.95)
        scorer = CalibratedScorer({KINDS: cal})
        assert scorer.confidence("letter", "sent_on", {"grounded": 1.0}) > scorer.confidence("letter", "sent_on", {"grounded": 0.0})
        thresholds = scorer.thresholds()["letter"]
        assert thresholds["sent_on"] == cal.fields["date"].threshold < 1
        assert thresholds["note"] == NEVER  # a text field: no labelled schema vouches for its kind
    finally:
        reg.registry.cache_clear()


def test_outcomes_of_a_dataset_read_with_a_users_schema_are_collected_without_setting_the_path(monkeypatch):
    """CUAD is read with the user-written contract schema; pooling it for the per-kind
    calibration must find that schema as `eval run` does."""
    from eval.calibrate import collect

    monkeypatch.delenv("DOCLOOP_SCHEMA_PATH", raising=False)
    reg.registry.cache_clear()
    try:
        outcomes = collect(["cuad"], split="train", limit=1)
    finally:
        reg.registry.cache_clear()
    assert {o.schema for o in outcomes} == {"commercial_contract"}
    assert kind_of("commercial_contract", "governing_law") == "jurisdiction"


def test_a_new_schema_is_told_what_its_kinds_confidence_meant_where_it_was_new(tmp_path, monkeypatch):
    """Dates fitted where "grounded" tells right from wrong, but on NDAs it misleads: a fit
    on the others says ~1.0 for a grounded NDA date that is right only 30% of the time. A new
    schema's grounded date gets the share held-out schemas showed, not the fit's own probability."""
    import math

    (tmp_path / "letter.json").write_text(json.dumps({"title": "Letter", "properties": {"sent_on": {"type": "string", "format": "date"}}}))
    monkeypatch.setenv("DOCLOOP_SCHEMA_PATH", str(tmp_path))
    reg.registry.cache_clear()
    try:
        rng = random.Random(2)
        outcomes = (
            _outcomes("receipt", "date", 150, True, rng) + _outcomes("invoice", "date", 150, True, rng)
            + _outcomes("nda", "effective_date", 150, False, rng)
        )
        cal, held_out = fit_kinds(outcomes, "test", target=0.95)
        fc = cal.fields["date"]
        grounded = {"grounded": 1.0, "strength": 0.5}
        fitted = 1.0 / (1.0 + math.exp(-(fc.bias + sum(w * grounded.get(k, 0.0) for k, w in fc.weights.items()))))
        new = CalibratedScorer({KINDS: cal}).confidence("letter", "sent_on", grounded)
        assert fc.held_out and new < fitted - 0.1
        # what the held-out schemas showed at that confidence: right about as often as said
        near = [right for h in held_out if h.kind == "date" for p, right in h.predictions if abs(p - fitted) < 0.15]
        assert abs(new - sum(near) / len(near)) < 0.15
        # a schema with its own calibration keeps its own probabilities
        own = CalibratedScorer({KINDS: cal, "letter": Calibration("letter", "v", "test", 0.99, {"sent_on": fc})})
        assert own.confidence("letter", "sent_on", grounded) == fitted
        # a kind that reaches no threshold keeps none on the held-out scale either
        noise = [Outcome(s, "date", {"strength": rng.random()}, rng.random() < 0.7) for s in ("receipt", "invoice") for _ in range(150)]
        unsure, _ = fit_kinds(noise, "test", target=0.95)
        assert unsure.fields["date"].held_out and unsure.fields["date"].threshold == NEVER
    finally:
        reg.registry.cache_clear()


def test_along_interpolates_between_points_and_is_flat_beyond_them():
    points = [[0.2, 0.5], [0.6, 0.7], [0.6, 0.9], [1.0, 1.0]]
    assert along(points, 0.0) == 0.5 and along(points, 1.2) == 1.0
    assert abs(along(points, 0.4) - 0.6) < 1e-9
    assert abs(along(points, 0.8) - 0.95) < 1e-9  # past a step, from its upper value


def test_a_kind_no_other_schema_tests_is_lowered_by_the_pooled_map_never_raised():
    rng = random.Random(3)
    outcomes = (
        _outcomes("receipt", "date", 150, True, rng) + _outcomes("invoice", "date", 150, True, rng)
        + _outcomes("receipt", "address", 150, True, rng)  # addresses: one schema only
    )
    cal, _ = fit_kinds(outcomes, "test", target=0.95)
    points = cal.fields["address"].held_out
    assert points and all(y <= x for x, y in points)
    assert all(along(points, p) <= p + 1e-9 for p in (0.3, 0.5, 0.8, 0.95, 0.99))
