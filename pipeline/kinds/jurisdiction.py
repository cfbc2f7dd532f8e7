"""Jurisdictions (a governing law's state or country). Generically the text after a label;
contract phrasings ("governed by the laws of ...") are the ``contracts_us`` cue pack's."""

from pipeline.kinds.base import Kind
from schemas.types import Jurisdiction


class JurisdictionKind(Kind):
    name = "jurisdiction"
    json_type = Jurisdiction
