"""Run the pipeline over a labelled dataset and measure it.

``evaluate("sroie", split="test")`` processes every example of the split and
scores the results with the dataset's metrics (``normalised`` always;
``official`` when the dataset defines a stricter printed-form comparison).

Two modes, chosen by what is installed: ``pipeline`` runs the real stages
(chunk, extract, ground, score, route) through :mod:`pipeline.run`, so
auto-accept figures are real; ``extractors`` (while those stages are not
importable) calls the extractors directly and takes each field's strongest
candidate, with no statuses.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import replace
from itertools import islice
from pathlib import Path
from typing import Any

from eval.datasets import DEFAULT_ROOT, Example, dataset, examples
from eval.metrics import Prediction, Report, score
from pipeline.config import Settings
from pipeline.state import Candidate, DocumentState, ParsedDocument

Runner = Callable[[Example], Prediction]


def parse_file(path: Path, settings: Settings) -> ParsedDocument:
    """A dataset file parsed the way the pipeline parses uploads."""
    import puremagic

    from pipeline.parsers import ParseOptions, parse_bytes

    data = path.read_bytes()
    media_type = puremagic.from_string(data, mime=True) or "application/octet-stream"
    return parse_bytes(data, media_type, ParseOptions.from_settings(settings))


def prediction_of(example: Example, state: DocumentState, seconds: float) -> Prediction:
    return Prediction(
        id=example.id,
        values={k: r.value for k, r in state.fields.items()},
        raw={k: " ".join(s.text.strip() for s in r.evidence) for k, r in state.fields.items() if r.evidence},
        statuses={k: r.status.value for k, r in state.fields.items()},
        confidences={k: r.confidence for k, r in state.fields.items()},
        seconds=seconds,
        tokens=sum(c.input_tokens + c.output_tokens for c in state.model_calls),
        cost_usd=sum(c.cost_usd for c in state.model_calls),
        error=state.error.code if state.error else None,
    )


def renamed(prediction: Prediction, names: dict[str, str]) -> Prediction:
    """``prediction`` with its fields under the dataset's names (``names``: schema field ->
    gold field), so a schema a user wrote, with names of its own, is scored on the dataset.
    A dotted name is a value of a nested record (``merchant.name``; of each of a list's records,
    ``parties.name``), with the record's status. Several fields named for one of the
    dataset's are scored as one list of their values."""
    values, statuses, confidences = dict(prediction.values), dict(prediction.statuses), dict(prediction.confidences)
    for name in names:
        record, _, part = name.partition(".")
        if part and record in values:
            found = values[record]
            values[name] = [item.get(part) for item in found] if isinstance(found, list) else (found or {}).get(part)
            statuses[name], confidences[name] = statuses.get(record), confidences.get(record)

    def keyed(values: dict[str, Any]) -> dict[str, Any]:
        return {names.get(k, k): v for k, v in values.items()}

    def gathered(values: dict[str, Any]) -> dict[str, Any]:
        """Fields that several of the schema's hold (``disclosing_party`` and ``receiving_party``
        as the dataset's ``party``) as one list of their values."""
        out = keyed(values)
        for gold in {g for g in names.values() if list(names.values()).count(g) > 1}:
            found = [values.get(k) for k, g in names.items() if g == gold]
            out[gold] = [v for x in found for v in (x if isinstance(x, list) else [x]) if v not in (None, "")]
        return out

    return replace(prediction, values=gathered(values), raw=gathered(prediction.raw),
                   statuses=keyed(statuses), confidences=keyed(confidences))


def run_example(pipe, example: Example, schema: str) -> DocumentState:
    """One example through a :class:`pipeline.run.Pipeline`: its shipped text, else its file."""
    if example.parsed is not None:
        return pipe.process_parsed(example.parsed, example.id, schema)
    return pipe.process(example.path.read_bytes(), str(example.path), schema)


def pipeline_runner(schema: str, extractors: list[str], settings: Settings) -> Runner:
    """Each example through the real stages (no store: evaluation never reuses results)."""
    from pipeline.run import build_pipeline

    pipe = build_pipeline(settings, extractors)

    def run(example: Example) -> Prediction:
        start = time.perf_counter()
        state = run_example(pipe, example, schema)
        return prediction_of(example, state, time.perf_counter() - start)

    return run


def extractor_runner(schema: str, extractors: list[str], settings: Settings) -> Runner:
    """Each example through the extractors alone: the strongest candidate per field."""
    from pipeline.extractors.base import ExtractionRequest, create
    from pipeline.extractors.finding import Proposal
    from pipeline.schemas import field_specs, get_schema

    model = get_schema(schema)
    specs = field_specs(model)
    built = [create(name) for name in extractors]

    def strength(c: Candidate) -> float:
        return Proposal(c.value, [], c.signals).strength

    def run(example: Example) -> Prediction:
        start = time.perf_counter()
        try:
            parsed = example.parsed or parse_file(example.path, settings)
        except Exception as err:  # a dataset file the parser rejects is scored as all-missing
            return Prediction(id=example.id, values={}, seconds=time.perf_counter() - start, error=type(err).__name__)
        best: dict[str, Candidate] = {}
        tokens = 0
        for extractor in built:
            result = extractor.extract(ExtractionRequest(document=parsed, schema=model, fields=specs, chunks=[]))
            tokens += sum(c.input_tokens + c.output_tokens for c in result.model_calls)
            for c in result.candidates:
                if c.field not in best or strength(c) > strength(best[c.field]):
                    best[c.field] = c
        return Prediction(
            id=example.id,
            values={f: c.value for f, c in best.items()},
            raw={f: c.raw for f, c in best.items() if c.raw is not None},
            seconds=time.perf_counter() - start,
            tokens=tokens,
        )

    return run


def _schema_fields(schema: str) -> list[str]:
    """Every scalar or list field of a document type (a dataset that labels them all)."""
    from pipeline.schemas import field_specs, get_schema

    return [s.name for s in field_specs(get_schema(schema)) if s.kind != "object"]


def asked_for(more: tuple[str, ...] | list[str], names: dict[str, str]) -> list[str]:
    """The dataset's further labels (``MORE_FIELDS``: CUAD's renewal term, an invoice's due
    date) that ``names`` (``--as``) maps a schema's fields to: a run is scored on them only
    where it says so, so the built-in tables, and every schema's row, stay on the dataset's
    ``FIELDS``."""
    return [f for f in more if f in set(names.values())]


USER_SCHEMAS = Path(__file__).resolve().parent / "schemas"  # schemas written as a user would, for the datasets


def user_schemas() -> None:
    """The evaluation's user-written schemas are found as a user's are: on ``DOCLOOP_SCHEMA_PATH``."""
    paths = [p for p in os.environ.get("DOCLOOP_SCHEMA_PATH", "").split(os.pathsep) if p]
    if str(USER_SCHEMAS) not in paths:
        os.environ["DOCLOOP_SCHEMA_PATH"] = os.pathsep.join([*paths, str(USER_SCHEMAS)])
        from pipeline.schemas import registry

        registry.cache_clear()


def _pipeline_available() -> bool:
    try:
        import pipeline.run  # noqa: F401
    except ImportError:
        return False
    return True


def evaluate(
    name: str,
    split: str | None = None,
    limit: int | None = None,
    extractors: tuple[str, ...] | list[str] = ("rules",),
    root: Path = DEFAULT_ROOT,
    settings: Settings | None = None,
    mode: str | None = None,
    on_start: Callable[[int], Any] | None = None,
    on_document: Callable[[Prediction], Any] | None = None,
    schema: str | None = None,
    fields_as: dict[str, str] | None = None,
) -> Report:
    """Process ``name``'s examples (one split, the first ``limit``) and score them.

    ``mode`` is "pipeline" or "extractors"; by default the full pipeline when it is
    importable. ``on_start`` gets the number of documents, ``on_document`` each
    prediction as it is made (for progress bars). ``schema`` reads the documents with
    another document type than the dataset's (one a user wrote); ``fields_as`` maps its
    field names to the dataset's labels.
    """
    module = dataset(name)
    user_schemas()
    settings = settings or Settings(llm_provider="none" if "llm" not in extractors else Settings().llm_provider)
    mode = mode or ("pipeline" if _pipeline_available() else "extractors")
    build = pipeline_runner if mode == "pipeline" else extractor_runner
    runner = build(schema or module.SCHEMA, list(extractors), settings)

    chosen = list(islice(examples(name, root, split), limit))
    if on_start:
        on_start(len(chosen))
    gold: list[tuple[str, dict[str, Any]]] = []
    predictions: dict[str, Prediction] = {}
    for example in chosen:
        prediction = renamed(runner(example), fields_as or {})
        predictions[example.id] = prediction
        gold.append((example.id, example.gold))
        if on_document:
            on_document(prediction)

    metrics = {"normalised": (module.normalise, False)}
    if hasattr(module, "official"):
        metrics["official"] = (module.official, True)
    fields = list(getattr(module, "FIELDS", None) or _schema_fields(module.SCHEMA))
    fields += asked_for(getattr(module, "MORE_FIELDS", ()), fields_as or {})
    scored, failures, (share, precision) = score(gold, predictions, fields, metrics)
    n = len(predictions)
    return Report(
        dataset=name,
        split=split,
        mode=mode,
        extractors=list(extractors),
        documents=n,
        fields=fields,
        metrics=scored,
        auto_accepted_share=share,
        auto_accepted_precision=precision,
        seconds_per_document=sum(p.seconds for p in predictions.values()) / n if n else 0.0,
        tokens_per_document=sum(p.tokens for p in predictions.values()) / n if n else 0.0,
        errors=sum(1 for p in predictions.values() if p.error),
        failures=failures,
    )

