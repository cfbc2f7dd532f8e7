"""The base of every document type, and the per-field settings the pipeline reads.

A document type is a pydantic model. Each field carries a description, a type
from ``schemas.types`` (which says its kind: date, money, ...), and optional
settings given with :func:`field`:

- ``aliases``: labels a document may print for it ("Invoice No", "Bill To"),
  used by the rules extractor as anchors;
- ``review_threshold``: confidence below which the field goes to a person.

The type itself may select cue packs (``cues``, see ``pipeline.cues``): regional
or document-specific knowledge the rules extractor uses for it alone.

The pipeline reads all of this from the model's JSON Schema (``x-kind``,
``x-aliases``, ``x-review-threshold``; ``x-cues`` at the top), so a type written
as a JSON Schema file works exactly like one written in Python.
"""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field

from schemas.checks import CrossCheck


def field(
    description: str,
    *,
    aliases: list[str] | None = None,
    review_threshold: float | None = None,
    many: bool = False,
    title: str | None = None,
) -> Any:
    """A schema field with its description, printed labels and review threshold (and a title,
    its name in words, where a user's schema gives one)."""
    extra: dict[str, Any] = {}
    if aliases:
        extra["x-aliases"] = aliases
    if review_threshold is not None:
        extra["x-review-threshold"] = review_threshold
    if many:
        return Field(default_factory=list, title=title, description=description, json_schema_extra=extra)
    return Field(None, title=title, description=description, json_schema_extra=extra)


class DocumentSchema(BaseModel):
    """Base for document types: ``name``/``version`` identify it in exports."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    name: ClassVar[str]
    version: ClassVar[str] = "1"
    title: ClassVar[str] = ""
    keywords: ClassVar[list[str]] = []  # words typical of this type, for --schema auto
    cues: ClassVar[list[str]] = []  # cue packs (pipeline.cues) with this type's regional knowledge
    checks: ClassVar[list[CrossCheck]] = []  # cross-field checks, see schemas.checks
    # the user's JSON Schema a type was built from: exports are written as it declares and checked
    # against it (pipeline.conform)
    source: ClassVar[dict[str, Any] | None] = None
