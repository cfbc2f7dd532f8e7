"""A real OpenAI-compatible HTTP server on 127.0.0.1 for tests: scripted answers, injected faults.

    with FakeOpenAI(answer=lambda req: {...}, faults=FaultPlan(rate_limit=0.2)) as server:
        settings = Settings(llm_provider="openai", llm_base_url=server.base_url, ...)
        ...
        server.stats.requests, server.stats.outcomes["429"], server.log[-1].body

``answer(request)`` returns the assistant's content (a dict is sent as JSON, a
str as is). It is answered as a tool call when the request carries ``tools``,
else as message content. Faults come from ``FaultPlan``: an explicit
``sequence`` for the first requests (deterministic tests) and then random
shares (load tests, seeded): 429 with Retry-After, 500, a timeout (the reply is
held past the client's timeout), garbage (non-JSON content with status 200),
invalid (JSON that does not fit the requested schema).
Token counts are estimated as characters / 4, like a tokenizer would roughly.
"""

from __future__ import annotations

import json
import random
import re
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

FAULTS = ("429", "500", "timeout", "garbage", "invalid")


@dataclass
class FaultPlan:
    """Which requests fail and how. ``sequence`` entries are a fault name or None (answer normally)."""

    sequence: list[str | None] = field(default_factory=list)
    rate_limit: float = 0.0
    server_error: float = 0.0
    timeout: float = 0.0
    garbage: float = 0.0
    invalid: float = 0.0
    retry_after_s: float = 1.0
    timeout_hold_s: float = 3.0  # how long a "timeout" reply is held back
    latency_s: float = 0.0  # added to every answer, to look like a model thinking
    seed: int = 0

    def pick(self, index: int, rng: random.Random) -> str | None:
        if index < len(self.sequence):
            return self.sequence[index]
        roll = rng.random()
        shares = (self.rate_limit, self.server_error, self.timeout, self.garbage, self.invalid)
        for name, share in zip(FAULTS, shares):
            if roll < share:
                return name
            roll -= share
        return None


@dataclass
class FakeRequest:
    """One request as received."""

    index: int
    body: dict[str, Any]
    fault: str | None = None

    @property
    def messages(self) -> list[dict[str, Any]]:
        return self.body.get("messages", [])

    @property
    def text(self) -> str:
        """All message text, joined."""
        return "\n".join(m["content"] for m in self.messages if isinstance(m.get("content"), str))

    @property
    def schema(self) -> dict[str, Any] | None:
        """The JSON schema the client asked for (structured output, tool, or inlined in JSON mode)."""
        fmt = self.body.get("response_format") or {}
        if fmt.get("type") == "json_schema":
            return fmt["json_schema"]["schema"]
        if self.body.get("tools"):
            return self.body["tools"][0]["function"]["parameters"]
        match = re.search(r"json_schema:\s*(\{.*\})\s*Make sure", self.text, re.S)
        return json.loads(match.group(1)) if match else None

    @property
    def fields(self) -> list[str]:
        """Top-level properties of the requested schema."""
        return list((self.schema or {}).get("properties", {}))

    @property
    def document(self) -> str | None:
        """The text between the last <document> tags (the data), when the prompt has one."""
        found = re.findall(r"<document>\n(.*?)\n</document>", self.text, re.S)
        return found[-1] if found else None


@dataclass
class Stats:
    requests: int = 0
    outcomes: Counter = field(default_factory=Counter)  # "ok" or a fault name
    prompt_tokens: int = 0
    completion_tokens: int = 0


def tokens(text: str) -> int:
    return max(1, len(text) // 4)


def null_answer(request: FakeRequest) -> dict[str, Any]:
    """Every requested field answered as not found (a safe default for load tests)."""
    props = (request.schema or {}).get("properties", {})
    return {name: [] if prop.get("type") == "array" else {"quote": None, "value": None} for name, prop in props.items()}


class FakeOpenAI:
    """The server; a context manager that starts and stops it."""

    def __init__(
        self,
        answer: Callable[[FakeRequest], dict[str, Any] | str] = null_answer,
        faults: FaultPlan | None = None,
        logprob: float | Callable[[str], float] = -0.05,
    ):
        self.answer = answer
        self.faults = faults or FaultPlan()
        self.logprob = logprob  # per token, or a function of the token's text
        self.stats = Stats()
        self.log: list[FakeRequest] = []
        self._rng = random.Random(self.faults.seed)
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/v1"

    def __enter__(self) -> FakeOpenAI:
        self._thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._stop.set()  # releases held "timeout" replies
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def _receive(self, body: dict[str, Any]) -> FakeRequest:
        with self._lock:
            request = FakeRequest(index=self.stats.requests, body=body)
            request.fault = self.faults.pick(request.index, self._rng)
            self.stats.requests += 1
            self.stats.outcomes[request.fault or "ok"] += 1
            self.log.append(request)
        return request

    def _completion(self, request: FakeRequest) -> dict[str, Any]:
        if request.fault == "garbage":
            content: dict[str, Any] | str = "Sure! Here is the data you asked for."
        elif request.fault == "invalid":  # well-formed JSON of the wrong shape
            content = {"answer": [1, 2, 3]}
        else:
            content = self.answer(request)
        if not isinstance(content, str):
            content = json.dumps(content)
        prompt, completion = tokens(request.text), tokens(content)
        with self._lock:
            self.stats.prompt_tokens += prompt
            self.stats.completion_tokens += completion
        message: dict[str, Any] = {"role": "assistant", "content": content}
        if request.body.get("tools"):
            name = request.body["tools"][0]["function"]["name"]
            call = {"id": f"call_{request.index}", "type": "function", "function": {"name": name, "arguments": content}}
            message = {"role": "assistant", "content": None, "tool_calls": [call]}
        choice: dict[str, Any] = {"index": 0, "message": message, "finish_reason": "stop", "logprobs": None}
        if request.body.get("logprobs") and message["content"] is not None:
            pieces = [content[i : i + 3] for i in range(0, len(content), 3)]
            lp = self.logprob
            choice["logprobs"] = {
                "content": [
                    {"token": p, "logprob": lp(p) if callable(lp) else lp, "bytes": None, "top_logprobs": []}
                    for p in pieces
                ]
            }
        return {
            "id": f"chatcmpl-{request.index}",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": request.body.get("model", "fake"),
            "choices": [choice],
            "usage": {"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion},
        }

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:  # keep test output clean
                pass

            def _send(self, status: int, payload: dict[str, Any], headers: dict[str, str] | None = None) -> None:
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for k, v in (headers or {}).items():
                    self.send_header(k, v)
                self.end_headers()
                try:
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (a timeout test)

            def do_GET(self) -> None:
                if self.path.rstrip("/") == "/v1/models":
                    self._send(200, {"object": "list", "data": [{"id": "fake", "object": "model"}]})
                else:
                    self._send(404, {"error": {"message": "not found"}})

            def do_POST(self) -> None:
                if self.path.rstrip("/") != "/v1/chat/completions":
                    self._send(404, {"error": {"message": "not found"}})
                    return
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
                request = server._receive(body)
                plan = server.faults
                if request.fault == "429":
                    error = {"error": {"message": "rate limited", "type": "rate_limit_error"}}
                    self._send(429, error, {"Retry-After": f"{plan.retry_after_s:g}"})
                elif request.fault == "500":
                    self._send(500, {"error": {"message": "internal error", "type": "server_error"}})
                elif request.fault == "timeout":
                    server._stop.wait(plan.timeout_hold_s)
                    self._send(200, server._completion(request))
                else:
                    if plan.latency_s:
                        server._stop.wait(plan.latency_s)
                    self._send(200, server._completion(request))

        return Handler
