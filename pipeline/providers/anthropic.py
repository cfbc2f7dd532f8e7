"""Anthropic's Messages API through instructor (tool use for structured output).

Not reachable from the development machines (no network); its request shape is
checked by a unit test against a local HTTP endpoint, nothing more.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, ClassVar

import anthropic
import instructor

from pipeline.config import Settings
from pipeline.providers.base import Provider, register_provider

MAX_OUTPUT_TOKENS = 2048  # Anthropic requires a bound; field answers are short


@register_provider("anthropic")
class AnthropicProvider(Provider):
    prior: ClassVar[float] = 0.6
    default_model: ClassVar[str] = "claude-3-5-haiku-latest"
    default_mode: ClassVar[instructor.Mode] = instructor.Mode.TOOLS
    instructor_provider: ClassVar[instructor.Provider] = instructor.Provider.ANTHROPIC

    def __init__(self, settings: Settings, *, mode: instructor.Mode | None = None, logprobs: bool = False):
        super().__init__(settings, mode=mode, logprobs=False)  # the API has no logprobs
        self.client = anthropic.Anthropic(
            base_url=settings.llm_base_url,
            api_key=settings.llm_api_key,
            timeout=settings.llm_timeout_s,
            max_retries=0,
        )

    def transport(self) -> Callable[..., Any]:
        return self.client.messages.create

    def request_options(self) -> dict[str, Any]:
        # this SDK's Messages.create takes no sampling parameters (no temperature)
        return {"model": self.model, "max_tokens": MAX_OUTPUT_TOKENS}

    def is_transient(self, exc: BaseException) -> bool:
        return isinstance(exc, anthropic.APIConnectionError) or super().is_transient(exc)

    def usage(self, response: Any) -> tuple[int, int]:
        u = getattr(response, "usage", None)
        return (getattr(u, "input_tokens", 0) or 0, getattr(u, "output_tokens", 0) or 0)

    def content(self, response: Any) -> tuple[str | None, list[tuple[str, float]] | None]:
        for block in getattr(response, "content", []):
            if block.type == "tool_use":
                return json.dumps(block.input), None
            if block.type == "text":
                return block.text, None
        return None, None
