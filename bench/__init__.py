"""Benchmarks: each module measures one thing and writes its table under ``bench/results``."""

from pathlib import Path


def write_report(path: Path, lines: list[str]) -> None:
    """Print the report and write it to ``path``."""
    report = "\n".join(lines) + "\n"
    print(report)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(report)
