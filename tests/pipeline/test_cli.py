"""The ``docloop`` commands as a user runs them: real files in, JSON files out."""

import json
import os
import subprocess
import sys

import jsonschema
import pytest

from pipeline.export import export_json_schema
from tests.conftest import DATASETS, ROOT

DOCLOOP = [sys.executable, "-m", "pipeline.cli"]


def run(args, home, **env):
    environment = dict(os.environ, DOCLOOP_HOME=str(home), DOCLOOP_DATABASE_URL=f"sqlite:///{home / 'db.sqlite'}", **env)
    return subprocess.run([*DOCLOOP, *args], capture_output=True, text=True, cwd=ROOT, env=environment, timeout=900)


@pytest.fixture
def inputs(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    invoices = sorted((DATASETS / "parsee_invoices" / "pdfs").glob("*.pdf"))[:2]
    for pdf in invoices:
        (folder / pdf.name).write_bytes(pdf.read_bytes())
    (folder / "empty.pdf").write_bytes(b"")
    (folder / "truncated.pdf").write_bytes(invoices[0].read_bytes()[:900])
    return folder


def test_extract_writes_one_valid_json_per_input_and_exits_1_on_failures(inputs, tmp_path):
    out = tmp_path / "out"
    result = run(["extract", str(inputs), "--schema", "invoice", "--out", str(out), "--extractors", "rules"], tmp_path)
    assert result.returncode == 1, result.stderr
    files = {p.stem: json.loads(p.read_text()) for p in out.glob("*.json")}
    assert set(files) == {p.stem for p in inputs.iterdir()}
    schema = export_json_schema()
    for doc in files.values():
        jsonschema.validate(doc, schema)
    assert files["empty"]["status"] == "failed" and files["empty"]["error"]["code"] == "empty"
    assert files["truncated"]["status"] == "failed" and files["truncated"]["error"]["code"]
    good = [d for name, d in files.items() if name not in ("empty", "truncated")]
    assert all(d["status"] in ("completed", "needs_review") for d in good)
    assert all(d["data"]["total"] for d in good), "every sample invoice has a total"
    assert (inputs / "truncated.pdf").exists(), "originals are kept"


def test_extract_exits_0_when_all_succeed(inputs, tmp_path):
    for bad in ("empty.pdf", "truncated.pdf"):
        (inputs / bad).unlink()
    result = run(["extract", str(inputs), "--schema", "auto", "--out", str(tmp_path / "out"), "--extractors", "rules"], tmp_path)
    assert result.returncode == 0, result.stderr
    docs = [json.loads(p.read_text()) for p in (tmp_path / "out").glob("*.json")]
    assert [d["schema"]["name"] for d in docs] == ["invoice", "invoice"]
    assert all(d["provenance"]["classifier"]["probability"] > 0.5 for d in docs)


def test_parallel_extract_writes_what_serial_does_in_input_order(inputs, tmp_path):
    args = ["extract", str(inputs), "--schema", "invoice", "--extractors", "rules"]
    serial = run([*args, "--out", str(tmp_path / "serial")], tmp_path / "a")
    parallel = run([*args, "--out", str(tmp_path / "parallel"), "-j", "2"], tmp_path / "b", COLUMNS="300")  # names unwrapped
    again = run([*args, "--out", str(tmp_path / "again"), "-j", "2"], tmp_path / "b")  # same store: already done
    assert serial.returncode == parallel.returncode == again.returncode == 1, parallel.stderr  # two inputs are bad
    read = lambda folder: {p.name: json.loads(p.read_text()) for p in (tmp_path / folder).glob("*.json")}
    assert len(read("serial")) == 4 and read("parallel") == read("serial")
    # the second run extracts nothing again: the same results, pointing at the first run's exports
    again = read("again")
    firsts = {name: doc["provenance"].pop("export", None) for name, doc in again.items()}
    assert again == read("parallel")
    assert all(path == str(tmp_path / "parallel" / name) for name, path in firsts.items() if again[name]["status"] != "failed")
    names = sorted(p.name for p in inputs.iterdir())
    listed = [name for line in parallel.stderr.splitlines() for name in names if f" {name} " in line]
    assert listed == names, "the summary keeps the input order"


def test_run_processes_each_file_once(inputs, tmp_path):
    out = tmp_path / "out"
    args = ["run", "--bucket", str(inputs), "--out", str(out), "--schema", "invoice", "--extractors", "rules", "--once"]
    assert run(args, tmp_path).returncode == 0
    first = {p.name: p.stat().st_mtime_ns for p in out.glob("*.json")}
    assert len(first) == 4
    copy = inputs / "copy-of-first.pdf"  # same bytes under another name: same content hash
    copy.write_bytes(next(inputs.glob("*.pdf")).read_bytes())
    assert run(args, tmp_path).returncode == 0
    import sqlite3

    with sqlite3.connect(tmp_path / "db.sqlite") as db:
        assert db.execute("select count(*) from runs").fetchone()[0] == 4  # the copy reused its twin's run
    assert {p.name: p.stat().st_mtime_ns for p in out.glob("*.json") if p.name in first} == first


@pytest.mark.model
def test_embedded_model_extraction_records_its_calls(tmp_path):
    receipt = tmp_path / "receipt.txt"
    rows = (DATASETS / "sroie" / "train" / "box").glob("*.txt")
    text = next(iter(sorted(rows))).read_text(errors="replace")
    receipt.write_text("\n".join(line.split(",", 8)[-1] for line in text.splitlines()))
    out = tmp_path / "out"
    result = run(["extract", str(receipt), "--schema", "receipt", "--out", str(out), "--extractors", "llm"], tmp_path)
    assert result.returncode == 0, result.stderr
    doc = json.loads((out / "receipt.json").read_text())
    jsonschema.validate(doc, export_json_schema())
    import sqlite3

    with sqlite3.connect(tmp_path / "db.sqlite") as db:
        calls = db.execute("select provider, input_tokens, output_tokens from model_calls").fetchall()
    assert calls and all(c[0] == "embedded" and c[1] > 0 and c[2] > 0 for c in calls)
    assert doc["provenance"]["models"] and doc["provenance"]["prompt_version"]


def test_extract_table_shows_whole_file_names_in_a_narrow_terminal(tmp_path):
    import os
    import subprocess
    import sys

    name = "Invoice-Storyblok-april23-76253815-0004-a-rather-long-file-name.txt"
    (tmp_path / name).write_text("INVOICE\nTotal 10.00\n")
    env = {**os.environ, "COLUMNS": "60", "DOCLOOP_HOME": str(tmp_path), "DOCLOOP_LLM_PROVIDER": "none",
           "DOCLOOP_DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite'}"}
    done = subprocess.run([sys.executable, "-m", "pipeline.cli", "extract", str(tmp_path / name), "--schema", "invoice",
                           "--extractors", "rules", "--out", str(tmp_path / "out")], env=env, capture_output=True, text=True, timeout=300)
    first_cells = "".join(line.split("│")[1].strip() for line in done.stderr.splitlines() if line.startswith("│"))
    assert "…" not in done.stderr and first_cells == name


def test_a_rules_only_extract_of_a_text_file_loads_no_heavy_library(tmp_path):
    """Every sub-command is registered at start-up, so what only some of them use (the replay gate's
    SciPy and scikit-learn, BM25's NumPy) must load where used: it was a second of every command."""
    receipt = tmp_path / "receipt.txt"
    receipt.write_text("TOKO MAJU\nNO 1, JALAN BESAR\n25/12/2018\nTOTAL RM 10.00\n")
    args = ["extract", str(receipt), "--schema", "receipt", "--extractors", "rules", "--out", str(tmp_path / "out")]
    heavy = ("scipy", "sklearn", "numpy", "pandas", "spacy", "unstructured", "langchain_core", "instructor", "openai", "anthropic", "llama_cpp")
    code = (
        "import sys\n"
        "from pipeline.cli import app\n"
        f"try:\n    app({args!r})\nexcept SystemExit as done:\n    assert done.code == 0, done.code\n"
        f"print(sorted(m for m in {heavy!r} if m in sys.modules))\n"
    )
    env = dict(os.environ, DOCLOOP_HOME=str(tmp_path), DOCLOOP_DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite'}")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, env=env, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_a_user_schema_gets_data_in_the_types_and_forms_it_declares(tmp_path):
    """A plain JSON Schema says the total is a number, a date string has a dd/mm/yyyy pattern
    and a tax is counted in cents: the export's data is written so, and validated against it."""
    schemas = tmp_path / "schemas"
    schemas.mkdir()
    user = {
        "title": "Till receipt", "type": "object", "required": ["shop", "total", "po_number"],
        "properties": {
            "shop": {"type": "string"},
            "date": {"type": "string", "pattern": "^\\d{2}/\\d{2}/\\d{4}$"},
            "total": {"type": "number"},
            "tax_cents": {"type": "integer", "description": "sales tax in cents"},
            "po_number": {"type": "string"},
        },
    }
    (schemas / "till_receipt.json").write_text(json.dumps(user))
    receipt = tmp_path / "receipt.txt"
    receipt.write_text("KEDAI RUNCIT MAJU SDN BHD\nNO 3, JALAN BESAR, 43000 KAJANG\nDATE: 2019-03-25\n"
                       "SUBTOTAL 10.00\nTAX 0.60\nTOTAL 10.60\nTHANK YOU\n")
    result = run(["extract", str(receipt), "--schema", "till_receipt", "--out", str(tmp_path / "out"), "--extractors", "rules"],
                 tmp_path, DOCLOOP_SCHEMA_PATH=str(schemas))
    assert result.returncode == 0, result.stderr
    doc = json.loads((tmp_path / "out" / "receipt.json").read_text())
    assert doc["data"]["date"] == "25/03/2019" and doc["data"]["total"] == 10.6 and doc["data"]["tax_cents"] == 60
    assert doc["fields"]["total"]["value"] == 10.6
    # what breaks the user's schema is said, not hidden: no PO number is printed
    assert doc["provenance"]["schema_violations"] == ["po_number: None is not of type 'string'"]
    jsonschema.validate({k: v for k, v in doc["data"].items() if v is not None}, {**user, "required": ["shop", "total"]})
