"""Tokens and cost per document and per field, in the export's provenance."""

from pipeline.state import ModelCall
from pipeline.usage import usage


def call(fields, i, o, cost=0.0, hit=False):
    return ModelCall(provider="p", model="m", prompt_version="v", fields=fields, input_tokens=i, output_tokens=o, cost_usd=cost, cache_hit=hit)


def test_a_shared_call_is_split_among_its_fields_and_adds_up():
    got = usage([call(["a", "b"], 100, 20, 0.004), call(["b"], 50, 10, 0.001), call(["a"], 999, 99, 1.0, hit=True)])
    assert (got["calls"], got["cache_hits"]) == (3, 1)
    assert (got["input_tokens"], got["output_tokens"], got["cost_usd"]) == (150, 30, 0.005)
    assert got["fields"]["a"] == {"input_tokens": 50.0, "output_tokens": 10.0, "cost_usd": 0.002}
    assert got["fields"]["b"] == {"input_tokens": 100.0, "output_tokens": 20.0, "cost_usd": 0.003}
    assert sum(f["input_tokens"] for f in got["fields"].values()) == got["input_tokens"]


def test_embedded_calls_cost_nothing_but_their_tokens_count():
    got = usage([call(["total"], 400, 30)])
    assert got["cost_usd"] == 0 and got["input_tokens"] == 400 and got["fields"]["total"]["output_tokens"] == 30
