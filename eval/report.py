"""An eval run as one self-contained HTML page with PNG plots.

Three figures, from a :class:`eval.metrics.Report` with ``outcomes`` (per predicted
field: confidence and whether it was right):

- reliability diagram: accuracy per confidence bin against the diagonal (ECE in the title);
- risk-coverage curve: error rate of the fields accepted when the most confident
  share is accepted, for every share (where a threshold can be set);
- per-field bars: precision, recall and F1.

The PNGs are written beside the HTML (``<stem>_<plot>.png``) and referenced by name,
so the folder can be published or attached as it is.
"""

from __future__ import annotations

import html
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only: no display on servers and in CI

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from eval.metrics import Report  # noqa: E402

BINS = 10


def _save(fig, path: Path) -> Path:
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def reliability(report: Report, path: Path) -> Path:
    conf = np.array([o["confidence"] for o in report.outcomes], dtype=float)
    right = np.array([o["right"] for o in report.outcomes], dtype=float)
    fig, ax = plt.subplots(figsize=(5, 4.5))
    ax.plot([0, 1], [0, 1], ":", color="grey", label="perfectly calibrated")
    if len(conf):
        which = np.minimum((conf * BINS).astype(int), BINS - 1)
        used = [b for b in range(BINS) if (which == b).any()]
        centres = [(b + 0.5) / BINS for b in used]
        ax.bar(centres, [right[which == b].mean() for b in used], width=1 / BINS, alpha=0.7, edgecolor="black", label="accuracy")
        ax.plot(centres, [conf[which == b].mean() for b in used], "o", color="C3", label="mean confidence")
    ece = "n/a" if report.ece is None else f"{report.ece:.3f}"
    ax.set(xlim=(0, 1), ylim=(0, 1), xlabel="confidence", ylabel="share right", title=f"Reliability (ECE {ece})")
    ax.legend(loc="upper left")
    return _save(fig, path)


def risk_coverage(report: Report, path: Path) -> Path:
    order = sorted(report.outcomes, key=lambda o: -o["confidence"])
    wrong = np.cumsum([0.0 if o["right"] else 1.0 for o in order])
    n = np.arange(1, len(order) + 1)
    fig, ax = plt.subplots(figsize=(5, 4.5))
    if len(order):
        ax.plot(n / len(order), wrong / n, "-", label="error of accepted fields")
    if report.auto_accepted_share is not None:
        ax.axvline(report.auto_accepted_share, color="C2", linestyle="--", label="auto-accepted share")
    ax.set(xlim=(0, 1), ylim=(0, max(0.05, float((wrong / n).max()) if len(order) else 0.05)),
           xlabel="coverage (share accepted, most confident first)", ylabel="risk (error rate)", title="Risk-coverage")
    ax.legend(loc="upper left")
    return _save(fig, path)


def field_bars(report: Report, path: Path, metric: str = "normalised") -> Path:
    names = [*report.fields, "micro"]
    scores = report.metrics[metric]
    x = np.arange(len(names))
    fig, ax = plt.subplots(figsize=(max(5, 1.1 * len(names)), 4))
    for i, key in enumerate(("precision", "recall", "f1")):
        ax.bar(x + (i - 1) * 0.27, [scores[n][key] for n in names], width=0.27, label=key)
    ax.set_xticks(x, names, rotation=20)
    ax.set(ylim=(0, 1.05), title=f"Per field ({metric})")
    ax.legend(loc="lower right")
    return _save(fig, path)


def write_html(report: Report, path: Path, title: str = "") -> Path:
    """The page and its three PNGs; returns the page's path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    plots = {
        name: fn(report, path.with_name(f"{path.stem}_{name}.png"))
        for name, fn in (("reliability", reliability), ("risk_coverage", risk_coverage), ("fields", field_bars))
    }
    metric = next(iter(report.metrics))
    rows = "".join(
        f"<tr><td>{html.escape(f)}</td>" + "".join(f"<td>{report.metrics[metric][f][k]:.3f}</td>" for k in ("precision", "recall", "f1")) + "</tr>"
        for f in [*report.fields, "micro"]
    )

    def pct(v: float | None) -> str:
        return "n/a" if v is None else f"{v:.1%}"

    facts = [
        ("documents", str(report.documents)),
        ("auto-accepted share", pct(report.auto_accepted_share)),
        ("precision of auto-accepted", "n/a" if report.auto_accepted_precision is None else f"{report.auto_accepted_precision:.3f}"),
        ("expected calibration error", "n/a" if report.ece is None else f"{report.ece:.3f}"),
        ("latency / document", f"{report.seconds_per_document * 1000:.0f} ms"),
        ("tokens / document", f"{report.tokens_per_document:.0f}"),
        ("cost / document", f"${report.cost_per_document:.5f}"),
        ("errors", str(report.errors)),
    ]
    heading = html.escape(title or f"{report.dataset} ({report.split or 'all'}) · {', '.join(report.extractors)}")
    page = f"""<!doctype html>
<html><head><meta charset="utf-8"><title>{heading}</title>
<style>body{{font-family:sans-serif;max-width:1100px;margin:2em auto}} td,th{{padding:2px 10px;text-align:right}}
td:first-child,th:first-child{{text-align:left}} img{{max-width:100%;margin:0.5em 0}}</style></head>
<body><h1>{heading}</h1>
<table>{''.join(f'<tr><th>{k}</th><td>{v}</td></tr>' for k, v in facts)}</table>
<h2>Fields</h2><table><tr><th>field</th><th>precision</th><th>recall</th><th>F1</th></tr>{rows}</table>
{''.join(f'<h2>{n.replace("_", "-")}</h2><img src="{p.name}" alt="{n}">' for n, p in plots.items())}
</body></html>
"""
    path.write_text(page, encoding="utf-8")
    return path
