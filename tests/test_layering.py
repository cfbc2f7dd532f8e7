"""The package layering the architecture promises, read from the sources (ast), and lazy backends.

- ``pipeline/`` imports nothing from ``eval/``, ``review_ui/`` or ``workers/``, except the
  command-line root (``pipeline/cli.py``), which mounts their commands;
- ``schemas/`` imports nothing from ``pipeline/`` (document and value types stand alone);
- no import cycle between the extractor modules, the kinds and the cue packs;
- serving one model backend imports no other backend's SDK.
"""

from __future__ import annotations

import ast
import graphlib
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _module(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path) -> set[str]:
    """Every module ``path`` imports, at the top or inside functions (absolute names)."""
    found = set()
    package = _module(path) if path.name == "__init__.py" else _module(path).rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1] + ([base] if base else []))
            found.add(base)
            found |= {f"{base}.{a.name}" for a in node.names}
    return found


def sources(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


@pytest.mark.parametrize(
    "package, forbidden, allowed",
    [
        ("pipeline", ("eval", "review_ui", "workers"), {"pipeline/cli.py"}),
        ("schemas", ("pipeline",), set()),
    ],
)
def test_packages_do_not_import_upwards(package, forbidden, allowed):
    wrong = {
        f"{path.relative_to(ROOT)} imports {name}"
        for path in sources(package)
        if str(path.relative_to(ROOT)) not in allowed
        for name in imports(path)
        if name.split(".")[0] in forbidden
    }
    assert not wrong, sorted(wrong)


def test_no_import_cycle_between_extractors_kinds_and_cue_packs():
    graph: dict[str, set[str]] = {}
    scope = [*sources("pipeline/extractors"), *sources("pipeline/kinds"), *sources("pipeline/cues")]
    names = {_module(p) for p in scope}
    for path in scope:
        for name in imports(path):
            target = name if name in names else name.rpartition(".")[0]
            if target in names and target != _module(path):
                graph.setdefault(_module(path), set()).add(target)
    try:
        list(graphlib.TopologicalSorter(graph).static_order())
    except graphlib.CycleError as cycle:
        pytest.fail(f"import cycle: {cycle.args[1]}")


def test_the_layering_check_sees_a_violation(tmp_path):
    """The checker reads function-level and relative imports (so the tests above can fail)."""
    bad = ROOT / "pipeline" / "_layering_probe.py"
    bad.write_text("def f():\n    from eval import calibration\n    from .. import workers\n")
    try:
        assert "eval" in {n.split(".")[0] for n in imports(bad)}
        with pytest.raises(AssertionError):
            test_packages_do_not_import_upwards("pipeline", ("eval",), set())
    finally:
        bad.unlink()


def test_serving_openai_imports_no_other_backend():
    code = (
        "import sys\n"
        "from pipeline.config import Settings\n"
        "from pipeline.providers import get_provider\n"
        "get_provider(Settings(llm_provider='openai', llm_base_url='http://127.0.0.1:9', llm_model='m'))\n"
        "print(sorted(m for m in ('anthropic', 'llama_cpp', 'pipeline.providers.embedded', 'pipeline.providers.anthropic') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert out.stdout.strip() == "[]"


def test_extracting_with_rules_imports_no_model_code():
    code = (
        "import sys\n"
        "from pipeline.config import Settings\n"
        "from pipeline.extract import build_extractors\n"
        "build_extractors(['rules'], Settings())\n"
        "print(sorted(m for m in ('pipeline.extractors.llm', 'pipeline.providers.base', 'instructor', 'llama_cpp') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert out.stdout.strip() == "[]"
