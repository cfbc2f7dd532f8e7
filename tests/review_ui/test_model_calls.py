"""The field page shows the stored model calls behind a value: the request (with the chunk), the raw answer."""

from __future__ import annotations

from pipeline.store import ModelCallRow
from tests.review_ui.test_pages import app, field, open_field


def test_field_page_shows_the_calls_asked_for_that_field(app_env):
    target = field(app_env.store, status="needs_review")
    chunk_text = "Invoice INV-77 total due 119,00 EUR"
    with app_env.store.session.begin() as s:
        s.add(ModelCallRow(
            run_id=target.run_id, seq=99, provider="openai", model="fake-model", prompt_version="p1", fields=[target.name], chunk=0,
            input_tokens=120, output_tokens=30, latency_s=0.4, cost_usd=0.0, cache_hit=False, ok=True,
            request=[{"role": "system", "content": "Extract fields."}, {"role": "user", "content": chunk_text}],
            response='{"%s": {"value": "X-1", "quote": "X-1"}}' % target.name, store_mode="full",
        ))
        s.add(ModelCallRow(  # asked for another field only: not shown here
            run_id=target.run_id, seq=100, provider="openai", model="other-model", prompt_version="p1", fields=["__elsewhere__"], chunk=1,
            input_tokens=1, output_tokens=1, latency_s=0.1, cost_usd=0.0, cache_hit=False, ok=True,
        ))
    at = open_field(app(), target.id)
    assert not at.exception
    [expander] = [e for e in at.expander if "Model calls behind this field" in e.label]
    assert "(1)" in expander.label
    shown = " ".join(str(c.value) for c in at.code) + " ".join(str(t.value) for t in at.text)
    assert chunk_text in shown and "X-1" in shown and "fake-model" in shown and "120+30 tokens" in shown
    assert "other-model" not in shown
