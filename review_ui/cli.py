"""``docloop review``, ``docloop review-user`` and ``docloop export-gold``."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import typer

APP = Path(__file__).parent / "server.py"  # the app, and the route that sets its login cookie


def review_cmd(
    port: int = typer.Option(8501, help="Port to serve on."),
    address: str = typer.Option("127.0.0.1", help="Address to listen on (0.0.0.0 in a container)."),
    out: Path = typer.Option(None, help="Folder for completed documents' JSON (default DOCLOOP_REVIEW_OUT or ./out)."),
    users_file: Path = typer.Option(None, help="Local accounts YAML (default DOCLOOP_REVIEW_USERS_FILE or DOCLOOP_HOME/reviewers.yaml)."),
) -> None:
    """Start the review web app (Streamlit) on the configured database."""
    env = dict(os.environ)
    if out is not None:
        env["DOCLOOP_REVIEW_OUT"] = str(out.resolve())
    if users_file is not None:
        env["DOCLOOP_REVIEW_USERS_FILE"] = str(users_file.resolve())
    args = [
        sys.executable, "-m", "streamlit", "run", str(APP),
        "--server.port", str(port),
        "--server.address", address,
        "--server.headless", "true",
        "--server.fileWatcherType", "none",
        "--server.enableStaticServing", "false",
        "--server.enableXsrfProtection", "true",  # widget uploads and actions need the session's XSRF token
        "--server.enableCORS", "true",
        "--browser.gatherUsageStats", "false",
        "--client.toolbarMode", "minimal",
        "--global.developmentMode", "false",
    ]
    # Become the server (no child left behind): signals from a terminal, a
    # container runtime or a test reach Streamlit itself.
    os.execve(sys.executable, args, env)


def review_user_cmd(
    username: str = typer.Argument(..., help="Login name."),
    name: str = typer.Option(None, help="Display name."),
    users_file: Path = typer.Option(None, help="Accounts file (default as for `docloop review`)."),
    password: str = typer.Option(..., prompt=True, confirmation_prompt=True, hide_input=True, envvar="DOCLOOP_REVIEW_PASSWORD"),
    role: str = typer.Option("reviewer", help="reviewer or admin (admins see every document type and the dashboard)."),
    schema: list[str] = typer.Option(None, help="A document type this reviewer may see (repeat; none: all)."),
) -> None:
    """Add or reset a local reviewer account (the password is stored as a bcrypt hash)."""
    from review_ui.auth import save_account
    from review_ui.config import get_review_settings

    path = users_file or get_review_settings().resolved_users_file
    save_account(path, username, password, name, role, schema)
    typer.echo(f"{username} saved in {path}")


def export_gold_cmd(
    out: Path = typer.Option(Path("-"), help="JSONL file, or - for stdout."),
    schema: str = typer.Option(None, help="Only this document type."),
) -> None:
    """Reviewed fields as labelled examples, one JSON object a line:
    document, schema, field, gold value, action, value before, evidence, reviewer, time."""
    from pipeline.config import get_settings
    from pipeline.store import Store

    store = Store(get_settings().resolved_database_url)
    store.migrate()
    lines = (json.dumps(row, ensure_ascii=False, default=str) + "\n" for row in store.gold(schema))
    if str(out) == "-":
        sys.stdout.writelines(lines)
        return
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w") as f:
        n = sum(1 for line in lines if f.write(line))
    typer.echo(f"{n} examples -> {out}", err=True)


def register(app: typer.Typer) -> None:
    app.command("review")(review_cmd)
    app.command("review-user")(review_user_cmd)
    app.command("export-gold")(export_gold_cmd)
