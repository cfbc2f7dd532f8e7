from pipeline.ground import ground_candidate, locate, verify
from pipeline.state import Candidate, Span
from tests.conftest import make_document

DOC = make_document("ACME TRADING SDN BHD\nDate: 25 DEC 2018\nTOTAL RM 8,000.00\n", "valid for three (3) years")


def test_typed_money_grounds_formatted_amount():
    span, strength = locate(DOC, "8000", "money", "8000.00")
    assert span.text == "8,000.00" and strength == 1.0
    assert DOC.text[span.start : span.end] == span.text and span.page == 1


def test_typed_date_and_term_ground_their_printed_forms():
    assert locate(DOC, None, "date", "2018-12-25")[0].text == "25 DEC 2018"
    span, _ = locate(DOC, None, "term", "3 years")
    assert span.text == "three (3) years" and span.page == 2


def test_text_grounds_case_insensitively_then_fuzzily():
    assert locate(DOC, "acme trading sdn bhd", "organization")[1] == 0.95
    span, strength = locate(DOC, "ACME TRADlNG SDN BHD", "organization")
    assert 0.9 <= strength < 1 and span.text.startswith("ACME TRAD")


def test_value_not_in_document_is_not_grounded():
    assert locate(DOC, "Globex Corporation", "organization") is None
    cand = Candidate(field="total", value="9999.00", raw="9999.00", extractor="llm")
    grounded = ground_candidate(DOC, cand, "money")
    assert grounded.signals["grounded"] == 0.0 and grounded.evidence == []


def test_a_derived_value_keeps_its_inputs_as_evidence_but_is_not_grounded():
    """A value computed from printed ones (a contract's date plus its term) is printed nowhere:
    its evidence shows the inputs to a reviewer, and grounded = 0 keeps it from auto-acceptance."""
    doc = make_document("Effective as of March 3, 2015, for a period of five (5) years.")
    inputs = [Span(page=1, start=s, end=s + len(t), text=t) for t in ("March 3, 2015", "five (5) years") for s in [doc.text.index(t)]]
    cand = Candidate(field="expiration_date", value="2020-03-03", raw="", extractor="rules", evidence=inputs, signals={"derived": 1.0})
    grounded = ground_candidate(doc, cand, "date")
    assert grounded.signals["grounded"] == 0.0
    assert [s.text for s in grounded.evidence] == ["March 3, 2015", "five (5) years"]


def test_stale_evidence_is_dropped_and_relocated():
    wrong = Span(page=1, start=0, end=4, text="NOPE")
    cand = Candidate(field="total", value="8000.00", raw="RM 8,000.00", extractor="rules", evidence=[wrong])
    grounded = ground_candidate(DOC, cand, "money")
    assert grounded.signals["grounded"] == 1.0
    assert all(verify(DOC, s) for s in grounded.evidence)
    assert grounded.evidence[0].text == "RM 8,000.00"  # the raw text it was read from


def test_span_has_union_bbox_of_its_words():
    span, _ = locate(DOC, "ACME TRADING", "organization")
    assert span.bbox is not None and span.bbox[0] == 0 and span.bbox[2] >= len("ACME TRADING")
