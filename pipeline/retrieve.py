"""Which chunks of a long document to show the model for a field: BM25 over the chunks.

A 100-page contract cannot go whole to a small model; the field's own words (its name,
description and printed labels) are the query, the document's chunks the corpus.
Okapi BM25 (``rank_bm25``) weighs rare words ("governed", "expire") above common ones
and damps long chunks, which plain word overlap does not.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING

from pipeline.infer import words
from pipeline.stopwords import english_stop_words
from pipeline.schemas import FieldSpec

if TYPE_CHECKING:
    from rank_bm25 import BM25Okapi


def tokens(text: str) -> list[str]:
    # stems by truncation: "governed"/"governs"/"governing" meet at "gover"
    return [w[:5] for w in re.findall(r"[a-z]{2,}", text.casefold()) if w not in english_stop_words()]


def query(spec: FieldSpec) -> list[str]:
    return tokens(" ".join([*words(spec.name), spec.description, *spec.aliases]))


@lru_cache(maxsize=8)
def _index(texts: tuple[str, ...]) -> BM25Okapi:
    # imported here: it brings NumPy, and a document of one chunk (most receipts) never ranks chunks
    from rank_bm25 import BM25Okapi

    return BM25Okapi([tokens(t) or ["_"] for t in texts])


def bm25_scores(spec: FieldSpec, texts: tuple[str, ...]) -> list[float]:
    """Each chunk's BM25 score for the field, scaled so the best chunk has 1 (all 0 when none match)."""
    if not texts:
        return []
    scores = _index(texts).get_scores(query(spec))
    top = float(max(scores))
    return [float(s) / top if top > 0 else 0.0 for s in scores]
