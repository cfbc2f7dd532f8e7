"""Line items measured: row-level F1 on invoices with known lines, and how often lines add up.

A predicted row counts as right when its description (case and spacing
folded), quantity and amount all equal a gold row's; rows are matched one to
one. "Adds up" is the cross-field check of the invoice schema: the line amounts
sum to the subtotal (the gold one; for the Parsee invoices also the subtotal the
pipeline read, else the total less tax, else the total).

The 15 Parsee invoices' gold lines were read off the documents by hand
(``eval/datasets/parsee_lines.jsonl``, conventions in ``parsee_lines.md`` there);
they are scored with the built-in ``invoice`` schema and with a user's plain
``invoice_lines`` schema, each invoice's unmatched rows kept in the report.

``python -m eval.line_items --synthetic 60`` writes ``reports/line_items.json``
and prints a table per source; ``--compare`` also reads the generated PDFs'
tables with pdfplumber's table finder (text strategy) in place of the word-box
clustering, through the same column mapping, and times both. ``--columns-model N``
reads N generated invoices (every other one with an article-code column) with a
user's plain schema (``eval/schemas/invoice_lines.json``: field names only, so
most printed headers are unknown to it), naming columns by labels and value kinds
alone, and with the embedded model naming the columns no label names.
"""

from __future__ import annotations

import hashlib
import io
import json
import time
from collections import Counter
from decimal import Decimal
from pathlib import Path
from typing import Any

import typer

from eval.synthetic_invoices import RENDERERS, Invoice, generate

app = typer.Typer(add_completion=False)


def _decimal(value: Any) -> Decimal | None:
    from schemas.types import parse_money

    return None if value in (None, "") else parse_money(str(value))


def row_key(item: dict[str, Any]) -> tuple[str, Decimal | None, Decimal | None]:
    description = " ".join(str(item.get("description") or "").casefold().split())
    return description, _decimal(item.get("quantity")), _decimal(item.get("amount"))


def row_counts(predicted: list[dict[str, Any]], gold: list[dict[str, Any]]) -> tuple[int, int, int]:
    """(right rows, predicted rows, gold rows)."""
    right = sum((Counter(map(row_key, predicted)) & Counter(map(row_key, gold))).values())
    return right, len(predicted), len(gold)


def adds_up(items: list[dict[str, Any]], subtotal: Any) -> bool:
    amounts = [a for a in (_decimal(i.get("amount")) for i in items) if a is not None]
    expected = _decimal(subtotal)
    return bool(amounts) and expected is not None and abs(sum(amounts) - expected) <= Decimal("0.02")


def _f1(right: int, predicted: int, gold: int) -> dict[str, float]:
    precision = right / predicted if predicted else 0.0
    recall = right / gold if gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 3), "recall": round(recall, 3), "f1": round(f1, 3)}


def _pipeline():
    from pipeline.config import Settings
    from pipeline.run import Pipeline

    return Pipeline(settings=Settings(llm_provider="none"), extractor_names=["rules", "tables"])


def _items(state) -> list[dict[str, Any]]:
    field = state.fields.get("line_items")
    return list(field.value or []) if field else []


def measure_synthetic(count: int, formats: list[str]) -> dict[str, Any]:
    pipe = _pipeline()
    out: dict[str, Any] = {}
    for fmt in formats:
        totals, added, pages, elapsed = [0, 0, 0], 0, 0, 0.0
        for seed in range(count):
            invoice = generate(seed)
            data = RENDERERS[fmt](invoice)
            started = time.perf_counter()
            state = pipe.process(data, f"{invoice.id}.{fmt}", "invoice")
            elapsed += time.perf_counter() - started
            pages += len(state.parsed.pages) if state.parsed else 0
            items = _items(state)
            for i, n in enumerate(row_counts(items, invoice.items)):
                totals[i] += n
            added += adds_up(items, invoice.subtotal)
        out[f"synthetic-{fmt}"] = {
            "invoices": count, "rows": totals[2], **_f1(*totals),
            "adds_up_to_subtotal": round(added / count, 3), "pages": pages, "seconds": round(elapsed, 2),
        }
    return out


LINE_LABELS = Path(__file__).resolve().parent / "datasets" / "parsee_lines.jsonl"


def line_labels(path: Path = LINE_LABELS) -> dict[str, dict[str, Any]]:
    """Gold line items and printed subtotal by the PDF's sha256 (read off the documents by hand,
    not from predictions: ``eval/datasets/parsee_lines.md``), so a renamed file is still found."""
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return {row["sha256"]: row for row in rows}


def _read_subtotal(values: dict[str, Any]) -> Decimal | None:
    """The subtotal the pipeline read, else its total less tax, else its total: what the lines
    of an invoice without gold lines are checked against."""
    if values.get("subtotal") is not None:
        return _decimal(values["subtotal"])
    if values.get("total") is None:
        return None
    return (_decimal(values["total"]) or Decimal(0)) - (_decimal(values.get("tax")) or 0)


def _misses(predicted: list[dict[str, Any]], gold: list[dict[str, Any]]) -> dict[str, list]:
    """The rows of each side with no equal on the other (as ``row_counts`` compares them), for
    reading the failures."""
    def shown(rows: Counter) -> list[list[str | None]]:
        return [[part if part is None else str(part) for part in key] for key in rows.elements()]

    read, known = Counter(map(row_key, predicted)), Counter(map(row_key, gold))
    return {"wrong": shown(read - known), "missed": shown(known - read)}


def measure_parsee(root: Path, schema: str = "invoice", labels_path: Path = LINE_LABELS) -> dict[str, Any]:
    """Row F1 of the real invoices against the hand-written gold lines, and how often the lines
    read add up to the subtotal printed (the gold one, as for generated invoices) and to the one
    the pipeline read (the only check a deployment has), with each invoice's unmatched rows."""
    pipe = _pipeline()
    gold_lines = line_labels(labels_path)
    labels = [json.loads(line) for line in (root / "labels.jsonl").read_text().splitlines() if line.strip()]
    totals, with_items, added, added_read, details = [0, 0, 0], 0, 0, 0, []
    for label in labels:
        path = root / label["file"]
        data = path.read_bytes()
        state = pipe.process(data, str(path), schema)
        items = _items(state)
        gold = gold_lines.get(hashlib.sha256(data).hexdigest())
        counts = row_counts(items, gold["items"]) if gold else (0, len(items), 0)
        for i, n in enumerate(counts):
            totals[i] += n
        with_items += bool(items)
        added += bool(gold) and adds_up(items, gold["subtotal"])
        added_read += adds_up(items, _read_subtotal({name: f.value for name, f in state.fields.items()}))
        details.append({"file": label["file"], "right": counts[0], "predicted": counts[1], "gold": counts[2],
                        "labelled": bool(gold), **_misses(items, gold["items"] if gold else [])})
    return {
        "schema": schema, "invoices": len(labels), "labelled": sum(d["labelled"] for d in details), "rows": totals[2],
        **_f1(*totals), "with_line_items": with_items, "adds_up_to_subtotal": round(added / len(labels), 3),
        "adds_up_to_read_subtotal": round(added_read / len(labels), 3), "per_invoice": details,
    }


def compare_finders(count: int) -> dict[str, Any]:
    """Word-box clustering against pdfplumber's table finder on the generated PDFs: row F1 and time."""
    import pdfplumber

    from pipeline.config import Settings
    from pipeline.extractors.tables import find_grids, record_spec, stop_labels
    from pipeline.ingest import ingest
    from pipeline.parse import parse
    from pipeline.tables.grid import Cell, Grid, label_of
    from pipeline.tables.records import read
    from pipeline.schemas import field_specs, get_schema

    schema = get_schema("invoice")
    fields, amount, description = record_spec(schema, next(s for s in field_specs(schema) if s.name == "line_items"))
    stops = stop_labels(schema)
    labels = {name: f.aliases for name, f in fields.items()}
    counts = {"clustering": [0, 0, 0], "pdfplumber": [0, 0, 0]}
    seconds = {"clustering": 0.0, "pdfplumber": 0.0}
    settings = Settings()
    pages = 0
    for seed in range(count):
        invoice: Invoice = generate(seed)
        data = RENDERERS["pdf"](invoice)
        parsed = parse(ingest(data, "x.pdf", "invoice", settings), data, settings).parsed
        pages += len(parsed.pages)
        started = time.perf_counter()
        rows = [r.value(fields) for g in find_grids(parsed, fields, stops) for r in read(g, fields, amount, description, stops)]
        seconds["clustering"] += time.perf_counter() - started
        for i, n in enumerate(row_counts(rows, invoice.items)):
            counts["clustering"][i] += n
        started = time.perf_counter()
        rows = []
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            for page in pdf.pages:
                for table in page.extract_tables({"vertical_strategy": "text", "horizontal_strategy": "text"}):
                    at = next((i for i, r in enumerate(table) if len({label_of(c or "", labels) for c in r} - {None}) >= 2), None)
                    if at is None:
                        continue
                    body = [[Cell(c, []) if c else None for c in r] for r in table[at + 1 :]]
                    # its rows carry no positions: consecutive rows count as adjacent, so wrapped lines join
                    grid = Grid(page.page_number, body, [c or "" for c in table[at]], [float(i) for i in range(len(body))], [1.0] * len(body))
                    rows += [r.value(fields) for r in read(grid, fields, amount, description, stops)]
        seconds["pdfplumber"] += time.perf_counter() - started
        for i, n in enumerate(row_counts(rows, invoice.items)):
            counts["pdfplumber"][i] += n
    return {
        name: {**_f1(*counts[name]), "rows": counts[name][2], "pages_per_s": round(pages / seconds[name], 1)}
        for name in counts
    }


def compare_column_naming(count: int, formats: list[str], schema_name: str = "invoice_lines") -> dict[str, Any]:
    """Row F1 of the tables extractor with and without the model naming unknown columns."""
    from eval.run import user_schemas
    from pipeline.config import Settings
    from pipeline.extractors.base import ExtractionRequest
    from pipeline.extractors.tables import TablesExtractor
    from pipeline.ingest import ingest
    from pipeline.parse import parse
    from pipeline.schemas import field_specs, get_schema

    user_schemas()
    settings = Settings()
    schema = get_schema(schema_name)
    specs = [s for s in field_specs(schema) if s.many and s.kind == "object"]
    readers = {"labels and kinds": TablesExtractor(settings), "labels, model, kinds": TablesExtractor(settings, cascade=("llm",))}
    out: dict[str, Any] = {}
    for fmt in formats:
        counts = {name: [0, 0, 0] for name in readers}
        calls = tokens = 0
        seconds = 0.0
        for seed in range(count):
            invoice = generate(seed, codes=seed % 2 == 1)
            data = RENDERERS[fmt](invoice)
            parsed = parse(ingest(data, f"{invoice.id}.{fmt}", schema_name, settings), data, settings).parsed
            request = ExtractionRequest(document=parsed, schema=schema, fields=specs, chunks=[])
            for name, reader in readers.items():
                result = reader.extract(request)
                for i, n in enumerate(row_counts([c.value for c in result.candidates], invoice.items)):
                    counts[name][i] += n
                fresh = [c for c in result.model_calls if not c.cache_hit]  # the XLSX tables repeat the DOCX ones
                calls += len(fresh)
                tokens += sum(c.input_tokens + c.output_tokens for c in fresh)
                seconds += sum(c.latency_s for c in fresh)
        out[f"synthetic-{fmt}"] = {
            **{name: {**_f1(*c), "rows": c[2]} for name, c in counts.items()},
            "model_calls_not_cached": calls, "tokens_per_call": round(tokens / calls) if calls else 0,
            "seconds_per_call": round(seconds / calls, 1) if calls else 0.0,
        }
    return {"column_naming": {"schema": schema_name, "invoices": count, **out}}


@app.command()
def main(
    synthetic: int = typer.Option(60, help="Generated invoices per format."),
    formats: str = typer.Option("pdf,docx,xlsx"),
    parsee: Path = typer.Option(Path(__file__).resolve().parents[1] / ".." / "shared" / "datasets" / "parsee_invoices"),
    compare: bool = typer.Option(False, help="Also compare the PDF table finders."),
    columns_model: int = typer.Option(0, help="Also compare column naming with and without the model on this many invoices."),
    out: Path = typer.Option(Path("reports/line_items.json")),
) -> None:
    results = measure_synthetic(synthetic, formats.split(",")) if synthetic else {}
    from eval.run import user_schemas

    user_schemas()
    for schema in ("invoice", "invoice_lines"):
        results[f"parsee-{schema}"] = measure_parsee(parsee, schema)
    if compare:
        results["pdf_table_finders"] = compare_finders(synthetic)
    if columns_model:
        results.update(compare_column_naming(columns_model, formats.split(",")))
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    app()
