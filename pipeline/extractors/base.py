"""The one interface every extractor implements, and the registry that names them.

An extractor reads a parsed document (and its chunks) and proposes, per field,
candidate values with evidence spans and the signals behind them. It never
decides confidence or routing: the scorer and router do that from the signals,
so extractors can be mixed in a cascade and compared fairly.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import Any, ClassVar

from pipeline.plugins import Registry
from pipeline.state import Candidate, Chunk, ModelCall, ParsedDocument
from schemas.base import DocumentSchema
from pipeline.schemas import FieldSpec


@dataclass
class ExtractionRequest:
    """What an extractor is asked: these fields of this document, from these chunks."""

    document: ParsedDocument
    schema: type[DocumentSchema]
    fields: list[FieldSpec]
    chunks: list[Chunk]
    hints: dict[str, Any] = field(default_factory=dict)  # learned or configured, per field


@dataclass
class ExtractionResult:
    candidates: list[Candidate] = field(default_factory=list)
    model_calls: list[ModelCall] = field(default_factory=list)
    # fields a document type's phrasings (a cue pack's finder) answered, with a value or with
    # "not stated": the cascade does not ask a later reader to overturn them
    settled: set[str] = field(default_factory=set)


class Extractor(ABC):
    """An extractor; the class attributes are its declared extension points, which the
    cascade (``pipeline.extract``) and the workers read instead of probing for attributes."""

    name: ClassVar[str]
    every_field: ClassVar[bool] = False  # asked for every field, not only the weak ones (cheap, its agreement is evidence)
    spends_tokens: ClassVar[bool] = False  # called per chunk and metered against the token budget
    # the fields it reads are not asked of a token-spending extractor after it (tables: rows read
    # by their layout, which a model reading the text cannot read better, at many output tokens)
    conclusive: ClassVar[bool] = False
    raise_transient: bool = False  # surface transient failures (queue workers retry) instead of recording them

    @abstractmethod
    def extract(self, request: ExtractionRequest) -> ExtractionResult:
        """Candidates for ``request.fields``; a field with no candidate is simply absent."""


EXTRACTORS = Registry(
    "docloop.extractors",
    {
        "rules": "pipeline.extractors.rules:RulesExtractor",
        "memory": "pipeline.extractors.memory:MemoryExtractor",
        "llm": "pipeline.extractors.llm:LLMExtractor",
        "tables": "pipeline.extractors.tables:TablesExtractor",
    },
)
"""Extractors by name (``--extractors rules,llm``); packages add theirs under ``docloop.extractors``."""


def register(name: str):
    """Class decorator: makes an extractor available by name at run time."""

    def wrap(cls):
        cls.name = name
        EXTRACTORS.add(name, cls)
        return cls

    return wrap


def extractor_class(name: str) -> type[Extractor]:
    """The class registered as ``name`` (imported on first use); KeyError for unknown names."""
    cls = EXTRACTORS.load(name)
    cls.name = name
    return cls


def create(name: str, **options: Any) -> Extractor:
    return extractor_class(name)(**options)
