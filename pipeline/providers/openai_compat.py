"""Any OpenAI-compatible chat endpoint: OpenAI, vLLM, Ollama, llama.cpp's server.

``Settings.llm_base_url`` / ``llm_api_key`` / ``llm_model`` say where and what.
The SDK's own retries are off (``max_retries=0``): the provider base retries
transport failures itself, so attempts are counted and Retry-After is honoured
in one place.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

import instructor
import openai

from pipeline.config import Settings
from pipeline.providers.base import Provider, register_provider


@register_provider("openai")
class OpenAIProvider(Provider):
    prior: ClassVar[float] = 0.6
    default_model: ClassVar[str] = "gpt-4o-mini"
    default_mode: ClassVar[instructor.Mode] = instructor.Mode.JSON_SCHEMA

    def __init__(self, settings: Settings, *, mode: instructor.Mode | None = None, logprobs: bool = False):
        super().__init__(settings, mode=mode, logprobs=logprobs)
        self.client = openai.OpenAI(
            base_url=settings.llm_base_url,
            # local servers (vLLM, Ollama) need no key, but the SDK insists on one
            api_key=settings.llm_api_key or "unused",
            timeout=settings.llm_timeout_s,
            max_retries=0,
        )

    def transport(self) -> Callable[..., Any]:
        return self.client.chat.completions.create

    def request_options(self) -> dict[str, Any]:
        options = super().request_options()
        if self.logprobs:
            options["logprobs"] = True
        return options

    def is_transient(self, exc: BaseException) -> bool:
        return isinstance(exc, openai.APIConnectionError) or super().is_transient(exc)
