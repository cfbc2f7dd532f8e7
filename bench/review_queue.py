"""Benchmark: the review queue page with 10,000 pending fields, on SQLite and PostgreSQL.

    python -m bench.review_queue [--documents 2000] [--repeat 7]

Seeds a fresh database per backend with DOCUMENTS invoices of 10 fields each,
half of them ``needs_review`` (so 2,000 documents give 10,000 pending fields),
every run carrying a parsed-text state JSON of realistic size. Then times, warm,
median of ``--repeat``:

- the queue queries the page makes (schemas, counts, first page of documents), and with a
  search by field value (no index serves a substring of a JSON value: a scan);
- claiming the next field ("Review next");
- the whole queue page script run server-side by Streamlit's AppTest (queries,
  dataframe building and element serialisation; the browser's paint is not included).

Target: the page under 1 s on both. PostgreSQL: 127.0.0.1:5432, user postgres,
trust auth; the benchmark creates and drops its own database.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import tempfile
import time
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Callable

import psycopg
from sqlalchemy import insert, update

from pipeline.store import DocumentRow, FieldRow, RunRow, Store, utcnow
from review_ui import queries
from review_ui.queries import QueueFilter
from pipeline.schemas import field_specs, get_schema

PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results" / "review_queue.md"
TARGET_S = 1.0


def seed(store: Store, documents: int) -> int:
    """``documents`` invoice runs, half their fields pending; returns the pending count."""
    rng = random.Random(7)
    names = [s.name for s in field_specs(get_schema("invoice"))]
    text = ("Invoice 2024-001  Example GmbH  Total 1,234.50 EUR\n" * 200)[:10_000]
    state = {"parsed": {"text": text, "pages": [{"number": 1, "start": 0, "end": len(text)}], "parser": "bench"}}
    now = utcnow()
    docs, runs, fields = [], [], []
    for i in range(documents):
        doc_id = f"{i:016x}"
        docs.append({"id": doc_id, "sha256": f"{i:064x}", "source": f"bucket/inbox/vendor-{i % 50}/invoice-{i}.pdf", "size": 50_000, "media_type": "application/pdf", "created_at": now})
        runs.append({"id": i + 1, "run_key": f"{i:064x}:invoice:1:bench", "document_id": doc_id, "schema_name": "invoice" if i % 4 else "receipt",
                     "schema_version": "1", "pipeline_version": "bench", "prompt_version": "none", "stage": "routed", "status": "needs_review",
                     "state": {**state, "status": "needs_review"}, "created_at": now - timedelta(minutes=rng.randrange(60 * 24 * 7)), "updated_at": now})
        for j, name in enumerate(names):
            pending = (i * len(names) + j) % 2 == 0
            fields.append({"run_id": i + 1, "name": name, "value": f"value {i}-{j}", "confidence": rng.random() * (0.9 if pending else 1),
                           "status": "needs_review" if pending else "auto_accepted", "evidence": [{"page": 1, "start": 0, "end": 7, "text": "Invoice", "bbox": None}],
                           "extractor": "rules", "reasons": ["weak evidence"] if pending else [], "candidates": []})
    with store.session.begin() as s:
        s.execute(insert(DocumentRow), docs)
        s.execute(insert(RunRow), runs)
        for k in range(0, len(fields), 5000):
            s.execute(insert(FieldRow), fields[k:k + 5000])
    if store.engine.dialect.name == "postgresql":
        with store.engine.connect() as c:
            c.exec_driver_sql("ANALYZE")
            c.commit()
    return sum(f["status"] == "needs_review" for f in fields)


def timed(fn: Callable[[], object], repeat: int) -> float:
    fn()  # warm: connection pool, statement caches
    samples = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - t)
    return statistics.median(samples)


def page_run(url: str, home: Path, repeat: int) -> float:
    """The queue page as Streamlit runs it, logged in, median seconds per run."""
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    from pipeline.config import get_settings
    from review_ui.config import get_review_settings

    os.environ.update(DOCLOOP_DATABASE_URL=url, DOCLOOP_HOME=str(home), DOCLOOP_LLM_PROVIDER="none")
    get_settings.cache_clear()
    get_review_settings.cache_clear()
    st.cache_resource.clear()
    at = AppTest.from_file(str(ROOT / "review_ui" / "app.py"), default_timeout=60)
    at.session_state["reviewer"] = "bench"

    def run() -> None:
        at.run()
        assert not at.exception, at.exception
        assert at.title[0].value == "Review queue"

    try:
        return timed(run, repeat)
    finally:
        st.cache_resource.clear()


def measure(url: str, home: Path, documents: int, repeat: int) -> dict[str, float]:
    store = Store(url)
    store.migrate()
    t = time.perf_counter()
    pending = seed(store, documents)
    seeded = time.perf_counter() - t
    flt = QueueFilter()

    def queue_queries() -> None:
        queries.schema_names(store)
        queries.queue_counts(store, flt)
        queries.queue(store, flt, limit=50)

    def claim_next() -> None:
        queries.claim_next(store, "bench", flt, 15)
        with store.session.begin() as s:  # let it go again, so every sample claims afresh
            s.execute(update(FieldRow).where(FieldRow.claimed_by == "bench").values(claimed_by=None, claimed_until=None))

    out = {
        "pending fields": pending,
        "seed (s)": seeded,
        "queue queries (s)": timed(queue_queries, repeat),
        "filtered queue queries (s)": timed(lambda: (queries.queue_counts(store, QueueFilter(schemas=("receipt",), source="vendor-7"))), repeat),
        "value search, counts + first page (s)": timed(lambda: (queries.queue_counts(store, QueueFilter(value="value 17-")),
                                                                queries.queue(store, QueueFilter(value="value 17-"), limit=50)), repeat),
        "claim next (s)": timed(claim_next, repeat),
        "queue page run (s)": page_run(url, home, repeat),
    }
    store.engine.dispose()
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--documents", type=int, default=2000)
    ap.add_argument("--repeat", type=int, default=7)
    args = ap.parse_args()
    results: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        results["SQLite"] = measure(f"sqlite:///{home / 'bench.db'}", home, args.documents, args.repeat)
        name = f"docloop_bench_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        try:
            results["PostgreSQL"] = measure(f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}", home, args.documents, args.repeat)
        finally:
            with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
    write(results, args)


def write(results: dict[str, dict[str, float]], args: argparse.Namespace) -> None:
    rows = list(next(iter(results.values())))
    lines = [
        "# Review queue benchmark",
        "",
        f"`python -m bench.review_queue --documents {args.documents} --repeat {args.repeat}`, "
        f"{os.cpu_count()} CPUs (load average {os.getloadavg()[0]:.1f} while measuring: the machine is shared), "
        f"medians of {args.repeat} warm runs. Target: queue page under {TARGET_S:.0f} s.",
        "",
        "| measure | " + " | ".join(results) + " |",
        "|---|" + "---|" * len(results),
    ]
    for row in rows:
        cells = [f"{r[row]:,}" if isinstance(r[row], int) else f"{r[row]:.3f}" for r in results.values()]
        lines.append(f"| {row} | " + " | ".join(cells) + " |")
    verdict = all(r["queue page run (s)"] < TARGET_S for r in results.values())
    lines += ["", f"Queue page under {TARGET_S:.0f} s on every backend: {'yes' if verdict else 'NO'}.", ""]
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text("\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
