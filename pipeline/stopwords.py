"""English stop words, without the cost of importing scikit-learn.

scikit-learn's list is the one used everywhere here (chunk relevance, BM25 queries, names
that are lone common words), but importing any part of scikit-learn loads SciPy: a second
of start-up for a frozenset. So its module of stop words is read on its own.
"""

from __future__ import annotations

import importlib.util
from functools import lru_cache
from pathlib import Path


@lru_cache(maxsize=1)
def english_stop_words() -> frozenset[str]:
    spec = importlib.util.find_spec("sklearn")  # finds the package without importing it
    path = Path(spec.origin).parent / "feature_extraction" / "_stop_words.py"
    loader = importlib.util.spec_from_file_location("_sklearn_stop_words", path)
    module = importlib.util.module_from_spec(loader)
    loader.loader.exec_module(module)
    return frozenset(module.ENGLISH_STOP_WORDS)
