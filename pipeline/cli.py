"""The ``docloop`` command line."""

from __future__ import annotations

import json
import logging
import time
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import track
from rich.table import Table

from pipeline.config import get_settings
from pipeline.telemetry.logs import configure as configure_logging

# A model answer that fails validation is recorded on its ModelCall; instructor's own
# log line for it would only clutter the progress output.
logging.getLogger("instructor").setLevel(logging.CRITICAL)
configure_logging(get_settings().log_format)

app = typer.Typer(help="Documents in, schema-typed JSON with confidence and evidence out.", no_args_is_help=True)
console = Console(stderr=True)


def _pipeline(extractors: str):
    from pipeline.run import build_pipeline
    from pipeline.store import Store

    settings = get_settings()
    store = Store(settings.resolved_database_url)
    store.migrate()
    return build_pipeline(settings, [n.strip() for n in extractors.split(",") if n.strip()], store)


def _inputs(paths: list[Path]) -> list[Path]:
    files: list[Path] = []
    for p in paths:
        if p.is_dir():
            files.extend(sorted(f for f in p.rglob("*") if f.is_file() and not f.name.startswith(".")))
        elif p.is_file():
            files.append(p)
        else:
            console.print(f"[red]no such file: {p}")
    return files


def _write(pipe, path: Path, states, out: Path) -> list[tuple[bool, list[str]]]:
    """Write the JSON of a processed input and record where: (failed, summary row) per document.

    An e-mail's attachments follow it as documents of their own: <stem>.attachment-<n>.json.
    """
    from pipeline.run import export_stem, write_export

    rows = []
    stem = export_stem(states[0], out)  # the input's: its attachments' exports are named after it
    for index, state in enumerate(states):
        target = write_export(state, out, f"{stem}.attachment-{index}" if index else stem)
        pipe.store.record_export(pipe.key(state), str(target.resolve()))  # where review writes it again
        auto = sum(1 for f in state.fields.values() if f.status == "auto_accepted")
        name = f"{path.name} #{index}" if index else path.name
        error = state.error.code if state.error else ""
        rows.append((state.status == "failed", [name, state.schema_name, state.status.value, f"{auto}/{len(state.fields)}", error]))
    return rows


_worker_pipe = None  # a -j worker process's own pipeline (its own connections and parse children)


def _start_worker(extractors: str) -> None:
    from pipeline.parse import warm_up

    global _worker_pipe
    _worker_pipe = _pipeline(extractors)
    warm_up(_worker_pipe.settings)


def _process_in_worker(path: Path, schema: str) -> list:
    return list(_worker_pipe.process_with_attachments(path.read_bytes(), str(path), schema))


@app.command("extract")
def extract_cmd(
    paths: list[Path] = typer.Argument(..., help="Files or folders."),
    schema: str = typer.Option("auto", help="Document type, or 'auto' to classify."),
    out: Path = typer.Option(Path("out"), help="Folder for <input stem>.json."),
    extractors: str = typer.Option("rules,tables,memory,llm", help="Extractors in cascade order."),
    jobs: int = typer.Option(1, "--jobs", "-j", min=1, help="Documents processed at once: this process and N-1 workers."),
) -> None:
    """Extract every input to OUT/<stem>.json. Exit 1 when some input failed.

    With ``-j N`` the documents are shared by this process and N-1 workers, all
    with the one store (``pipeline.fanout``); the summary keeps the input order,
    and the store's run keys make a document that two runs (or two inputs with
    the same content) see processed once.
    """
    pipe = _pipeline(extractors)  # migrates the store once, before any worker opens it
    files = _inputs(paths)

    def here(path: Path) -> list:
        return list(pipe.process_with_attachments(path.read_bytes(), str(path), schema))

    processed = map(here, files)
    if jobs > 1 and len(files) > 1:
        from functools import partial

        from pipeline.fanout import in_order

        there = partial(_process_in_worker, schema=schema)
        processed = in_order(files, here, there, min(jobs, len(files)) - 1, _start_worker, (extractors,))
    # written here, in input order: export names depend on what is already in OUT
    done = [
        row
        for path, states in zip(files, track(processed, total=len(files), description="extracting", console=console))
        for row in _write(pipe, path, states, out)
    ]
    summary = Table()
    for heading in ("file", "schema", "status", "fields auto-accepted", "error"):
        summary.add_column(heading, overflow="fold")  # whole names, wrapped, never cut to "…"
    for _, row in done:
        summary.add_row(*row)
    console.print(summary)
    failed = sum(f for f, _ in done)
    raise typer.Exit(1 if failed or len(files) < len(paths) else 0)


@app.command("run")
def run_cmd(
    bucket: Path = typer.Option(None, help="Folder to watch (default: DOCLOOP_BUCKET or var/bucket)."),
    out: Path = typer.Option(Path("out"), help="Where JSON results go."),
    schema: str = typer.Option("auto"),
    extractors: str = typer.Option("rules,tables,memory,llm"),
    interval: float = typer.Option(2.0, help="Seconds between scans."),
    once: bool = typer.Option(False, help="Process what is there now, then exit."),
) -> None:
    """Watch a local folder as the bucket; each new file is processed once (by content hash and schema)."""
    pipe = _pipeline(extractors)
    folder = bucket or Path(pipe.settings.resolved_bucket)
    folder.mkdir(parents=True, exist_ok=True)
    seen: dict[Path, float] = {}
    console.print(f"watching {folder} -> {out}")
    from pipeline.run import write_export

    while True:
        for path in _inputs([folder]):
            mtime = path.stat().st_mtime
            if seen.get(path) == mtime:
                continue
            seen[path] = mtime
            state = pipe.process(path.read_bytes(), str(path), schema)
            target = out / f"{path.stem}.json"
            if not target.exists():
                write_export(state, out, path.stem)
                console.print(f"{path.name}: {state.status.value}")
        if once:
            return
        time.sleep(interval)


@app.command("schemas")
def schemas_cmd(name: str = typer.Argument(None, help="Show one type's JSON Schema.")) -> None:
    """List document types (and their JSON Schema)."""
    from pipeline.schemas import field_specs, registry

    types = registry()
    if name:
        print(json.dumps(types[name].model_json_schema(), indent=2))
        return
    table = Table("name", "version", "title", "fields")
    for n, model in sorted(types.items()):
        table.add_row(n, model.version, model.title, ", ".join(s.name for s in field_specs(model)))
    Console().print(table)
    print(json.dumps({n: m.model_json_schema() for n, m in sorted(types.items())}, indent=2))


@app.command("export-schema")
def export_schema_cmd() -> None:
    """Print the JSON Schema of the export contract."""
    from pipeline.export import export_json_schema

    print(json.dumps(export_json_schema(), indent=2))


def _mount() -> None:
    """Sub-commands that live beside their subsystem."""
    from review_ui.cli import register as register_review
    from workers.cli import register as register_workers

    from pipeline.telemetry.cli import register as register_telemetry

    from eval.cli import app as eval_app
    from eval.prompts_cli import register as register_prompts
    from eval.replay_gate import register as register_replay_gate

    register_workers(app)
    register_telemetry(app)
    register_review(app)
    app.add_typer(eval_app, name="eval")
    register_prompts(app)
    register_replay_gate(app)


_mount()


if __name__ == "__main__":
    app()
