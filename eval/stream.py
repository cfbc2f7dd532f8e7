"""The simulated review stream: does the share of fields a person must look at fall as
people review, while what is exported stays right?

Documents of a labelled dataset arrive one by one (a fixed-seed shuffle). The pipeline
extracts, scores and routes each; every field sent to review is answered by an oracle
from the gold labels (one review per field; a corrected value is right in the export),
so the only errors exported are auto-accepted ones. Reviewed fields flow back the way a
deployment's would: into the memory store (learned anchors, :mod:`pipeline.extractors.memory`)
and into the outcomes the calibration is re-fitted on every ``batch`` documents. Fields
auto-accepted are *not* outcomes: a deployment never learns whether they were right,
except for the audit sample (``audit``: that share of would-be accepted fields is
reviewed anyway, counted as reviews, and weighted by 1/audit in the re-fit so the
outcomes stand for everything accepted).

"Fit on the train split, measured on data it has not seen": with ``seed_split`` the
stream first runs over that split with every field labelled (imported labelled data),
which seeds memory and outcomes; then the measured ``split`` streams. Without it the
stream starts cold: nothing is auto-accepted until a calibration can vouch for a field.
"""

from __future__ import annotations

import random
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from eval.calibrate import field_outcomes
from eval.calibration import NEVER, Outcome, fit
from pipeline.confidence import CalibratedScorer
from eval.datasets import DEFAULT_ROOT, Example, dataset, examples
from eval.metrics import compare
from eval.run import run_example, user_schemas
from pipeline.config import Settings
from pipeline.extractors.memory import MemoryExtractor, MemoryStore, find, remember, typed
from pipeline.route import AUDIT
from pipeline.run import Pipeline
from pipeline.state import DocumentState, FieldStatus
from pipeline.schemas import field_specs, get_schema


@dataclass
class DocRecord:
    """What happened to one document of the stream."""

    index: int
    id: str
    phase: str  # "seed" (labelled import, every field reviewed) or "stream" (measured)
    fields: int
    reviewed: int
    corrected: int
    auto: int
    auto_wrong: int
    tokens: int
    seconds: float
    reviewed_fields: list[str] = field(default_factory=list)
    wrong_fields: list[str] = field(default_factory=list)  # auto-accepted and wrong: what a person never saw


@dataclass
class StreamReport:
    dataset: str
    split: str | None
    seed_split: str | None
    seed: int
    batch: int
    window: int
    target: float
    extractors: list[str]
    policy: str = "precision"
    audit: float = 0.0
    documents: list[DocRecord] = field(default_factory=list)
    refits: list[dict[str, Any]] = field(default_factory=list)  # after which document, thresholds per field

    def measured(self) -> list[DocRecord]:
        return [d for d in self.documents if d.phase == "stream"]

    def windows(self) -> list[dict[str, Any]]:
        """Figures per window of ``window`` measured documents, in stream order."""
        docs = self.measured()
        return [summarise(docs[i : i + self.window], first=i + 1) for i in range(0, len(docs), self.window)]

    def summary(self, after: int = 0) -> dict[str, Any]:
        """Figures over the measured documents after the first ``after`` of them."""
        return summarise(self.measured()[after:], first=after + 1)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self) | {"windows": self.windows(), "summary": self.summary()}


def summarise(docs: list[DocRecord], first: int = 1) -> dict[str, Any]:
    """Review share (and reviews per field name), exported accuracy, precision of auto-accepted
    fields and cost per document."""
    n = len(docs)
    fields = sum(d.fields for d in docs)
    reviewed = sum(d.reviewed for d in docs)
    auto = sum(d.auto for d in docs)
    wrong = sum(d.auto_wrong for d in docs)
    return {
        "documents": f"{first}-{first + n - 1}" if n else "",
        "n": n,
        "fields": fields,
        "review_share": reviewed / fields if fields else None,
        "exported_accuracy": 1 - wrong / fields if fields else None,
        "auto_precision": (auto - wrong) / auto if auto else None,
        "reviews_per_document": reviewed / n if n else None,
        "corrections_per_document": sum(d.corrected for d in docs) / n if n else None,
        "tokens_per_document": sum(d.tokens for d in docs) / n if n else None,
        "seconds_per_document": sum(d.seconds for d in docs) / n if n else None,
        "reviewed_by_field": dict(sorted(Counter(f for d in docs for f in d.reviewed_fields).items())),
        "wrong_by_field": dict(sorted(Counter(f for d in docs for f in d.wrong_fields).items())),
    }


def order(items: list[Example], seed: int) -> list[Example]:
    """The arrival order: a shuffle fixed by ``seed``."""
    items = list(items)
    random.Random(seed).shuffle(items)
    return items


class Loop:
    """One pipeline with its memory and calibration, and the oracle that reviews for it."""

    def __init__(
        self, name: str, settings: Settings, extractors: list[str], target: float, policy: str = "precision", min_accepted: int = 30
    ):
        user_schemas()  # the CUAD contracts are read with a user's schema
        self.module = dataset(name)
        self.model = get_schema(self.module.SCHEMA)
        self.specs = {s.name: s for s in field_specs(self.model)}
        self.fields = list(self.module.FIELDS)
        self.target = target
        self.policy = policy
        self.min_accepted = min_accepted
        self.pipe = Pipeline(settings=settings, extractor_names=extractors)
        memories = [e for e in self.pipe.extractors if isinstance(e, MemoryExtractor)]
        self.memory: MemoryStore | None = memories[0].store if memories else None
        self.outcomes: list[Outcome] = []
        # until a calibration vouches for a field, every field goes to a person
        self.pipe.thresholds = {self.model.name: dict.fromkeys(self.fields, NEVER)}

    def refit(self) -> dict[str, float]:
        """Calibration and thresholds from every outcome so far, installed in the pipeline."""
        calibrations = fit(
            self.outcomes, source=f"stream:{self.module.NAME}", target=self.target, min_accepted=self.min_accepted, policy=self.policy
        )
        if calibrations:
            scorer = CalibratedScorer(calibrations)
            self.pipe.scorer = scorer
            self.pipe.thresholds = scorer.thresholds()
        return dict(self.pipe.thresholds.get(self.model.name, {}))

    def right(self, name: str, gold: Any, value: Any) -> bool:
        counts = compare(name, gold, value, self.module.normalise)
        return counts.fp == 0 and counts.fn == 0

    def process(self, example: Example, index: int, phase: str) -> DocRecord:
        """Extract, let the oracle review, and feed the reviewed fields back."""
        start = time.perf_counter()
        state = run_example(self.pipe, example, self.module.SCHEMA)
        seconds = time.perf_counter() - start
        reviewed, corrected, auto, wrong = [], 0, 0, []
        for name in self.fields:
            result = state.fields.get(name)
            value = result.value if result else None
            ok = self.right(name, example.gold.get(name), value)
            if phase == "stream" and result is not None and result.status == FieldStatus.auto_accepted:
                auto += 1
                if not ok:
                    wrong.append(name)
            else:
                reviewed.append(name)
                corrected += not ok
        outcomes = field_outcomes(state, example.gold, reviewed, self.module.normalise)
        for o in outcomes:
            if phase == "stream" and AUDIT in state.fields[o.field].reasons:
                o.weight = 1 / self.pipe.settings.audit_rate
        self.outcomes += outcomes
        if self.memory is not None and state.parsed is not None:
            confirmed = {name: self.confirmed(state, name, example.gold.get(name)) for name in reviewed}
            remember(self.memory, state.parsed, self.model.name, example.id, confirmed)
        return DocRecord(
            index=index, id=example.id, phase=phase, fields=len(self.fields), reviewed=len(reviewed),
            corrected=corrected, auto=auto, auto_wrong=len(wrong),
            tokens=sum(c.input_tokens + c.output_tokens for c in state.model_calls), seconds=round(seconds, 4),
            reviewed_fields=reviewed, wrong_fields=wrong,
        )

    def confirmed(self, state: DocumentState, name: str, gold: Any) -> list[tuple[Any, int | None, int | None]]:
        """Each gold value of a field with where it is printed: the evidence of a candidate
        that had it right (what a reviewer accepts or picks), else where it is found."""
        spec = self.specs[name]
        result = state.fields.get(name)
        proposals = [*state.candidates.get(name, [])] + ([] if result is None or spec.many else [result])
        out: list[tuple[Any, int | None, int | None]] = []
        for item in gold if isinstance(gold, list) else ([gold] if gold not in (None, "") else []):
            value = typed(spec.kind, item)
            hit = next(
                ((c.evidence[0].start, c.evidence[-1].end) for c in proposals
                 if c.evidence and not isinstance(c.value, list) and self.right(name, item, c.value)),
                None,
            )
            if hit is None and state.parsed is not None:
                found = find(state.parsed, str(item), spec.kind, value)
                hit = found[:2] if found else None
            out.append((value, *hit) if hit else (value, None, None))
        return out


def run_stream(
    name: str,
    split: str | None = "test",
    seed_split: str | None = "train",
    seed: int = 0,
    batch: int = 25,
    window: int = 50,
    target: float = 0.99,
    extractors: list[str] | None = None,
    policy: str = "precision",
    audit: float = 0.0,
    root: Path = DEFAULT_ROOT,
    limit: int | None = None,
    seed_limit: int | None = None,
    settings: Settings | None = None,
    on_document: Callable[[DocRecord], Any] | None = None,
) -> StreamReport:
    """Stream ``name``'s ``split`` (after seeding from ``seed_split``, when given) and record
    what happened to every document. ``limit``/``seed_limit`` keep the first N of each order."""
    extractors = extractors or ["rules", "memory"]
    report = StreamReport(name, split, seed_split, seed, batch, window, target, list(extractors), policy, audit)
    with tempfile.TemporaryDirectory(prefix="docloop-stream-") as home:
        # a fresh home: the memory store starts empty and nothing cached is reused
        base = settings or Settings(llm_provider="none" if "llm" not in extractors else Settings().llm_provider)
        loop = Loop(name, base.model_copy(update={"home": Path(home), "audit_rate": audit}), list(extractors), target, policy)
        phases = [("stream", order(list(examples(name, root, split)), seed)[:limit])]
        if seed_split is not None:
            phases.insert(0, ("seed", order(list(examples(name, root, seed_split)), seed)[:seed_limit]))
        index = 0
        for phase, items in phases:
            for example in items:
                index += 1
                record = loop.process(example, index, phase)
                report.documents.append(record)
                if on_document:
                    on_document(record)
                measured = sum(d.phase == "stream" for d in report.documents)
                if phase == "stream" and measured % batch == 0:
                    report.refits.append({"after": index, "thresholds": loop.refit()})
            if phase == "seed":  # the imported labels: one fit before the measured stream
                report.refits.append({"after": index, "thresholds": loop.refit()})
    return report
