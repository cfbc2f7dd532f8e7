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
    # a till's OCR spaces the phone number out; it is still one
    assert cues_for(RECEIPT, "( 512 ) 555 - 0199\nAUSTIN TX 78748\nTOTAL 10.96").names == ("documents_us",)
    # or reads a state's O as a zero and adds a mark after the area code
    assert cues_for(RECEIPT, "2250 E Colfax Ave, Denver. C0 80206\n(303): 555-0147\nTOTAL 43.95").names == ("documents_us",)
    assert cues_for(RECEIPT, "Lot C0 80206\nTOTAL 43.95").names == ()


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


def test_a_date_no_region_or_other_date_decides_has_the_other_reading_as_its_rival():
    """Where nothing says how "11-04-2023" reads, day first is a guess: the other reading is
    proposed too, a little weaker, so the choice is not accepted without a person; where the
    region decides (or the day is over 12), there is no rival."""
    spec = next(s for s in field_specs(RECEIPT) if s.name == "date")

    def values(text: str) -> list[str]:
        found = sorted(propose(Context(make_document(text), RECEIPT), spec), key=lambda p: -p.strength)
        return [p.value for p in found]

    plain = US_RECEIPT.replace("(214) 823-7580\n", "")
    assert values(plain) == ["2023-04-11", "2023-11-04"]
    assert values(US_RECEIPT) == ["2023-11-04"]
    assert values(plain.replace("11-04-2023", "25-04-2023")) == ["2023-04-25"]
