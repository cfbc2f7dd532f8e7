"""Learned anchors: what people confirmed on earlier documents of the same issuer or layout.

After review, each confirmed field of a document is remembered with its *anchor*: the
value as printed, the label printed before it (on its line, or on the line above), where
in the document it sat, and how many words it took. Documents are matched by their
header (the first lines, where an issuer prints its name, address and registration),
compared with rapidfuzz's token-set ratio, so no issuer is named anywhere.

On a new document the extractor looks up the most similar remembered documents and,
per field, proposes

(a) a remembered value that occurs in this document (issuer details repeat: names,
    addresses, currencies), located exactly where possible, and
(b) the text at a remembered anchor: the same label, the same number of words after it,
    read with the field kind's parser (dates and totals change per document, but an
    issuer prints them in the same place).

Signals (0..1): ``memory`` (header similarity of the best supporting document),
``memory_votes`` (the similarity-weighted share of the similar documents that support
the value), ``memory_value`` (how exactly a remembered value was found) and
``memory_anchor`` (how well the label matched, less the distance from the remembered
position). The calibration learns per field how far to trust them; this extractor
decides nothing.

The store is a small interface (:class:`MemoryStore`: ``add``, ``similar``) kept in
process and appended to one JSON-lines file per schema, so a database can back it later.
"""

from __future__ import annotations

import bisect
import json
import re
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from pydantic_core import to_jsonable_python
from rapidfuzz import fuzz, process, utils

from pipeline.config import Settings
from pipeline.extractors.base import ExtractionRequest, ExtractionResult, Extractor, register
from pipeline.ground import locate, span_at
from pipeline.kinds import is_typed, parser
from pipeline.state import Candidate, ParsedDocument
from pipeline.schemas import FieldSpec

HEADER_LINES = 10
HEADER_CHARS = 800
SIMILAR_MIN = 75.0  # token-set ratio (0..100) from which two headers count as one issuer/layout
NEIGHBOURS = 5
LABEL_MIN = 90.0  # partial ratio for a remembered label to count as printed on a line
LABEL_WORDS = 3  # a label is the last words before the value: earlier ones often vary
OCCURRENCES = 4  # places remembered per confirmed value
FORGOTTEN = "forgotten"  # the key of a tombstone line in a memory file
_LINE = re.compile(r"[^\n\f]+")
_TOKEN = re.compile(r"\S+")


def typed(kind: str, value: Any) -> Any:
    """A printed value as the JSON candidates carry (ISO dates, decimal strings); as given
    when the kind's parser cannot read it."""
    parse = parser(kind)
    parsed = parse(value) if parse else value
    return to_jsonable_python(parsed if parsed is not None else value)


def header(text: str) -> str:
    """The first non-empty lines: what identifies an issuer or a layout."""
    lines = [ln.strip() for ln in _LINE.findall(text) if ln.strip()]
    return "\n".join(lines[:HEADER_LINES])[:HEADER_CHARS]


@dataclass
class Anchor:
    """One confirmed value of a field and where it was printed."""

    value: Any  # typed, JSON-ready (as candidates carry it)
    raw: str  # as printed
    label: str = ""  # the words before it; empty when there were none to trust
    above: bool = False  # the label is on the line before the value's
    lead: int = 0  # words before the value on its own line (when the label is above)
    position: float = 0.0  # line index / last line index
    words: int = 0


@dataclass
class Memory:
    """One reviewed document: its header and its confirmed fields."""

    key: str
    schema: str
    header: str
    fields: dict[str, list[Anchor]] = field(default_factory=dict)

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> Memory:
        fields = {name: [Anchor(**a) for a in anchors] for name, anchors in raw["fields"].items()}
        return cls(**{**raw, "fields": fields})


class MemoryStore:
    """Remembered documents per schema; a document remembered again replaces its entry.

    With a ``folder``, entries are appended to ``<schema>.jsonl`` there and read back
    on opening (the last entry of a key wins; a tombstone entry removes the key).
    """

    def __init__(self, folder: Path | None = None):
        self.folder = folder
        self._docs: dict[str, dict[str, Memory]] = defaultdict(dict)
        for path in sorted(folder.glob("*.jsonl")) if folder is not None and folder.exists() else []:
            for line in path.read_text(encoding="utf-8").splitlines():
                raw = json.loads(line)
                if raw.get(FORGOTTEN):
                    self._docs[raw["schema"]].pop(raw["key"], None)
                    continue
                memory = Memory.from_json(raw)
                self._docs[memory.schema][memory.key] = memory

    def __len__(self) -> int:
        return sum(len(d) for d in self._docs.values())

    def add(self, memory: Memory) -> None:
        self._docs[memory.schema][memory.key] = memory
        self._append(memory.schema, asdict(memory))

    def forget(self, schema: str, key: str) -> None:
        """Drop a remembered document (a review of it was taken back). The file is only
        appended to, so a tombstone line makes the store forget it when read again."""
        self._docs[schema].pop(key, None)
        self._append(schema, {"key": key, "schema": schema, FORGOTTEN: True})

    def _append(self, schema: str, entry: dict[str, Any]) -> None:
        if self.folder is not None:
            self.folder.mkdir(parents=True, exist_ok=True)
            with (self.folder / f"{schema}.jsonl").open("a", encoding="utf-8") as f:
                f.write(json.dumps(entry, ensure_ascii=False, default=str) + "\n")

    def similar(
        self, schema: str, head: str, limit: int = NEIGHBOURS, minimum: float = SIMILAR_MIN
    ) -> list[tuple[Memory, float]]:
        """The remembered documents whose header is most like ``head``, with similarity 0..1."""
        docs = list(self._docs[schema].values())
        hits = process.extract(
            head, [d.header for d in docs], scorer=fuzz.token_set_ratio, processor=utils.default_process,
            limit=limit, score_cutoff=minimum,
        )
        return [(docs[i], score / 100.0) for _, score, i in hits]


# -- learning --------------------------------------------------------------------------


class _Lines:
    """A document's lines (between newlines and page breaks) with their offsets."""

    def __init__(self, text: str):
        self.text = text
        self.spans = [(m.start(), m.end()) for m in _LINE.finditer(text)]
        self.starts = [s for s, _ in self.spans]
        self.texts = [text[s:e] for s, e in self.spans]

    def index(self, offset: int) -> int:
        return max(bisect.bisect_right(self.starts, offset) - 1, 0)

    def position(self, i: int) -> float:
        return i / max(len(self.spans) - 1, 1)


def _label(text: str) -> str:
    """The last few words of ``text`` when they hold enough letters to be a label."""
    label = " ".join(text.split()[-LABEL_WORDS:])
    return label if sum(c.isalpha() for c in label) >= 3 else ""


def anchor(text: str, value: Any, start: int, end: int, lines: _Lines | None = None) -> Anchor:
    """The anchor of a value printed at ``text[start:end]``."""
    lines = lines or _Lines(text)
    i = lines.index(start)
    before = text[lines.spans[i][0] : start] if lines.spans else ""
    raw = text[start:end]
    label = _label(before)
    above = not label and i > 0 and bool(_label(lines.texts[i - 1]))
    return Anchor(
        value=value, raw=raw, label=_label(lines.texts[i - 1]) if above else label, above=above,
        lead=len(before.split()) if above else 0, position=lines.position(i), words=len(raw.split()),
    )


def _pattern(raw: str) -> str | None:
    """A regex for printed words in order across any whitespace, not inside longer words."""
    words = raw.split()
    if not words:
        return None
    pattern = (r"(?<!\w)" if words[0][0].isalnum() else "") + r"\s+".join(map(re.escape, words))
    return pattern + (r"(?!\w)" if words[-1][-1].isalnum() else "")


def remember(
    store: MemoryStore, document: ParsedDocument, schema: str, key: str,
    confirmed: dict[str, list[tuple[Any, int, int] | tuple[Any, None, None]]],
) -> Memory:
    """Remember a reviewed document: per field, (typed value, start, end) of each confirmed
    value (offsets None when it is not printed; it is then kept without an anchor).

    A value printed more than once (a total repeated as the amount paid) gets an anchor at
    each place, the confirmed one first: which label is *the* label is learned across
    documents, where the places stop agreeing.
    """
    lines = _Lines(document.text)
    fields: dict[str, list[Anchor]] = {}
    for name, items in confirmed.items():
        anchors = []
        for value, s, e in items:
            if s is None or e is None:
                anchors.append(Anchor(value=value, raw=str(value)))
                continue
            pattern = _pattern(document.text[s:e])
            again = re.finditer(pattern, document.text) if pattern else ()
            places = [(s, e)] + [(m.start(), m.end()) for m in again if m.start() != s]
            anchors += [anchor(document.text, value, a, b, lines) for a, b in places[:OCCURRENCES]]
        if anchors:
            fields[name] = anchors
    memory = Memory(key=key, schema=schema, header=header(document.text), fields=fields)
    store.add(memory)
    return memory


def find(document: ParsedDocument, raw: str, kind: str, value: Any) -> tuple[int, int, float] | None:
    """Where a printed value occurs: its words in order across any whitespace (line breaks
    included), exact case first; else :func:`pipeline.ground.locate` (typed, then fuzzy)."""
    pattern = _pattern(raw)
    for flags, score in ((0, 1.0), (re.IGNORECASE, 0.95)) if pattern else ():
        m = re.search(pattern, document.text, flags)
        if m:
            return m.start(), m.end(), score
    hit = locate(document, raw or None, kind, value)
    return (hit[0].start, hit[0].end, hit[1]) if hit else None


# -- proposing -------------------------------------------------------------------------


def _read(text: str, tokens: list[re.Match], words: int, kind: str) -> tuple[Any, int, int] | None:
    """The value in the first ``words`` tokens (typed kinds: the longest run near that
    width that parses), with its offsets."""
    widths = [words] if not is_typed(kind) else [*range(words, 0, -1), words + 1]
    for n in widths:
        if n <= 0 or n > len(tokens):
            continue
        start, end = tokens[0].start(), tokens[n - 1].end()
        parsed = (parser(kind) or parser("text"))(text[start:end])
        if parsed is not None:
            return typed(kind, text[start:end]), start, end
    return None


def at_anchor(lines: _Lines, a: Anchor, kind: str) -> tuple[Any, int, int, float] | None:
    """The value printed at anchor ``a`` in a document, and how well it matched (0..1)."""
    texts = lines.texts
    best = None
    for _, ratio, i in process.extract(a.label, texts, scorer=fuzz.partial_ratio, score_cutoff=LABEL_MIN, limit=None):
        found = fuzz.partial_ratio_alignment(a.label, texts[i])
        if found is None or found.src_end - found.src_start < 0.9 * len(a.label):
            continue  # only a piece of the label is on this line
        target = i + 1 if a.above else i
        if target >= len(texts):
            continue
        begin = lines.spans[target][0] + (0 if a.above else found.dest_end)
        tokens = list(_TOKEN.finditer(lines.text, begin, lines.spans[target][1]))[a.lead if a.above else 0 :]
        read = _read(lines.text, tokens, max(a.words, 1), kind) if tokens else None
        if read is None:
            continue
        score = ratio / 100.0 * (1.0 - abs(lines.position(i) - a.position))
        if best is None or score > best[3]:
            best = (*read, score)
    return best


@dataclass
class _Proposal:
    value: Any
    start: int
    end: int
    signals: dict[str, float] = field(default_factory=dict)
    anchored: bool = False  # the evidence is an anchor's place
    sources: dict[str, float] = field(default_factory=dict)  # remembered document -> its similarity

    def learned_from(self) -> list[str]:
        """The remembered documents that support the value, most similar first."""
        return sorted(self.sources, key=lambda k: (-self.sources[k], k))


def _words_at(text: str, start: int, end: int) -> tuple[int, int]:
    """A fuzzy match widened to whole words (an alignment may cut the first or last one)."""
    while 0 < start < len(text) and not text[start - 1].isspace() and not text[start].isspace():
        start -= 1
    while end < len(text) and not text[end].isspace() and end > 0 and not text[end - 1].isspace():
        end += 1
    return start, end


def _key(kind: str, value: Any) -> str:
    """Values that are the same: typed ones as typed, text ignoring case, spacing and punctuation."""
    if is_typed(kind):
        return str(value)
    return re.sub(r"[\W_]+", "", str(value).casefold())


def propose(
    document: ParsedDocument, lines: _Lines, spec: FieldSpec, neighbours: list[tuple[Memory, float]]
) -> list[_Proposal]:
    """Values for one field from the similar documents that recorded it."""
    recorded = [(m, s) for m, s in neighbours if m.fields.get(spec.name)]
    weight = sum(s for _, s in recorded)
    if not weight:
        return []
    found: dict[str, _Proposal] = {}

    def support(value: Any, start: int, end: int, supporters: dict[str, float], votes: float, signal: str, strength: float) -> None:
        p = found.setdefault(_key(spec.kind, value), _Proposal(value, start, end))
        if signal == "memory_anchor" and not p.anchored:  # the anchor's place explains the value best
            p.start, p.end, p.anchored = start, end, True
        p.sources.update(supporters)
        p.signals["memory"] = max(p.signals.get("memory", 0.0), *supporters.values())
        p.signals["memory_votes"] = max(p.signals.get("memory_votes", 0.0), min(votes / weight, 1.0))
        p.signals[signal] = max(p.signals.get(signal, 0.0), strength)

    # (a) a remembered value printed here too, when at least half the similar documents had it
    by_value: dict[str, dict[str, tuple[Anchor, float]]] = defaultdict(dict)  # value -> document -> anchor
    for memory, sim in recorded:
        for a in memory.fields[spec.name]:
            by_value[_key(spec.kind, a.value)].setdefault(memory.key, (a, sim))
    for by_doc in by_value.values():
        sims = [s for _, s in by_doc.values()]
        if sum(sims) < weight / 2:
            continue  # the field varies between these documents: a coincidence, not a memory
        a = next(iter(by_doc.values()))[0]
        hit = find(document, a.raw, spec.kind, a.value)
        if hit is None or (is_typed(spec.kind) and hit[2] < 1.0):
            continue  # a date or amount printed a little differently is another date or amount
        # the confirmed value, even where this print differs a little (an OCR slip): people
        # confirmed it, and ``memory_value`` says how exactly it was found here
        start, end = _words_at(document.text, hit[0], hit[1])
        support(a.value, start, end, {key: s for key, (_, s) in by_doc.items()}, sum(sims), "memory_value", hit[2])

    # (b) the text at remembered anchors (not for list items: their lengths vary too much);
    # a document's vote is shared among the places it remembered the value at
    if not spec.many:
        votes: dict[str, float] = defaultdict(float)
        best: dict[str, tuple[Any, int, int, float, dict[str, float]]] = {}
        for memory, sim in recorded:
            anchors = memory.fields[spec.name]
            for a in anchors:
                hit = at_anchor(lines, a, spec.kind) if a.label else None
                if hit is None:
                    continue
                key = _key(spec.kind, hit[0])
                votes[key] += sim / len(anchors)
                if key not in best or hit[3] > best[key][3]:
                    best[key] = (*hit, {})
                best[key][4][memory.key] = sim
        for key, (value, start, end, score, supporters) in best.items():
            support(value, start, end, supporters, votes[key], "memory_anchor", score)
    if is_typed(spec.kind):
        # dates and amounts change per document: a remembered one printed here again but not
        # where the issuer prints this field is most likely a coincidence (a price, a due date)
        for p in found.values():
            p.signals.setdefault("memory_anchor", 0.0)
    return list(found.values())


@register("memory")
class MemoryExtractor(Extractor):
    """Proposes what reviewers confirmed on similar documents; cheap, so asked for every field
    (its agreement with the other extractors is itself evidence)."""

    every_field: ClassVar[bool] = True

    def __init__(self, settings: Settings | None = None, store: MemoryStore | None = None):
        if store is None:
            store = MemoryStore(settings.home / "memory" if settings is not None else None)
        self.store = store

    def extract(self, request: ExtractionRequest) -> ExtractionResult:
        document = request.document
        neighbours = self.store.similar(request.schema.name, header(document.text))
        if not neighbours:
            return ExtractionResult()
        lines = _Lines(document.text)
        candidates = []
        for spec in request.fields:
            for p in propose(document, lines, spec, neighbours):
                span = span_at(document, p.start, p.end)
                if is_typed(spec.kind) and _key(spec.kind, typed(spec.kind, span.text)) != _key(spec.kind, p.value):
                    continue  # not grounded here: the evidence reads as something else (8.10 inside a date 8.10.2019)
                signals = {k: round(min(max(v, 0.0), 1.0), 4) for k, v in p.signals.items()}
                candidates.append(
                    Candidate(field=spec.name, value=p.value, raw=span.text, extractor=self.name, evidence=[span], signals=signals,
                              learned_from=p.learned_from())
                )
        return ExtractionResult(candidates=candidates)
