"""``docloop watch`` without a broker: the embedded default, a local folder and SQLite, same steps in process."""

from __future__ import annotations

import json
import os
import subprocess

from sqlalchemy import func, select

from pipeline.store import RunRow, Store
from tests.workers.stack import DOCLOOP, ROOT, receipt


def test_watch_without_broker_processes_a_local_folder(tmp_path):
    bucket = tmp_path / "bucket"
    (bucket / "inbox" / "receipt").mkdir(parents=True)
    (bucket / "inbox" / "receipt" / "a.txt").write_bytes(receipt(1))
    (bucket / "inbox" / "receipt" / "a-again.txt").write_bytes(receipt(1))  # dropped twice
    (bucket / "inbox" / "empty.txt").write_bytes(b"")
    env = {k: v for k, v in os.environ.items() if not k.startswith("DOCLOOP_")}
    env.update(DOCLOOP_HOME=str(tmp_path / "home"), DOCLOOP_BUCKET=str(bucket), DOCLOOP_EXTRACTORS="rules", DOCLOOP_LLM_PROVIDER="none")
    for _ in range(2):  # the second run remembers (SQLite) and submits nothing
        result = subprocess.run([*DOCLOOP, "watch", "--once"], env=env, cwd=ROOT, capture_output=True, text=True, timeout=300)
        assert result.returncode == 0, result.stderr
    assert "submitted 0" in result.stderr
    outputs = sorted(p.relative_to(bucket / "out").as_posix() for p in (bucket / "out").rglob("*.json"))
    assert outputs == ["empty.txt.json", "receipt/a-again.txt.json", "receipt/a.txt.json"]
    # the same content under a second key: its own result, pointing to the first run, extracted once
    a, again = (json.loads((bucket / "out" / "receipt" / n).read_text()) for n in ("a.txt.json", "a-again.txt.json"))
    first, second = (a, again) if "same_content_as" in again["provenance"] else (again, a)
    link = second["provenance"]["same_content_as"]
    assert link["key"] == first["provenance"]["bucket_key"] and second["provenance"]["bucket_key"] != link["key"]
    assert second["document"]["source"].endswith(second["provenance"]["bucket_key"])
    assert second["data"] == first["data"] and second["document"]["sha256"] == first["document"]["sha256"]
    store = Store(f"sqlite:///{tmp_path / 'home' / 'docloop.db'}")
    with store.session() as s:
        assert s.scalar(select(func.count()).select_from(RunRow)) == 2  # a.txt's content and empty.txt: no second extraction
    assert json.loads((bucket / "out" / "empty.txt.json").read_text())["error"]["code"] == "empty"
    assert (bucket / "inbox" / "receipt" / "a.txt").read_bytes() == receipt(1)
