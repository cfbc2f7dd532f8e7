"""The simulated review stream: deterministic, and review falls as the loop learns."""

from __future__ import annotations

from dataclasses import asdict

from typer.testing import CliRunner

from eval.cli import app
from eval.stream import StreamReport, run_stream
from tests.conftest import DATASETS


def figures(report: StreamReport) -> list[dict]:
    """Everything the stream decided, without wall-clock times."""
    return [{k: v for k, v in asdict(d).items() if k != "seconds"} for d in report.documents] + report.refits


def test_the_stream_is_deterministic_for_a_fixed_seed():
    options = dict(root=DATASETS, seed_limit=30, limit=20, batch=10, window=10)

    first = run_stream("sroie", seed=7, **options)
    again = run_stream("sroie", seed=7, **options)
    other = run_stream("sroie", seed=8, **options)

    assert figures(first) == figures(again)
    assert first.windows()[0]["review_share"] == again.windows()[0]["review_share"]
    assert [d.id for d in first.documents] != [d.id for d in other.documents]
    assert [d.phase for d in first.documents] == ["seed"] * 30 + ["stream"] * 20


def test_review_share_falls_over_a_cold_start_stream_while_every_export_error_is_an_auto_accepted_field():
    """From no labels at all: everything is reviewed until the calibration can vouch for a
    field; the oracle's answers then let it accept fields, so each window needs fewer reviews.
    (A 0.95 target lets 150 documents show it; at 0.99 the small-sample guard needs more.)"""
    report = run_stream("sroie", split=None, seed_split=None, root=DATASETS, limit=150, batch=25, window=50, target=0.95)

    shares = [w["review_share"] for w in report.windows()]
    assert shares[0] > 0.9  # nothing can be vouched for yet
    assert shares[2] < shares[1] < shares[0]
    for d in report.documents:
        assert d.reviewed + d.auto == d.fields
        assert d.auto_wrong <= d.auto  # reviewed fields are exported as the reviewer left them
    assert report.refits and report.refits[-1]["after"] == 150


def test_the_cli_writes_the_learning_curve_table_and_json(tmp_path):
    result = CliRunner().invoke(
        app, ["stream", "--dataset", "sroie", "--seed-split", "none", "--split", "test", "--limit", "12",
              "--batch", "6", "--window", "6", "--out", str(tmp_path)],
    )

    assert result.exit_code == 0, result.output
    assert (tmp_path / "sroie.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert (tmp_path / "sroie.md").read_text().count("\n| 1-6 |") == 1
    assert '"review_share"' in (tmp_path / "sroie.json").read_text()
