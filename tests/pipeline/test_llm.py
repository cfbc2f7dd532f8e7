"""The LLM extractor: answers become candidates with evidence and honest signals; calls are recorded."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest

from pipeline.config import Settings
from pipeline.extractors.base import ExtractionRequest
from pipeline.extractors.llm import LLMExtractor, value_probabilities
from pipeline.ground import ground_candidate
from pipeline.prompting import PROMPT_VERSION
from pipeline.providers import ProviderError, get_provider
from pipeline.score import candidate_confidence
from pipeline.state import Chunk, Page, ParsedDocument
from pipeline.schemas import field_specs, get_schema
from tests.fakes.openai_server import FakeOpenAI, FakeRequest, FaultPlan

RECEIPT = get_schema("receipt")
FIELDS = field_specs(RECEIPT)
SPEC = {s.name: s for s in FIELDS}
TEXT = (
    "SUNRISE BAKERY SDN BHD\n12 JALAN MERDEKA, 50000 KUALA LUMPUR\n"
    "DATE: 03/04/2019\nBREAD 2 X 3.50 7.00\nTOTAL: RM 7.00\nTHANK YOU"
)


def document(text: str = TEXT) -> ParsedDocument:
    return ParsedDocument(text=text, pages=[Page(number=1, start=0, end=len(text))], parser="text")


def request(text: str = TEXT, fields=FIELDS) -> ExtractionRequest:
    doc = document(text)
    return ExtractionRequest(doc, RECEIPT, list(fields), [Chunk(index=0, start=0, end=len(text), pages=[1], text=text)])


def answer(**fields: tuple[str | None, str | None]):
    """A scripted model: the given (quote, value) per field, null for the rest it was asked."""

    def reply(req: FakeRequest) -> dict[str, Any]:
        return {name: dict(zip(("quote", "value"), fields.get(name, (None, None)))) for name in req.fields}

    return reply


def extractor(server: FakeOpenAI, tmp_path: Path, **options: Any) -> LLMExtractor:
    settings = Settings(
        home=tmp_path, llm_provider="openai", llm_base_url=server.base_url, llm_model="fake",
        llm_price_in_per_mtok=1.0, llm_price_out_per_mtok=4.0, llm_max_retries=1,
    )
    return LLMExtractor(settings, **options)


def by_field(candidates) -> dict[str, Any]:
    return {c.field: c for c in candidates}


def test_a_correct_answer_becomes_candidates_with_evidence_and_a_recorded_call(tmp_path):
    script = answer(date=("DATE: 03/04/2019", "03/04/2019"), total=("TOTAL: RM 7.00", "RM 7.00"),
                    company=("SUNRISE BAKERY SDN BHD", "Sunrise Bakery Sdn Bhd"))
    with FakeOpenAI(script) as server:
        result = extractor(server, tmp_path).extract(request())
    got = by_field(result.candidates)
    assert set(got) == {"date", "total", "company"}  # a null answer is no candidate
    assert got["date"].value == "2019-04-03" and got["total"].value == "7.00"
    for c in got.values():
        [span] = c.evidence
        assert TEXT[span.start:span.end] == span.text == c.raw
        assert c.signals["quote_found"] == 1.0 and c.signals["value_in_quote"] >= 0.95
        assert c.extractor == "llm" and c.signals["model"] == pytest.approx(0.6)
    assert got["date"].evidence[0].text == "03/04/2019" and got["total"].evidence[0].text == "7.00"
    [call] = result.model_calls
    assert call.ok and call.provider == "openai" and call.model == "fake" and call.prompt_version == PROMPT_VERSION
    assert call.fields == [s.name for s in FIELDS] and call.chunk == 0 and not call.cache_hit
    assert (call.input_tokens, call.output_tokens) == (server.stats.prompt_tokens, server.stats.completion_tokens)
    assert call.cost_usd == pytest.approx((call.input_tokens * 1.0 + call.output_tokens * 4.0) / 1e6)


def test_a_value_not_in_the_document_gets_no_evidence_and_cannot_be_accepted(tmp_path):
    # a real quote with an invented value, and an invented quote with an invented value
    script = answer(total=("TOTAL: RM 7.00", "RM 70.00"), date=("DATE: 09/09/2020", "09/09/2020"))
    with FakeOpenAI(script) as server:
        got = by_field(extractor(server, tmp_path).extract(request()).candidates)
    total, date = got["total"], got["date"]
    assert total.signals["quote_found"] == 1.0 and total.signals["value_in_quote"] == 0.0
    assert date.signals["quote_found"] == 0.0 and date.signals["value_in_quote"] == 0.0
    doc = document()
    for c in (total, date):
        assert c.evidence == [] and c.raw is None
        assert candidate_confidence(c, SPEC[c.field]) < 0.3
        assert ground_candidate(doc, c, SPEC[c.field].kind).signals["grounded"] == 0.0


def test_a_value_found_only_outside_its_quote_is_half_backed(tmp_path):
    script = answer(total=("BREAD 2 X 3.50", "7.00"))  # 7.00 is printed, just not in that quote
    with FakeOpenAI(script) as server:
        [c] = extractor(server, tmp_path).extract(request()).candidates
    assert c.signals["quote_found"] == 1.0 and c.signals["value_in_quote"] == 0.5
    assert c.evidence[0].text == "7.00"


def test_token_logprobs_become_a_per_field_value_probability(tmp_path):
    def logprob(token: str) -> float:
        return -2.0 if any(ch.isdigit() for ch in token) else -0.01  # unsure about the digits

    script = answer(total=("TOTAL: RM 7.00", "RM 7.00"), company=("SUNRISE BAKERY SDN BHD", "SUNRISE BAKERY SDN BHD"))
    with FakeOpenAI(script, logprob=logprob) as server:
        settings = Settings(home=tmp_path, llm_provider="openai", llm_base_url=server.base_url, llm_model="fake")
        got = by_field(LLMExtractor(settings, provider=get_provider(settings, logprobs=True)).extract(request()).candidates)
    assert server.log[0].body["logprobs"] is True
    assert got["company"].signals["logprob"] > 0.95 > got["total"].signals["logprob"]


def test_value_probabilities_average_the_tokens_of_each_value():
    content = '{"a": {"quote": "x", "value": "12"}, "b": [{"quote": "y", "value": "z"}]}'
    tokens = [(content[i : i + 2], -0.1) for i in range(0, len(content), 2)]
    i = content.index('"12"')
    tokens = [(t, -1.0 if j * 2 >= i and j * 2 < i + 4 else lp) for j, (t, lp) in enumerate(tokens)]
    probs = value_probabilities(content, tokens, ["a", "b"])
    assert probs["a"] == pytest.approx(math.exp(-1.0), abs=1e-3)
    assert probs["b"] == pytest.approx(math.exp(-0.1), abs=1e-3)
    assert value_probabilities(content, tokens, ["b", "a"]) == probs  # whatever order the model wrote
    assert value_probabilities(content, tokens[:-1], ["a"]) == {}  # tokens that do not spell the content


def test_a_repeated_chunk_is_answered_from_the_cache_for_free(tmp_path):
    script = answer(total=("TOTAL: RM 7.00", "RM 7.00"))
    with FakeOpenAI(script) as server:
        first = extractor(server, tmp_path).extract(request())
        again = extractor(server, tmp_path).extract(request())  # a new process would see the same file
        assert server.stats.requests == 1
        other = extractor(server, tmp_path).extract(request(fields=[SPEC["total"]]))  # other fields: a new question
        assert server.stats.requests == 2
    [call] = again.model_calls
    assert call.cache_hit and call.ok and call.cost_usd == 0 and call.input_tokens == call.output_tokens == 0
    assert again.candidates == first.candidates
    assert not other.model_calls[0].cache_hit


def test_provider_failures_are_recorded_not_raised_unless_asked(tmp_path):
    with FakeOpenAI(answer(), FaultPlan(server_error=1.0)) as server:
        two_chunks = request()
        two_chunks.chunks = [two_chunks.chunks[0], two_chunks.chunks[0].model_copy(update={"index": 1})]
        result = extractor(server, tmp_path).extract(two_chunks)
        assert result.candidates == [] and len(result.model_calls) == 2  # the second chunk was still tried
        assert all(not c.ok and "InternalServerError" in c.error for c in result.model_calls)
        with pytest.raises(ProviderError) as failure:
            extractor(server, tmp_path, raise_transient=True).extract(request())
        assert not failure.value.permanent
    with FakeOpenAI(answer(), FaultPlan(garbage=1.0)) as server:  # permanent: recorded even when asked to raise
        [call] = extractor(server, tmp_path, raise_transient=True).extract(request()).model_calls
    assert not call.ok and call.input_tokens > 0 and "invalid answer" in call.error


def test_an_answer_invalid_after_its_re_asks_keeps_the_fields_that_validate(tmp_path):
    script = answer(total=("TOTAL: RM 7.00", "RM 7.00"), date=("DATE: 03/04/2019", "the third of never"))
    with FakeOpenAI(script) as server:
        llm = extractor(server, tmp_path)
        llm.provider.logprobs = True
        result = llm.extract(request())
        assert server.stats.requests == 2  # asked, re-asked once (llm_max_retries=1), still invalid
    [total] = result.candidates
    assert total.field == "total" and total.value == "7.00" and total.signals["logprob"] > 0.9
    [call] = result.model_calls
    assert call.ok and "invalid fields dropped (date)" in call.error
    assert call.input_tokens == server.stats.prompt_tokens


def test_the_loop_guard_knows_a_loop_from_an_answer():
    """A short period repeated over the guard's span is a loop; varied text, or a repeat too
    short to fill the span, is not."""
    from pipeline.providers.embedded import LOOP_SPAN, looping

    answer = list(range(200))
    assert not looping(answer)
    assert looping(answer + [7, 8, 9, 10] * (LOOP_SPAN // 4 + 1))
    assert not looping(answer + [7, 8, 9, 10] * (LOOP_SPAN // 4 - 1))
    assert looping([5] * (LOOP_SPAN + 1)) and not looping([5] * LOOP_SPAN)




@pytest.mark.model
def test_the_embedded_model_reads_a_short_receipt(tmp_path):
    """The default embedded model (Qwen2.5-Coder 1.5B) in process: one call for the fields,
    recorded with its tokens at cost 0, and the company, date and total read right and
    grounded in the text, each with the model's token probability."""
    settings = Settings(home=tmp_path, llm_provider="embedded")
    llm = LLMExtractor(settings, cache=False)
    result = llm.extract(request(TEXT))
    [call] = result.model_calls
    assert call.ok, call.error
    assert call.provider == "embedded" and call.model.startswith("qwen2.5-coder-1.5b")
    assert call.input_tokens > 0 and call.output_tokens > 0 and call.cost_usd == 0
    values = {c.field: c for c in result.candidates}
    assert values["date"].value == "2019-04-03" and values["total"].value == "7.00"
    assert "SUNRISE BAKERY" in values["company"].value
    for c in values.values():
        assert c.evidence and c.evidence[0].text in TEXT
        assert 0.0 < c.signals["logprob"] <= 1.0


def test_a_date_answer_is_read_as_the_document_writes_its_dates(tmp_path):
    """The model's "11-04-2023" on a receipt from Dallas is the 4th of November, as the rules read it."""
    text = "CORNER GROCERY\nDallas, TX 75206\n(214) 823-7580\nDATE: 11-04-2023\nTOTAL: $ 7.00"
    with FakeOpenAI(answer(date=("DATE: 11-04-2023", "11-04-2023"))) as server:
        [c] = extractor(server, tmp_path).extract(request(text)).candidates
    assert (c.value, c.raw) == ("2023-11-04", "11-04-2023")
