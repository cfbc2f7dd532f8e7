"""Optimisers over an eval set, and the gate a candidate must pass to be promoted.

- :func:`demonstrations`: few-shot examples from the set's train split (corrected and
  accepted values, imported labels): each becomes a worked example whose quotes are
  where the gold value is printed. The candidate keeps a pool and shows each chunk the
  most similar ones (``PromptConfig.demonstrations_per_call``, TF-IDF cosine).
- :func:`instructions`: GEPA (the ``gepa`` package) evolves the system instruction,
  reflecting on the fields the pipeline got wrong on the train split. Needs a capable
  model (an OpenAI-compatible or Anthropic provider); with only the embedded 270M model
  it refuses with :class:`NeedsCapableModel`.
- :func:`gate`: both versions on the held-out split; the candidate is promoted only if
  its mean per-document gain has a paired-bootstrap 95% interval above zero
  (``scipy.stats.bootstrap`` over the documents). Otherwise it stays a candidate: a
  record with its results, not used.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.stats import bootstrap

from pipeline import prompts
from eval.evalsets import EvalSet, evaluate_set, labelled_fields, record_run
from eval.metrics import Report
from pipeline.config import Settings
from pipeline.ground import locate
from pipeline.kinds import is_typed
from pipeline.prompting import Demonstration, PromptConfig
from pipeline.store import Store
from pipeline.schemas import field_specs, get_schema

DEMO_CHARS = 1500  # a demonstration is about one chunk of its document
POOL = 24
PER_CALL = 2
CONFIDENCE = 0.95


class NeedsCapableModel(RuntimeError):
    """Instruction optimisation asked for with only the embedded model configured."""


def _quote(text: str, kind: str, value: Any) -> str | None:
    """The printed form of ``value`` in ``text`` (None when it is not printed there)."""
    from eval.evalsets import text_document

    document = text_document(text)
    hit = locate(document, None, kind, value) if is_typed(kind) else locate(document, str(value), kind)
    return hit[0].text if hit and hit[1] >= 0.9 else None


def demonstration(evalset: EvalSet, text: str, gold: dict[str, Any]) -> Demonstration:
    """A worked example: the start of the document, each field's gold value where it is printed there."""
    excerpt = text[:DEMO_CHARS]
    answer: dict[str, Any] = {}
    for spec in field_specs(get_schema(evalset.schema)):
        if spec.kind == "object":
            continue
        values = gold.get(spec.name)
        items = values if isinstance(values, list) else ([] if values in (None, "") else [values])
        shown = [{"quote": q, "value": q} for v in items if (q := _quote(excerpt, spec.kind, v))]
        # a value not printed in the excerpt is shown as absent: a demo must never teach guessing
        answer[spec.name] = shown if spec.many else (shown[0] if shown else {"quote": None, "value": None})
    return Demonstration(text=excerpt, answer=answer)


def demonstrations(store: Store, evalset: EvalSet, base: PromptConfig, actor: str, pool: int = POOL, per_call: int = PER_CALL) -> PromptConfig:
    """A candidate version: ``base`` plus a pool of demonstrations from the train split. Registered."""
    train = [i for i in evalset.split("train") if i.text and i.gold]
    # the most labelled documents first: a demo answering more fields teaches more
    train.sort(key=lambda i: (-len(i.gold), i.id))
    demos = [demonstration(evalset, i.text, i.gold) for i in train[:pool]]
    config = base.model_copy(update={
        "demonstrations": {**base.demonstrations, evalset.schema: demos},
        "demonstrations_per_call": per_call,
    })
    return prompts.register(store, config, actor, parent=base.version, note=f"{len(demos)} demonstrations from {evalset.name}@{evalset.version}:train")


# --- the promotion gate ------------------------------------------------------------------


def per_document(evalset: EvalSet, split: str, report: Report) -> dict[str, float]:
    """Share of the labelled fields each document got right (from the report's failures)."""
    wrong = Counter(f["id"] for f in report.failures)
    n = len(report.fields) or 1
    return {i.id: 1.0 - wrong[i.id] / n for i in evalset.split(split)}


@dataclass
class GateResult:
    promoted: bool
    gain: float  # mean per-document gain of the candidate
    low: float  # lower end of the paired bootstrap interval
    high: float
    documents: int
    reason: str


def paired_gain(base: dict[str, float], candidate: dict[str, float], seed: int = 0) -> tuple[float, float, float]:
    """Mean per-document difference and its bootstrap confidence interval (documents resampled in pairs)."""
    diffs = np.array([candidate[k] - base[k] for k in sorted(base)], dtype=float)
    if len(diffs) == 0:
        return 0.0, 0.0, 0.0
    if np.ptp(diffs) == 0:  # every document moved the same: no spread to resample
        return float(diffs[0]), float(diffs[0]), float(diffs[0])
    ci = bootstrap((diffs,), np.mean, confidence_level=CONFIDENCE, n_resamples=2000, method="percentile", random_state=seed).confidence_interval
    return float(diffs.mean()), float(ci.low), float(ci.high)


def gate(
    store: Store, evalset: EvalSet, candidate: PromptConfig, actor: str, split: str = "test",
    extractors: list[str] | None = None, settings: Settings | None = None, promote: bool = True,
) -> GateResult:
    """Evaluate the active version and ``candidate`` on ``split``; promote the candidate only if
    it is better by more than noise. Both runs are stored; the decision is recorded."""
    current = prompts.active(store)
    scores = {}
    for config in (current, candidate):
        report = evaluate_set(evalset, split, config, extractors, settings)
        record_run(store, evalset, split, config.version, report)
        scores[config.version] = per_document(evalset, split, report)
    gain, low, high = paired_gain(scores[current.version], scores[candidate.version])
    n = len(scores[current.version])
    better = low > 0
    reason = f"{split} of {evalset.name}@{evalset.version}: gain {gain:+.3f} per document, {CONFIDENCE:.0%} CI [{low:+.3f}, {high:+.3f}] over {n} documents vs {current.version}"
    prompts.record_results(store, candidate.version, "gate", {"gain": gain, "low": low, "high": high, "documents": n, "against": current.version, "promoted": better and promote})
    if better and promote:
        prompts.promote(store, candidate.version, actor, reason=reason)
    return GateResult(better and promote, gain, low, high, n, reason)


# --- instruction optimisation with GEPA ---------------------------------------------------


def _require_capable(settings: Settings) -> None:
    if settings.llm_provider in ("embedded", "none"):
        raise NeedsCapableModel(
            f"instruction optimisation needs a capable model; the configured provider is {settings.llm_provider!r}. "
            "Set DOCLOOP_LLM_PROVIDER=openai (or anthropic) with DOCLOOP_LLM_MODEL and, for a local server, DOCLOOP_LLM_BASE_URL."
        )


def _template(text: str) -> str:
    """A proposed instruction as the prompt template it becomes: literal braces kept, ``{title}`` a slot."""
    return text.replace("{", "{{").replace("}", "}}").replace("{{title}}", "{title}")


class _Adapter:
    """GEPA's view of the pipeline: a candidate is {"instructions": text}; a score is the share
    of a document's labelled fields extracted right; feedback names each wrong field."""

    propose_new_texts = None  # GEPA's own reflective proposer writes the new instruction

    def __init__(self, evalset: EvalSet, base: PromptConfig, settings: Settings):
        from pipeline.run import build_pipeline

        self.evalset, self.base, self.settings = evalset, base, settings
        self.fields = labelled_fields(evalset)
        self.normalise = evalset.normaliser()
        self.build = lambda config: build_pipeline(settings, ["llm"], prompt=config)

    def evaluate(self, batch, candidate, capture_traces=False):
        from gepa import EvaluationBatch

        from eval.metrics import compare
        from eval.run import run_example

        config = self.base.model_copy(update={"instructions": _template(candidate["instructions"]), "version": "gepa-trial"})
        pipe = self.build(config)
        outputs, scores, traces = [], [], []
        for item in batch:
            state = run_example(pipe, item.example(), self.evalset.schema)
            values = {k: r.value for k, r in state.fields.items()}
            wrong = [(f, item.gold.get(f), values.get(f)) for f in self.fields
                     if (c := compare(f, item.gold.get(f), values.get(f), self.normalise)).fp or c.fn]
            outputs.append(values)
            scores.append(1.0 - len(wrong) / (len(self.fields) or 1))
            traces.append({"text": item.text[:DEMO_CHARS] if item.text else "", "wrong": wrong})
        return EvaluationBatch(outputs=outputs, scores=scores, trajectories=traces if capture_traces else None)

    def make_reflective_dataset(self, candidate, eval_batch, components_to_update):
        rows = [
            {
                "Inputs": trace["text"],
                "Generated Outputs": output,
                "Feedback": "; ".join(f"{f}: expected {g!r}, got {p!r}" for f, g, p in trace["wrong"]) or "all fields right",
            }
            for output, trace in zip(eval_batch.outputs, eval_batch.trajectories or [])
        ]
        return {name: rows for name in components_to_update}


def _reflection_lm(settings: Settings):
    """The configured model as GEPA's reflection LM: plain chat, text out."""
    from pipeline.providers import get_provider

    provider = get_provider(settings)
    client = getattr(provider, "client", None)
    if client is None or not hasattr(client, "chat"):
        raise NeedsCapableModel(f"GEPA's reflection needs an OpenAI-compatible provider, not {settings.llm_provider!r}")

    def ask(prompt: str | list[dict[str, Any]]) -> str:
        messages = [{"role": "user", "content": prompt}] if isinstance(prompt, str) else prompt
        reply = client.chat.completions.create(model=provider.model, messages=messages, temperature=1.0)
        return reply.choices[0].message.content or ""

    return ask


def instructions(
    store: Store, evalset: EvalSet, base: PromptConfig, settings: Settings, actor: str, max_metric_calls: int = 60, seed: int = 0,
) -> PromptConfig:
    """A candidate version whose instruction GEPA evolved on the train split (dev for validation). Registered."""
    import gepa

    _require_capable(settings)
    train = [i for i in evalset.split("train") if i.text]
    dev = [i for i in evalset.split("dev") if i.text] or train
    result = gepa.optimize(
        seed_candidate={"instructions": base.instructions.format(title="{title}")},
        trainset=train,
        valset=dev,
        adapter=_Adapter(evalset, base, settings),
        reflection_lm=_reflection_lm(settings),
        max_metric_calls=max_metric_calls,
        reflection_minibatch_size=min(3, len(train)),
        seed=seed,
        display_progress_bar=False,
        raise_on_exception=True,
    )
    best = result.best_candidate
    text = best["instructions"] if isinstance(best, dict) else str(best)
    config = base.model_copy(update={"instructions": _template(text)})
    score = float(result.val_aggregate_scores[result.best_idx])
    return prompts.register(
        store, config, actor, parent=base.version, note=f"GEPA instruction on {evalset.name}@{evalset.version} (dev {score:.3f})",
        eval_results={"gepa": {"dev_score": score, "candidates": len(result.candidates), "metric_calls": max_metric_calls}},
    )
