"""Free text: generically, the words printed after one of the field's labels."""

from pipeline.kinds.base import Kind
from schemas.types import Text


class TextKind(Kind):
    name = "text"
    json_type = Text
