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


def _field_names(pairs: str) -> dict[str, str]:
    """``a=b,c=d`` -> ``{"a": "b", "c": "d"}``; anything else is a usage error, not a traceback."""
    named = [pair.split("=", 1) for pair in pairs.split(",") if pair.strip()]
    if not named or any(len(p) != 2 or not p[0].strip() or not p[1].strip() for p in named):
        raise typer.BadParameter(f"--as takes schema_field=dataset_field pairs separated by commas, not {pairs!r}")
    return {a.strip(): b.strip() for a, b in named}


@app.command("run")
def run_command(
    dataset: str = typer.Option(None, "--dataset", help=f"One of: {', '.join(NAMES)}."),
    eval_set: str = typer.Option(None, "--set", help="A stored eval set (see `docloop eval build-set`); runs are stored."),
    set_version: int = typer.Option(None, "--set-version", help="That version of the set (default: the newest)."),
    prompt_version: str = typer.Option(None, "--prompt-version", help="With --set: this prompt version (default: the active one)."),
    split: str = typer.Option(None, "--split", help="train or test; for a set train, dev or test (default: all examples)."),
    limit: int = typer.Option(None, "--limit", help="Only the first N examples."),
    extractors: str = typer.Option("rules", "--extractors", help="Comma-separated, e.g. rules,llm."),
    json_out: Path = typer.Option(None, "--json-out", help="Write the full report (with failures) here."),
    report_out: Path = typer.Option(None, "--report", help="Write an HTML report with PNG plots here."),
    schema: str = typer.Option(None, "--schema", help="Read the dataset with this document type (e.g. one of yours on DOCLOOP_SCHEMA_PATH)."),
    fields_as: str = typer.Option(None, "--as", help="With --schema: its fields as the dataset's, e.g. merchant_name=company,total_amount=total."),
) -> None:
    """Process a dataset split or an eval set split and print per-field precision, recall and F1."""
    if (dataset is None) == (eval_set is None):
        raise typer.BadParameter("give exactly one of --dataset and --set")
    console = Console()
    names = [e.strip() for e in extractors.split(",") if e.strip()]
    with _progress(console) as progress:
        task = progress.add_task(f"{dataset or eval_set}", total=None)
        if eval_set:
            report = _run_set(eval_set, set_version, prompt_version, split, names, progress, task, console)
        else:
            report = evaluate(
                dataset,
                split=split,
                limit=limit,
                extractors=names,
                on_start=lambda n: progress.update(task, total=n),
                on_document=lambda _: progress.advance(task),
                schema=schema,
                fields_as=_field_names(fields_as) if fields_as else None,
            )
    console.print(report_table(report))
    console.print(summary(report))
    if report_out:
        from eval.report import write_html

        console.print(f"HTML report written to {write_html(report, report_out)}")
    if json_out:
        json_out.parent.mkdir(parents=True, exist_ok=True)
        json_out.write_text(json.dumps(report.as_dict(), indent=2, default=str))
        console.print(f"report written to {json_out}")


def _store():
    from pipeline.config import get_settings
    from pipeline.store import Store

    store = Store(get_settings().resolved_database_url)
    store.migrate()
    return store


def _run_set(name: str, version: int | None, prompt_version: str | None, split: str | None, extractors: list[str], progress, task, console) -> Report:
    """An eval set split under a prompt version; the run is stored in ``eval_runs``."""
    from eval import evalsets
    from pipeline import prompts

    store = _store()
    evalset = evalsets.load(store, name, version)
    prompt = prompts.get(store, prompt_version) if prompt_version else prompts.active(store)
    progress.update(task, total=len(evalset.split(split)))
    report = evalsets.evaluate_set(evalset, split, prompt, extractors, on_document=lambda _: progress.advance(task))
    run_id = evalsets.record_run(store, evalset, split, prompt.version, report)
    console.print(f"stored as eval run {run_id} ({name}@{evalset.version}, prompt {prompt.version})")
    return report


@app.command("build-set")
def build_set_command(
    name: str = typer.Argument(..., help="Eval set name; each build is a new version."),
    schema: str = typer.Option(..., "--schema", help="Document type of the set."),
    sources: str = typer.Option("reviews", "--sources", help="Comma-separated: reviews, dataset names, JSONL paths."),
    limit: int = typer.Option(None, "--limit", help="At most N examples per dataset."),
) -> None:
    """Build a new version of an eval set, split train/dev/test by near-duplicate group."""
    from eval import evalsets

    built = evalsets.build(_store(), name, schema, [x.strip() for x in sources.split(",") if x.strip()], limit=limit)
    counts = ", ".join(f"{s} {len(built.split(s))}" for s, _ in evalsets.SPLITS)
    Console().print(f"{name}@{built.version}: {len(built.items)} documents ({counts})")


@app.command("runs")
def runs_command(name: str = typer.Argument(None, help="Only this eval set.")) -> None:
    """Stored eval runs, to compare prompt versions and set versions."""
    from eval import evalsets

    table = Table("run", "set", "split", "prompt", "F1", "auto-accepted", "precision", "ECE", "ms/doc", "$/doc", "when")
    for run, es in evalsets.runs(_store(), name):
        m = run.metrics
        f1 = m["metrics"]["normalised"]["micro"]["f1"]
        fmt = lambda v, spec: "" if v is None else format(v, spec)  # noqa: E731
        table.add_row(str(run.id), f"{es.name}@{es.version}", run.split or "all", run.prompt_version, f"{f1:.3f}",
                      fmt(m["auto_accepted_share"], ".1%"), fmt(m["auto_accepted_precision"], ".3f"), fmt(m["ece"], ".3f"),
                      f"{m['seconds_per_document'] * 1000:.0f}", f"{m['cost_per_document']:.5f}", f"{run.created_at:%Y-%m-%d %H:%M}")
    Console().print(table)


@app.command("calibrate")
def calibrate_command(
    datasets: str = typer.Option(",".join(NAMES), "--datasets", help="Comma-separated dataset names; '' for none."),
    reviews: bool = typer.Option(False, "--reviews", help="Also learn from the reviews in the database (DOCLOOP_DATABASE_URL)."),
    split: str = typer.Option("train", "--split"),
    extractors: str = typer.Option("rules", "--extractors"),
    target: float = typer.Option(0.99, "--target", help="What the auto-accept thresholds aim for (see --policy)."),
    policy: str = typer.Option(
        "precision", "--policy", help="precision: each field's accepted values reach --target; exported: all that is exported does."
    ),
    out: Path = typer.Option(None, "--out", help="Folder for <schema>.json (default: DOCLOOP_HOME/calibrations)."),
    min_outcomes: int = typer.Option(
        30, "--min-outcomes", help="Fields with fewer outcomes keep their previous calibration; a schema with none fitted is left as it was."
    ),
) -> None:
    """Fit per-field confidence calibrations and auto-accept thresholds from labelled data and/or reviews.
    The calibration replaced is kept (see `calibrate-rollback`)."""
    from eval.calibrate import calibrate, review_outcomes
    from pipeline.config import get_settings
    from pipeline.store import Store

    console = Console()
    settings = get_settings()
    names = [d.strip() for d in datasets.split(",") if d.strip()]
    folder = out or settings.home / "calibrations"
    reviewed = review_outcomes(Store(settings.resolved_database_url), settings.audit_rate) if reviews else []
    with _progress(console) as progress:
        task = progress.add_task("documents", total=None)
        saved = calibrate(names, folder, target=target, policy=policy, reviewed=reviewed, split=split, min_outcomes=min_outcomes,
                          extractors=[e.strip() for e in extractors.split(",") if e.strip()],
                          on_document=lambda _: progress.advance(task))
    table = Table("schema", "field", "samples", "right", "threshold", "precision", "coverage", title=f"calibrations in {folder}")
    for done in saved:
        for name, fc in sorted(done.calibration.fields.items()) if done.calibration else []:
            kept = " (kept: too few outcomes)" if name in done.fallback else ""
            table.add_row(done.schema, name + kept, str(fc.samples), f"{fc.positive_rate:.3f}",
                          "never" if fc.threshold > 1 else f"{fc.threshold:.3f}",
                          "" if fc.precision_at_threshold is None else f"{fc.precision_at_threshold:.3f}",
                          f"{fc.coverage_at_threshold:.1%}")
    console.print(table)
    for done in saved:
        if done.calibration is None:
            console.print(f"{done.schema}: refused, fewer than {min_outcomes} outcomes for every field; {done.path} still serves")
            continue
        console.print(f"{done.schema}: wrote {done.path}, replacing {done.replaced}"
                      + (f"; the replaced one is kept at {done.kept}" if done.kept else "")
                      + f"; undo with `docloop eval calibrate-rollback {done.schema}`")


@app.command("calibrate-rollback")
def calibrate_rollback_command(
    schema: str = typer.Argument(..., help="Document type whose calibration goes back one version."),
    out: Path = typer.Option(None, "--out", help="The calibrations folder (default: DOCLOOP_HOME/calibrations)."),
) -> None:
    """Serve the calibration before the current one again (the newest kept, else the shipped one)."""
    from eval.calibrate import rollback
    from pipeline.config import get_settings

    try:
        path, version = rollback(schema, out or get_settings().home / "calibrations")
    except FileNotFoundError as e:
        raise typer.BadParameter(str(e)) from None
    Console().print(f"{schema}: now {version}" + (f" from {path}" if path else " (no calibration: the heuristic scorer)"))


@app.command("calibrate-kinds")
def calibrate_kinds_command(
    datasets: str = typer.Option("sroie,kleister_nda,parsee_invoices", "--datasets", help="Labelled schemas to pool."),
    split: str = typer.Option("train", "--split"),
    target: float = typer.Option(0.99, "--target", help="Precision a kind's accepted values must keep on every held-out schema."),
    out: Path = typer.Option(None, "--out", help="Folder for _kinds.json (default: DOCLOOP_HOME/calibrations)."),
) -> None:
    """Fit the per-kind calibration for schemas without reviews; print its leave-one-schema-out check."""
    from eval.calibrate import collect
    from eval.transfer import fit_kinds
    from pipeline.config import get_settings

    console = Console()
    names = [d.strip() for d in datasets.split(",") if d.strip()]
    folder = out or get_settings().home / "calibrations"
    with _progress(console) as progress:
        task = progress.add_task("documents", total=None)
        outcomes = collect(names, split=split, on_document=lambda _: progress.advance(task))
    cal, held_out = fit_kinds(outcomes, f"{'+'.join(names)}:{split}", target)
    cal.save(folder)
    loso = Table("kind", "held-out schema", "outcomes", "accepted", "precision", title="leave one schema out")
    for h in held_out:
        loso.add_row(h.kind, h.schema, str(h.outcomes), str(h.accepted), "" if h.precision is None else f"{h.precision:.3f}")
    console.print(loso)
    kinds = Table("kind", "samples", "threshold", "precision", "coverage", title=f"kinds in {folder}")
    for kind, fc in sorted(cal.fields.items()):
        kinds.add_row(kind, str(fc.samples), "never" if fc.threshold > 1 else f"{fc.threshold:.3f}",
                      "" if fc.precision_at_threshold is None else f"{fc.precision_at_threshold:.3f}", f"{fc.coverage_at_threshold:.1%}")
    console.print(kinds)


@app.command("stream")
def stream_command(
    dataset: str = typer.Option(..., "--dataset", help=f"One of: {', '.join(NAMES)}."),
    split: str = typer.Option("test", "--split", help="The measured split: train, test or all."),
    seed_split: str = typer.Option(
        "train", "--seed-split", help="Labelled split streamed first to seed memory and calibration; none for a cold start."
    ),
    seed: int = typer.Option(0, "--seed", help="Shuffle seed for the arrival order."),
    batch: int = typer.Option(25, "--batch", help="Re-fit the calibration every N measured documents."),
    window: int = typer.Option(50, "--window", help="Documents per reported window."),
    target: float = typer.Option(0.99, "--target", help="What the auto-accept thresholds aim for (see --policy)."),
    policy: str = typer.Option(
        "precision", "--policy", help="precision: each field's accepted values reach --target; exported: all that is exported does."
    ),
    audit: float = typer.Option(0.0, "--audit", help="Share of would-be accepted fields reviewed anyway (unbiased re-fits)."),
    extractors: str = typer.Option("rules,memory", "--extractors", help="Comma-separated, e.g. rules,memory,llm."),
    limit: int = typer.Option(None, "--limit", help="Only the first N measured documents."),
    after: int = typer.Option(200, "--after", help="Also report the figures after the first N measured documents."),
    out: Path = typer.Option(Path("reports/stream"), "--out", help="Folder for <dataset>.json, .md and .png."),
) -> None:
    """Simulate a review stream: an oracle reviews what is sent to review, the loop learns;
    prints and plots the learning curve."""
    from eval.plots import learning_curve, markdown
    from eval.stream import run_stream

    console = Console()
    with _progress(console) as progress:
        task = progress.add_task(f"{dataset} stream", total=None)
        report = run_stream(
            dataset, split=None if split == "all" else split, seed_split=None if seed_split == "none" else seed_split,
            seed=seed, batch=batch, window=window, target=target, policy=policy, audit=audit,
            extractors=[e.strip() for e in extractors.split(",") if e.strip()], limit=limit,
            on_document=lambda _: progress.advance(task),
        )
    out.mkdir(parents=True, exist_ok=True)
    table = markdown(report)
    if after and len(report.measured()) > after:
        table += markdown(report, after).splitlines()[-1] + "\n"
    (out / f"{dataset}.md").write_text(table)
    (out / f"{dataset}.json").write_text(json.dumps(report.as_dict() | {f"after_{after}": report.summary(after)}, indent=2))
    png = learning_curve(report, out / f"{dataset}.png")
    console.print(table)
    console.print(f"written {out / f'{dataset}.json'}, {out / f'{dataset}.md'}, {png}")
