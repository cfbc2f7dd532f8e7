import math

import numpy as np

from eval.calibration import NEVER, Outcome, choose_threshold, fit, wilson_lower
from pipeline.confidence import Calibration, CalibratedScorer, load


def synthetic(n, seed):
    """Outcomes whose true probability of being right is a known logistic function of the features."""
    rng = np.random.default_rng(seed)
    out, truth = [], []
    for _ in range(n):
        feats = {"grounded": float(rng.random() < 0.8), "strength": float(rng.random()), "agreement": float(rng.random())}
        p = 1 / (1 + math.exp(-(-4 + 3 * feats["grounded"] + 4 * feats["strength"] + 1 * feats["agreement"])))
        out.append(Outcome("receipt", "total", feats, bool(rng.random() < p)))
        truth.append(p)
    return out, np.array(truth)


def test_recovers_known_probabilities():
    train, _ = synthetic(6000, seed=1)
    test, truth = synthetic(2000, seed=2)
    scorer = CalibratedScorer(fit(train, source="synthetic"))
    predicted = np.array([scorer.confidence("receipt", "total", o.features) for o in test])
    assert np.abs(predicted - truth).mean() < 0.03


def test_threshold_meets_target_precision_on_held_out_data():
    train, _ = synthetic(6000, seed=3)
    test, _ = synthetic(4000, seed=4)
    cal = fit(train, source="synthetic", target=0.95)["receipt"]
    scorer = CalibratedScorer({"receipt": cal})
    t = cal.fields["total"].threshold
    assert t < NEVER
    accepted = [o.correct for o in test if scorer.confidence("receipt", "total", o.features) >= t]
    assert len(accepted) > 200 and sum(accepted) / len(accepted) >= 0.94


def test_small_samples_never_auto_accept():
    probs = np.array([0.99] * 10)
    assert choose_threshold(probs, np.ones(10, dtype=bool), target=0.99)[0] == NEVER
    assert wilson_lower(10, 10) < 0.8 < wilson_lower(400, 400)


def test_saved_calibration_loads_and_scores_the_same(tmp_path):
    cals = fit(synthetic(500, seed=5)[0], source="synthetic", target=0.9)
    cals["receipt"].save(tmp_path)
    loaded = load([tmp_path])
    feats = {"grounded": 1.0, "strength": 0.7, "agreement": 1.0}
    assert abs(loaded.confidence("receipt", "total", feats) - CalibratedScorer(cals).confidence("receipt", "total", feats)) < 1e-12
    assert Calibration.load(tmp_path / "receipt.json").fields["total"].samples == 500
    # fields it was not fitted on fall back to the heuristic prior
    assert loaded.confidence("receipt", "company", feats) == loaded.fallback.confidence("receipt", "company", feats)


def test_exported_policy_spends_the_error_budget_across_fields():
    """One field always right and one right 90% of the time: held to 0.99 precision each,
    the second is never accepted; held to 0.97 exported accuracy together, most of it is."""
    rng = np.random.default_rng(6)
    outcomes = [Outcome("receipt", "date", {"strength": 1.0}, True) for _ in range(400)]
    outcomes += [Outcome("receipt", "address", {"strength": s}, bool(rng.random() < 0.8 + 0.2 * s))
                 for s in rng.random(400)]
    per_field = fit(outcomes, source="t", target=0.99)["receipt"]
    shared = fit(outcomes, source="t", target=0.97, policy="exported")["receipt"]
    assert per_field.fields["address"].coverage_at_threshold < shared.fields["address"].coverage_at_threshold
    assert shared.fields["address"].coverage_at_threshold > 0.5 and shared.policy == "exported"
    # what the shared cut exports (reviewed fields right, accepted ones as they are) meets the target
    scorer = CalibratedScorer({"receipt": shared})
    wrong = sum(not o.correct for o in outcomes if scorer.confidence("receipt", o.field, o.features) >= shared.fields[o.field].threshold)
    assert 1 - wrong / len(outcomes) >= 0.97


def two_fields(n, seed):
    """Two fields on one document type: "total" from :func:`synthetic`, and "date", right
    more often, whose probability is a different function of the same features."""
    rng = np.random.default_rng(seed)
    totals, _ = synthetic(n, seed)
    dates = []
    for _ in range(n):
        feats = {"grounded": 1.0, "strength": float(rng.random()), "agreement": 0.0}
        dates.append(Outcome("receipt", "date", feats, bool(rng.random() < 0.85 + 0.15 * feats["strength"])))
    return totals + dates


def test_exported_policy_meets_its_target_on_held_out_data_with_per_field_cuts():
    """Fitted on one sample, the exported policy's thresholds keep a fresh sample's exported
    accuracy at the target; each field gets its own cut (the budget goes where it buys most)."""
    cal = fit(two_fields(3000, seed=9), source="t", target=0.97, policy="exported")["receipt"]
    scorer = CalibratedScorer({"receipt": cal})
    held_out = two_fields(3000, seed=10)
    accepted = [o for o in held_out if scorer.confidence("receipt", o.field, o.features) >= cal.fields[o.field].threshold]
    assert 1 - sum(not o.correct for o in accepted) / len(held_out) >= 0.97
    assert len(accepted) > 0.5 * len(held_out)
    assert cal.fields["date"].threshold != cal.fields["total"].threshold


def test_weights_stand_for_the_unaudited_fields():
    """Outcomes from an audit sample weighted by 1/rate give the population's precision back."""
    rng = np.random.default_rng(7)
    reviewed = [Outcome("receipt", "total", {"strength": 0.2}, bool(rng.random() < 0.5)) for _ in range(300)]
    audited = [Outcome("receipt", "total", {"strength": 0.9}, bool(rng.random() < 0.97), weight=20.0) for _ in range(60)]
    weighted = fit(reviewed + audited, source="t", target=0.5)["receipt"].fields["total"]
    unweighted = fit(reviewed + [Outcome(o.schema, o.field, o.features, o.correct) for o in audited], source="t", target=0.5)
    # 1200 confident fields stand behind the 60 audited: the base rate is theirs, not the reviewed ones'
    assert weighted.positive_rate > 0.8 > unweighted["receipt"].fields["total"].positive_rate


def test_exported_policy_keeps_every_accepted_field_above_the_floor():
    """Plenty of budget from a field always right must not buy a field right only 85% of the time."""
    rng = np.random.default_rng(8)
    outcomes = [Outcome("receipt", "date", {"strength": 1.0}, True) for _ in range(2000)]
    outcomes += [Outcome("receipt", "company", {"strength": 0.5}, bool(rng.random() < 0.85)) for _ in range(200)]
    cal = fit(outcomes, source="t", target=0.95, policy="exported", floor=0.9)["receipt"]
    assert cal.fields["company"].threshold == NEVER and cal.fields["date"].threshold < NEVER
    assert fit(outcomes, source="t", target=0.95, policy="exported", floor=0.8)["receipt"].fields["company"].threshold < NEVER
