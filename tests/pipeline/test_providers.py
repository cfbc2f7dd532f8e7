"""Providers against real HTTP servers on 127.0.0.1: retries, re-asks, faults, request shapes."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import instructor
import pytest

from pipeline.config import Settings
from pipeline.prompting import build_messages, response_model
from pipeline.providers import ProviderError, get_provider
from pipeline.providers.base import retry_after_s
from pipeline.schemas import field_specs, get_schema
from tests.fakes.openai_server import FakeOpenAI, FakeRequest, FaultPlan

RECEIPT = get_schema("receipt")
FIELDS = tuple(field_specs(RECEIPT))
MODEL = response_model(RECEIPT, FIELDS)
TEXT = "SUNRISE BAKERY SDN BHD\nDATE: 03/04/2019\nTOTAL: RM 7.00"
MESSAGES = build_messages(RECEIPT, list(FIELDS), TEXT)


def good(_: FakeRequest | None = None) -> dict[str, Any]:
    return {
        "company": {"quote": "SUNRISE BAKERY SDN BHD", "value": "SUNRISE BAKERY SDN BHD"},
        "date": {"quote": "DATE: 03/04/2019", "value": "03/04/2019"},
        "address": {"quote": None, "value": None},
        "total": {"quote": "TOTAL: RM 7.00", "value": "RM 7.00"},
    }


def provider(server: FakeOpenAI, **settings: Any):
    options = {"llm_provider": "openai", "llm_base_url": server.base_url, "llm_model": "fake", "llm_api_key": "x", **settings}
    return get_provider(Settings(**options))


def test_a_correct_answer_is_validated_with_the_schema_types_and_counted():
    with FakeOpenAI(good) as server:
        done = provider(server).complete(MESSAGES, MODEL)
    assert str(done.parsed.date.value) == "2019-04-03" and str(done.parsed.total.value) == "7.00"
    assert done.parsed.address.value is None
    assert (done.input_tokens, done.output_tokens) == (server.stats.prompt_tokens, server.stats.completion_tokens)
    assert done.attempts == 1 and json.loads(done.content) == good()
    sent = server.log[0].body
    assert sent["model"] == "fake" and sent["temperature"] == 0
    assert sent["response_format"]["type"] == "json_schema"
    assert server.log[0].fields == ["company", "date", "address", "total"]


@pytest.mark.parametrize("mode", [instructor.Mode.TOOLS, instructor.Mode.JSON])
def test_tool_and_json_modes_for_servers_without_structured_output(mode):
    with FakeOpenAI(good) as server:
        settings = Settings(llm_provider="openai", llm_base_url=server.base_url, llm_model="fake")
        done = get_provider(settings, mode=mode).complete(MESSAGES, MODEL)
    body = server.log[0].body
    if mode is instructor.Mode.TOOLS:
        assert sorted(body["tools"][0]["function"]["parameters"]["required"]) == ["address", "company", "date", "total"]
    else:
        assert body["response_format"] == {"type": "json_object"} and server.log[0].fields  # schema inlined in the prompt
    assert str(done.parsed.total.value) == "7.00" and json.loads(done.content) == good()


def test_a_schema_invalid_answer_is_re_asked_with_the_error_then_succeeds():
    def answer(request: FakeRequest) -> dict[str, Any]:
        bad = dict(good(), date={"quote": "DATE: 03/04/2019", "value": "the third of never"})
        return bad if request.index == 0 else good()

    with FakeOpenAI(answer) as server:
        done = provider(server, llm_max_retries=1).complete(MESSAGES, MODEL)
    assert server.stats.requests == 2 and done.attempts == 2
    assert "cannot read 'the third of never' as date" in server.log[1].text  # the re-ask carries the error
    assert done.input_tokens == server.stats.prompt_tokens  # both attempts paid for
    assert str(done.parsed.date.value) == "2019-04-03"


def test_garbage_until_retries_run_out_is_a_permanent_failure_with_its_cost():
    with FakeOpenAI(good, FaultPlan(garbage=1.0)) as server:
        with pytest.raises(ProviderError) as failure:
            provider(server, llm_max_retries=1).complete(MESSAGES, MODEL)
    assert failure.value.permanent and "invalid answer after 2 attempts" in failure.value.message
    assert server.stats.requests == 2
    assert failure.value.input_tokens == server.stats.prompt_tokens > 0


def test_a_wrong_shape_is_re_asked():
    with FakeOpenAI(good, FaultPlan(sequence=["invalid", None])) as server:
        done = provider(server, llm_max_retries=1).complete(MESSAGES, MODEL)
    assert server.stats.outcomes == {"invalid": 1, "ok": 1} and done.attempts == 2
    assert "Field required" in server.log[1].text


def test_429_waits_as_long_as_retry_after_says():
    with FakeOpenAI(good, FaultPlan(sequence=["429", "429", None], retry_after_s=0.6)) as server:
        start = time.perf_counter()
        done = provider(server, llm_max_retries=2).complete(MESSAGES, MODEL)
        elapsed = time.perf_counter() - start
    assert server.stats.outcomes == {"429": 2, "ok": 1}
    assert elapsed >= 1.2  # two waits of the 0.6 s the server asked for
    assert done.attempts == 1  # transport retries do not count as re-asks


def test_500_is_retried_with_backoff_and_exhaustion_is_transient():
    with FakeOpenAI(good, FaultPlan(sequence=["500", None])) as server:
        provider(server, llm_max_retries=1).complete(MESSAGES, MODEL)
        assert server.stats.outcomes == {"500": 1, "ok": 1}
    with FakeOpenAI(good, FaultPlan(server_error=1.0)) as server:
        with pytest.raises(ProviderError) as failure:
            provider(server, llm_max_retries=2).complete(MESSAGES, MODEL)
        assert server.stats.requests == 3  # first try + llm_max_retries
    assert not failure.value.permanent and "InternalServerError" in failure.value.message


def test_a_timeout_is_retried_without_waiting_for_the_slow_reply():
    plan = FaultPlan(sequence=["timeout", None], timeout_hold_s=5.0)
    with FakeOpenAI(good, plan) as server:
        start = time.perf_counter()
        done = provider(server, llm_timeout_s=0.5, llm_max_retries=1).complete(MESSAGES, MODEL)
        elapsed = time.perf_counter() - start
    assert str(done.parsed.total.value) == "7.00"
    assert server.stats.outcomes == {"timeout": 1, "ok": 1} and elapsed < 4.0


def test_a_client_error_is_permanent_and_not_retried():
    with FakeOpenAI(good) as server:
        settings = {"llm_provider": "openai", "llm_base_url": server.base_url + "/nowhere", "llm_max_retries": 3}
        with pytest.raises(ProviderError) as failure:
            get_provider(Settings(**settings)).complete(MESSAGES, MODEL)
    assert failure.value.permanent and "NotFoundError" in failure.value.message
    assert server.stats.requests == 0  # nothing reached the chat endpoint; the one 404 was not retried


def test_retry_after_reads_seconds_milliseconds_and_http_dates():
    class E(Exception):
        def __init__(self, headers: dict[str, str]):
            self.response = type("R", (), {"headers": headers})()

    assert retry_after_s(E({"retry-after": "2"})) == 2.0
    assert retry_after_s(E({"retry-after-ms": "250"})) == 0.25
    assert 0 <= retry_after_s(E({"retry-after": "Wed, 21 Oct 2015 07:28:00 GMT"})) == 0.0  # in the past
    assert retry_after_s(E({})) is None and retry_after_s(ValueError()) is None


def test_registry_costs_and_the_system_prompt_folded_for_templates_without_one():
    with pytest.raises(KeyError, match="unknown llm provider"):
        get_provider(Settings(llm_provider="nope"))
    paid = get_provider(Settings(llm_provider="openai", llm_price_in_per_mtok=2.0, llm_price_out_per_mtok=8.0))
    assert paid.cost(1_000_000, 500_000) == pytest.approx(6.0)
    embedded = get_provider(Settings(llm_provider="embedded", llm_price_in_per_mtok=2.0))
    assert embedded.cost(1_000_000, 1_000_000) == 0.0
    folded = embedded.prepare(MESSAGES)
    assert [m["role"] for m in folded] == ["user"]
    assert folded[0]["content"].startswith(MESSAGES[0]["content"]) and TEXT in folded[0]["content"]
    assert paid.prepare(MESSAGES) == MESSAGES


class _AnthropicEndpoint(BaseHTTPRequestHandler):
    """Answers POST /v1/messages in the Messages API's documented shape; keeps the request."""

    received: list[dict[str, Any]] = []

    def log_message(self, *args: Any) -> None:
        pass

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        type(self).received.append({"path": self.path, "headers": {k.lower(): v for k, v in self.headers.items()}, "body": body})
        reply = {
            "id": "msg_1", "type": "message", "role": "assistant", "model": body["model"],
            "content": [{"type": "tool_use", "id": "toolu_1", "name": body["tools"][0]["name"], "input": good()}],
            "stop_reason": "tool_use", "stop_sequence": None,
            "usage": {"input_tokens": 120, "output_tokens": 40},
        }
        data = json.dumps(reply).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


def test_anthropic_request_shape_only():
    """Builds the Anthropic provider and checks the request it sends (no network here:
    this says nothing about the real API beyond the documented request/response shape)."""
    _AnthropicEndpoint.received = []
    server = HTTPServer(("127.0.0.1", 0), _AnthropicEndpoint)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        settings = Settings(
            llm_provider="anthropic", llm_model="claude-x", llm_api_key="sk-test",
            llm_base_url=f"http://127.0.0.1:{server.server_address[1]}",
        )
        done = get_provider(settings).complete(MESSAGES, MODEL)
    finally:
        server.shutdown()
        server.server_close()
    [request] = _AnthropicEndpoint.received
    body = request["body"]
    assert request["path"] == "/v1/messages" and request["headers"]["authorization"] == "Bearer sk-test"
    assert body["model"] == "claude-x" and body["max_tokens"] > 0
    assert MESSAGES[0]["content"] in json.dumps(body["system"])  # system prompt as Anthropic's system field
    assert [m["role"] for m in body["messages"]] == ["user"]
    assert set(body["tools"][0]["input_schema"]["properties"]) == {"company", "date", "address", "total"}
    assert (done.input_tokens, done.output_tokens) == (120, 40)
    assert str(done.parsed.total.value) == "7.00"


def test_retry_after_reads_seconds_dates_and_ignores_garbage():
    from types import SimpleNamespace

    def err(**headers):
        return SimpleNamespace(response=SimpleNamespace(headers=headers))

    assert retry_after_s(err(**{"retry-after": "2"})) == 2.0
    assert retry_after_s(err(**{"retry-after-ms": "1500"})) == 1.5
    assert retry_after_s(err(**{"retry-after": "Wed, 21 Oct 2015 07:28:00 GMT"})) == 0.0  # in the past
    assert retry_after_s(err(**{"retry-after": "soon, please"})) is None
