"""Issue 17's scripted review session: a reviewer decides 50+ fields of 7 invoices in a real
browser, from the keyboard (A accepts, X marks not present, E and typing corrects, a table
row by row). Every stored decision must be what the script typed or chose: in the
database, in each document's re-exported JSON and in ``docloop export-gold``."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from playwright.sync_api import Page, expect
from sqlalchemy import select

from pipeline.store import FieldRow, ReviewRow
from review_ui import review
from pipeline.schemas import FieldSpec
from tests.review_ui.browser import DOCLOOP, WAIT_MS, browser_page, done, held, login, on_field, serve, start_reviewing
from tests.review_ui.conftest import invoice_files

DOCUMENTS = 7  # 52 fields the rules leave for review
ACTIONS = ("corrected", "accepted", "rejected")


CURRENCIES = ("USD", "GBP", "CHF", "JPY")


def to_type(spec: FieldSpec, i: int, current: object) -> list[str]:
    """The keys a reviewer types to correct field number ``i`` (cells of a table: one each),
    different per field, so a value left over from another page shows, and never the value
    read (typing it again would be no correction)."""
    if spec.many:
        return [f"Service line {i}", "2", f"{i}.50", f"{2 * i + 1}.00"]
    currency = next(c for n in range(len(CURRENCIES)) if (c := CURRENCIES[(i + n) % len(CURRENCIES)]) != current)
    return {
        "date": [f"2024{i % 12 + 1:02d}{i % 28 + 1:02d}"],
        "money": [f"{100 + i}.25"],
        "percent": [f"{i % 20 + 1}.50"],
        "currency": [currency],
    }.get(spec.kind, [f"Reviewed value {i}"])


def intended(spec: FieldSpec, name: str, i: int, current: object) -> object:
    keys = to_type(spec, i, current)
    if spec.many:
        return review.validate("invoice", name, [dict(zip(("description", "quantity", "unit_price", "amount"), keys))])
    if spec.kind == "date":
        return review.validate("invoice", name, f"{keys[0][:4]}-{keys[0][4:6]}-{keys[0][6:]}")
    return review.validate("invoice", name, keys[0])


def correct(page: Page, spec: FieldSpec, i: int, current: object) -> None:
    page.keyboard.press("e")
    expect(page.locator(".st-key-correction_value :focus")).to_have_count(1, timeout=WAIT_MS)
    keys = to_type(spec, i, current)
    for n, key in enumerate(keys):
        page.keyboard.press("ControlOrMeta+a")
        page.keyboard.type(key)
        if n < len(keys) - 1:
            page.keyboard.press("Tab")
    if spec.kind == "date":  # a date picker: Tab past its calendar to the evidence box
        page.keyboard.press("Tab")
        page.keyboard.press("Tab")
    page.keyboard.press("Enter")


def test_a_scripted_review_session_stores_exactly_what_was_decided(tmp_path):
    exports = tmp_path / "exports"
    sources = [str(p) for p in invoice_files(DOCUMENTS)]

    def extract(store, env):
        subprocess.run([str(DOCLOOP), "extract", *sources, "--schema", "invoice", "--extractors", "rules", "--out", str(exports)],
                       env=env, cwd=tmp_path, check=True, capture_output=True)

    plan: dict[int, tuple[str, object]] = {}  # field id -> (action, value it must end with)
    with serve(tmp_path, extract) as server, browser_page() as page:
        store = server.store
        login(page, server.url)
        start_reviewing(page, store)
        while held(store) is not None:
            field = on_field(page, store)
            spec, i = review.spec_for("invoice", field.name), len(plan)
            action = ACTIONS[i % 3]
            if action == "corrected":
                plan[field.id] = (action, intended(spec, field.name, i, field.value))
                correct(page, spec, i, field.value)
                done(page, store, field, "corrected", f"Corrected {field.name}.")
            elif action == "accepted":
                plan[field.id] = (action, field.value)
                page.keyboard.press("a")
                done(page, store, field, "accepted", f"Accepted {field.name}.")
            else:
                plan[field.id] = (action, [] if spec.many else None)
                page.keyboard.press("x")
                done(page, store, field, "rejected", f"Marked {field.name} not present.")
        gold = subprocess.run([str(DOCLOOP), "export-gold"], env=server.env, cwd=tmp_path, check=True, capture_output=True, text=True)

    assert len(plan) >= 50
    with store.session() as s:
        rows = {f.id: f for f in s.scalars(select(FieldRow).where(FieldRow.id.in_(plan)))}
        reviews = {r.field_id: r for r in s.scalars(select(ReviewRow).order_by(ReviewRow.id))}
    assert {i: (f.status, f.value) for i, f in rows.items()} == plan
    assert {i: (r.action, r.after, r.reviewer) for i, r in reviews.items()} == {i: (*p, "alice") for i, p in plan.items()}

    names = {i: (rows[i].run_id, rows[i].name) for i in plan}
    sources_of = {run_id: store.load(run_id).source for run_id, _ in names.values()}
    exported = {}
    for path in exports.glob("*.json"):
        doc = json.loads(Path(path).read_text())
        exported[doc["document"]["source"]] = doc
    assert {e["status"] for e in exported.values()} == {"completed"} and len(exported) == DOCUMENTS
    from_exports = {}
    for i, (run_id, name) in names.items():
        field = exported[sources_of[run_id]]["fields"][name]
        from_exports[i] = (field["status"], field["value"])
    assert from_exports == plan

    examples = [json.loads(line) for line in gold.stdout.splitlines()]
    by_place = {(e["document"]["source"], e["field"]): (e["action"], e["value"]) for e in examples}
    assert by_place == {(sources_of[run_id], name): plan[i] for i, (run_id, name) in names.items()}
