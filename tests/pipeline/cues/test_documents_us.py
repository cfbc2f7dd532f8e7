"""US documents: numeric dates that read either way are read month first where the document
shows it is from the United States, and day first elsewhere."""

from __future__ import annotations

from pipeline.cues import cues_for
from pipeline.extractors.finding import Context
from pipeline.extractors.rules import propose
from pipeline.kinds.date import in_document_order
from pipeline.schemas import field_specs, get_schema
from tests.conftest import make_document

RECEIPT = get_schema("receipt")

US_RECEIPT = """\
CORNER GROCERY
2001 Greenville Ave
Dallas, TX 75206
(214) 823-7580
BANANAS 0.95
BALANCE 12.41
11-04-2023 14:32
"""


def best_date(text: str) -> str:
    spec = next(s for s in field_specs(RECEIPT) if s.name == "date")
    found = propose(Context(make_document(text), RECEIPT), spec)
    return max(found, key=lambda p: p.strength).value


def test_two_signs_choose_the_pack_and_one_does_not():
    assert cues_for(RECEIPT, US_RECEIPT).names == ("documents_us",)  # a state with its ZIP, a phone
    assert cues_for(RECEIPT, "Dallas, TX 75206\nTotal 12.41").names == ()
    assert cues_for(RECEIPT, "Total S$ 12.41\nSingapore 049315").names == ()  # S$ is no dollar of the US


def test_an_ambiguous_date_on_a_us_document_is_month_first():
    assert best_date(US_RECEIPT) == "2023-11-04"
    assert best_date(US_RECEIPT.replace("(214) 823-7580\n", "")) == "2023-04-11"  # no longer shown as US


def test_the_documents_own_dates_and_dots_outrank_the_region():
    assert best_date(US_RECEIPT + "Member since 25/01/2019\n") == "2023-04-11"  # that date reads only day first
    assert best_date(US_RECEIPT.replace("11-04-2023", "11.04.2023")) == "2023-04-11"


def test_a_models_date_is_read_as_the_document_reads_its_dates():
    cues = cues_for(RECEIPT, US_RECEIPT)
    us = make_document(US_RECEIPT)
    assert in_document_order("11-04-2023", us, cues).isoformat() == "2023-11-04"
    plain = make_document("Total 12.41")
    assert in_document_order("11-04-2023", plain, cues_for(RECEIPT, plain.text)).isoformat() == "2023-04-11"
    assert in_document_order("13-04-2023", us, cues).isoformat() == "2023-04-13"  # only one reading
