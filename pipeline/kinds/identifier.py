"""Identifiers (invoice numbers, references): the first word after a label."""

from pipeline.extractors.finding import find_labelled_text
from pipeline.kinds.base import Kind
from schemas.types import Identifier


class IdentifierKind(Kind):
    name = "identifier"
    json_type = Identifier

    def find(self, ctx, spec):
        return find_labelled_text(ctx, spec, self.parse, word=True)
