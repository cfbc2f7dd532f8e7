"""Identifiers (invoice numbers, references): the first word after a label."""

from pipeline.kinds.base import Kind
from pipeline.kinds.text import find_labelled_text
from schemas.types import Identifier


class IdentifierKind(Kind):
    name = "identifier"
    json_type = Identifier

    def find(self, ctx, spec):
        return find_labelled_text(ctx, spec, word=True)
