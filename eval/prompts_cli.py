"""``docloop prompts``: list, show, promote and roll back prompt versions; A/B; optimise."""

from __future__ import annotations

import getpass
import json

import typer
from rich.console import Console
from rich.table import Table

app = typer.Typer(help="Versioned prompt/program configurations.", no_args_is_help=True)
console = Console()
ACTOR = typer.Option(None, "--by", help="Who (default: the login name); recorded with the change.")


def _store():
    from pipeline.config import get_settings
    from pipeline.store import Store

    store = Store(get_settings().resolved_database_url)
    store.migrate()
    return store


def _actor(by: str | None) -> str:
    return by or getpass.getuser()


@app.command("list")
def list_cmd() -> None:
    """Every stored version with its status, A/B share, parent and results."""
    from pipeline import prompts

    store = _store()
    table = Table("version", "status", "A/B share", "parent", "created", "by", "results", "note")
    serving = prompts.active(store).version
    for row in prompts.versions(store):
        table.add_row(row.id, row.status, f"{row.traffic_share:.0%}" if row.traffic_share else "", row.parent or "",
                      f"{row.created_at:%Y-%m-%d %H:%M}", row.created_by, ", ".join(sorted(row.eval_results or {})), row.note or "")
    console.print(table)
    console.print(f"extraction uses: {serving}")


@app.command("show")
def show_cmd(version: str = typer.Argument(..., help="A version id.")) -> None:
    """A version's configuration, results and history."""
    from pipeline import prompts

    store = _store()
    config = prompts.get(store, version)
    print(json.dumps(config.model_dump(mode="json"), indent=2, ensure_ascii=False))
    try:
        row = prompts.row(store, version)
    except KeyError:
        return  # the built-in default has no stored results or history
    print(json.dumps({"status": row.status, "eval_results": row.eval_results}, indent=2, default=str))
    for e in prompts.events(store, version):
        console.print(f"{e.at:%Y-%m-%d %H:%M:%S} {e.action} by {e.actor} {json.dumps(e.detail, default=str)}")


@app.command("promote")
def promote_cmd(version: str = typer.Argument(...), by: str = ACTOR, reason: str = typer.Option("", help="Why.")) -> None:
    """Make VERSION the one extraction uses."""
    from pipeline import prompts

    prompts.promote(_store(), version, _actor(by), reason)
    console.print(f"active: {version}")


@app.command("rollback")
def rollback_cmd(by: str = ACTOR, reason: str = typer.Option("", help="Why.")) -> None:
    """Retire the active version and restore the one it replaced."""
    from pipeline import prompts

    restored = prompts.rollback(_store(), _actor(by), reason)
    console.print(f"active: {restored.version}")


@app.command("ab")
def ab_cmd(
    version: str = typer.Argument(None, help="A candidate version; with --share starts, changes or (0) stops its trial."),
    share: float = typer.Option(None, "--share", help="Share of traffic (0..1), by document hash."),
    by: str = ACTOR,
    schema: str = typer.Option(None, help="Only this document type's reviews."),
) -> None:
    """Give a candidate a share of traffic, or (without --share) compare review outcomes per version."""
    from eval import ab

    store = _store()
    if share is not None:
        if version is None:
            raise typer.BadParameter("name the candidate version")
        ab.set_share(store, version, share, _actor(by))
        console.print(f"{version}: {share:.0%} of traffic")
        return
    table = Table("prompt version", "reviewed fields", "accepted", "corrected", "accepted share")
    for o in ab.compare(store, schema).values():
        table.add_row(o.version, str(o.reviewed), str(o.accepted), str(o.corrected), "" if o.accepted_share is None else f"{o.accepted_share:.1%}")
    console.print(table)


@app.command("optimise")
def optimise_cmd(
    eval_set: str = typer.Option(..., "--set", help="Eval set to learn from (train) and gate on (--split)."),
    method: str = typer.Option("demos", help="demos (few-shot selection), anchors (learned labels) or gepa (instructions)."),
    split: str = typer.Option("test", help="Held-out split the candidate must win on."),
    extractors: str = typer.Option("rules,llm", help="Extractors for the gate's runs."),
    budget: int = typer.Option(60, help="GEPA: metric calls."),
    by: str = ACTOR,
) -> None:
    """Make a candidate from the active version; promote it only if it beats it by more than noise."""
    from eval import anchors, evalsets, optimise
    from pipeline import prompts
    from pipeline.config import get_settings

    store, settings, actor = _store(), get_settings(), _actor(by)
    evalset, base = evalsets.load(store, eval_set), prompts.active(store)
    if method == "gepa":
        try:
            candidate = optimise.instructions(store, evalset, base, settings, actor, max_metric_calls=budget)
        except optimise.NeedsCapableModel as err:
            console.print(f"[yellow]skipped: {err}")
            raise typer.Exit(0)
    elif method == "anchors":
        candidate = anchors.candidate(store, evalset, base, actor)
    else:
        candidate = optimise.demonstrations(store, evalset, base, actor)
    result = optimise.gate(store, evalset, candidate, actor, split, [e.strip() for e in extractors.split(",") if e.strip()], settings)
    verdict = "promoted" if result.promoted else "kept as a candidate (not used)"
    console.print(f"{candidate.version}: {verdict}. {result.reason}")


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="prompts")
