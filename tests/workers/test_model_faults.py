"""The extract step against a faulty model server (tests/fakes): cost kept, breaker, token budgets.

In process (``Flow``, no broker) on PostgreSQL and moto's S3, so each behaviour
is checked one step at a time; test_faults.py runs the same through the broker.
"""

from __future__ import annotations

import boto3
import pytest
from pybreaker import CircuitBreakerError

from pipeline.bucket import S3Bucket
from pipeline.config import Settings
from pipeline.providers import ProviderError
from pipeline.state import FieldStatus
from tests.fakes.openai_server import FakeOpenAI, FaultPlan
from tests.workers.stack import receipt
from workers.flow import Flow, worker_pipeline
from workers.settings import WorkerSettings


@pytest.fixture
def make_flow(store, bucket_name, tmp_path):
    def make(server: FakeOpenAI, settings: dict | None = None, **worker: object) -> Flow:
        options = {"llm_timeout_s": 1, "llm_max_retries": 0, **(settings or {})}
        base = Settings(home=tmp_path, llm_provider="openai", llm_base_url=server.base_url, llm_model="fake", llm_api_key="x", **options)
        return Flow(worker_pipeline(base, ["rules", "llm"], store), S3Bucket(bucket_name), WorkerSettings(**worker))

    return make


def parsed_run(flow: Flow, n: int) -> int:
    key = f"inbox/receipt/m{n}.txt"
    boto3.client("s3").put_object(Bucket=flow.bucket.name, Key=key, Body=receipt(n, seed=9))
    run_id = flow.admit(key)
    assert flow.step("parse", run_id) == "extract"
    return run_id


def test_transient_failure_surfaces_for_a_retry_and_its_cost_stays(make_flow):
    with FakeOpenAI(faults=FaultPlan(sequence=["garbage", "500", "500"])) as server:
        flow = make_flow(server, {"llm_max_retries": 1})  # garbage, then a re-ask that meets 500s
        run_id = parsed_run(flow, 1)
        with pytest.raises(ProviderError) as failure:
            flow.step("extract", run_id)
        assert not failure.value.permanent
        failed = flow.store.load(run_id)
        assert failed.stage == "parsed"  # not moved on: the broker retries this step
        [call] = failed.model_calls
        assert not call.ok and call.input_tokens > 0 and call.input_tokens == failure.value.input_tokens  # the garbage answer was paid for
        assert flow.step("extract", run_id) == "finalise"  # the retry
        done = flow.store.load(run_id)
        assert done.model_calls[0] == call and all(c.ok for c in done.model_calls[1:])
        assert flow.store.progress(run_id).attempts == 3  # parse, failed extract, extract


def test_breaker_opens_after_failures_and_stops_calling(make_flow):
    with FakeOpenAI(faults=FaultPlan(server_error=1.0)) as server:
        flow = make_flow(server, breaker_fail_max=2, breaker_reset_s=60)
        run_id = parsed_run(flow, 2)
        for _ in range(2):
            with pytest.raises(ProviderError):
                flow.step("extract", run_id)
        asked = server.stats.requests
        with pytest.raises(CircuitBreakerError):
            flow.step("extract", run_id)
        assert server.stats.requests == asked  # open: the provider is not called at all
        assert flow.store.progress(run_id).stage == "parsed"


def test_daily_budget_spent_stops_model_calls_and_routes_to_review(make_flow):
    with FakeOpenAI() as server:
        flow = make_flow(server, token_budget_per_day=1)
        first = parsed_run(flow, 3)
        flow.step("extract", first)  # spends the day's budget
        asked = server.stats.requests
        assert asked > 0
        second = parsed_run(flow, 4)
        assert flow.step("extract", second) == "finalise"
        assert server.stats.requests == asked
        state = flow.store.load(second)
        assert "token budget for the day" in state.provenance["extract"]["stopped"]
        waiting = [r for r in state.fields.values() if r.status == FieldStatus.needs_review]
        assert state.status == "needs_review" and waiting
        assert all(any("token budget for the day" in reason for reason in r.reasons) for r in waiting)


def test_failed_attempts_count_against_the_document_budget(make_flow):
    """The cost of a failed attempt is recorded on the run, so the retry's cascade sees the
    per-document budget spent and asks the model nothing more."""
    with FakeOpenAI(faults=FaultPlan(sequence=["garbage", "500", "500"])) as server:
        flow = make_flow(server, {"llm_max_retries": 1, "token_budget_per_document": 10})
        run_id = parsed_run(flow, 5)
        with pytest.raises(ProviderError):
            flow.step("extract", run_id)  # spends more than 10 tokens on a garbage answer
        asked = server.stats.requests
        assert flow.step("extract", run_id) == "finalise"
        assert server.stats.requests == asked
        state = flow.store.load(run_id)
        assert "token budget per document" in state.provenance["extract"]["stopped"]
        assert state.status == "needs_review"
