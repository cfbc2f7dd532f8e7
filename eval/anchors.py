"""Learned label anchors: the labels people's values are printed after become aliases.

For every labelled document of an eval set's train split, each field's gold value is
found where it is printed, and the words just before it (on its line, else the line
above) are a candidate label. A label is learned when it precedes the field's value in
at least ``min_support`` documents and, of the documents it is printed in, precedes
the value in at least ``min_precision`` of them: "BAYARAN AKHIR" before the total of
many receipts is learned, "CASH" (printed on most receipts, before the total on few)
is not. Support counts near-duplicate groups (:mod:`eval.evalsets`), so copies of one
document do not vouch for a label. A label may be one issuer's own (the line its
address is printed under): where it is printed it still marks the value, which is
what precision checks.

The result extends the rules extractor's aliases through a prompt version
(:attr:`pipeline.prompting.PromptConfig.anchors`), so it is versioned, gated on the
held-out split like any candidate, and can be rolled back.

The per-issuer counterpart, one corrected document teaching the next from the same
issuer, is the ``memory`` extractor (:mod:`pipeline.extractors.memory`).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from typing import Any

from pipeline import prompts
from eval.evalsets import EvalSet, text_document
from pipeline.extractors.layout import norm
from pipeline.ground import locate
from pipeline.kinds import is_typed
from pipeline.prompting import PromptConfig
from pipeline.store import Store
from pipeline.schemas import field_specs, get_schema
from schemas.types import parse_currency

MAX_WORDS = 4  # a label is a few words; more is a sentence, not a label
_LETTERS = re.compile(r"[^\W\d_]")


def _label(before: str) -> str | None:
    """The last few words of ``before`` that are words (not amounts, dates or codes), without
    a currency printed between label and amount ("TOTAL RM 7.50")."""
    tokens = norm(before).split()
    while tokens and parse_currency(tokens[-1].upper()):
        tokens.pop()
    words = []
    for word in reversed(tokens):
        if not _LETTERS.search(word) or any(ch.isdigit() for ch in word) or len(words) == MAX_WORDS:
            break
        words.append(word)
    label = " ".join(reversed(words))
    return label if len(label) >= 3 else None


def labels_before(text: str, kind: str, value: Any) -> set[str]:
    """Labels printed just before where ``value`` is printed in ``text``."""
    document = text_document(text)
    hit = locate(document, None, kind, value) if is_typed(kind) else locate(document, str(value), kind)
    if hit is None or hit[1] < 0.9:
        return set()
    start = hit[0].start
    line_start = text.rfind("\n", 0, start) + 1
    same_line = _label(text[line_start:start])
    if same_line:
        return {same_line}
    above = text[text.rfind("\n", 0, max(line_start - 1, 0)) + 1 : max(line_start - 1, 0)]
    return {label} if (label := _label(above)) and norm(above) == label else set()


def learn(evalset: EvalSet, split: str = "train", min_support: int = 3, min_precision: float = 0.8) -> dict[str, list[str]]:
    """Field -> labels learned from ``split``, most supported first; known aliases left out."""
    specs = [s for s in field_specs(get_schema(evalset.schema)) if not s.many and s.kind != "object"]
    items = [i for i in evalset.split(split) if i.text and i.gold]
    texts = [f" {norm(i.text)} " for i in items]
    learned: dict[str, list[str]] = {}
    for spec in specs:
        groups: dict[str, set[str]] = defaultdict(set)
        for item in items:
            value = item.gold.get(spec.name)
            if value not in (None, ""):
                for label in labels_before(item.text, spec.kind, value):
                    groups[label].add(item.group or item.id)
        support = Counter({label: len(g) for label, g in groups.items()})
        known = {norm(a) for a in spec.aliases}
        printed: dict[str, int] = defaultdict(int)
        for label in support:
            printed[label] = sum(f" {label} " in t for t in texts)
        keep = [
            label for label, n in support.most_common()
            if n >= min_support and n / printed[label] >= min_precision and label not in known
        ]
        if keep:
            learned[spec.name] = keep
    return learned


def candidate(store: Store, evalset: EvalSet, base: PromptConfig, actor: str, **options: Any) -> PromptConfig:
    """A candidate version: ``base`` with the anchors learned from the set's train split. Registered."""
    learned = learn(evalset, **options)
    merged = {name: sorted(set(base.anchors.get(evalset.schema, {}).get(name, [])) | set(labels)) for name, labels in learned.items()}
    anchors = {**base.anchors, evalset.schema: {**base.anchors.get(evalset.schema, {}), **merged}}
    config = base.model_copy(update={"anchors": anchors})
    n = sum(len(v) for v in learned.values())
    return prompts.register(store, config, actor, parent=base.version, note=f"{n} label anchors learned from {evalset.name}@{evalset.version}:train")
