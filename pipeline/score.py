"""Confidence: the probability that a field's chosen value is right.

Extractors report raw signals; this stage picks each field's best value and
turns the evidence for it into one probability. The combination is a
:class:`Scorer`, replaceable: the default is a fixed logistic combination of a
few features, and ``eval.calibration`` fits one per schema and field from
reviewed outcomes (same features, learned weights).
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from itertools import product
from typing import Any, Protocol

from pydantic import ValidationError

from pipeline.hygiene import comparable
from pipeline.plausible import implausible_value
from pipeline.reasons import Reason
from pipeline.state import Candidate, DocumentState, FieldResult, Stage, other_party
from schemas.base import DocumentSchema
from pipeline.schemas import FieldSpec, field_specs, get_schema

FEATURES = ("grounded", "strength", "agreement", "conflict", "validated", "n_extractors", "rest")

# Signals that describe the candidate itself, not its context; their mean is "strength".
_CONTEXT_SIGNALS = {"grounded", "agreement", "conflict", "validated", "n_extractors", "rest", "visible"}


def visible(candidate: Candidate) -> float:
    """1 unless the candidate's only evidence is text a person cannot see (``pipeline.ground``)."""
    return candidate.signals.get("visible", 1.0)


def strength(candidate: Candidate) -> float:
    own = [v for k, v in candidate.signals.items() if k not in _CONTEXT_SIGNALS]
    return sum(own) / len(own) if own else 0.0


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


class Scorer(Protocol):
    version: str

    def confidence(self, schema: str, field: str, features: dict[str, float]) -> float: ...

    def basis(self, schema: str) -> str:
        """What a schema's confidences rest on, for the export: "own reviews" (its fields'
        fitted outcomes), "other schemas' reviews" (the per-kind transfer, which vouches for
        nothing alone) or "heuristic" (hand-set weights)."""
        ...


class HeuristicScorer:
    """Hand-set logistic weights: a sensible prior until a fitted calibration exists.

    Ungrounded values stay below 0.3 whatever else is said about them; a grounded,
    strong, uncontested value from agreeing extractors approaches 0.97.
    """

    version = "heuristic-1"
    weights = {
        "grounded": 3.0,
        "strength": 3.0,
        "agreement": 1.0,
        "conflict": -2.0,
        "validated": 1.0,
        "n_extractors": 0.0,
        "rest": -4.0,
    }
    bias = -5.0

    def confidence(self, schema: str, field: str, features: dict[str, float]) -> float:
        z = self.bias + sum(self.weights[k] * features.get(k, 0.0) for k in FEATURES)
        return _sigmoid(z)

    def basis(self, schema: str) -> str:
        return "heuristic"


_default_scorer: Scorer = HeuristicScorer()


def default_scorer() -> Scorer:
    return _default_scorer


def set_default_scorer(scorer: Scorer) -> None:
    """Install a fitted scorer (pipeline.confidence builds one when calibrations are loaded)."""
    global _default_scorer
    _default_scorer = scorer


def _key(value: Any) -> str:
    if isinstance(value, list):
        return "|".join(sorted(comparable(v) for v in value))
    return comparable(value)


def features(chosen: Candidate, all_candidates: list[Candidate], validated: bool = True, exclusive: bool = True) -> dict[str, float]:
    """The features of one chosen candidate among all proposed for its field.

    ``exclusive``: the other values are rivals (one value per field); for the items of a
    list field they are co-items, and a strong co-party says nothing against a weaker one.
    """
    extractors = {c.extractor for c in all_candidates}
    same = [c for c in all_candidates if _key(c.value) == _key(chosen.value)]
    # an extractor agrees when this is its own best value, not one of its runners-up
    agreeing = {c.extractor for c in same if not exclusive or _key(_top(all_candidates, c.extractor).value) == _key(c.value)}
    own = strength(chosen)
    # hidden text does not contest what a person can see
    # nor does a name read as the other party's, whoever proposes it
    against = {_key(c.value) for c in all_candidates if other_party(c.signals)}
    rivals = [
        strength(c) for c in all_candidates
        if exclusive and _key(c.value) not in (_key(chosen.value), *against) and visible(c) >= visible(chosen)
    ]
    # the signals of every candidate for this value (the strongest of each), so a calibration
    # can weigh what the rules saw even when memory proposed the same value more strongly
    signals: dict[str, float] = {}
    for c in same:
        for k, v in c.signals.items():
            if k not in _CONTEXT_SIGNALS:
                signals[k] = max(v, signals.get(k, v))
    return {
        **{f"signal.{k}": v for k, v in signals.items()},
        **witness(chosen, all_candidates, exclusive),
        "grounded": chosen.signals.get("grounded", 0.0),
        "strength": own,
        "agreement": len(agreeing) / len(extractors) if extractors else 0.0,
        "conflict": max(rivals, default=0.0) / own if own > 0 and rivals else 0.0,
        "validated": 1.0 if validated else 0.0,
        "n_extractors": float(len(agreeing)),
    }


MODEL_WITNESS = "llm"  # the extractor that reads the document independently of the rules


def witness(chosen: Candidate, all_candidates: list[Candidate], exclusive: bool = True) -> dict[str, float]:
    """The model as a second, independent reader: whether it was asked about this field and
    whether its own reading is this value (its top value; for a list, any of its items)."""
    read = [c for c in all_candidates if c.extractor == MODEL_WITNESS]
    if not read:
        return {}
    mine = [_top(all_candidates, MODEL_WITNESS)] if exclusive else read
    return {"model_asked": 1.0, "model_agrees": float(any(_key(c.value) == _key(chosen.value) for c in mine))}


# kinds whose printed extent is a judgement (where a name or an address ends); amounts and dates are exact
EXTENT_KINDS = frozenset({"organization", "address"})
SAME_NAME = 0.5  # the shorter reading's share of the longer one's characters, at least


def _words(value: Any) -> list[str]:
    return re.findall(r"\w+", comparable(value))


def _same_name(a: Any, b: Any) -> bool:
    """One reading's words run inside the other's, and make up at least half of it."""
    short, long = sorted((_words(a), _words(b)), key=len)
    if not short or len("".join(short)) < SAME_NAME * len("".join(long)):
        return False
    return any(long[i : i + len(short)] == short for i in range(len(long) - len(short) + 1))


def delimited(spec: FieldSpec, candidates: list[Candidate]) -> list[Candidate]:
    """The model says which name a field holds; the rules say where a printed name ends.

    The model adds a company number after a legal form ("AEON CO. (M) BHD (126926-H)") or drops
    the legal form, where the rules' finders delimit a name by its legal form and line. A model
    answer that is a longer or shorter reading of a name the rules read is taken as a vote for
    that name (the strongest such one), so the two readers agree on one name instead of
    splitting the vote between two extents of it.
    """
    if spec.kind not in EXTENT_KINDS:
        return candidates
    rules = [c for c in candidates if c.extractor != MODEL_WITNESS]
    out = []
    for c in candidates:
        same = [r for r in rules if _same_name(c.value, r.value)] if c.extractor == MODEL_WITNESS else []
        if same:
            r = max(same, key=strength)
            c = c.model_copy(update={"value": r.value, "raw": r.raw, "evidence": r.evidence})
        out.append(c)
    return out


def _top(candidates: list[Candidate], extractor: str) -> Candidate:
    """An extractor's own best candidate for a field."""
    return max((c for c in candidates if c.extractor == extractor), key=lambda c: (c.signals.get("grounded", 0.0), strength(c)))


def candidate_confidence(candidate: Candidate, spec: FieldSpec | None = None, scorer: Scorer | None = None) -> float:
    """Provisional confidence of one candidate alone (used by the cascade before grounding).

    Assumes the value will ground when the extractor gave evidence for it.
    """
    feats = features(candidate, [candidate])
    feats["grounded"] = candidate.signals.get("grounded", 1.0 if candidate.evidence else 0.0)
    return (scorer or default_scorer()).confidence("", spec.name if spec else candidate.field, feats)


def _validates(model: type[DocumentSchema], name: str, value: Any) -> bool:
    try:
        model.model_validate({name: value})
    except ValidationError as err:
        return not any(e["loc"] and e["loc"][0] == name for e in err.errors())
    return True


def _reasons(feats: dict[str, float], best: Candidate) -> list[str]:
    reasons = []
    if feats["grounded"] < 0.9:
        reasons.append(Reason.not_grounded)
    if not feats["validated"]:
        reasons.append(Reason.validator_failed)
    if feats["conflict"] >= 0.8:
        reasons.append(Reason.disagree)
    if feats["strength"] < 0.6:
        reasons.append(Reason.weak)
    if visible(best) < 1:
        reasons.append(Reason.invisible)
    return reasons


_RANKER = HeuristicScorer()


def plausible(spec: FieldSpec, candidate: Candidate) -> bool:
    """Whether the value, as printed, is plausibly of the field's kind (``pipeline.plausible``)."""
    printed = " ".join(s.text for s in candidate.evidence) or str(candidate.raw or candidate.value)
    return implausible_value(spec.kind, candidate.value, printed) is None


def _rank(spec: FieldSpec, candidates: list[Candidate], model: type[DocumentSchema], exclusive: bool = True):
    """(prior, features, best candidate) per distinct value, most probable first.

    Values are ranked by the fixed prior, not by a fitted scorer: calibrations are
    fitted on the prior's choices and say how likely *that* choice is right.
    """
    groups: dict[str, list[Candidate]] = defaultdict(list)
    for c in candidates:
        groups[_key(c.value)].append(c)
    ranked = []
    for group in groups.values():
        # of a name, the rules' reading is the evidence (its legal form, the block it stands in)
        # and the model's the vote: a value both read is ranked by what the rules saw in it
        best = max(group, key=lambda c: (
            visible(c), c.signals.get("grounded", 0.0), spec.kind in EXTENT_KINDS and c.extractor != MODEL_WITNESS, strength(c),
        ))
        value = [best.value] if spec.many else best.value
        feats = features(best, candidates, _validates(model, spec.name, value), exclusive)
        ranked.append((_RANKER.confidence(model.name, spec.name, feats), feats, best))
    # a value a person can see wins over one read from hidden text, however strong; a value
    # plausibly of its kind over one that is not (a web address read as a company's name); and
    # one the field's type accepts over one it rejects (a heading read for a yes/no field)
    return sorted(ranked, key=lambda t: (visible(t[2]), plausible(spec, t[2]), t[1]["validated"], t[0]), reverse=True)


def _items(candidates: list[Candidate]) -> list[Candidate]:
    """List-valued candidates split into one candidate per item."""
    out = []
    for c in candidates:
        if isinstance(c.value, list):
            for i, v in enumerate(c.value):
                ev = [c.evidence[i]] if i < len(c.evidence) and len(c.evidence) == len(c.value) else []
                out.append(c.model_copy(update={"value": v, "evidence": ev}))
        else:
            out.append(c)
    return [c for c in out if c.value not in (None, "")]


LIST_ITEM_MIN = 0.5  # an item of a list field with a prior below this is left out


def _choose_many(spec, candidates, model, scorer) -> FieldResult:
    items = _items(candidates)
    ranked = _rank(spec, items, model, exclusive=False)
    # where the rules read the list too, an item only the model names goes to a person as a
    # further item, not into the export (on contracts it adds places, defined terms, signers)
    read = {_key(c.value) for c in items if c.extractor != MODEL_WITNESS}
    # an item must be probable, visible and plausibly of its kind (a postcode is no amount)
    kept = [
        t for t in ranked
        if t[0] >= LIST_ITEM_MIN and visible(t[2]) and plausible(spec, t[2]) and (not read or _key(t[2].value) in read)
    ] or ranked[:1]
    dropped = [t for t in ranked if t not in kept]
    weakest = dict(min(kept, key=lambda t: t[0])[1])
    # how close the best left-out item came to being kept: a list is only as sure as that call
    weakest["rest"] = max((t[0] for t in dropped), default=0.0)
    reasons = sorted({r for _, feats, best in kept for r in _reasons(feats, best)})
    if dropped:
        reasons.append(Reason.further_items)
    return FieldResult(
        value=[best.value for _, _, best in kept],
        confidence=scorer.confidence(model.name, spec.name, weakest),
        features=weakest,
        # a record's cell spans name their field; prefixed with the item's place in the list
        evidence=[
            s.model_copy(update={"path": f"{i}.{s.path}"}) if s.path else s
            for i, (_, _, best) in enumerate(kept) for s in best.evidence
        ],
        extractor=",".join(sorted({best.extractor for _, _, best in kept})),
        reasons=reasons,
        candidates=[best for _, _, best in dropped],
    )


def choose(spec: FieldSpec, candidates: list[Candidate], model: type[DocumentSchema], scorer: Scorer) -> FieldResult:
    """The field's best value and the probability that it is right.

    A list field keeps every item that is probably right; its confidence is that
    of its weakest decision (an item kept, or an item left out).
    """
    if not candidates:
        # "not in the document" is an answer too; a calibration learns how often it is right
        absent = {"absent": 1.0}
        return FieldResult(
            value=[] if spec.many else None, confidence=scorer.confidence(model.name, spec.name, absent),
            features=absent, reasons=[Reason.not_found],
        )
    candidates = delimited(spec, candidates)
    if spec.many:
        return _choose_many(spec, candidates, model, scorer)
    ranked = _ranked_values(spec, candidates, model)
    if not ranked:
        return choose(spec, [], model, scorer)
    return _result(spec, ranked, 0, model, scorer)


def _ranked_values(spec: FieldSpec, candidates: list[Candidate], model: type[DocumentSchema]) -> list:
    """``_rank``'s values, but for one the rules read as the other party's name: whoever
    proposes it, it is not this field's."""
    against = {_key(c.value) for c in candidates if other_party(c.signals)}
    return [t for t in _rank(spec, candidates, model) if _key(t[2].value) not in against]


def _result(spec: FieldSpec, ranked: list, index: int, model: type[DocumentSchema], scorer: Scorer) -> FieldResult:
    """The field's result with ``ranked[index]`` chosen, the others kept as alternatives."""
    _, feats, best = ranked[index]
    return FieldResult(
        value=best.value,
        confidence=scorer.confidence(model.name, spec.name, feats),
        features=feats,
        evidence=best.evidence,
        extractor=best.extractor,
        reasons=_reasons(feats, best),
        candidates=[c for i, (_, _, c) in enumerate(ranked) if i != index],
    )


def score(state: DocumentState, scorer: Scorer | None = None) -> DocumentState:
    """Stage: one FieldResult per schema field, with its confidence."""
    model = get_schema(state.schema_name)
    scorer = scorer or default_scorer()
    fields = {
        spec.name: choose(spec, state.candidates.get(spec.name, []), model, scorer)
        for spec in field_specs(model)
    }
    fields = _with_checks(model, _consistent(model, fields, state.candidates, scorer), scorer)
    provenance = dict(state.provenance, scorer=scorer.version, confidence_basis=scorer.basis(state.schema_name))
    return state.model_copy(update={"fields": fields, "stage": Stage.scored, "provenance": provenance})


ALTERNATIVES = 3  # a field's best values tried when a cross-field check fails


def _consistent(model: type[DocumentSchema], fields: dict[str, FieldResult], candidates: dict[str, list[Candidate]], scorer: Scorer) -> dict[str, FieldResult]:
    """Where a cross-field check fails on the chosen values, the combination of each field's
    best visible, plausible values that holds, the most probable one, if there is one: a
    subtotal read from the total's line ("Gesamtbetrag") loses to the one that adds up with
    the tax to the total. Lists and the check's result are kept as chosen; a check no such
    combination makes hold stays failed. Either way its fields go to a person: values chosen
    to add up are better ones to confirm, not ones to accept alone."""
    specs = {s.name: s for s in field_specs(model)}
    fields = dict(fields)
    for check in model.checks:
        values = {name: r.value for name, r in fields.items()}
        if any(values.get(f) in (None, []) for f in check.fields) or not check.failed(values):
            continue
        options = [_options(specs[name], candidates.get(name, []), model) for name in check.fields]
        # the check's result (its last field: the total the parts add up to) stands as read: a
        # receipt's total is not given up for parts that add up without it, where rounding or a
        # service charge breaks the sum
        holding = [
            combo for combo in product(*options)
            if combo[-1][1] == 0
            and not check.failed(values | {name: ranked[i][2].value for name, (ranked, i) in zip(check.fields, combo) if ranked})
        ]
        best = max(holding, key=_odds, default=None)
        if best is None:
            continue
        for name, (ranked, i) in zip(check.fields, best):
            if ranked and _key(ranked[i][2].value) != _key(values[name]):
                fields[name] = _result(specs[name], ranked, i, model, scorer)
        # a sum made to hold is no evidence that the values are right: each goes to a person
        for name in check.fields:
            fields[name] = fields[name].model_copy(update={"reasons": [*fields[name].reasons, Reason.made_to_add_up]})
    return fields


def _odds(combo: tuple) -> float:
    """How likely a combination of values is, as the product of each value's prior."""
    return math.prod(ranked[i][0] for ranked, i in combo if ranked)


def _options(spec: FieldSpec, candidates: list[Candidate], model: type[DocumentSchema]) -> list[tuple[list, int]]:
    """(ranked values, index) for each of a single-valued field's best values a person can see
    and that are plausibly of its kind; one empty option for a list (kept as it is)."""
    if spec.many:
        return [([], 0)]
    ranked = _ranked_values(spec, delimited(spec, candidates), model)
    usable = [i for i, (_, _, c) in enumerate(ranked) if visible(c) == 1 and plausible(spec, c)][:ALTERNATIVES]
    return [(ranked, i) for i in usable] or [([], 0)]


def _with_checks(model: type[DocumentSchema], fields: dict[str, FieldResult], scorer: Scorer) -> dict[str, FieldResult]:
    """Each field in a cross-field check that could be evaluated gets the feature ``cross_check``
    (1 when it held as read, 0 when not or only as ``_consistent`` chose), and its confidence again: a fitted calibration learns how much
    a sum that adds up is worth. Failed checks also send their fields to review (``route``)."""
    values = {name: r.value for name, r in fields.items()}
    outcome: dict[str, float] = {}
    for check in model.checks:
        if all(values.get(f) not in (None, []) for f in check.fields):
            made = any(Reason.made_to_add_up in fields[f].reasons for f in check.fields)
            held = 0.0 if made or check.failed(values) else 1.0
            for name in check.fields:
                outcome[name] = min(outcome.get(name, 1.0), held)
    for name, held in outcome.items():
        feats = dict(fields[name].features, cross_check=held)
        fields[name] = fields[name].model_copy(update={"features": feats, "confidence": scorer.confidence(model.name, name, feats)})
    return fields
