"""The cascade: the model is asked only for weak fields, only with relevant chunks, within budget."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from pipeline.chunk import chunk
from pipeline.config import Settings
from pipeline.extract import CHUNKS_PER_FIELD, build_extractors, extract, weak_fields
from pipeline.extractors.base import ExtractionRequest, ExtractionResult, Extractor
from pipeline.extractors.llm import LLMExtractor
from pipeline.ground import locate
from pipeline.state import Candidate, DocumentState, ModelCall, Page, ParsedDocument, Stage
from pipeline.schemas import field_specs, get_schema
from tests.fakes.openai_server import FakeOpenAI, FakeRequest

DATASETS = Path(__file__).resolve().parents[2] / ".." / "shared" / "datasets"
RECEIPT = get_schema("receipt")
RECEIPT_TEXT = (
    "SUNRISE BAKERY SDN BHD\n12 JALAN MERDEKA, 50000 KUALA LUMPUR\n"
    "DATE: 03/04/2019\nBREAD 2 X 3.50 7.00\nTOTAL: RM 7.00\nTHANK YOU"
)


class Fixed(Extractor):
    """A first stage that is sure of some fields and unsure of others; records what it is asked."""

    name = "fixed"

    def __init__(self, found: dict[str, tuple[str, float]]):
        self.found = found  # field -> (printed value, strength of its signal)
        self.requests: list[ExtractionRequest] = []

    def extract(self, request: ExtractionRequest) -> ExtractionResult:
        self.requests.append(request)
        out = []
        for spec in request.fields:
            if spec.name in self.found:
                text, strength = self.found[spec.name]
                span, _ = locate(request.document, text)
                out.append(Candidate(field=spec.name, value=text, raw=text, extractor=self.name, evidence=[span], signals={"match": strength}))
        return ExtractionResult(candidates=out)


def state_of(text: str, chunk_chars: int = 1500) -> DocumentState:
    pages, start = [], 0
    for number, page in enumerate(text.split("\f"), 1):
        pages.append(Page(number=number, start=start, end=start + len(page)))
        start += len(page) + 1
    parsed = ParsedDocument(text=text, pages=pages, parser="text")
    state = DocumentState(id="d", source="d", sha256="d", size=len(text), schema_name="receipt", schema_version="1", parsed=parsed)
    return chunk(state, chunk_chars)


def settings_for(server: FakeOpenAI, tmp_path: Path, **extra: Any) -> Settings:
    return Settings(home=tmp_path, llm_provider="openai", llm_base_url=server.base_url, llm_model="fake", **extra)


def echo_totals(request: FakeRequest) -> dict[str, Any]:
    """A model that answers "total" with the amount after TOTAL when its chunk has one."""
    doc = request.document or ""
    reply: dict[str, Any] = {name: {"quote": None, "value": None} for name in request.fields}
    if "total" in reply and "TOTAL: RM " in doc:
        line = doc[doc.index("TOTAL: RM ") :].splitlines()[0]
        reply["total"] = {"quote": line, "value": line.removeprefix("TOTAL: RM ")}
    return reply


def test_the_model_is_asked_only_for_missing_and_low_fields_and_all_candidates_are_kept(tmp_path):
    first = Fixed({"total": ("7.00", 1.0), "date": ("03/04/2019", 1.0), "company": ("SUNRISE BAKERY SDN BHD", 0.3)})
    with FakeOpenAI(echo_totals) as server:
        settings = settings_for(server, tmp_path)
        state = extract(state_of(RECEIPT_TEXT), [first, LLMExtractor(settings)], RECEIPT, settings)
    assert [f.name for f in first.requests[0].fields] == ["company", "date", "address", "total"]
    assert {f for r in server.log for f in r.fields} == {"company", "address"}  # total and date were sure
    assert [c.extractor for c in state.candidates["company"]] == ["fixed"]  # the model found none: kept anyway
    assert state.stage == Stage.extracted and len(state.model_calls) == len(server.log)
    assert state.provenance["extract"]["asked"]["llm"][0]["fields"] == ["company", "address"]


def test_the_cascade_stops_when_every_field_is_sure(tmp_path):
    sure = Fixed({f.name: (v, 1.0) for f, v in zip(field_specs(RECEIPT), ["SUNRISE BAKERY SDN BHD", "03/04/2019", "12 JALAN MERDEKA", "7.00"])})
    with FakeOpenAI(echo_totals) as server:
        settings = settings_for(server, tmp_path)
        state = extract(state_of(RECEIPT_TEXT), [sure, LLMExtractor(settings)], RECEIPT, settings)
    assert server.stats.requests == 0 and state.model_calls == []
    assert weak_fields(field_specs(RECEIPT), state.candidates, settings) == []


def long_document(pages: int = 40, total_on: int = 27) -> str:
    filler = "Item {n}: assorted goods, packed and shipped in good order. Reference {n:04d}.\n"
    body = []
    for p in range(pages):
        lines = [filler.format(n=p * 10 + i) for i in range(6)]
        if p == total_on:
            lines.insert(3, "TOTAL: RM 1,234.50\n")
        body.append("".join(lines))
    return "\f".join(body)


def test_only_the_chunks_relevant_to_a_field_go_to_the_model_and_never_the_whole_document(tmp_path):
    text = long_document()
    state = state_of(text, chunk_chars=500)
    first = Fixed({"company": ("Item 0", 1.0), "date": ("Item 1", 1.0), "address": ("Item 2", 1.0)})
    with FakeOpenAI(echo_totals) as server:
        settings = settings_for(server, tmp_path)
        out = extract(state, [first, LLMExtractor(settings)], RECEIPT, settings)
    assert len(state.chunks) > 20
    assert 1 <= server.stats.requests <= CHUNKS_PER_FIELD
    sent = [r.document for r in server.log]
    assert any("TOTAL: RM 1,234.50" in s for s in sent)  # the labelled chunk
    assert sum(len(s) for s in sent) < len(text) / 10
    [found] = [c for c in out.candidates["total"] if c.extractor == "llm"]
    assert found.value == "1234.50" and found.evidence[0].text == "1,234.50"


def test_a_weak_candidate_s_position_draws_the_model_there(tmp_path):
    text = long_document(total_on=-1)  # no printed label anywhere
    state = state_of(text, chunk_chars=500)
    target = state.chunks[15]
    weak_total = target.text.split("\n")[1][:20]  # an earlier extractor's unsure guess, inside chunk 15
    first = Fixed({"company": ("Item 0", 1.0), "date": ("Item 1", 1.0), "address": ("Item 2", 1.0), "total": (weak_total, 0.2)})
    with FakeOpenAI(echo_totals) as server:
        settings = settings_for(server, tmp_path)
        extract(state, [first, LLMExtractor(settings)], RECEIPT, settings)
    assert any(r.document == target.text for r in server.log)


def test_the_token_budget_stops_model_calls_and_says_why(tmp_path):
    text = long_document(pages=12, total_on=5)
    state = state_of(text, chunk_chars=400)
    with FakeOpenAI(echo_totals) as server:
        settings = settings_for(server, tmp_path, token_budget_per_document=50)
        out = extract(state, [LLMExtractor(settings)], RECEIPT, settings)
        assert server.stats.requests == 1  # the first call spent more than 50 tokens; no second
        log = out.provenance["extract"]
        assert "token budget per document (50) spent" in log["stopped"] and log["skipped"]
        assert log["tokens"] == sum(c.input_tokens + c.output_tokens for c in out.model_calls) > 50

        earlier = ModelCall(provider="openai", model="fake", prompt_version="x", fields=[], input_tokens=60)
        again = extract(state.model_copy(update={"model_calls": [earlier]}), [LLMExtractor(settings)], RECEIPT, settings)
        assert server.stats.requests == 1  # an earlier attempt already spent it
    assert again.model_calls == [earlier] and again.candidates == {}


def test_rules_then_llm_on_a_real_receipt_asks_the_model_exactly_the_fields_rules_left_weak(tmp_path):
    rows = (DATASETS / "sroie" / "train" / "box" / "X00016469612.txt").read_text(errors="replace").splitlines()
    text = "\n".join(r.split(",", 8)[8] for r in rows if r.count(",") >= 8)
    state = state_of(text)
    with FakeOpenAI() as server:
        settings = settings_for(server, tmp_path)
        rules_only = extract(state, build_extractors(["rules"], settings), RECEIPT, settings)
        weak = {f.name for f in weak_fields(field_specs(RECEIPT), rules_only.candidates, settings)}
        both = extract(state, build_extractors(["rules", "llm"], settings), RECEIPT, settings)
    assert {f for r in server.log for f in r.fields} == weak
    assert {c.extractor for cs in both.candidates.values() for c in cs} == {"rules"}  # the fake model found nothing
    assert both.candidates == rules_only.candidates


def test_build_extractors_passes_settings_to_those_that_take_them(tmp_path):
    settings = Settings(home=tmp_path, llm_provider="openai", llm_base_url="http://127.0.0.1:9/v1")
    rules, llm = build_extractors(["rules", "llm"], settings)
    assert rules.name == "rules" and isinstance(llm, LLMExtractor) and llm.settings is settings
    with pytest.raises(KeyError, match="unknown extractor"):
        build_extractors(["nope"], settings)


def test_a_field_the_document_types_phrasings_read_as_not_stated_is_not_asked_of_the_model(tmp_path):
    """An NDA that states no term: the contract pack's finders read it and found none, which
    is an answer; the model is asked only what they left open or weak (on the Kleister NDAs the
    model otherwise filled the term with an obligation's duration)."""
    from pipeline.extractors.rules import RulesExtractor

    nda = get_schema("nda")
    text = ("MUTUAL NON-DISCLOSURE AGREEMENT\nThis Agreement is entered into as of January 5, 2015 by and between "
            "Acme, Inc., a Delaware corporation, and Beta LLC.\nThis Agreement is governed by the laws of the State "
            "of New York.\nIN WITNESS WHEREOF the parties have signed this Agreement.")
    state = state_of(text).model_copy(update={"schema_name": "nda"})
    with FakeOpenAI(lambda r: {name: {"quote": None, "value": None} for name in r.fields}) as server:
        settings = settings_for(server, tmp_path)
        extract(state, [RulesExtractor(), LLMExtractor(settings)], nda, settings)
    asked = {f for r in server.log for f in r.fields}
    assert "term" not in asked


def test_a_field_the_document_types_phrasings_read_a_value_for_is_not_asked_of_the_model_either(tmp_path):
    """Parties read from a preamble, even weakly, are the contract pack's answer: on contracts
    unlike the dev data the model, asked for weak ones, read another date of the agreement as
    its effective date three times in 77 fields and righted none. A field no phrasing reads
    (payment terms) is still asked."""
    from pipeline.extractors.rules import RulesExtractor
    from pipeline.schemas import model_from_json_schema

    schema = model_from_json_schema({"title": "Agreement summary", "properties": {
        "parties": {"type": "array", "items": {"type": "string"}}, "effective_date": {"type": "string", "format": "date"},
        "governing_law": {"type": "string"}, "payment_terms": {"type": "string"}}})
    text = ("SOFTWARE LICENCE AGREEMENT\nThis Agreement is made by and between Acme, Inc., a Delaware corporation, and "
            "Beta LLC.\nThis Agreement is governed by the laws of the State of New York.\nIN WITNESS WHEREOF the parties "
            "have signed this Agreement.\nACME, INC.\nBy: Jane Roe\nDate: May 1, 2025\nBETA LLC\nBy: John Doe\nDate: May 1, 2025")
    state = state_of(text).model_copy(update={"schema_name": schema.__name__})
    with FakeOpenAI(lambda r: {name: {"quote": None, "value": None} for name in r.fields}) as server:
        settings = settings_for(server, tmp_path)
        extract(state, [RulesExtractor(), LLMExtractor(settings)], schema, settings)
    assert {f for r in server.log for f in r.fields} == {"payment_terms"}


def test_rows_the_tables_extractor_read_are_not_asked_of_the_model(tmp_path):
    """An invoice whose item table the tables extractor read: the model is asked for the weak
    single fields, not again for the rows (a layout it cannot read better from the text, at
    many output tokens); an invoice with no table found still asks it for the rows."""
    from pipeline.extractors.tables import TablesExtractor

    class Table(Extractor):
        name, conclusive = "tables", True

        def extract(self, request: ExtractionRequest) -> ExtractionResult:
            row = {"description": "Support plan", "amount": "80.00"}
            return ExtractionResult(candidates=[Candidate(field="line_items", value=[row], extractor=self.name, signals={"table": 1.0})])

    invoice = get_schema("invoice")
    first, table = Fixed({"total": ("80.00", 1.0)}), Table()
    with FakeOpenAI(lambda r: {name: {"quote": None, "value": None} for name in r.fields}) as server:
        settings = settings_for(server, tmp_path)
        state = state_of("ACME Ltd\nInvoice 7\nSupport plan 80.00\nTotal 80.00").model_copy(update={"schema_name": "invoice"})
        extract(state, [first, table, LLMExtractor(settings)], invoice, settings)
        asked = {f for r in server.log for f in r.fields}
        assert "line_items" not in asked and "issuer" in asked
        server.log.clear()
        extract(state, [first, TablesExtractor(settings), LLMExtractor(settings)], invoice, settings)  # no table here
        assert "line_items" in {f for r in server.log for f in r.fields}
