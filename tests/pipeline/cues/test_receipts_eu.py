"""European till receipts: the pack's labels of the total and its words for cash and change,
chosen by the signs a German, French or Dutch receipt shows."""

from __future__ import annotations

from pipeline.cues import cues_for
from pipeline.extractors.finding import Context
from pipeline.extractors.rules import propose
from pipeline.schemas import field_specs, get_schema
from pipeline.state import Page, ParsedDocument

RECEIPT = get_schema("receipt")

KASSENBON = """\
SPAR Markt
Lindenstr. 4
50674 Köln
05.02.2024 10:01
Milch 1,19
Brot 2,49
Zu zahlen EUR 3,68
Gegeben 10,00
Zurück 6,32
"""


def best(text: str, field: str = "total"):
    """The strongest proposal on the text read line by line, as a text layer gives it."""
    document = ParsedDocument(text=text, pages=[Page(number=1, start=0, end=len(text))], parser="test")
    spec = next(s for s in field_specs(RECEIPT) if s.name == field)
    return max(propose(Context(document, RECEIPT), spec), key=lambda p: p.strength)


def test_two_signs_choose_the_pack_and_a_us_or_malaysian_receipt_does_not():
    assert "receipts_eu" in cues_for(RECEIPT, KASSENBON).names  # "zu zahlen", "EUR", a postcode and its town
    assert "receipts_eu" not in cues_for(RECEIPT, "1420 Elm Street\nSpringfield, IL 62704\nTOTAL 28.34\nCASH 30.00\n").names
    assert "receipts_eu" not in cues_for(RECEIPT, "NO 2, JALAN BAYU\n81750 MASAI, JOHOR\nTOTAL RM 12.50\n").names


def test_the_total_is_read_under_the_regions_label_and_confirmed_by_cash_less_change():
    total = best(KASSENBON)
    assert total.value == "3.68"
    assert total.signals["match"] == 1.0 and total.signals["paid"] == 1.0


def test_french_and_dutch_labels_of_the_amount_to_pay():
    ticket = "MONOPRIX\n12 avenue Foch\n75016 Paris\nPAIN 1,20\nFROMAGE 4,50\nA PAYER 5,70\nCB 5,70\nTVA 5,5% 0,30\n"
    assert best(ticket).value == "5.70" and best(ticket).signals["match"] == 1.0
    bon = "Jumbo\nDorpsstraat 1\n1234 AB Utrecht\nKaas 5,49\nBrood 2,39\nTe betalen 7,88\nPIN 7,88\n"
    assert best(bon).value == "7.88" and best(bon).signals["match"] == 1.0
