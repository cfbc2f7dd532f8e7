"""Labelled datasets for evaluation, one module per dataset, behind one shape.

A dataset module defines ``NAME``, ``SCHEMA`` (a document type name), ``load(root)``
yielding :class:`Example` and ``normalise(field, value)`` giving the comparable form
of a value under that dataset's own metric. Splits are by a hash of the example id,
so they are stable and never share a document.
"""

from __future__ import annotations

import hashlib
import importlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

from pipeline.state import ParsedDocument

DEFAULT_ROOT = Path(__file__).resolve().parents[2] / ".." / "shared" / "datasets"
NAMES = ("sroie", "kleister_nda", "parsee_invoices", "cuad")


@dataclass
class Example:
    id: str
    gold: dict[str, Any]  # field -> value as labelled (list for repeated fields)
    path: Path | None = None  # the original file, when the pipeline should parse it
    parsed: ParsedDocument | None = None  # pre-parsed text (e.g. OCR rows shipped with the set)
    meta: dict[str, Any] = field(default_factory=dict)


def split_of(example_id: str, test_share: float = 0.3) -> str:
    """'train' or 'test', stable per id."""
    h = int(hashlib.sha256(example_id.encode()).hexdigest()[:8], 16) / 0xFFFFFFFF
    return "test" if h < test_share else "train"


def dataset(name: str):
    if name not in NAMES:
        raise KeyError(f"unknown dataset {name!r}; known: {', '.join(NAMES)}")
    return importlib.import_module(f"eval.datasets.{name}")


SPLITS = ("train", "test")


def examples(name: str, root: Path = DEFAULT_ROOT, split: str | None = None) -> Iterator[Example]:
    """The examples of a dataset, or of one split of it (None: all)."""
    if split is not None and split not in SPLITS:  # a typo must not read as an empty dataset
        raise ValueError(f"unknown split {split!r}; known: {', '.join(SPLITS)} (omit it for all examples)")
    for ex in dataset(name).load(root / name):
        if split is None or split_of(ex.id) == split:
            yield ex
