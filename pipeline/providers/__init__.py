"""Model backends behind one interface (``base.Provider``), found by name.

``get_provider(settings)`` returns the one ``Settings.llm_provider`` names:
``embedded`` (Gemma 3 270M in process), ``openai`` (any OpenAI-compatible
endpoint) or ``anthropic``.
"""

from pipeline.providers.base import Completion, Provider, ProviderError, get_provider, register_provider

__all__ = ["Completion", "Provider", "ProviderError", "get_provider", "register_provider"]
