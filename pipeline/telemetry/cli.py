"""``docloop replay``, ``docloop costs`` and ``docloop metrics``."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

console = Console(stderr=True)


def _store():
    from pipeline.config import get_settings
    from pipeline.store import Store

    store = Store(get_settings().resolved_database_url)
    store.migrate()
    return store


def replay_cmd(
    documents: list[str] = typer.Argument(None, help="Document ids or run ids to replay from their stored parse and model calls."),
    since: str = typer.Option(None, help="ISO date/time: re-run every exported document since then, live, with a candidate."),
    prompt_version: str = typer.Option(None, help="The candidate prompt version (with --since)."),
    model: str = typer.Option(None, help="The candidate model (with --since)."),
    schema: str = typer.Option(None, help="Only this document type (with --since)."),
    limit: int = typer.Option(None, help="At most this many documents (with --since)."),
    out: Path = typer.Option(None, help="Also write the window report here (evidence for `docloop replay-gate`)."),
) -> None:
    """Replay stored documents (no model call; exit 1 if an export differs), or a window live with a candidate."""
    from pipeline.config import get_settings
    from pipeline import replay

    store, settings = _store(), get_settings()
    if since:
        if not (prompt_version or model):
            raise typer.BadParameter("--since needs --prompt-version or --model")
        start = datetime.fromisoformat(since)
        start = start if start.tzinfo else start.replace(tzinfo=timezone.utc)
        report = replay.replay_window(store, settings, start, prompt_version, model, schema, limit)
        text = json.dumps(report.as_dict(), indent=2)
        if out is not None:
            out.write_text(text)
        print(text)
        return
    if not documents:
        raise typer.BadParameter("name documents to replay, or --since with a candidate")
    table = Table("run", "document", "export", "changed fields")
    differ = 0
    for doc in documents:
        result = replay.replay_stored(store, settings, replay.latest_run(store, doc))
        differ += not result.identical
        table.add_row(str(result.run_id), result.document_id, "identical" if result.identical else (result.error or "differs"), ", ".join(result.changed_fields))
    console.print(table)
    raise typer.Exit(1 if differ else 0)


def costs_cmd(by: str = typer.Option("schema", help="schema | day | prompt-version | document | field"), as_json: bool = typer.Option(False, "--json")) -> None:
    """Model tokens and cost kept in the store, per schema, day or prompt version (and per document)."""
    from pipeline.telemetry.queries import costs

    try:
        rows = costs(_store(), by)
    except ValueError as e:
        raise typer.BadParameter(str(e)) from e
    if as_json:
        print(json.dumps(rows, indent=2))
        return
    table = Table(by, "documents", "calls", "cache hits", "input tokens", "output tokens", "cost USD", "USD / document")
    for r in rows:
        table.add_row(r[by], str(r["documents"]), str(r["calls"]), str(r.get("cache_hits", "")), str(r["input_tokens"]), str(r["output_tokens"]),
                      f"{r['cost_usd']:.6f}", f"{r['cost_per_document_usd']:.6f}")
    Console().print(table)


def metrics_cmd(serve: int = typer.Option(None, help="Serve /metrics on this port instead of printing once.")) -> None:
    """The Prometheus series of the embedded run's database (review backlog, routing, cost, dead letters)."""
    from pipeline.telemetry import metrics

    store = _store()
    if serve is None:
        print(metrics.exposition(lambda: store).decode(), end="")
        return
    port = metrics.serve(serve, lambda: store, tries=1)
    console.print(f"/metrics on :{port}")
    import threading

    threading.Event().wait()


def register(app: typer.Typer) -> None:
    app.command("replay")(replay_cmd)
    app.command("costs")(costs_cmd)
    app.command("metrics")(metrics_cmd)
