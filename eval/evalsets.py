"""Versioned eval sets: reviewers' decisions plus imported labelled data, split without leaks.

Sources, all for one document type:

- ``reviews``: every reviewed field's last decision (what ``docloop export-gold``
  writes): an accepted or corrected value is the gold value, a rejected one means
  the document does not state the field. The document's text is its stored run's.
- a dataset name (``sroie``, ``kleister_nda``, ...): its labelled examples.
- a JSONL path: one object a line with ``text`` (or ``path``), ``gold`` (field ->
  value) and optionally ``id``.

Splits (train/dev/test) are assigned per *group*, never per document: documents
whose TF-IDF cosine similarity reaches ``NEAR_DUPLICATE`` (the same receipt scanned
twice, a template filled twice) are joined into one group (connected components),
and the group goes to one split by a hash of its first member's id, so a split is
stable as the set grows. Each build is a new version of the named set
(``eval_sets``); earlier versions stay as they were, so runs stay comparable.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Iterator

import numpy as np
from scipy.sparse.csgraph import connected_components
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics.pairwise import cosine_similarity
from sqlalchemy import func, select

from eval.datasets import DEFAULT_ROOT, NAMES, Example, dataset, examples
from eval.metrics import Normaliser, Prediction, Report, calibration_error, compare, score
from pipeline.config import Settings
from pipeline.prompting import PromptConfig
from pipeline.state import Page, ParsedDocument
from pipeline.store import EvalRunRow, EvalSetRow, RunRow, Store
from pipeline.schemas import field_specs, get_schema
from pipeline.kinds import parser

SPLITS = (("train", 0.6), ("dev", 0.2), ("test", 0.2))
NEAR_DUPLICATE = 0.8  # TF-IDF cosine from which two documents count as one
REVIEWS = "reviews"


@dataclass
class Item:
    """One labelled document of an eval set."""

    id: str
    gold: dict[str, Any]
    origin: str  # "reviews", a dataset name, or a JSONL file name
    text: str | None = None
    path: str | None = None
    split: str = ""
    group: str = ""

    def example(self) -> Example:
        parsed = text_document(self.text) if self.text is not None else None
        return Example(id=self.id, gold=self.gold, path=Path(self.path) if self.path else None, parsed=parsed, meta={"origin": self.origin})


@dataclass
class EvalSet:
    name: str
    version: int
    schema: str
    sources: list[str]
    items: list[Item] = field(default_factory=list)
    id: int | None = None

    def split(self, name: str | None) -> list[Item]:
        return [i for i in self.items if name is None or i.split == name]

    def fields(self) -> list[str]:
        return [s.name for s in field_specs(get_schema(self.schema)) if s.kind != "object"]

    def normaliser(self) -> Normaliser:
        """A single dataset's own comparison; for mixed or reviewed sets the field kinds' parsers."""
        origins = {i.origin for i in self.items}
        if len(origins) == 1 and (only := origins.pop()) in NAMES:
            return dataset(only).normalise
        return kind_normaliser(self.schema)


def text_document(text: str) -> ParsedDocument:
    """Plain text as a parsed document, one page per form feed."""
    pages, start = [], 0
    for number, page in enumerate(text.split("\f"), start=1):
        pages.append(Page(number=number, start=start, end=start + len(page)))
        start += len(page) + 1
    return ParsedDocument(text=text, pages=pages, parser="text")


def kind_normaliser(schema: str) -> Normaliser:
    """Compare values as their field kind reads them (dates, amounts), text without case or punctuation."""
    kinds = {s.name: s.kind for s in field_specs(get_schema(schema))}

    def normalise(name: str, value: Any) -> str | None:
        if value is None or value == "":
            return None
        parse = parser(kinds.get(name, "text"))
        parsed = parse(value) if parse else value
        folded = re.sub(r"[\W_]+", "", str(parsed if parsed is not None else value)).casefold()
        return folded or None

    return normalise


# --- sources -------------------------------------------------------------------------


def from_reviews(store: Store, schema: str) -> list[Item]:
    """Reviewed documents of ``schema``: the last decision per field, the stored run's text."""
    labels: dict[str, dict[str, Any]] = defaultdict(dict)
    for row in store.gold(schema):
        labels[row["document"]["id"]][row["field"]] = None if row["action"] == "rejected" else row["value"]
    items = []
    with store.session() as s:
        for doc_id, gold_fields in labels.items():
            state = s.scalar(select(RunRow.state).where(RunRow.document_id == doc_id).order_by(RunRow.id.desc()).limit(1))
            text = ((state or {}).get("parsed") or {}).get("text")
            if text is None:
                continue  # nothing to re-run it on
            items.append(Item(id=doc_id, gold={k: v for k, v in gold_fields.items() if v is not None}, origin=REVIEWS, text=text))
    return items


def from_dataset(name: str, root: Path = DEFAULT_ROOT, limit: int | None = None) -> list[Item]:
    items = []
    for i, ex in enumerate(examples(name, root)):
        if limit is not None and i >= limit:
            break
        text = ex.parsed.text if ex.parsed is not None else None
        items.append(Item(id=f"{name}:{ex.id}", gold=ex.gold, origin=name, text=text, path=str(ex.path) if text is None else None))
    return items


def from_jsonl(path: Path) -> list[Item]:
    items = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines()):
        if not line.strip():
            continue
        raw = json.loads(line)
        items.append(Item(
            id=f"{path.stem}:{raw.get('id', n)}", gold=raw.get("gold") or raw.get("fields") or {}, origin=path.name,
            text=raw.get("text"), path=raw.get("path"),
        ))
    return items


def collect(source: str, store: Store, schema: str, root: Path = DEFAULT_ROOT, limit: int | None = None) -> list[Item]:
    """Items from one source: ``reviews``, a dataset name, or a JSONL path."""
    if source == REVIEWS:
        return from_reviews(store, schema)
    if source in NAMES:
        if dataset(source).SCHEMA != schema:
            raise ValueError(f"dataset {source!r} is of type {dataset(source).SCHEMA}, not {schema}")
        return from_dataset(source, root, limit)
    return from_jsonl(Path(source))


# --- splits --------------------------------------------------------------------------


def _content(item: Item) -> str:
    if item.text is not None:
        return item.text
    return hashlib.sha256(Path(item.path).read_bytes()).hexdigest() if item.path else item.id


def groups(items: list[Item], threshold: float = NEAR_DUPLICATE) -> list[int]:
    """A group label per item: near-duplicates (TF-IDF cosine >= threshold) share one."""
    if not items:
        return []
    contents = [_content(i) for i in items]
    try:
        matrix = TfidfVectorizer(sublinear_tf=True, min_df=1).fit_transform(contents)
    except ValueError:  # no words at all (e.g. only file hashes of one character class)
        matrix = None
    same = np.equal.outer(np.array(contents, dtype=object), np.array(contents, dtype=object))
    linked = same if matrix is None else same | (cosine_similarity(matrix) >= threshold)
    _, labels = connected_components(linked, directed=False)
    return [int(x) for x in labels]


def _split_of(key: str) -> str:
    at = int(hashlib.sha256(f"split:{key}".encode()).hexdigest()[:12], 16) / float(1 << 48)
    for name, share in SPLITS:
        if at < share:
            return name
        at -= share
    return SPLITS[-1][0]


def assign_splits(items: list[Item], threshold: float = NEAR_DUPLICATE) -> list[Item]:
    """Each item's group and split; every member of a group gets its group's split."""
    members: dict[int, list[Item]] = defaultdict(list)
    for item, label in zip(items, groups(items, threshold)):
        members[label].append(item)
    for group in members.values():
        key = min(i.id for i in group)
        for item in group:
            item.group, item.split = key, _split_of(key)
    return items


# --- storage -------------------------------------------------------------------------


def build(store: Store, name: str, schema: str, sources: list[str], root: Path = DEFAULT_ROOT, limit: int | None = None) -> EvalSet:
    """A new version of eval set ``name`` from ``sources``, split by near-duplicate group."""
    get_schema(schema)  # an unknown type fails here, not at evaluation
    items: dict[str, Item] = {}
    for source in sources:
        for item in collect(source, store, schema, root, limit):
            items[item.id] = item  # a later source overrides an earlier one for the same document
    chosen = assign_splits(list(items.values()))
    with store.session.begin() as s:
        version = (s.scalar(select(func.max(EvalSetRow.version)).where(EvalSetRow.name == name)) or 0) + 1
        row = EvalSetRow(name=name, version=version, schema_name=schema, sources=list(sources), examples=[asdict(i) for i in chosen])
        s.add(row)
        s.flush()
        set_id = row.id
    return EvalSet(name, version, schema, list(sources), chosen, set_id)


def load(store: Store, name: str, version: int | None = None) -> EvalSet:
    """A stored eval set (the newest version unless one is named)."""
    with store.session() as s:
        q = select(EvalSetRow).where(EvalSetRow.name == name)
        q = q.where(EvalSetRow.version == version) if version else q.order_by(EvalSetRow.version.desc())
        row = s.scalars(q.limit(1)).first()
    if row is None:
        raise KeyError(f"no eval set {name!r}" + (f" version {version}" if version else ""))
    return EvalSet(row.name, row.version, row.schema_name, row.sources, [Item(**i) for i in row.examples], row.id)


def listing(store: Store) -> Iterator[EvalSetRow]:
    with store.session() as s:
        yield from s.scalars(select(EvalSetRow).order_by(EvalSetRow.name, EvalSetRow.version))


# --- evaluation ----------------------------------------------------------------------


def labelled_fields(evalset: EvalSet) -> list[str]:
    """The fields the set labels: a dataset's own list, else every field some item has gold for
    (reviews label only the fields people looked at)."""
    origins = {i.origin for i in evalset.items}
    if len(origins) == 1 and (only := next(iter(origins))) in NAMES and hasattr(dataset(only), "FIELDS"):
        return list(dataset(only).FIELDS)
    return [f for f in evalset.fields() if any(f in i.gold for i in evalset.items)]


def evaluate_set(
    evalset: EvalSet, split: str | None, prompt: PromptConfig | None = None, extractors: list[str] | None = None,
    settings: Settings | None = None, on_document: Callable[[Prediction], Any] | None = None,
) -> Report:
    """Run the pipeline under ``prompt`` over one split and score it (with ECE, cost and latency)."""
    from eval.run import prediction_of, run_example
    from pipeline.run import build_pipeline

    extractors = extractors or ["rules"]
    settings = settings or Settings(llm_provider="none" if "llm" not in extractors else Settings().llm_provider)
    pipe = build_pipeline(settings, extractors, prompt=prompt or PromptConfig())
    normalise, fields = evalset.normaliser(), labelled_fields(evalset)
    predictions: dict[str, Prediction] = {}
    outcomes: list[dict[str, Any]] = []
    chosen = evalset.split(split)
    for item in chosen:
        start = time.perf_counter()
        state = run_example(pipe, item.example(), evalset.schema)
        prediction = prediction_of(item.example(), state, time.perf_counter() - start)
        predictions[item.id] = prediction
        for f in fields:
            if prediction.values.get(f) in (None, "", []):
                continue
            c = compare(f, item.gold.get(f), prediction.values[f], normalise)
            outcomes.append({"id": item.id, "field": f, "confidence": prediction.confidences.get(f, 0.0),
                             "right": c.fp == 0 and c.fn == 0, "status": prediction.statuses.get(f)})
        if on_document:
            on_document(prediction)
    scored, failures, (share, precision) = score([(i.id, i.gold) for i in chosen], predictions, fields, {"normalised": (normalise, False)})
    n = len(predictions) or 1
    return Report(
        dataset=f"{evalset.name}@{evalset.version}", split=split, mode="pipeline", extractors=list(extractors),
        documents=len(predictions), fields=fields, metrics=scored, auto_accepted_share=share,
        auto_accepted_precision=precision,
        seconds_per_document=sum(p.seconds for p in predictions.values()) / n,
        tokens_per_document=sum(p.tokens for p in predictions.values()) / n,
        errors=sum(1 for p in predictions.values() if p.error), failures=failures,
        ece=calibration_error([o["confidence"] for o in outcomes], [o["right"] for o in outcomes]),
        cost_per_document=sum(p.cost_usd for p in predictions.values()) / n, outcomes=outcomes,
    )


def summary(report: Report) -> dict[str, Any]:
    """What is kept of a run for comparison: scores per field, auto-accept, ECE, cost, latency."""
    keep = ("documents", "fields", "auto_accepted_share", "auto_accepted_precision", "ece",
            "seconds_per_document", "tokens_per_document", "cost_per_document", "errors")
    return {k: getattr(report, k) for k in keep} | {"metrics": report.metrics}


def record_run(store: Store, evalset: EvalSet, split: str | None, version: str, report: Report) -> int:
    """Store a run's metrics (``eval_runs``) and keep its summary with the prompt version."""
    from pipeline.prompts import record_results

    metrics = summary(report)
    with store.session.begin() as s:
        row = EvalRunRow(eval_set_id=evalset.id, split=split, prompt_version=version, extractors=report.extractors, metrics=metrics)
        s.add(row)
        s.flush()
        run_id = row.id
    record_results(store, version, f"{evalset.name}@{evalset.version}:{split or 'all'}", metrics | {"eval_run": run_id})
    return run_id


def runs(store: Store, name: str | None = None) -> list[tuple[EvalRunRow, EvalSetRow]]:
    """Stored runs (of one set's versions), oldest first, to compare."""
    with store.session() as s:
        q = select(EvalRunRow, EvalSetRow).join(EvalSetRow, EvalSetRow.id == EvalRunRow.eval_set_id).order_by(EvalRunRow.id)
        if name:
            q = q.where(EvalSetRow.name == name)
        return [(r, e) for r, e in s.execute(q)]
