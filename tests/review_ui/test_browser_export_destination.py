"""Bug 2 of issue 17, in a real browser: the export written after review replaces the
document's own first export (where ``docloop extract`` put it, not the review app's
``--out``), and two sources with the same file stem never overwrite each other."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

from review_ui import review
from tests.review_ui.browser import DOCLOOP, browser_page, held, login, mark_absent, on_field, serve, start_reviewing
from tests.review_ui.conftest import invoice_files


def exports_by_source(folder: Path) -> dict[str, dict]:
    found = {}
    for path in sorted(folder.glob("*.json")):
        doc = json.loads(path.read_text())
        found[doc["document"]["source"]] = {"path": path, "status": doc["status"]}
    return found


def test_review_export_replaces_the_documents_own_export(tmp_path):
    exports = tmp_path / "exports"
    sources = []
    for folder, invoice in zip(("a", "b"), invoice_files(2)):  # two invoices, both named scan.pdf
        (tmp_path / folder).mkdir()
        sources.append(str(tmp_path / folder / "scan.pdf"))
        shutil.copy(invoice, sources[-1])

    def extract(store, env):
        subprocess.run([str(DOCLOOP), "extract", *sources, "--schema", "invoice", "--extractors", "rules", "--out", str(exports)],
                       env=env, cwd=tmp_path, check=True, capture_output=True)

    with serve(tmp_path, extract) as server, browser_page() as page:
        first = exports_by_source(exports)
        assert set(first) == set(sources), "each source has its own export"
        assert {e["status"] for e in first.values()} == {"needs_review"}

        store = server.store
        login(page, server.url)
        run_id = start_reviewing(page, store).run_id
        while (field := held(store)) is not None and field.run_id == run_id:
            field = on_field(page, store)
            mark_absent(page, store, field, review.spec_for("invoice", field.name))
        source = store.load(run_id).source

    after = exports_by_source(exports)
    assert {s: e["path"] for s, e in after.items()} == {s: e["path"] for s, e in first.items()}, "replaced in place"
    assert after[source]["status"] == "completed"
    assert [e["status"] for s, e in after.items() if s != source] == ["needs_review"]
    assert not server.out.exists() or not list(server.out.iterdir()), "nothing written beside it"
