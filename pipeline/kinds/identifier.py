"""Identifiers (invoice numbers, references): the first word after a label."""

import re

from pipeline.extractors.finding import find_labelled_text
from pipeline.kinds.base import Kind
from schemas.types import Identifier


class IdentifierKind(Kind):
    name = "identifier"
    hint = "the code or number exactly as printed, without its label"
    json_type = Identifier

    def find(self, ctx, spec):
        return find_labelled_text(ctx, spec, self.parse, word=True)

    def implausible(self, value, printed):
        """Identifiers carry a digit: "an" or "at" after "Invoice" is a word, not a number."""
        text = str(value).strip()
        if not re.search(r"\d", text):
            return "identifier without a digit"
        if len(re.sub(r"\W", "", text)) < 2:
            return "identifier too short"
        return None
