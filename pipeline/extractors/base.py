"""The one interface every extractor implements, and the registry that names them.

An extractor reads a parsed document (and its chunks) and proposes, per field,
candidate values with evidence spans and the signals behind them. It never
decides confidence or routing: the scorer and router do that from the signals,
so extractors can be mixed in a cascade and compared fairly.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import Any, Callable, ClassVar

from pipeline.state import Candidate, Chunk, ModelCall, ParsedDocument
from schemas.base import DocumentSchema
from schemas.registry import FieldSpec


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


class Extractor(ABC):
    name: ClassVar[str]

    @abstractmethod
    def extract(self, request: ExtractionRequest) -> ExtractionResult:
        """Candidates for ``request.fields``; a field with no candidate is simply absent."""


_REGISTRY: dict[str, Callable[..., Extractor]] = {}


def register(name: str):
    """Class decorator: makes an extractor available by name (``--extractors rules,llm``)."""

    def wrap(cls):
        cls.name = name
        _REGISTRY[name] = cls
        return cls

    return wrap


def create(name: str, **options: Any) -> Extractor:
    # importing the built-in modules registers them
    from pipeline.extractors import llm, memory, rules, tables  # noqa: F401

    if name not in _REGISTRY:
        raise KeyError(f"unknown extractor {name!r}; known: {', '.join(sorted(_REGISTRY))}")
    return _REGISTRY[name](**options)
