"""The agreement's title, as its first page prints it."""

from __future__ import annotations

import re
from collections.abc import Iterator

from pipeline.cues.contracts_us.parties import _PERSON_SIDE, find_party
from pipeline.cues.contracts_us.text import per_value
from pipeline.extractors.finding import Context, Proposal
from pipeline.infer import spelled
from pipeline.schemas import FieldSpec

# a title in capitals ("ADDENDUM TO ZEBRA® PARTNERCONNECT DISTRIBUTOR AGREEMENT", "AMENDMENT NO. 1") or
# in title case ("Split-Dollar Endorsement Agreement"), at most a dozen words, ending in what it is
_UPPER_TITLE = re.compile(
    r"(?:(?:[A-Z0-9][A-Z0-9&®'’.,/()-]*|[-–&])\s+){0,11}"
    r"(?:AGREEMENT|CONTRACT|LICEN[CS]E|LEASE|ADDENDUM|AMENDMENT(?:\s+NO\.?\s*\d+)?|DEED|UNDERTAKING|"
    r"MEMORANDUM\s+OF\s+UNDERSTANDING)\b"
)
_CASED_TITLE = re.compile(
    r"(?:(?:[A-Z][\w&®'’.,/-]*|and|of|for|on|to|the|[-–&])\s+){0,11}"
    r"(?:Agreement|Contract|Licen[cs]e|Lease|Addendum|Amendment|Deed|Undertaking)\b"
)
# words a title never holds: a cover's ("EXHIBIT 10.1", "EXECUTION COPY", "REDACTED."), after which a
# heading starts, and a sentence's ("pursuant to the Supply Agreement"), after which another
# agreement is named; "THIS" opens the preamble's naming of this one
_COVER_WORD = re.compile(
    r"(?i)(?:exhibit|execution|copy|version|confidential|treatment|requested|source|page|form|attachment|"
    r"schedule|annex|appendix|this)|(?!no\.)[^\s]+[.:;]"
)
_SENTENCE_WORD = re.compile(
    r"(?i)that|these|is|are|was|has|have|been|be|will|shall|may|hereby|herein|which|by|with|between|among|"
    r"dated?|made|entered|certain|pursuant|under|in|as|at|from"
)
_JOINER = re.compile(r"(?i)and|of|for|on|to|the|[-–&,]|[\d.()\[\]]+|[ivxlc]+\.")
_TITLE_HEAD = 2500  # characters from the start where a contract prints its title


def _title_start(text: str, start: int, end: int) -> int:
    """Where the title in ``text[start:end]`` begins: after the last word no title holds
    ("EXHIBIT", "THIS", "REDACTED."), and past a number or joiner left at its edge ("10.1")."""
    words = list(re.finditer(r"\S+", text[start:end]))
    cut = max((i + 1 for i, w in enumerate(words[:-1]) if _not_title(w.group())), default=0)
    while cut < len(words) and _JOINER.fullmatch(words[cut].group()):
        cut += 1
    return start + words[cut].start() if cut < len(words) else end


def _not_title(word: str) -> bool:
    word = word.strip(",()")
    return bool(_COVER_WORD.fullmatch(word) or _SENTENCE_WORD.fullmatch(word))


def _running(text: str, start: int, end: int) -> bool:
    """Whether the line ``text[start:end]`` is a running header or footer: printed on three
    pages or more, page numbers aside ("TELKOM CONTRACT No. 076C/01", "Page 2 of 7")."""
    line = re.sub(r"\\d+", r"\\d+", re.escape(text[start:end]))
    return len(re.findall(line, text)) >= 3


def _head_segments(text: str) -> Iterator[tuple[int, int]]:
    """The opening's lines cut at wide gaps (columns: "BW-3 SYSTEMS, INC.      FRANCHISE
    AGREEMENT"), a piece that ends in a comma or a joiner ("ADDENDUM TO") joined to the next."""
    head = text[:_TITLE_HEAD]
    pieces = [(m.start(), m.end()) for m in re.finditer(r"\S+(?:[ \t]{1,2}\S+)*", head)]
    i = 0
    while i < len(pieces):
        s, e = pieces[i]
        while i + 1 < len(pieces) and re.search(r"(?:,|\b(?:TO|OF|AND|FOR|&))$", head[s:e]):
            i += 1
            e = pieces[i][1]
        yield s, e
        i += 1


def find_title(ctx: Context, spec: FieldSpec) -> list[Proposal] | None:
    """The agreement's title, for a field that asks for it ("title", "document_name",
    "agreement_name"): the heading at the top naming the agreement ("DISTRIBUTOR AGREEMENT",
    "Exhibit 10.4 Split-Dollar Endorsement Agreement"), strongest alone on its line, else
    opening a line ("CONSULTING AGREEMENT This Consulting Agreement ..."), else named in the
    preamble ("THIS ENDORSEMENT AGREEMENT (the "Agreement")"). A bare "Agreement" is no
    title, nor a name inside a sentence (another agreement's); a contract that prints none has
    none. A field for the employee (a person's name, text elsewhere, as on a payslip) is the party
    the agreement employs (:func:`find_party`). Other text fields are left to the next finder."""
    if set(spelled(spec.name)) & _PERSON_SIDE:
        return find_party(ctx, spec)
    if not _asks_title(spec):
        return None
    text = ctx.text
    found: list[tuple[object, int, int, dict[str, float]]] = []
    for s, e in _head_segments(text):
        for pattern, typed in ((_UPPER_TITLE, 1.0), (_CASED_TITLE, 0.8)):
            for m in pattern.finditer(text, s, e):
                start = _title_start(text, m.start(), m.end())
                value = " ".join(text[start : m.end()].split())
                if len(value.split()) < 2:
                    continue
                lead = [w for w in text[s:start].split() if not re.fullmatch(r"[\d.()\[\]]+|[-–]", w)]  # "Exhibit 10.1"
                if lead and not _COVER_WORD.fullmatch(lead[-1].strip(",()")):
                    continue  # inside a sentence: another agreement's name ("pursuant to the Supply Agreement")
                # a heading alone on its line, one that opens its line (past a cover's words), one
                # named in the preamble ("THIS ENDORSEMENT AGREEMENT (the "Agreement")"); a running
                # header is the title only where nothing else is
                strength = 0.6 if lead and lead[-1].lower() == "this" else 0.9 if not text[m.end() : e].strip() else 0.75
                if _running(text, s, e):
                    strength = 0.5
                position = 1.0 - s / (2 * _TITLE_HEAD)
                found.append((value, start, m.end(), {"match": strength, "typed": typed, "position": position}))
    # one title in other cases or spacing is one value, printed as its strongest mention
    printed: dict[str, object] = {}
    for value, *_, signals in sorted(found, key=lambda f: -f[3]["match"]):
        printed.setdefault(_folded(value), value)
    return per_value([(printed[_folded(v)], st, en, sig) for v, st, en, sig in found])


def _folded(title: object) -> str:
    """A title compared case-folded without punctuation ("Co-Branding Agreement", "CO-BRANDING AGREEMENT")."""
    return re.sub(r"\W+", " ", str(title).casefold()).strip()


# a field that asks for the document's own name: "title", "document_name", "agreement_title"
_TITLE_FIELD_WORDS = frozenset("document agreement contract title name of the official full".split())


def _asks_title(spec: FieldSpec) -> bool:
    said = spelled(spec.name.rsplit(".", 1)[-1]) if "." not in spec.name else spelled(spec.name)
    return (
        not spec.many
        and set(said) <= _TITLE_FIELD_WORDS
        and ("title" in said or ("name" in said and bool({"document", "agreement", "contract"} & set(said))))
    )
