"""US contracts (NDAs, filings): governing law, term, parties and the agreement's date.

Contracts state these in a handful of stock phrasings, so each finder reads the
phrase, not a label: "governed by ... the laws of the State of New York",
"shall expire two (2) years from the date hereof", "by and between Acme, Inc.,
a Delaware corporation (the "Company"), and ...", "entered into as of
January 1, 2020". A cue pack: a document type that selects ``contracts_us``
gets these finders for its ``jurisdiction``, ``term``, list-of-``organization``
fields, and its ``date`` fields whose aliases speak of the agreement's date.

Signals (all 0..1) say how strong the evidence is, not how much we hope:
``match`` is the strength of the phrase that anchored the value, ``typed``
whether the value parsed/validated as its kind, ``position`` how near the
start of the document it sits (contracts state parties and dates up front),
``share`` the part of all mentions that agree with the value, ``support`` (for
parties) how many preamble mentions back the name. The rules extractor adds
``unique``; the scorer calibrates them all.

One concern per module: ``law`` (governing law), ``dates`` (the agreement's date),
``periods`` (term, renewal, notice), ``expiration``, ``parties``, ``title``; ``text`` holds
what they share.
"""

from __future__ import annotations

import re

from pipeline.cues.contracts_us.dates import find_contract_date, find_defined_date
from pipeline.cues.contracts_us.expiration import find_expiration
from pipeline.cues.contracts_us.law import find_jurisdiction
from pipeline.cues.contracts_us.parties import find_parties, find_party
from pipeline.cues.contracts_us.periods import find_period
from pipeline.cues.contracts_us.title import find_title
from pipeline.extractors.finding import Context, Proposal
from pipeline.schemas import FieldSpec

# chosen for plain schemas about these (pipeline.cues.packs_about): the phrasings are
# those of contracts in English, not of one region's documents
TOPICS = frozenset("agreement agreements contract contracts nda lease license licence loan loans tenancy mortgage promissory".split())

# different marks of a contract (two are needed, see pipeline.cues.MIN_SIGNS): a type that
# names no pack gets these phrasings for a document that reads as an agreement
SIGNS = (
    r"(?i)\bthis\s+(?:[\w-]+\s+){0,3}agreement\b",
    r"(?i)\bin\s+witness\s+whereof\b",
    r"(?i)\bgoverned\s+by\b|\bgoverning\s+law\b",
    r"(?i)\b(?:hereinafter|hereto|hereunder|whereas)\b",
    r"(?i)\bentered\s+into\b|\bby\s+and\s+between\b",
)


# a date field about the agreement itself: "effective date", "agreement date", "date signed", "start date"
_CONTRACT_ALIAS = re.compile(
    r"(?i)\b(?:effective|entered\s+into|made\s+as\s+of|dated\s+as\s+of|agreement|contract|signed|signing|execution|executed|"
    r"start|starts|starting|commencement|commences|begins|beginning)\b"
)


# a date field about when the agreement ends: "expiration date", "termination date", "end date", "valid until"
_EXPIRY_ALIAS = re.compile(r"(?i)\b(?:expir\w*|terminat\w*|end|ends|ending|until)\b")


def find_date(ctx: Context, spec: FieldSpec) -> list[Proposal] | None:
    """A date the contract defines under the field's label ("(the "Maturity Date")"), where it
    defines one; else contract dates (fields whose aliases say "effective as of", "entered into
    as of", ...) are read from the agreement's own phrasing, expiration dates from its term;
    other date fields are left to the generic finder."""
    if defined := find_defined_date(ctx, spec):
        return defined
    if any(_EXPIRY_ALIAS.search(a) for a in spec.aliases):
        return find_expiration(ctx, spec)
    if any(_CONTRACT_ALIAS.search(a) for a in spec.aliases):
        return find_contract_date(ctx, spec)
    return None


FINDERS = {
    ("jurisdiction", False): find_jurisdiction,
    ("term", False): find_period,
    ("organization", True): find_parties,
    ("organization", False): find_party,
    ("date", False): find_date,
    ("text", False): find_title,
}
