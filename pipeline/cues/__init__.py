"""Cue packs: regional, vendor or document-type knowledge that a document type, or the document, selects.

A pack is a small declarative module:

- ``WORDS``: name -> words (``{"street": {"jalan", "taman"}}``), added to the generic
  words a kind's finder uses under that name;
- ``PATTERNS``: name -> regex alternatives (``{"legal_form": (r"sdn\\.?\\W{0,2}b[hn]d",)}``);
- ``FINDERS``: ``(kind, many)`` -> ``finder(ctx, spec)``, asked before the kind's generic
  finder; a finder returning None leaves the field to the next one;
- ``LABELS``: an English label -> how the region prints it (``{"total": ("jumlah",)}``),
  looked for too wherever a field's labels hold that English one;
- ``SIGNS``: regexes, each a different mark of a document the pack is for: from its region
  ("Sdn Bhd", a state's name, "RM 12.50") or of its topic ("IN WITNESS WHEREOF");
- ``DATE_ORDER``: how the region writes numeric dates that read either way (``"MDY"``);
- ``CURRENCY``: the region's one currency (``"USD"``), for a document that prints none;
- ``NAMES``: words and phrases of the region's languages that a schema's field names are
  written in -> the English they stand for (``{"gesamtbetrag": "total amount"}``).

A schema whose field names are written in a regional pack's ``NAMES`` (``MIN_SIGNS`` names
or more: ``lieferant``, ``rechnungsdatum``) chooses that pack, and its names are read in
English (``written_in``, ``in_english``). A document type selects packs by name (``cues = ["receipts_my"]`` on a Python type,
``"x-cues": [...]`` in a JSON Schema file). A plain schema that says nothing of packs gets
the packs whose ``TOPICS`` (words for a kind of document, not a region: "agreement",
"contract") occur in its title or description, see ``packs_about``. Regional packs declare
no topics: a type chooses one by name. The document can choose too, by the signs it shows
(``MIN_SIGNS`` different ones): a type that names no regional pack gets the regional packs a
document shows, so a user's own receipt schema reads a Malaysian receipt's "Jalan" as a
street; a type that names no pack at all ("Deal sheet") also gets the topic packs a document
shows. Packs are found here or under the entry-point group ``docloop.cues`` and imported
when first needed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property, lru_cache
from types import ModuleType
from typing import Any, Callable

from pipeline.infer import words
from pipeline.plugins import Registry

PACKS = Registry(
    "docloop.cues",
    {
        "receipts_my": "pipeline.cues.receipts_my",
        "invoices_eu": "pipeline.cues.invoices_eu",
        "receipts_eu": "pipeline.cues.receipts_eu",
        "contracts_us": "pipeline.cues.contracts_us",
        "documents_us": "pipeline.cues.documents_us",
        "invoices_in": "pipeline.cues.invoices_in",
        "invoices_latam": "pipeline.cues.invoices_latam",
        "documents_ca": "pipeline.cues.documents_ca",
        "documents_jp": "pipeline.cues.documents_jp",
        "documents_eurozone": "pipeline.cues.documents_eurozone",
    },
)


@dataclass(frozen=True)
class Cues:
    """The packs one document type selects, merged."""

    names: tuple[str, ...] = ()

    @cached_property
    def packs(self) -> list[ModuleType]:
        return [PACKS.load(n) for n in self.names]

    def words(self, name: str, generic: frozenset[str] = frozenset()) -> frozenset[str]:
        """``generic`` and every selected pack's words under ``name``."""
        return self._merged_words(name, generic)

    def _merged_words(self, name: str, generic: frozenset[str]) -> frozenset[str]:
        cache = self.__dict__.setdefault("_words", {})
        key = (name, generic)
        if key not in cache:
            cache[key] = generic.union(*(getattr(p, "WORDS", {}).get(name, ()) for p in self.packs))
        return cache[key]

    def labels(self, aliases: tuple[str, ...]) -> tuple[str, ...]:
        """The selected packs' printed forms (``LABELS``) of the English labels in ``aliases``:
        "Gesamtbetrag" for a field labelled "total", "Tarikh" for one labelled "date"."""
        said = set(aliases)
        found = (t for p in self.packs for key, ts in getattr(p, "LABELS", {}).items() if key in said for t in ts)
        return tuple(t for t in dict.fromkeys(found) if t not in said)

    def alternatives(self, name: str) -> tuple[str, ...]:
        """Every selected pack's regex alternatives under ``name``, in pack order."""
        return tuple(a for p in self.packs for a in getattr(p, "PATTERNS", {}).get(name, ()))

    @cached_property
    def month_first(self) -> bool:
        """Whether a selected pack says the region writes ambiguous numeric dates month first."""
        return any(getattr(p, "DATE_ORDER", "DMY") == "MDY" for p in self.packs)

    @cached_property
    def regional(self) -> bool:
        """Whether a selected pack is a region's (it declares no ``TOPICS``): the region says
        how its numeric dates read, day first unless its ``DATE_ORDER`` says otherwise."""
        return any(not getattr(p, "TOPICS", ()) for p in self.packs)

    @cached_property
    def currency(self) -> str | None:
        """The one currency the selected packs' regions use (``CURRENCY``); None where they name none or several."""
        named = {c for p in self.packs if (c := getattr(p, "CURRENCY", None))}
        return named.pop() if len(named) == 1 else None

    def finders(self, kind: str, many: bool) -> list[Callable[..., Any]]:
        """The packs' finders for fields of this kind (lists or single values), in pack order."""
        return [f for p in self.packs if (f := getattr(p, "FINDERS", {}).get((kind, many)))]


def packs_about(text: str) -> list[str]:
    """The packs whose ``TOPICS`` name what ``text`` (a schema's title and description) is about,
    in words however they are joined ("ContractSummary", a pydantic model's title)."""
    said = set(words(text))
    return [name for name in PACKS.names() if said & set(getattr(PACKS.load(name), "TOPICS", ()))]


MIN_SIGNS = 2  # one mention ("a supplier in Penang") does not make a document regional


def _regional(name: str) -> bool:
    return not getattr(PACKS.load(name), "TOPICS", ())


def shows(name: str, text: str) -> bool:
    """Whether ``text`` shows at least ``MIN_SIGNS`` of the pack's different signs."""
    signs = getattr(PACKS.load(name), "SIGNS", ())
    return sum(1 for sign in signs if re.search(sign, text)) >= MIN_SIGNS


def cues_for(schema: Any, text: str | None = None) -> Cues:
    """The cue packs a document type selects (its ``cues`` list); with the document's
    ``text``, also the packs whose signs it shows, of each sort (regional, topic) the type
    names none of."""
    named = tuple(getattr(schema, "cues", ()) or ())
    if text is None:
        return _cues(named)
    regional_named = any(_regional(n) for n in named)
    shown = tuple(
        n for n in PACKS.names()
        if n not in named and not (regional_named if _regional(n) else named) and shows(n, text)
    )
    return _cues(named + shown)


@lru_cache(maxsize=64)
def _cues(names: tuple[str, ...]) -> Cues:
    return Cues(names)


def written_in(names: list[str]) -> list[str]:
    """The regional packs whose ``NAMES`` at least ``MIN_SIGNS`` of a schema's field ``names``
    use: a schema written in the region's language is about its documents."""
    return [
        n for n in PACKS.names()
        if _regional(n) and sum(1 for name in names if in_english(name, _names(n))) >= MIN_SIGNS
    ]


def glossary(packs: list[str]) -> dict[str, str]:
    """The ``NAMES`` of ``packs``, merged."""
    return {k: v for n in packs for k, v in _names(n).items()}


def _names(pack: str) -> dict[str, str]:
    return getattr(PACKS.load(pack), "NAMES", {})


_LONGEST = 3  # words in the longest phrase of a pack's NAMES ("date de facture")


def in_english(name: str, names: dict[str, str]) -> str | None:
    """A field name in the English its words stand for, longest phrases first (``date_facture``
    -> "invoice date", ``nama_kedai`` -> "shop name"); None where none of its words are in ``names``."""
    said, out, i = words(name), [], 0
    while i < len(said):
        n = next((n for n in range(min(_LONGEST, len(said) - i), 0, -1) if " ".join(said[i : i + n]) in names), 0)
        out.append(names[" ".join(said[i : i + n])] if n else said[i])
        i += n or 1
    return " ".join(out) if out != said else None
