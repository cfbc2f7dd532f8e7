"""The base of every value kind; see :mod:`pipeline.kinds`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from pipeline.extractors.finding import Context, Proposal, find_labelled_text
from schemas.types import clean_text

if TYPE_CHECKING:
    from pipeline.schemas import FieldSpec


class Kind:
    """One kind of value. Subclasses set the class attributes and override what differs.

    - ``parse(text)``: the typed value printed as ``text``, or None when it is not of this kind;
    - ``json_type``: the pydantic type of a value (for document types written as JSON Schema);
    - ``grounding``: a regex of substrings worth parsing when locating a typed value in the
      text; None for text kinds, which are located by their words;
    - ``hint``: how the prompt describes the value to a model (None: the description suffices);
    - ``find`` / ``find_many``: the generic finder for a single value / a list (any document
      type; cue packs add region- or document-specific ones before it).
    """

    name: ClassVar[str]
    json_type: ClassVar[Any] = None
    grounding: ClassVar[str | None] = None
    hint: ClassVar[str | None] = None

    def parse(self, text: Any) -> Any:
        return clean_text(text)

    def find(self, ctx: Context, spec: FieldSpec) -> list[Proposal] | None:
        """Proposals for a single value; by default the text printed after one of the field's labels."""
        return find_labelled_text(ctx, spec, self.parse or clean_text)

    def find_many(self, ctx: Context, spec: FieldSpec) -> list[Proposal] | None:
        """Proposals for the items of a list field; None (no generic finder) by default."""
        return None
