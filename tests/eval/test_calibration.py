import math

import numpy as np

from eval.calibration import NEVER, Calibration, CalibratedScorer, Outcome, choose_threshold, fit, load, wilson_lower


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
