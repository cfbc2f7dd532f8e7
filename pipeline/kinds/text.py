"""Free text: the words printed after one of the field's labels."""

from __future__ import annotations

import re

from pipeline.extractors.finding import Context, Proposal, covers, stacked
from pipeline.kinds import parser
from pipeline.kinds.base import Kind
from pipeline.schemas import FieldSpec
from schemas.types import Text, clean_text

_SEPARATOR = re.compile(r"^[\s:#.\-–—=|]*")


def find_labelled_text(ctx: Context, spec: FieldSpec, word: bool = False) -> list[Proposal]:
    """The text printed after one of the field's labels (same line, else the line below),
    read with the kind's parser when it has one; with ``word``, only its first word (an
    identifier), typed only when it holds a digit."""
    parse = parser(spec.kind) or clean_text
    out = []
    for hit in ctx.labels(spec):
        line = hit.line
        rest = ctx.text[hit.end : line.end]
        lead = _SEPARATOR.match(rest).end()
        segment = re.split(r"\s{3,}|\t", rest[lead:])[0].rstrip()
        start, layout = hit.end + lead, 1.0
        if not segment:
            below = [ln for r in ctx.layout.next_rows(line, 1) for ln in r.lines if stacked(line, ln)]
            if not below:
                continue
            nxt = below[0]
            segment = nxt.text.strip()
            start, layout = nxt.start + nxt.text.index(segment), 0.75
        if word:
            segment = segment.split()[0] if segment.split() else ""
        value = parse(segment)
        if not segment or value is None:
            continue
        rivals = any(covers(r, hit) for r in ctx.rival_labels(spec))
        typed = 1.0 if not word or re.search(r"\d", segment) else 0.5
        out.append(
            Proposal(
                value=value if isinstance(value, str) else str(value),
                spans=[(start, start + len(segment))],
                signals={"match": hit.ratio * (0.2 if rivals else 1.0), "typed": typed, "layout": layout},
            )
        )
    return out


class TextKind(Kind):
    name = "text"
    json_type = Text
