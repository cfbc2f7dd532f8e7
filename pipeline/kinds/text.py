"""Free text: generically, the words printed after one of the field's labels; for a field that
is one of a few words (an ``enum``), where the document prints one of them. A yes/no field (a
JSON Schema ``boolean``: "mutual", "auto_renews") is a judgement about the document, not words
printed in it: the rules propose nothing for it, the model and people answer it."""

import re

from pipeline.extractors.finding import Context, Proposal
from pipeline.infer import words
from pipeline.kinds.base import Kind
from pipeline.schemas import FieldSpec
from schemas.types import ISO_4217, Text


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


# how a bill says it was paid: card schemes, cash, debit; cue packs add their languages' words
# under "payment_means" ("tarjeta", "efectivo", "espèces")
PAYMENT_MEANS = frozenset(
    "visa mastercard maestro amex discover jcb unionpay diners debit credit card cash eftpos interac "
    "contactless cheque paypal alipay wechat".split()
) | {"american express", "apple pay", "google pay", "master card", "bank transfer", "wire transfer", "gift card"}
# words on such a line that say it is the payment, not how it was made
_NOT_MEANS = frozenset("tend tender tendered paid by payment amount total approved approval auth sale purchase no".split())
_PAYMENT_FIELD = frozenset("method type mode means medium form kind".split())


def _of_payment_means(spec: FieldSpec) -> bool:
    """A field for how a bill was paid: ``payment_method``, ``tender_type``, ``paid_by``, ``payment``."""
    named = words(spec.aliases[0]) if spec.aliases else []
    if not named or not ({"payment", "tender", "paid", "pay"} & set(named)):
        return False
    rest = set(named) - {"payment", "tender", "paid", "pay", "by", "with", "of"}
    return not rest or bool(rest & _PAYMENT_FIELD)


def find_payment_means(ctx: Context, spec: FieldSpec) -> list[Proposal]:
    """How the bill was paid, where it prints a card scheme, cash or debit: the run of words on
    that line that holds it ("MASTERCARD CONTACTLESS £69.54" gives "MASTERCARD CONTACTLESS"),
    without words that only say it is the payment ("VISA TEND"); stronger on a line the field's
    label is on ("Paid by: VISA")."""
    means = ctx.cues.words("payment_means", PAYMENT_MEANS)
    pattern = re.compile(r"(?i)(?<!\w)(?:" + "|".join(re.escape(m) for m in sorted(means, key=len, reverse=True)) + r")(?!\w)")
    labelled = {hit.line.index for hit in ctx.labels(spec)}
    out, seen = [], set()
    for m in pattern.finditer(ctx.text):
        line = ctx.line_at(m.start())
        # the run of words around the match, up to a number, a sign or a column's gap
        run = re.compile(r"[^\W\d_]+(?:[ \t][^\W\d_]+)*")
        for r in run.finditer(ctx.text, line.start, line.end):
            if r.start() <= m.start() < r.end():
                break
        else:
            continue
        kept = [w for w in re.finditer(r"[^\W\d_]+", r.group()) if w.group().casefold() not in _NOT_MEANS and len(w.group()) > 1 and w.group() not in ISO_4217]
        if not kept or (line.index, kept[0].start()) in seen:
            continue
        seen.add((line.index, kept[0].start()))
        start, end = r.start() + kept[0].start(), r.start() + kept[-1].end()
        out.append(Proposal(value=ctx.text[start:end], spans=[(start, end)],
                            signals={"option": 1.0, "labelled": float(line.index in labelled)}))
    return out


class TextKind(Kind):
    name = "text"
    json_type = Text

    def find(self, ctx, spec):
        if _yes_or_no(spec):
            return []
        if spec.options:
            return find_options(ctx, spec)
        if _of_payment_means(spec):
            return find_payment_means(ctx, spec) or super().find(ctx, spec)
        return super().find(ctx, spec)


def _yes_or_no(spec: FieldSpec) -> bool:
    schema = spec.json_schema
    return schema.get("type") == "boolean" or any(o.get("type") == "boolean" for o in schema.get("anyOf", []))
