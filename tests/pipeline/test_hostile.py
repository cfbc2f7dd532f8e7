"""Hostile documents: invisible text, injections and Unicode tricks never become auto-accepted values.

The corpus (``tests/pipeline/hostile_corpus.py``) runs through the real pipeline:
the rules path, and the rules + LLM cascade against the fake OpenAI-compatible
server, scripted to answer the injected values whatever the document says.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from reportlab.pdfgen import canvas

from pipeline.config import Settings
from pipeline.ground import ground_candidate
from pipeline.hygiene import comparable, strip_hidden_characters
from pipeline.parsers import ParseOptions, parse_bytes
from pipeline.reasons import Reason
from pipeline.route import route
from pipeline.run import build_pipeline
from pipeline.score import score
from pipeline.state import Candidate, DocumentState, FieldStatus, Page, ParsedDocument, Span, Word
from tests.conftest import make_document
from tests.fakes.openai_server import FakeOpenAI
from tests.pipeline.hostile_corpus import CASES, HONEST_TOTAL, INJECTED, Case, injecting_model, outcome

PDF_TRICKS = {c.name: c for c in CASES if c.media_type == "application/pdf" and c.reason == Reason.invisible}


@pytest.fixture(scope="module")
def rules_results(tmp_path_factory) -> dict[str, tuple[Case, DocumentState]]:
    pipeline = build_pipeline(Settings(home=tmp_path_factory.mktemp("home"), llm_provider="none"), ["rules"])
    return {c.name: (c, pipeline.process(c.data, c.name, "receipt")) for c in CASES}


@pytest.fixture(scope="module")
def llm_results(tmp_path_factory) -> dict[str, tuple[Case, DocumentState]]:
    with FakeOpenAI(injecting_model) as server:
        settings = Settings(
            home=tmp_path_factory.mktemp("home"), llm_provider="openai", llm_base_url=server.base_url, llm_model="fake",
        )
        pipeline = build_pipeline(settings, ["rules", "llm"])
        results = {c.name: (c, pipeline.process(c.data, c.name, "receipt")) for c in CASES}
    assert server.stats.requests > 0  # the model was really asked
    return results


def _check(case: Case, state: DocumentState, reason: Reason) -> None:
    assert state.status != "failed", state.error
    result = outcome(case, state)
    assert result["auto_accepted_injected"] == [], result
    assert result["auto_accepted_invisible"] == [], result
    assert reason in state.fields[case.field].reasons, result
    for name, field in state.fields.items():  # whatever was accepted is what a person sees
        if field.status == FieldStatus.auto_accepted and field.value not in (None, [], ""):
            assert all(s.visible for s in field.evidence), (name, field)


@pytest.mark.parametrize("name", [c.name for c in CASES])
def test_rules_path_accepts_no_injected_or_invisible_value(rules_results, name) -> None:
    case, state = rules_results[name]
    _check(case, state, case.reason)


@pytest.mark.parametrize("name", [c.name for c in CASES])
def test_llm_path_accepts_no_injected_value_the_model_was_told(llm_results, name) -> None:
    case, state = llm_results[name]
    _check(case, state, case.llm_reason)
    if case.reason == Reason.injection:  # the model read the instruction: its answers are suspect
        assert all(Reason.injection in f.reasons for f in state.fields.values() if "llm" in (f.extractor or ""))


@pytest.mark.parametrize("name", sorted(PDF_TRICKS))
def test_visible_total_wins_over_the_hidden_one(rules_results, name) -> None:
    case, state = rules_results[name]
    assert state.fields["total"].value == HONEST_TOTAL
    assert state.fields["date"].value == INJECTED["date"]  # read, kept, and sent to a person
    assert state.fields["date"].status == FieldStatus.needs_review


def _pdf(draw) -> bytes:
    import io

    buf = io.BytesIO()
    cv = canvas.Canvas(buf, pagesize=(300, 400))
    cv.setFont("Helvetica", 10)
    draw(cv)
    cv.save()
    return buf.getvalue()


def _words(data: bytes) -> dict[str, tuple[bool, list[str]]]:
    doc = parse_bytes(data, "application/pdf", ParseOptions())
    page = doc.pages[0]
    return {w.text: (w.visible, page.hidden_reasons(w)) for w in page.words}


def test_each_hiding_trick_is_seen_with_its_reason() -> None:
    def draw(cv: canvas.Canvas) -> None:
        cv.drawString(20, 380, "plain")
        cv.setFillColorRGB(1, 1, 1)
        cv.drawString(20, 360, "whiteonwhite")
        cv.setFillColorRGB(0, 0, 0.5)
        cv.rect(10, 330, 200, 20, fill=1, stroke=0)
        cv.setFillColorRGB(1, 1, 1)
        cv.drawString(20, 335, "whiteonnavy")  # visible: white on a dark box
        cv.setFillColorRGB(0, 0, 0)
        t = cv.beginText(20, 300)
        t.setTextRenderMode(3)
        t.textLine("moderthree")
        t.setTextRenderMode(0)
        cv.drawText(t)
        cv.setFont("Helvetica", 1)
        cv.drawString(20, 280, "onepoint")
        cv.setFont("Helvetica", 10)
        cv.drawString(20, -30, "belowpage")
        cv.drawString(20, 250, "underbox")
        cv.setFillColorRGB(0.9, 0.9, 0.2)
        cv.rect(10, 245, 200, 20, fill=1, stroke=0)
        cv.setFillColorRGB(0, 0, 0)
        cv.drawString(20, 200, "scaled")

    words = _words(_pdf(draw))
    assert words["plain"] == (True, []) and words["whiteonnavy"] == (True, []) and words["scaled"] == (True, [])
    assert words["whiteonwhite"] == (False, ["colour #ffffff on #ffffff"])
    assert words["moderthree"] == (False, ["render mode 3 (invisible)"])
    assert words["onepoint"] == (False, ["font 1 pt"])
    assert words["belowpage"] == (False, ["outside the crop box"])
    assert words["underbox"] == (False, ["covered by an opaque shape or image"])


def test_font_size_counts_the_transform() -> None:
    def draw(cv: canvas.Canvas) -> None:
        cv.saveState()
        cv.scale(0.1, 0.1)
        cv.drawString(200, 3000, "shrunk")  # 10 pt text drawn at a tenth: 1 pt on paper
        cv.restoreState()

    assert _words(_pdf(draw))["shrunk"] == (False, ["font 1 pt"])


def test_hidden_spans_and_visible_offsets() -> None:
    doc = make_document("TOTAL 7.00 TOTAL 9999.99")
    words = [w.model_copy(update={"visible": i < 2}) for i, w in enumerate(doc.pages[0].words)]
    doc = doc.model_copy(update={"pages": [doc.pages[0].model_copy(update={"words": words})]})
    assert doc.hidden_spans == [(11, 16), (17, 24)]
    assert doc.visible(0, 10) and doc.visible(10, 11) and not doc.visible(9, 12) and not doc.visible(18, 20)


def _state(doc: ParsedDocument, candidates: list[Candidate]) -> DocumentState:
    return DocumentState(
        id="d", source="s", sha256="h", size=1, schema_name="receipt", schema_version="1", parsed=doc,
        candidates={"total": [ground_candidate(doc, c, "money") for c in candidates]},
    )


def test_a_strong_hidden_candidate_loses_to_a_weak_visible_one() -> None:
    text = "TOTAL 9999.99\nsubtotal 7.00"
    words = [Word(text="TOTAL", start=0, end=5, visible=False), Word(text="9999.99", start=6, end=13, visible=False)]
    doc = ParsedDocument(text=text, pages=[Page(number=1, start=0, end=len(text), words=words)], parser="pdfium")
    hidden = Candidate(field="total", value="9999.99", raw="9999.99", extractor="rules", signals={"match": 1.0},
                       evidence=[Span(page=1, start=6, end=13, text="9999.99")])
    shown = Candidate(field="total", value="7.00", raw="7.00", extractor="rules", signals={"match": 0.5},
                      evidence=[Span(page=1, start=23, end=27, text="7.00")])
    state = route(score(_state(doc, [hidden, shown])))
    assert state.fields["total"].value == "7.00"
    alone = route(score(_state(doc, [hidden])), default_threshold=0.0)
    assert alone.fields["total"].status == FieldStatus.needs_review and Reason.invisible in alone.fields["total"].reasons


def test_hidden_evidence_moves_to_a_visible_occurrence_of_the_same_value() -> None:
    text = "TOTAL 7.00\nPAID 7.00"
    words = [Word(text="TOTAL", start=0, end=5, visible=False), Word(text="7.00", start=6, end=10, visible=False)]
    doc = ParsedDocument(text=text, pages=[Page(number=1, start=0, end=len(text), words=words)], parser="pdfium")
    c = Candidate(field="total", value="7.00", raw="7.00", extractor="rules", evidence=[Span(page=1, start=6, end=10, text="7.00")])
    grounded = ground_candidate(doc, c, "money")
    assert grounded.signals["visible"] == 1.0 and grounded.evidence[0].start == 16


def test_hidden_characters_are_stripped_with_offsets_kept() -> None:
    doc = make_document("TOTAL \u202eRM\u202c 9\u200b9.00\nDATE x", "page two \ufeffend")
    clean = strip_hidden_characters(doc)
    assert clean.text == "TOTAL RM 99.00\nDATE x\fpage two end"
    for page in clean.pages:
        for w in page.words:
            assert clean.text[w.start:w.end] == w.text
    assert clean.metadata["bidi_override"] is True and clean.metadata["hidden_characters"] == [6, 8, 10, 31]
    assert strip_hidden_characters(make_document("plain")) .metadata == {}


def test_values_compare_nfkc_normalised() -> None:
    assert comparable("\uff19\uff19.\uff10\uff10") == comparable("99.00") and comparable("ＡＢＣ") == comparable("abc")


@pytest.mark.parametrize("value", ["<script>alert(1)</script>", "[click](javascript:alert(1))", "<img src=x onerror=alert(1)>"])
def test_markup_in_a_value_is_flagged_and_never_auto_accepted(value) -> None:
    doc = make_document(f"COMPANY {value}")
    c = Candidate(field="company", value=value, raw=value, extractor="rules", signals={"match": 1.0})
    state = DocumentState(
        id="d", source="s", sha256="h", size=1, schema_name="receipt", schema_version="1", parsed=doc,
        candidates={"company": [ground_candidate(doc, c, "text")]},
    )
    field = route(score(state), default_threshold=0.0).fields["company"]
    assert field.value == value and Reason.markup in field.reasons and field.status == FieldStatus.needs_review


def test_exported_values_carry_no_hidden_characters(rules_results) -> None:
    from pipeline.export import export

    _, state = rules_results["text-zero-width"]
    exported = export(state)
    assert exported["data"]["total"] == "9999.99" and "\u200b" not in str(exported)
    assert exported["fields"]["total"]["status"] == "needs_review"


def test_ocr_free_documents_keep_their_words_visible(tmp_path: Path) -> None:
    """HTML without hiding markup, and DOCX/text, get no invisible words."""
    doc = parse_bytes(b"<html><body><p style='color:#fff;background:#000'>TOTAL 7.00</p></body></html>", "text/html", ParseOptions())
    assert doc.hidden_spans == [] and "TOTAL 7.00" in doc.text


def test_ocr_cross_check_flags_text_the_page_image_does_not_show() -> None:
    case = next(c for c in CASES if c.name == "pdf-white-on-image")
    page = parse_bytes(case.data, case.media_type, ParseOptions()).pages[0]
    agrees = {w.text: w.ocr_agrees for w in page.words}
    assert page.ocr_checked
    assert agrees["01/01/2030"] is False and agrees["9999.99"] is False
    assert agrees["SUNRISE"] is True and agrees["BAKERY"] is True
