"""The Prometheus series: the embedded run's ``docloop metrics``, and the queries of the shipped
dashboard and alert rules, which may only name series the code exports."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import yaml
from prometheus_client.parser import text_string_to_metric_families

from pipeline.config import Settings
from pipeline.run import build_pipeline
from pipeline.store import Store
from pipeline.telemetry.metrics import METRIC_NAMES
from tests.fakes.openai_server import FakeOpenAI
from tests.workers.stack import receipt

ROOT = Path(__file__).resolve().parents[2]
NAME = re.compile(r"\bdocloop_[a-z0-9_]+")


def dashboard_queries() -> list[str]:
    dashboard = json.loads((ROOT / "deploy/grafana/dashboards/docloop.json").read_text())
    return [t["expr"] for panel in dashboard["panels"] for t in panel["targets"]]


def alert_queries() -> list[str]:
    rules = yaml.safe_load((ROOT / "deploy/prometheus/alerts.yml").read_text())
    return [rule["expr"] for group in rules["groups"] for rule in group["rules"]]


def balanced(expr: str) -> bool:
    depth = 0
    for ch in expr:
        depth += {"(": 1, ")": -1, "{": 1, "}": -1, "[": 1, "]": -1}.get(ch, 0)
        if depth < 0:
            return False
    return depth == 0


def test_every_dashboard_and_alert_query_names_only_exported_series():
    queries = dashboard_queries() + alert_queries()
    assert len(alert_queries()) == 5
    used = set()
    for expr in queries:
        assert balanced(expr), expr
        names = set(NAME.findall(expr))
        assert names, expr
        used |= names
    assert used - METRIC_NAMES == set()
    # the list is covered by the dashboard
    for wanted in ("docloop_documents_total", "docloop_stage_seconds_bucket", "docloop_queue_depth", "docloop_message_retries_total",
                   "docloop_dead_letters_waiting", "docloop_breaker_open", "docloop_fields", "docloop_review_backlog",
                   "docloop_model_tokens_total", "docloop_model_cost_usd_total", "docloop_model_call_seconds_bucket"):
        assert any(wanted in q for q in dashboard_queries()), wanted


def test_compose_ships_prometheus_grafana_and_phoenix_with_these_files():
    services = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]
    assert {"prometheus", "grafana", "phoenix"} <= set(services)
    for name in ("prometheus", "grafana"):
        for volume in services[name]["volumes"]:
            source = volume.split(":")[0]
            if source.startswith("./"):
                assert (ROOT / source).exists(), volume
    assert services["worker"]["environment"]["OTEL_EXPORTER_OTLP_ENDPOINT"].endswith("http://phoenix:6006}")


def test_docloop_metrics_reports_the_embedded_run(tmp_path):
    with FakeOpenAI() as server:
        settings = Settings(home=tmp_path, llm_provider="openai", llm_base_url=server.base_url, llm_model="fake", llm_api_key="x", llm_price_in_per_mtok=3.0)
        store = Store(settings.resolved_database_url)
        store.migrate()
        pipe = build_pipeline(settings, ["rules", "llm"], store)
        for i in range(3):
            pipe.process(receipt(i, seed=3), f"r{i}.txt", "receipt")
    env = {"DOCLOOP_HOME": str(tmp_path), "PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)}
    out = subprocess.run([sys.executable, "-m", "pipeline.cli", "metrics"], env=env, capture_output=True, text=True, timeout=120, cwd=ROOT, check=True).stdout
    families = {f.name: f.samples for f in text_string_to_metric_families(out)}
    routed = families["docloop_fields"]
    assert sum(s.value for s in routed) == 3 * len({s.labels["field"] for s in routed})
    assert {s.labels["schema"] for s in routed} == {"receipt"}
    backlog = sum(s.value for s in families["docloop_review_backlog"])
    assert backlog == sum(s.value for s in routed if s.labels["status"] == "needs_review")
    if backlog:
        assert families["docloop_review_backlog_oldest_seconds"][0].value >= 0
    assert families["docloop_stored_cost_usd"][0].value > 0

    costs = subprocess.run([sys.executable, "-m", "pipeline.cli", "costs", "--by", "schema", "--json"], env=env, capture_output=True, text=True, timeout=120, cwd=ROOT, check=True).stdout
    [row] = json.loads(costs)
    assert row["schema"] == "receipt" and row["documents"] == 3 and row["input_tokens"] > 0
    assert abs(row["cost_usd"] - families["docloop_stored_cost_usd"][0].value) < 1e-6
    assert abs(row["cost_per_document_usd"] - row["cost_usd"] / 3) < 1e-6
    fields = json.loads(subprocess.run([sys.executable, "-m", "pipeline.cli", "costs", "--by", "field", "--json"], env=env, capture_output=True, text=True, timeout=120, cwd=ROOT, check=True).stdout)
    assert fields and all(r["field"].startswith("receipt.") for r in fields)
    for by in ("day", "prompt-version", "document", "field"):
        rows = json.loads(subprocess.run([sys.executable, "-m", "pipeline.cli", "costs", "--by", by, "--json"], env=env, capture_output=True, text=True, timeout=120, cwd=ROOT, check=True).stdout)
        assert abs(sum(r["cost_usd"] for r in rows) - row["cost_usd"]) < 1e-6
