"""Free text: generically, the words printed after one of the field's labels; for a field that
is one of a few words (an ``enum``), where the document prints one of them. A yes/no field (a
JSON Schema ``boolean``: "mutual", "auto_renews") is a judgement about the document, not words
printed in it: the rules propose nothing for it, the model and people answer it."""

import re

from pipeline.extractors.finding import Context, Proposal
from pipeline.kinds.base import Kind
from pipeline.schemas import FieldSpec
from schemas.types import Text


def find_options(ctx: Context, spec: FieldSpec) -> list[Proposal]:
    """Each of the field's options printed as a word, spelled as the schema spells it; stronger
    on a line the field's label is on ("Payment: CARD")."""
    labelled = {hit.line.index for hit in ctx.labels(spec)}
    out = []
    for option in spec.options:
        for m in re.finditer(rf"(?<!\w){re.escape(option)}(?!\w)", ctx.text, re.IGNORECASE):
            on_label = ctx.line_at(m.start()).index in labelled
            out.append(Proposal(value=option, spans=[(m.start(), m.end())], signals={"option": 1.0, "labelled": float(on_label)}))
    return out


class TextKind(Kind):
    name = "text"
    json_type = Text

    def find(self, ctx, spec):
        if _yes_or_no(spec):
            return []
        return find_options(ctx, spec) if spec.options else super().find(ctx, spec)


def _yes_or_no(spec: FieldSpec) -> bool:
    schema = spec.json_schema
    return schema.get("type") == "boolean" or any(o.get("type") == "boolean" for o in schema.get("anyOf", []))
