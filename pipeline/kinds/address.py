"""Postal addresses: runs of consecutive lines with address cues (postcodes, street words,
regions, commas)."""

from __future__ import annotations

import re
from functools import lru_cache

from pipeline.cues import Cues, cues_for
from pipeline.extractors.finding import Context, Proposal, stacked
from pipeline.extractors.layout import norm
from pipeline.kinds.base import Kind, implausible_name
from pipeline.kinds.organization import party_roles
from pipeline.kinds.lines import (
    POSTCODE, legal_form, Look, address_end, address_score, line_rel, look, name_score, names_party, opens, street_words,
)
from pipeline.schemas import FieldSpec
from schemas.types import Address, clean_text

def _under(ctx: Context, k: int) -> int | None:
    """The line that follows line ``k`` in its block: the next one in text order, unless word
    boxes show it is not under line ``k`` and the next row holds one that is (a PDF prints two
    parties' blocks side by side, their lines taking turns in text order)."""
    line = ctx.lines[k]
    nxt = ctx.lines[k + 1] if k + 1 < len(ctx.lines) else None
    if line.bbox is None or (nxt is not None and nxt.row != line.row and stacked(line, nxt)):
        return nxt.index if nxt else None
    rows = ctx.layout.next_rows(line, 1)
    if not rows:  # the page's last row, or boxes that place no row under another
        return nxt.index if nxt else None
    under = [ln for ln in rows[0].lines if stacked(line, ln)]
    return under[0].index if under else None


def _continues(ctx: Context, lk: Look, scores: list[float], first: int, prev: int, k: int) -> bool:
    """Whether line ``k`` carries on the address block that starts at line ``first`` (``prev``
    the line above it in the block): it has cues itself, or it is a plain line (a district
    name) followed by one that has; a line with contact details after its address part, or a
    blank line, ends the block."""
    line, above = ctx.lines[k], ctx.lines[prev]
    if line.page != ctx.lines[first].page or names_party(lk, line) or not address_end(lk, line.text) or _prose(line.text):
        return False
    if _ITEM.match(line.text):
        return False  # "3. Premises: ...": a numbered item of its own
    if re.search(r"\n[ \t]*\n", ctx.text[above.end : line.start]):
        return False  # a blank line ends a block ("Eugene, OR 97405" | "" | "Billing Period: ...")
    if address_end(lk, above.text) < len(above.text):
        return False
    if scores[k] >= 0.3:
        return True
    nxt = _under(ctx, k)
    return nxt is not None and scores[nxt] >= 0.3 and name_score(lk, line.text) >= 0.6


def _prose(text: str) -> bool:
    """A sentence, not an address line: five words or more in lower case ("This summary forms
    part of the Lease Agreement dated June 20, 2026 ..."); an address has a few at most ("rue de
    la Paix")."""
    return len(re.findall(r"(?<![\w'-])[a-z]{2,}(?![\w'-])", text)) >= 5


def _tail(ctx: Context, lk: Look, block: list[int]) -> list[int]:
    """The block with the plain lines that carry on the address: a place name after a line
    that ends in a comma ("109, SS21/1A," then "DAMANSARA UTAMA"), and a note in brackets right
    under it, which ends it ("(TESCO PUTRA NILAI)": the mall or shop it is in)."""
    while len(block) < 6 and (k := _under(ctx, block[-1])) is not None:
        line = ctx.lines[k]
        if (
            line.page != ctx.lines[block[0]].page
            or names_party(lk, line)
            or address_end(lk, line.text) < len(line.text)
            or name_score(lk, line.text) < 0.4
        ):
            break
        if re.fullmatch(r"\s*\([^\d()]*\)\s*", line.text):
            return block + [k]
        if not ctx.lines[block[-1]].text.rstrip().endswith(","):
            break
        block = block + [k]
    return block


def _after_label(spec: FieldSpec, text: str) -> int:
    """Where the address starts on a line that opens with its label: the field's own or a
    shortening of it, after a word or two ("Address:", "HQ ADD:"); 0 without one."""
    m = re.match(r"\s*(?:[^\W\d_]+\s+){0,2}([^\W\d_]{3,})\.?\s*:\s*", text)
    if m and any(a.casefold().startswith(m.group(1).casefold()) for a in spec.aliases):
        return m.end()
    item = _ITEM.match(text)  # a numbered item's label ("1. Landlord:") is no part of it
    return item.end() if item else 0


def _after_name(lk: Look, line) -> int:
    """Where the address starts on a line that opens with a company's name and a comma ("Maple
    Crest Properties LLC, 500 Elm Street"): after them; the name is the party's, not its address."""
    form = legal_form(lk, line)
    if form is None:
        return line.start
    comma = re.match(r"\s*,\s*", line.text[form[1] :])
    return line.start + form[1] + comma.end() if comma and re.search(r"\d", line.text[form[1] :]) else line.start


# a numbered item's label: "3. Premises:", "(2) Tenant(s):"
_ITEM = re.compile(r"\s*\(?\d{1,2}[.)]\s+[^\W\d_][^:\d]{0,30}:\s*")


def _address_shape(lk: Look, first: str, last: str) -> float:
    """How much a block is shaped like a whole address: it opens with a number or street
    ("NO 5, JALAN ...", "12 Main Street") and closes with a postcode or region."""
    opens = bool(re.match(r"(?i)\W*(?:no\b|lot\b|unit\b|\d)", first)) or bool(street_words(lk, set(norm(first).split())))
    closes = bool(POSTCODE.search(last) or lk.region.search(last))
    return (opens + closes) / 2


def _set_right(ctx: Context, start: int, end: int) -> str:
    """``ctx.text[start:end]`` with each word OCR read unsure that is one letter off one street
    word or region name of the document's cue packs written as that word, in its case: "TANAN"
    and "IAMAN" for "TAMAN", "Selangar" for "Selangor" (RapidOCR on SROIE's scans, at 0.46-0.58).
    Words of five letters or more, one such word only; the printed text (the evidence) stays
    as read, and so does its OCR confidence."""
    text = ctx.text[start:end]
    if ctx.document.ocr_sure(start, end):
        return text
    known = _cue_words(ctx.cues)

    def fix(m: re.Match[str]) -> str:
        word = m.group()
        if ctx.document.ocr_sure(start + m.start(), start + m.end()) or word.casefold() in known:
            return word
        near = [k for k in known if len(k) == len(word) and sum(a != b for a, b in zip(k, word.casefold())) == 1]
        if len(near) != 1:
            return word
        return near[0].upper() if word.isupper() else near[0].title() if word.istitle() else near[0]

    return re.sub(r"(?<![^\W\d_])[^\W\d_]{5,}(?![^\W\d_])", fix, text)


@lru_cache(maxsize=64)
def _cue_words(cues: Cues) -> frozenset[str]:
    """The street words and the words of the region names of the document's cue packs."""
    regions = (w for alt in cues.alternatives("region") if re.fullmatch(r"[a-z ]+", alt) for w in alt.split())
    return frozenset(w for w in (*look(cues).street, *regions) if len(w) >= 5)


def find_addresses(ctx: Context, spec: FieldSpec) -> list[Proposal]:
    """Runs of consecutive lines with address cues (postcodes, street words, regions, commas)."""
    lk = look(ctx.cues)
    # a line is scored as OCR would have read it right ("Selangar DE" names a region)
    scores = [address_score(lk, _set_right(ctx, ln.start, ln.end)) for ln in ctx.lines]
    # a party's address ("consignee_address") is the block under its label where one is printed
    roles = party_roles(ctx, spec)
    labelled = 1.0 in roles.values()
    out = []
    taken: set[int] = set()
    for i in range(len(ctx.lines)):
        if i in taken or not opens(ctx, lk, scores, i) or _prose(ctx.lines[i].text):
            continue
        block = [i]
        while len(block) < 6 and (k := _under(ctx, block[-1])) is not None and _continues(ctx, lk, scores, i, block[-1], k):
            block.append(k)
        while len(block) > 1 and scores[block[-1]] < 0.3:
            block.pop()  # a block ends on a line with cues
        block = _tail(ctx, lk, block)
        taken.update(block)
        lines = [ctx.lines[k] for k in block]
        spans = [(ln.start + len(ln.text) - len(ln.text.lstrip()), ln.start + address_end(lk, ln.text)) for ln in lines]
        spans[0] = (max(spans[0][0], lines[0].start + _after_label(spec, lines[0].text), _after_name(lk, lines[0])), spans[0][1])
        raw = " ".join(ctx.text[s:e] for s, e in spans)
        if re.search(r"[^\W\d_]{2}", raw):  # numbers alone ("10256") are no address
            cues = sum(scores[k] for k in block)
            y = line_rel(ctx, lines[0])
            out.append(
                Proposal(
                    value=clean_text(" ".join(_set_right(ctx, s, e) for s, e in spans)),
                    spans=spans,
                    signals={
                        "cues": min(cues / 1.5, 1.0),
                        "shape": _address_shape(lk, lines[0].text, lines[-1].text),
                        # under a printed label of its own, where on the page says nothing
                        "position": 0.5 if labelled else 1.0 - y if y < 0.5 else 0.3,
                        **({"role": max(roles.get(k, 0.5) for k in block)} if labelled else {}),
                    },
                    raw=raw,
                )
            )
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

