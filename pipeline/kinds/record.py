"""Nested records (an invoice's line items): a value made of fields, asked of models whole."""

from pipeline.kinds.base import Kind


class RecordKind(Kind):
    name = "object"
    parse = None  # a record is not read from one printed string

    def find(self, ctx, spec):
        return None
