"""``docloop worker | watch | events | redrive | export-batch``: the scale-out commands.

``register(app)`` adds them to the ``docloop`` command line. Commands that
enqueue need ``DOCLOOP_BROKER_URL``; ``watch`` without one processes each new
object here, in process, through the same steps.
"""

from __future__ import annotations

import os
import sys
import time
from datetime import datetime, timezone

import typer
from rich.console import Console
from rich.table import Table

from pipeline.config import get_settings
from pipeline.store import Store
from workers.settings import get_worker_settings

console = Console(stderr=True)


def _store() -> Store:
    store = Store(get_settings().resolved_database_url)
    _migrate_once(store)
    return store


def _migrate_once(store: Store) -> None:
    """Migrate, one process at a time: workers starting together on a fresh PostgreSQL would race."""
    while True:
        with store.exclusive(0) as ours:  # run ids start at 1: 0 is free to serve as the migration lock
            if ours:
                store.migrate()
                return
        time.sleep(0.5)


def worker_cmd(
    processes: int = typer.Option(2, "--processes", "-p", help="Worker processes."),
    threads: int = typer.Option(4, "--threads", "-t", help="Threads per process."),
    queues: str = typer.Option("", "--queues", "-Q", help="Stages to consume, comma-separated (ingest,parse,extract,finalise); all if empty."),
) -> None:
    """Run queue workers (dramatiq) for the pipeline's stages."""
    if not get_settings().broker_url:
        raise typer.BadParameter("set DOCLOOP_BROKER_URL (amqp://... or redis://...)")
    _store()
    args = [sys.executable, "-m", "dramatiq", "workers.actors", "--processes", str(processes), "--threads", str(threads)]
    prefix = get_worker_settings().queue_prefix
    if names := [q.strip() for q in queues.split(",") if q.strip()]:
        args += ["--queues", *(prefix + n for n in names)]
    os.environ.setdefault("dramatiq_worker_timeout", str(get_worker_settings().poll_ms))
    sys.stdout.flush()
    os.execv(sys.executable, args)  # dramatiq's own supervisor takes over this process (signals included)


def watch_cmd(
    bucket: str = typer.Option(None, help="s3://bucket/prefix or a folder (default DOCLOOP_BUCKET)."),
    interval: float = typer.Option(None, help="Seconds between scans (default DOCLOOP_WATCH_INTERVAL_S)."),
    once: bool = typer.Option(False, help="Scan once, then exit."),
) -> None:
    """Poll the bucket's inbox/ and submit each new object (enqueued, or processed here without a broker)."""
    from pipeline.bucket import open_bucket
    from pipeline.watch import watch

    settings, worker = get_settings(), get_worker_settings()
    target = open_bucket(bucket or settings.resolved_bucket)
    if settings.broker_url:
        from workers.actors import ingest_object

        store, submit = _store(), ingest_object.send
    else:
        from workers.flow import build_flow

        store = _store()
        flow = build_flow(store)

        def submit(key: str) -> None:
            if (run_id := flow.admit(key)) is not None:
                flow.drive(run_id)
                flow.link(run_id, key)  # the same content under a second key gets its own result

    console.print(f"watching {target.uri}/inbox/")
    total = watch(target, store, submit, interval or worker.watch_interval_s, once=once)
    console.print(f"submitted {total}")


def events_cmd(
    host: str = typer.Option(None, help="Listen address (default DOCLOOP_EVENTS_HOST)."),
    port: int = typer.Option(None, help="Port (default DOCLOOP_EVENTS_PORT)."),
) -> None:
    """Receive S3/MinIO bucket event notifications over HTTP and enqueue new inbox objects."""
    from pipeline.bucket import S3Bucket, open_bucket
    from workers.actors import ingest_object
    from workers.events import EventReceiver, make_server

    settings, worker = get_settings(), get_worker_settings()
    target = open_bucket(settings.resolved_bucket)
    if not isinstance(target, S3Bucket):
        raise typer.BadParameter("bucket events need DOCLOOP_BUCKET=s3://...")
    server = make_server(EventReceiver(target, _store(), ingest_object.send), host or worker.events_host, port or worker.events_port, worker.events_token)
    console.print(f"receiving bucket events on http://{server.server_address[0]}:{server.server_address[1]}/")
    server.serve_forever()


def redrive_cmd(
    ids: list[int] = typer.Argument(None, help="Dead letters to re-send (see the list)."),
    all_: bool = typer.Option(False, "--all", help="Re-send every dead letter not yet re-driven."),
) -> None:
    """List dead-lettered messages, or re-send them with fresh retries."""
    store = _store()
    letters = store.dead_letters()
    if not ids and not all_:
        table = Table("id", "actor", "run", "attempts", "at", "reason")
        for d in letters:
            table.add_row(str(d.id), d.actor, str(d.run_id or ""), str(d.attempts), f"{d.created_at:%Y-%m-%d %H:%M:%S}", d.reason[:120])
        Console().print(table)
        return
    from workers.actors import broker

    wanted = set(ids or [])
    sent = 0
    for d in letters:
        if all_ or d.id in wanted:
            # a new message (new id, retries from zero); marking after sending errs towards a repeat, never a loss
            broker.get_actor(d.actor).send_with_options(args=tuple(d.message.get("args", ())), kwargs=d.message.get("kwargs") or {})
            sent += store.mark_redriven(d.id)
    console.print(f"re-driven {sent}")


def export_batch_cmd(
    name: str = typer.Option(None, help="Batch name (default: a timestamp)."),
    since: datetime = typer.Option(None, help="Only runs exported at or after this time (ISO)."),
) -> None:
    """Write the exports of finished runs as one JSONL file, out/batches/<name>.jsonl, in the bucket."""
    from pipeline.bucket import OUTBOX, open_bucket, safe_segment
    from pipeline.export import export

    store = _store()
    target = open_bucket(get_settings().resolved_bucket)
    start = since.astimezone() if since else None  # a time without zone is local
    done = [r.id for r in store.runs() if r.exported_at and (start is None or _utc(r.exported_at) >= start)]
    key = f"{OUTBOX}batches/{safe_segment(name or datetime.now().strftime('%Y%m%dT%H%M%S'))}.jsonl"
    count = target.put_jsonl(key, (export(store.load(run_id)) for run_id in done))
    console.print(f"{count} documents -> {target.uri_of(key)}")


def _utc(moment: datetime) -> datetime:
    """Stored times are UTC; SQLite hands them back without a zone."""
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def register(app: typer.Typer) -> None:
    app.command("worker")(worker_cmd)
    app.command("watch")(watch_cmd)
    app.command("events")(events_cmd)
    app.command("redrive")(redrive_cmd)
    app.command("export-batch")(export_batch_cmd)
