"""A replay report (``docloop replay --since ... --prompt-version V --out report.json``) as the
evidence of the promotion gate: on the reviewed fields of the window, is the candidate right more
often than the version that ran, by more than noise (the paired bootstrap of ``eval.optimise``)?
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

if TYPE_CHECKING:
    from pipeline.store import Store


def gate(store: Store, report: dict[str, Any], actor: str, promote: bool = True) -> tuple[bool, str]:
    """Promote ``report["candidate"]`` if it wins on the reviewed documents; the decision is recorded with it."""
    # here, not at the top: every `docloop` command registers this one, and the bootstrap's SciPy and
    # the eval sets' scikit-learn cost a second of start-up that only this command needs
    from eval.optimise import paired_gain
    from pipeline import prompts

    candidate = report["candidate"]
    if candidate.startswith("model:"):
        raise ValueError("a model replay is evidence for a prompt version that names the model, not a version itself")
    before = {k: v[0] for k, v in report["per_document"].items()}
    after = {k: v[1] for k, v in report["per_document"].items()}
    gain, low, high = paired_gain(before, after)
    better = low > 0
    reason = f"replay of {report['documents']} documents ({len(before)} reviewed): gain {gain:+.3f} per document, CI [{low:+.3f}, {high:+.3f}]"
    prompts.record_results(store, candidate, "replay", {**report, "gain": gain, "low": low, "high": high, "promoted": better and promote})
    if better and promote:
        prompts.promote(store, candidate, actor, reason=reason)
    return better and promote, reason


def register(app: typer.Typer) -> None:
    @app.command("replay-gate")
    def replay_gate_cmd(
        report: Path = typer.Argument(..., help="A report written by `docloop replay --since ... --prompt-version V --out`."),
        by: str = typer.Option("cli", help="Who promotes (recorded)."),
        dry_run: bool = typer.Option(False, help="Decide and record, but do not promote."),
    ) -> None:
        """Promote a candidate prompt version on the evidence of a replay report."""
        from pipeline.config import get_settings
        from pipeline.store import Store

        store = Store(get_settings().resolved_database_url)
        store.migrate()
        promoted, reason = gate(store, json.loads(report.read_text()), by, promote=not dry_run)
        print(f"{'promoted' if promoted else 'not promoted'}: {reason}")
