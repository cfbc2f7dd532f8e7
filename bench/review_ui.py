"""Benchmark: a reviewer's wait in a real browser (Playwright, Debian's Chromium) on the
running review app, seeded with real invoices through the rules pipeline.

    python -m bench.review_ui [--documents 7] [--samples 8]

- correction round trip: from Enter on a typed correction to the next field's page ready
  (its title shown and the app's script run ended), the typed value checked in the database;
- field page with its image: from S (skip) to the next field's page with its page image
  loaded (the first page shown, which warms the caches, is not counted).

Targets (issue 17): round trip under 0.5 s, field page with image under 1 s.
Writes ``bench/results/review_ui.{json,md}``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time
from pathlib import Path

from playwright.sync_api import Page, expect

from review_ui import review
from tests.review_ui.browser import WAIT_MS, browser_page, held, idle, login, on_field, serve, start_reviewing, status_of
from tests.review_ui.conftest import invoice_files, seed

RESULTS = Path(__file__).parent / "results"
TEXT_KINDS = ("organization", "identifier", "address", "text")


def ready(page: Page, store, previous: int) -> bool:
    """The next field's page is shown (another field claimed, its title up, the run ended);
    False when the queue ran out instead."""
    deadline = time.monotonic() + WAIT_MS / 1000
    while (field := held(store)) is None or field.id == previous:
        if page.get_by_text("Nothing left to review").count():
            return False
        if time.monotonic() > deadline:
            raise TimeoutError("no next field")
    expect(page.locator("h1").first).to_have_text(field.name, timeout=WAIT_MS)
    idle(page)
    return True


def image_loaded(page: Page) -> None:
    page.wait_for_function(
        "() => { const i = document.querySelector('[data-testid=stImage] img, [data-testid=stFullScreenFrame] img');"
        " return i && i.complete && i.naturalWidth > 0; }", timeout=WAIT_MS)


def measure(documents: int, samples: int) -> dict:
    with tempfile.TemporaryDirectory() as home, serve(Path(home), lambda store, env: seed(store, Path(home), invoice_files(documents))) as server, browser_page() as page:
        store = server.store
        login(page, server.url)
        start_reviewing(page, store)
        image_loaded(page)  # the first page: caches warm up
        pages, trips = [], []
        while len(pages) < samples:
            field = on_field(page, store)
            start = time.perf_counter()
            page.keyboard.press("s")
            ready(page, store, field.id)
            image_loaded(page)
            pages.append(time.perf_counter() - start)
        more = True
        while len(trips) < samples and more:
            field = on_field(page, store)
            spec = review.spec_for("invoice", field.name)
            if spec.many or spec.kind not in TEXT_KINDS:
                page.keyboard.press("x")
                more = ready(page, store, field.id)
                continue
            page.keyboard.press("e")
            expect(page.locator(".st-key-correction_value :focus")).to_have_count(1, timeout=WAIT_MS)
            page.keyboard.press("ControlOrMeta+a")
            page.keyboard.type(f"Benchmark value {len(trips)}")
            start = time.perf_counter()
            page.keyboard.press("Enter")
            more = ready(page, store, field.id)
            trips.append(time.perf_counter() - start)
            assert status_of(store, field.id) == "corrected"
    return {
        "documents": documents,
        "correction_round_trip_s": {"median": statistics.median(trips), "max": max(trips), "samples": len(trips)},
        "field_page_with_image_s": {"median": statistics.median(pages), "max": max(pages), "samples": len(pages)},
        "load_average": os.getloadavg()[0],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=7)
    parser.add_argument("--samples", type=int, default=8)
    args = parser.parse_args()
    result = measure(args.documents, args.samples)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "review_ui.json").write_text(json.dumps(result, indent=2) + "\n")
    trip, shown = result["correction_round_trip_s"], result["field_page_with_image_s"]
    (RESULTS / "review_ui.md").write_text(
        "# Review UI in the browser\n\n"
        f"`python -m bench.review_ui --documents {args.documents} --samples {args.samples}`, headless Chromium, "
        f"2 shared CPUs (load average {result['load_average']:.1f}). Targets: round trip < 0.5 s, page with image < 1 s.\n\n"
        "| measure | median (s) | max (s) | samples |\n|---|---|---|---|\n"
        f"| typed correction, Enter to next field ready | {trip['median']:.3f} | {trip['max']:.3f} | {trip['samples']} |\n"
        f"| field page with its image (after the first) | {shown['median']:.3f} | {shown['max']:.3f} | {shown['samples']} |\n"
    )
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
