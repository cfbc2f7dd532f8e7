"""The one interface every model backend implements, and the registry that names them.

A provider turns (messages, response model) into a validated pydantic object
plus what it cost. All providers go through instructor, which validates the
answer against the response model and re-asks the model with the validation
error when it does not fit (``Settings.llm_max_retries`` times). Transport
failures (429, 5xx, timeouts, dropped connections) are retried underneath
instructor with tenacity, honouring ``Retry-After``, so a re-ask never pays for a
flaky network and a 429 never burns a validation attempt.
"""

from __future__ import annotations

import email.utils
import time
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

import instructor
from instructor.core.exceptions import IncompleteOutputException, InstructorRetryException
from instructor.core.hooks import Hooks
from pydantic import BaseModel
from tenacity import RetryCallState, Retrying, retry_if_exception, stop_after_attempt, wait_exponential_jitter

from pipeline.config import Settings
from pipeline.errors import ModelError
from pipeline.plugins import Registry

RETRY_AFTER_MAX_S = 60.0  # never sleep longer than this on a server's say-so


class ProviderError(ModelError):
    """A model call that failed after its retries; says whether retrying later may help.

    Carries the tokens already spent, so a failed call is still accounted for.
    """

    def __init__(
        self,
        message: str,
        *,
        permanent: bool,
        input_tokens: int = 0,
        output_tokens: int = 0,
        latency_s: float = 0.0,
        content: str | None = None,
        token_logprobs: list[tuple[str, float]] | None = None,
    ):
        super().__init__(message)
        self.permanent = permanent
        self.input_tokens = input_tokens
        self.output_tokens = output_tokens
        self.latency_s = latency_s
        self.content = content  # the last answer received, when it failed validation
        self.token_logprobs = token_logprobs


@dataclass
class Completion:
    """A validated answer and what it cost (summed over re-asks)."""

    parsed: BaseModel
    input_tokens: int
    output_tokens: int
    latency_s: float
    attempts: int
    content: str | None = None  # the raw text of the accepted answer
    token_logprobs: list[tuple[str, float]] | None = None  # (token text, natural log prob)


@dataclass
class _Usage:
    """What the instructor hooks saw during one structured call."""

    input_tokens: int = 0
    output_tokens: int = 0
    responses: list[Any] = field(default_factory=list)


def retry_after_s(exc: BaseException) -> float | None:
    """Seconds a server asked us to wait (``retry-after-ms`` or ``Retry-After``), if any."""
    response = getattr(exc, "response", None)
    headers = getattr(response, "headers", None)
    if not headers:
        return None
    if ms := headers.get("retry-after-ms"):
        try:
            return float(ms) / 1000.0
        except ValueError:
            pass
    value = headers.get("retry-after")
    if not value:
        return None
    try:
        return float(value)
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)  # an HTTP date
    except (TypeError, ValueError):  # malformed: fall back to our own backoff
        return None
    return max(0.0, when.timestamp() - time.time())


class _WaitRetryAfter:
    """Tenacity wait: the server's Retry-After when given, else exponential backoff with jitter."""

    def __init__(self, fallback: Callable[[RetryCallState], float], cap: float):
        self.fallback = fallback
        self.cap = cap

    def __call__(self, state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        asked = retry_after_s(exc) if exc else None
        return min(asked, self.cap) if asked is not None else self.fallback(state)


class Provider(ABC):
    """A model backend. Subclasses say how to build the instructor-patched ``create``.

    ``prior`` is the ``model`` signal given to every value this backend proposes:
    how much an answer is worth before its evidence is checked (a 270M model's
    answer is worth little, a frontier model's more). ``system_role`` is False
    for chat templates without a system turn; the system prompt is then folded
    into the first user message.
    """

    name: ClassVar[str]
    prior: ClassVar[float] = 0.5
    system_role: ClassVar[bool] = True
    default_model: ClassVar[str] = ""
    default_mode: ClassVar[instructor.Mode] = instructor.Mode.JSON_SCHEMA
    instructor_provider: ClassVar[instructor.Provider] = instructor.Provider.OPENAI
    reasks: ClassVar[bool] = True  # re-ask with the validation error (Settings.llm_max_retries times)

    def __init__(self, settings: Settings, *, mode: instructor.Mode | None = None, logprobs: bool = False):
        self.settings = settings
        self.model = settings.llm_model or self.default_model
        self.mode = mode or self.default_mode
        self.logprobs = logprobs
        self._create: Callable[..., BaseModel] | None = None

    # --- what a backend provides -------------------------------------------------

    @abstractmethod
    def transport(self) -> Callable[..., Any]:
        """The raw SDK call (``client.chat.completions.create`` or the like)."""

    def request_options(self) -> dict[str, Any]:
        """Extra keyword arguments for every request (model, temperature, ...)."""
        return {"model": self.model, "temperature": 0}

    def is_transient(self, exc: BaseException) -> bool:
        """Whether retrying the same request may succeed (rate limit, overload, network)."""
        status = getattr(exc, "status_code", None)
        if isinstance(status, int):
            return status in (408, 409, 429) or status >= 500
        return isinstance(exc, (TimeoutError, ConnectionError))

    def usage(self, response: Any) -> tuple[int, int]:
        """(input, output) tokens of one raw response (OpenAI shape by default)."""
        u = getattr(response, "usage", None)
        return (getattr(u, "prompt_tokens", 0) or 0, getattr(u, "completion_tokens", 0) or 0)

    def content(self, response: Any) -> tuple[str | None, list[tuple[str, float]] | None]:
        """The answer text of one raw response and its token log probabilities, if sent."""
        choice = response.choices[0]
        text = choice.message.content
        if text is None and choice.message.tool_calls:
            text = choice.message.tool_calls[0].function.arguments
        lp = getattr(choice, "logprobs", None)
        tokens = [(t.token, t.logprob) for t in lp.content] if lp is not None and lp.content else None
        return text, tokens

    # --- shared machinery --------------------------------------------------------

    def cost(self, input_tokens: int, output_tokens: int) -> float:
        return (
            input_tokens * self.settings.llm_price_in_per_mtok
            + output_tokens * self.settings.llm_price_out_per_mtok
        ) / 1_000_000

    def _with_retries(self, fn: Callable[..., Any]) -> Callable[..., Any]:
        retrying = Retrying(
            retry=retry_if_exception(self.is_transient),
            wait=_WaitRetryAfter(wait_exponential_jitter(multiplier=0.5, max=20.0), cap=RETRY_AFTER_MAX_S),
            stop=stop_after_attempt(self.settings.llm_max_retries + 1),
            reraise=True,
        )

        def call(*args: Any, **kwargs: Any) -> Any:
            return retrying(fn, *args, **kwargs)

        return call

    def structured(self) -> Callable[..., BaseModel]:
        """The instructor-patched create, built once."""
        if self._create is None:
            self._create = instructor.patch(
                create=self._with_retries(self.transport()),
                mode=self.mode,
                provider=self.instructor_provider,
            )
        return self._create

    def prepare(self, messages: list[dict[str, str]]) -> list[dict[str, str]]:
        """Messages as this backend's chat template accepts them."""
        if self.system_role:
            return messages
        system = "\n\n".join(m["content"] for m in messages if m["role"] == "system")
        rest = [dict(m) for m in messages if m["role"] != "system"]
        if system and rest and rest[0]["role"] == "user":
            rest[0]["content"] = f"{system}\n\n{rest[0]['content']}"
        elif system:
            rest.insert(0, {"role": "user", "content": system})
        return rest

    def model_file(self) -> Path | None:
        """The weights file of a local model (its hash is kept with every call); None for an API."""
        return None

    def complete(self, messages: list[dict[str, str]], response_model: type[BaseModel]) -> Completion:
        """One structured call: validated answer, tokens, latency; ``ProviderError`` on failure.
        Traced, measured and recorded for the store (``pipeline.telemetry.exchanges``)."""
        from pipeline.telemetry.exchanges import observed

        return observed(self, messages, response_model, lambda: self._complete(messages, response_model))

    def _complete(self, messages: list[dict[str, str]], response_model: type[BaseModel]) -> Completion:
        seen = _Usage()
        hooks = Hooks()

        def on_response(response: Any) -> None:
            i, o = self.usage(response)
            seen.input_tokens += i
            seen.output_tokens += o
            seen.responses.append(response)

        hooks.on("completion:response", on_response)
        start = time.perf_counter()
        try:
            parsed = self.structured()(
                messages=self.prepare(messages),
                response_model=response_model,
                max_retries=self.settings.llm_max_retries if self.reasks else 0,
                hooks=hooks,
                **self.request_options(),
            )
        except Exception as exc:  # any SDK or validation failure becomes one typed error
            raise self._error(exc, seen, time.perf_counter() - start) from exc
        latency = time.perf_counter() - start
        text, tokens = self.content(seen.responses[-1]) if seen.responses else (None, None)
        return Completion(
            parsed=parsed,
            input_tokens=seen.input_tokens,
            output_tokens=seen.output_tokens,
            latency_s=latency,
            attempts=len(seen.responses),
            content=text,
            token_logprobs=tokens,
        )

    def _error(self, exc: Exception, seen: _Usage, latency: float) -> ProviderError:
        cause: BaseException = exc
        if isinstance(exc, InstructorRetryException) and exc.__cause__ is not None:
            cause = exc.__cause__
        spent = {"input_tokens": seen.input_tokens, "output_tokens": seen.output_tokens, "latency_s": latency}
        if isinstance(exc, IncompleteOutputException):
            return ProviderError("answer cut off (output token limit, or a loop the provider stopped)", permanent=True, **spent)
        if self.is_transient(cause):
            return ProviderError(f"{type(cause).__name__}: {cause}", permanent=False, **spent)
        if seen.responses:  # the model answered, but never in a valid shape
            msg = f"invalid answer after {len(seen.responses)} attempts: {str(cause)[:300]}"
            text, tokens = self.content(seen.responses[-1])
            return ProviderError(msg, permanent=True, content=text, token_logprobs=tokens, **spent)
        return ProviderError(f"{type(cause).__name__}: {cause}", permanent=True, **spent)


PROVIDERS = Registry(
    "docloop.providers",
    {
        "embedded": "pipeline.providers.embedded:EmbeddedProvider",
        "openai": "pipeline.providers.openai_compat:OpenAIProvider",
        "anthropic": "pipeline.providers.anthropic:AnthropicProvider",
    },
)
"""Providers by name (``Settings.llm_provider``); only the one named is imported, so serving
OpenAI never loads the Anthropic SDK or llama.cpp. Packages add theirs under ``docloop.providers``."""


def register_provider(name: str):
    """Class decorator: makes a provider available as ``Settings.llm_provider = name`` at run time."""

    def wrap(cls: type[Provider]) -> type[Provider]:
        cls.name = name
        PROVIDERS.add(name, cls)
        return cls

    return wrap


def get_provider(settings: Settings, **options: Any) -> Provider:
    """The provider named by ``settings.llm_provider``, configured from settings."""
    try:
        cls = PROVIDERS.load(settings.llm_provider)
    except KeyError:
        raise KeyError(f"unknown llm provider {settings.llm_provider!r}; known: {', '.join(PROVIDERS.names())}") from None
    cls.name = settings.llm_provider
    return cls(settings, **options)
