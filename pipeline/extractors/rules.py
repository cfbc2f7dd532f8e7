"""The rules extractor: labels, typed values and layout, no model and no configuration.

Driven only by the schema's field specs (kind, aliases) and the cue packs the
schema selects. Each field is asked of the packs' finders for its kind (in the
order the schema lists them; a finder may leave the field to the next), then of
its kind's generic finder (:mod:`pipeline.kinds`). Proposals are ranked
(:func:`pipeline.extractors.finding.rank`) and the top few become candidates.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from pipeline.extractors.base import ExtractionRequest, ExtractionResult, Extractor
from pipeline.extractors.finding import MAX_CANDIDATES, Context, Proposal, rank
from pipeline.kinds import get_kind
from pipeline.schemas import FieldSpec, part_specs
from pipeline.state import Candidate, other_party


def pack_answer(ctx: Context, spec: FieldSpec) -> list[Proposal] | None:
    """The first answer of the cue packs' finders; None where every one leaves the field."""
    for finder in ctx.cues.finders(spec.kind, spec.many):
        found = finder(ctx, spec)
        if found is not None:
            return found
    return None


def kind_answer(ctx: Context, spec: FieldSpec) -> list[Proposal]:
    """The answer of the field's kind's generic finder."""
    if spec.kind == "object":
        return record_answer(ctx, spec)
    kind = get_kind(spec.kind)
    if kind is None:
        return []
    found = kind.find_many(ctx, spec) if spec.many else kind.find(ctx, spec)
    return found or []


def propose(ctx: Context, spec: FieldSpec) -> list[Proposal]:
    """The first answer among the schema's cue packs' finders and the kind's generic finder."""
    found = pack_answer(ctx, spec)
    return found if found is not None else kind_answer(ctx, spec)


def record_answer(ctx: Context, spec: FieldSpec) -> list[Proposal]:
    """A nested record (a receipt's merchant): each of its values read as a field of its own
    (``pipeline.schemas.part_specs``), the record made of each one's best reading, every span
    named by the value it holds. Its signals: the share of values found, their mean strength.
    A list of records (a contract's parties: name, role) is the items of its first value the
    rules read, one record each, its other values left to the model and to people; one with
    amounts is a table's lines, left to the tables extractor."""
    parts = part_specs(ctx.schema, spec.name)
    if spec.many:
        if any(part.kind == "money" for part in parts):
            return []  # a list of records with amounts is a table's lines: the tables extractor's
        for part in parts:
            if items := [p for p in rank(propose(ctx, part), many=True) if not other_party(p.signals)]:
                name = part.name.rsplit(".", 1)[1]
                empty = dict.fromkeys(p.name.rsplit(".", 1)[1] for p in parts)
                return [replace(p, value={**empty, name: p.value}, paths=(name,) * len(p.spans)) for p in items]
        return []
    value: dict[str, Any] = {}
    spans: list[tuple[int, int]] = []
    paths: list[str] = []
    strengths = []
    for part in parts:
        name = part.name.rsplit(".", 1)[1]
        best = next((p for p in rank(propose(ctx, part), 1) if not other_party(p.signals)), None)
        if best and part.kind == "money" and not best.signals.get("match"):
            best = None  # an amount under no label of the part is any amount: no reading of it
        value[name] = best.value if best else None
        if best:
            spans += best.spans
            paths += [name] * len(best.spans)
            strengths.append(best.strength)
    if not strengths:
        return []
    signals = {"parts": len(strengths) / len(parts), "read": sum(strengths) / len(strengths)}
    return [Proposal(value, spans, signals, paths=tuple(paths))]


class RulesExtractor(Extractor):
    """Labels, typed parsers and layout cues; fast enough for thousands of documents a minute."""

    name = "rules"

    def __init__(self, limit: int = MAX_CANDIDATES):
        self.limit = limit

    def extract(self, request: ExtractionRequest) -> ExtractionResult:
        ctx = Context(request.document, request.schema)
        candidates: list[Candidate] = []
        settled: set[str] = set()
        # learned label anchors (a prompt version's, see pipeline.prompting.PromptConfig) extend the aliases
        anchors = request.hints.get("anchors") or {}
        for spec in request.fields:
            if anchors.get(spec.name):
                spec = replace(spec, aliases=spec.aliases + tuple(anchors[spec.name]))
            found = pack_answer(ctx, spec)
            if found is not None:
                settled.add(spec.name)  # the document type's phrasings were read for it: a value, or that none is stated
            for proposal in rank(found if found is not None else kind_answer(ctx, spec), self.limit, many=spec.many):
                candidates.append(ctx.candidate(spec, proposal, self.name))
        return ExtractionResult(candidates=candidates, settled=settled)
