"""The HTML report: the page with its three PNG plots and the headline numbers."""

from __future__ import annotations

from PIL import Image

from eval import evalsets
from eval.report import write_html
from pipeline.store import Store


def test_report_writes_page_and_plots(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'db.sqlite'}")
    store.migrate()
    evalset = evalsets.build(store, "receipts", "receipt", ["sroie"], limit=30)
    report = evalsets.evaluate_set(evalset, "test")
    page = write_html(report, tmp_path / "out" / "run.html")

    html = page.read_text()
    for name in ("reliability", "risk_coverage", "fields"):
        png = tmp_path / "out" / f"run_{name}.png"
        assert f'src="{png.name}"' in html
        with Image.open(png) as image:
            assert image.format == "PNG" and image.width > 300 and image.height > 300
    assert f"{report.ece:.3f}" in html and "expected calibration error" in html
    assert f"{report.auto_accepted_share:.1%}" in html
    for field in report.fields:
        assert f"<td>{field}</td>" in html
