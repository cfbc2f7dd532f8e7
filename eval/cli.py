"""``docloop eval``: run the pipeline over a labelled dataset and print its scores.

Mounted as ``docloop eval``: ``docloop eval run --dataset sroie --split test`` scores a
split; ``docloop eval calibrate`` fits confidence calibrations from labelled train splits.
"""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from eval.datasets import NAMES
from eval.metrics import Report
from eval.run import evaluate

app = typer.Typer(help="Evaluate extraction on labelled datasets.", no_args_is_help=True)


def report_table(report: Report) -> Table:
    """Per field: normalised precision, recall and F1, and the official F1 when there is one."""
    official = "official" in report.metrics
    title = (
        f"{report.dataset} ({report.split or 'all'}) · {report.documents} documents · "
        f"{report.mode}: {', '.join(report.extractors)}"
    )
    table = Table(title=title)
    table.add_column("field")
    for name in ("precision", "recall", "F1"):
        table.add_column(name, justify="right")
    if official:
        table.add_column("official F1", justify="right")
    for field in [*report.fields, "micro"]:
        n = report.metrics["normalised"][field]
        row = [field, f"{n['precision']:.3f}", f"{n['recall']:.3f}", f"{n['f1']:.3f}"]
        if official:
            row.append(f"{report.metrics['official'][field]['f1']:.3f}")
        table.add_row(*row, style="bold" if field == "micro" else None)
    return table


def summary(report: Report) -> str:
    parts = [
        f"{report.seconds_per_document * 1000:.1f} ms/document",
        f"{report.tokens_per_document:.0f} tokens/document",
        f"{report.errors} errors",
    ]
    if report.auto_accepted_share is not None:
        precision = report.auto_accepted_precision
        parts.append(
            f"auto-accepted {report.auto_accepted_share:.1%} of fields"
            + (f" at precision {precision:.3f}" if precision is not None else "")
        )
    return " · ".join(parts)


def _progress(console: Console) -> Progress:
    return Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=console,
        transient=True,
    )


@app.command("run")
def run_command(
    dataset: str = typer.Option(..., "--dataset", help=f"One of: {', '.join(NAMES)}."),
    split: str = typer.Option(None, "--split", help="train or test (default: all examples)."),
    limit: int = typer.Option(None, "--limit", help="Only the first N examples."),
    extractors: str = typer.Option("rules", "--extractors", help="Comma-separated, e.g. rules,llm."),
    json_out: Path = typer.Option(None, "--json-out", help="Write the full report (with failures) here."),
) -> None:
    """Process a dataset split and print per-field precision, recall and F1."""
    console = Console()
    names = [e.strip() for e in extractors.split(",") if e.strip()]
    with _progress(console) as progress:
        task = progress.add_task(f"{dataset}", total=None)
        report = evaluate(
            dataset,
            split=split,
            limit=limit,
            extractors=names,
            on_start=lambda n: progress.update(task, total=n),
            on_document=lambda _: progress.advance(task),
        )
    console.print(report_table(report))
    console.print(summary(report))
    if json_out:
        json_out.parent.mkdir(parents=True, exist_ok=True)
        json_out.write_text(json.dumps(report.as_dict(), indent=2, default=str))
        console.print(f"report written to {json_out}")


@app.command("calibrate")
def calibrate_command(
    datasets: str = typer.Option(",".join(NAMES), "--datasets", help="Comma-separated dataset names."),
    split: str = typer.Option("train", "--split"),
    extractors: str = typer.Option("rules", "--extractors"),
    target: float = typer.Option(0.99, "--target", help="Precision auto-accepted fields must reach."),
    out: Path = typer.Option(None, "--out", help="Folder for <schema>.json (default: DOCLOOP_HOME/calibrations)."),
) -> None:
    """Fit per-field confidence calibrations and auto-accept thresholds from labelled data."""
    from eval.calibrate import calibrate
    from pipeline.config import get_settings

    console = Console()
    names = [d.strip() for d in datasets.split(",") if d.strip()]
    folder = out or get_settings().home / "calibrations"
    with _progress(console) as progress:
        task = progress.add_task("documents", total=None)
        cals = calibrate(names, folder, target=target, split=split,
                         extractors=[e.strip() for e in extractors.split(",") if e.strip()],
                         on_document=lambda _: progress.advance(task))
    table = Table("schema", "field", "samples", "right", "threshold", "precision", "coverage", title=f"calibrations in {folder}")
    for schema, cal in sorted(cals.items()):
        for name, fc in sorted(cal.fields.items()):
            table.add_row(schema, name, str(fc.samples), f"{fc.positive_rate:.3f}",
                          "never" if fc.threshold > 1 else f"{fc.threshold:.3f}",
                          "" if fc.precision_at_threshold is None else f"{fc.precision_at_threshold:.3f}",
                          f"{fc.coverage_at_threshold:.1%}")
    console.print(table)
