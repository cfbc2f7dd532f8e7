"""Postal addresses: runs of consecutive lines with address cues (postcodes, street words,
regions, commas)."""

from __future__ import annotations

import re

from pipeline.cues import cues_for
from pipeline.extractors.finding import Context, Proposal
from pipeline.extractors.layout import norm
from pipeline.kinds.base import Kind, implausible_name
from pipeline.kinds.lines import (
    POSTCODE, Look, address_end, address_score, line_rel, look, name_score, names_party, opens, street_words,
)
from pipeline.schemas import FieldSpec
from schemas.types import Address, clean_text

def _continues(ctx: Context, lk: Look, scores: list[float], first: int, k: int) -> bool:
    """Whether line ``k`` carries on the address block that starts at line ``first``: it has
    cues itself, or it is a plain line (a district name) followed by one that has; a line
    with contact details after its address part, or a blank line, ends the block."""
    line, prev = ctx.lines[k], ctx.lines[k - 1]
    if line.page != ctx.lines[first].page or names_party(lk, line) or not address_end(lk, line.text):
        return False
    if ctx.text.count("\n", prev.end, line.start) > 1:
        return False  # a blank line ends a block ("Eugene, OR 97405" | "" | "Billing Period: ...")
    if address_end(lk, prev.text) < len(prev.text):
        return False
    if scores[k] >= 0.3:
        return True
    return k + 1 < len(scores) and scores[k + 1] >= 0.3 and name_score(lk, line.text) >= 0.6


def _tail(ctx: Context, lk: Look, first: int, last: int) -> int:
    """The block's last line, taking in plain lines that carry on the address: a place name
    after a line that ends in a comma ("109, SS21/1A," then "DAMANSARA UTAMA"), and a note in
    brackets right under it, which ends it ("(TESCO PUTRA NILAI)": the mall or shop it is in)."""
    while last - first < 5 and last + 1 < len(ctx.lines):
        line = ctx.lines[last + 1]
        if (
            line.page != ctx.lines[first].page
            or names_party(lk, line)
            or address_end(lk, line.text) < len(line.text)
            or name_score(lk, line.text) < 0.4
        ):
            break
        if re.fullmatch(r"\s*\([^\d()]*\)\s*", line.text):
            return last + 1
        if not ctx.lines[last].text.rstrip().endswith(","):
            break
        last += 1
    return last


def _after_label(spec: FieldSpec, text: str) -> int:
    """Where the address starts on a line that opens with its label: the field's own or a
    shortening of it, after a word or two ("Address:", "HQ ADD:"); 0 without one."""
    m = re.match(r"\s*(?:[^\W\d_]+\s+){0,2}([^\W\d_]{3,})\.?\s*:\s*", text)
    if m and any(a.casefold().startswith(m.group(1).casefold()) for a in spec.aliases):
        return m.end()
    return 0


def _address_shape(lk: Look, first: str, last: str) -> float:
    """How much a block is shaped like a whole address: it opens with a number or street
    ("NO 5, JALAN ...", "12 Main Street") and closes with a postcode or region."""
    opens = bool(re.match(r"(?i)\W*(?:no\b|lot\b|unit\b|\d)", first)) or bool(street_words(lk, set(norm(first).split())))
    closes = bool(POSTCODE.search(last) or lk.region.search(last))
    return (opens + closes) / 2


def find_addresses(ctx: Context, spec: FieldSpec) -> list[Proposal]:
    """Runs of consecutive lines with address cues (postcodes, street words, regions, commas)."""
    lk = look(ctx.cues)
    scores = [address_score(lk, ln.text) for ln in ctx.lines]
    out = []
    i = 0
    while i < len(ctx.lines):
        if not opens(ctx, lk, scores, i):
            i += 1
            continue
        j = i
        while j + 1 < len(ctx.lines) and j - i < 5 and _continues(ctx, lk, scores, i, j + 1):
            j += 1
        while j > i and scores[j] < 0.3:
            j -= 1  # a block ends on a line with cues
        j = _tail(ctx, lk, i, j)
        lines = ctx.lines[i : j + 1]
        spans = [(ln.start + len(ln.text) - len(ln.text.lstrip()), ln.start + address_end(lk, ln.text)) for ln in lines]
        spans[0] = (max(spans[0][0], lines[0].start + _after_label(spec, lines[0].text)), spans[0][1])
        raw = " ".join(ctx.text[s:e] for s, e in spans)
        if re.search(r"[^\W\d_]{2}", raw):  # numbers alone ("10256") are no address
            cues = sum(scores[i : j + 1])
            y = line_rel(ctx, lines[0])
            out.append(
                Proposal(
                    value=clean_text(raw),
                    spans=spans,
                    signals={
                        "cues": min(cues / 1.5, 1.0),
                        "shape": _address_shape(lk, lines[0].text, lines[-1].text),
                        "position": 1.0 - y if y < 0.5 else 0.3,
                    },
                    raw=raw,
                )
            )
        i = j + 1
    return out



class AddressKind(Kind):
    name = "address"
    json_type = Address

    def find(self, ctx, spec):
        return find_addresses(ctx, spec)

    def implausible(self, value, printed):
        return implausible_name(value) or _company_name(str(value))


def _company_name(text: str) -> str | None:
    """An address does not end in a legal form: "OLIVE9 PHARMACY SDN BHD" names the shop whose
    address is asked (a model read it as the address)."""
    end = text.rstrip(" .,")
    if any(m.end() == len(end) for m in look(cues_for(None)).legal.finditer(end)):
        return "a company's name, not an address"
    return None

