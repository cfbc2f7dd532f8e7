"""Why a field waits for a person: the typed reasons routing attaches to a field.

Members are strings (``StrEnum``), so stored and exported reasons stay plain
text and older runs' reasons compare equal to them. A cross-field check adds
its own message after ``Reason.cross_field``.
"""

from __future__ import annotations

from enum import StrEnum


class Reason(StrEnum):
    not_found = "not found"
    not_grounded = "not grounded in the document"
    validator_failed = "validator failed"
    disagree = "extractors or candidates disagree"
    weak = "weak evidence"
    low_confidence = "confidence below the threshold"  # nothing else wrong: just not sure enough
    further_items = "uncertain further items"
    audit = "audit sample"
    cross_field = "cross-field check failed"
    made_to_add_up = "chosen so that a cross-field check holds"  # not as first read: a person confirms
    implausible = "not plausibly of its kind"  # an identifier that is a word, an amount like a page number
    model_disagrees = "the model reads another value"  # the second reader, asked, disagrees
    model_only = "only the model read it"  # no other reader agrees; calibrations were fitted on the rules'
    shared_evidence = "read from the same words as another field"  # a due date that is the issue date's
    date_order = "day and month order guessed"  # "04/02/24" where nothing says which comes first
    ocr_unsure = "read by OCR with low confidence"  # a scan's word tesseract was unsure of
    # hostile input (issue: invisible text, prompt injection, Unicode tricks)
    invisible = "invisible text"  # the value's only evidence is text a person cannot see
    ocr_mismatch = "text layer differs from the page image"  # the OCR of the rendered page reads otherwise
    hidden_characters = "bidi control or zero-width characters"  # stripped from the value
    foreign_digits = "digits from another script"  # converted, never silently accepted
    injection = "instruction-like text near the value"  # e.g. "ignore previous instructions"
    markup = "markup in the value"  # HTML/Markdown/script: kept as text, flagged
