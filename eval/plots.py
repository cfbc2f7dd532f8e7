"""Pictures and tables of a review stream: the learning curve as PNG and markdown."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only: no display on servers and in CI

import matplotlib.pyplot as plt  # noqa: E402

from eval.stream import StreamReport  # noqa: E402


def learning_curve(report: StreamReport, path: Path) -> Path:
    """Per window of the measured stream: share of fields sent to review and accuracy of
    what was exported (top), reviews and corrections per document (bottom)."""
    windows = report.windows()
    ends = [int(w["documents"].split("-")[1]) for w in windows]
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(8, 6.5), sharex=True, height_ratios=[2, 1])
    top.plot(ends, [w["review_share"] for w in windows], "o-", label="fields sent to review")
    top.plot(ends, [w["exported_accuracy"] for w in windows], "s-", label="exported accuracy")
    top.axhline(report.target, color="grey", linestyle=":", linewidth=1, label=f"threshold target {report.target:.2f}")
    top.set_ylim(0, 1.02)
    top.set_ylabel("share of fields")
    top.grid(alpha=0.3)
    top.legend(loc="lower left")
    seeded = f", seeded from {report.seed_split}" if report.seed_split else ", cold start"
    audit = f", audit {report.audit:.0%}" if report.audit else ""
    top.set_title(
        f"{report.dataset} {report.split or 'all'} stream ({'+'.join(report.extractors)}{seeded}; {report.policy} policy{audit}; "
        f"windows of {report.window}, re-fit every {report.batch})",
        fontsize=9,
    )
    bottom.plot(ends, [w["reviews_per_document"] for w in windows], "o-", label="reviews / document")
    bottom.plot(ends, [w["corrections_per_document"] for w in windows], "x-", label="corrections / document")
    bottom.set_xlabel("documents streamed")
    bottom.set_ylabel("per document")
    bottom.grid(alpha=0.3)
    bottom.legend(loc="upper right")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path


def _pct(value: float | None) -> str:
    return "" if value is None else f"{value:.1%}"


def _num(value: float | None, digits: int = 2) -> str:
    return "" if value is None else f"{value:.{digits}f}"


def markdown(report: StreamReport, after: int = 0) -> str:
    """The windows as a markdown table, with the totals over the measured stream."""
    head = "| documents | fields | reviewed | exported accuracy | auto-accepted precision | reviews/doc | corrections/doc | tokens/doc | ms/doc |"
    rows = [head, "|" + "---|" * 9]
    overall = report.summary(after)
    label = "all" if not after else f"after the first {after}"
    for w in [*report.windows(), overall | {"documents": f"**{label} ({overall['documents']})**"}]:
        rows.append(
            f"| {w['documents']} | {w['fields']} | {_pct(w['review_share'])} | {_pct(w['exported_accuracy'])} | "
            f"{_pct(w['auto_precision'])} | {_num(w['reviews_per_document'])} | {_num(w['corrections_per_document'])} | "
            f"{_num(w['tokens_per_document'], 0)} | {_num((w['seconds_per_document'] or 0) * 1000, 0)} |"
        )
    return "\n".join(rows) + "\n"
