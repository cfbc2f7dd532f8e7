"""Prompt versions: promote and rollback change what extraction uses, and are recorded."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline import prompts
from eval.evalsets import text_document
from pipeline.config import Settings
from pipeline.prompting import PROMPT_VERSION, PromptConfig
from pipeline.run import build_pipeline
from pipeline.store import Store
from tests.fakes.openai_server import FakeOpenAI, FakeRequest

# the total's label is none of the schema's aliases and no change line confirms it: only a learned anchor finds it
RECEIPT = "KEDAI MAJU SDN BHD\nNO 3 JALAN BESAR\n12/03/2019\nNASI LEMAK 5.00\nTEH 2.50\nBAYARAN AKHIR 7.50\nCASH 10.00\n"
ANCHORED = PromptConfig(anchors={"receipt": {"total": ["BAYARAN AKHIR"]}})


@pytest.fixture
def store(tmp_path: Path) -> Store:
    s = Store(f"sqlite:///{tmp_path / 'db.sqlite'}")
    s.migrate()
    return s


def total_with_active_version(store: Store, tmp_path: Path) -> tuple[str, str]:
    """The receipt through a pipeline built as the CLI builds it (the store picks the version)."""
    pipe = build_pipeline(Settings(home=tmp_path, llm_provider="none"), ["rules"], store)
    state = pipe.process_parsed(text_document(RECEIPT), "receipt.txt", "receipt")
    return state.fields["total"].value, state.provenance["prompt_version"]


def test_versions_are_content_addressed_and_start_as_unused_candidates(store):
    first = prompts.register(store, ANCHORED, "alice")
    again = prompts.register(store, ANCHORED.model_copy(update={"version": "whatever"}), "bob")
    assert first.version == again.version != PROMPT_VERSION
    assert [r.status for r in prompts.versions(store)] == ["candidate"]
    assert prompts.active(store).version == PROMPT_VERSION  # a candidate is a record, not used


def test_promote_and_rollback_change_what_extraction_uses_and_are_recorded(store, tmp_path):
    assert total_with_active_version(store, tmp_path) == ("10.00", PROMPT_VERSION)
    v1 = prompts.register(store, ANCHORED, "alice").version
    prompts.promote(store, v1, "alice", reason="anchor learned from corrections")
    assert total_with_active_version(store, tmp_path) == ("7.50", v1)

    v2 = prompts.register(store, ANCHORED.model_copy(update={"instructions": ANCHORED.instructions + " Be brief."}), "bob").version
    prompts.promote(store, v2, "bob")
    assert prompts.row(store, v1).status == "retired"
    assert prompts.rollback(store, "carol", reason="worse in review").version == v1
    assert prompts.row(store, v2).status == "retired" and prompts.active(store).version == v1
    assert prompts.rollback(store, "carol").version == PROMPT_VERSION
    assert total_with_active_version(store, tmp_path) == ("10.00", PROMPT_VERSION)

    history = [(e.version, e.action, e.actor) for e in prompts.events(store)]
    assert history == [
        (v1, "registered", "alice"), (v1, "promoted", "alice"), (v2, "registered", "bob"), (v1, "retired", "bob"),
        (v2, "promoted", "bob"), (v2, "rolled_back", "carol"), (v1, "restored", "carol"), (v1, "rolled_back", "carol"),
    ]
    assert prompts.events(store, v1)[1].detail["reason"] == "anchor learned from corrections"
    assert all(e.at is not None for e in prompts.events(store))


def test_the_llm_extractor_asks_with_the_active_version_and_records_it(store, tmp_path):
    def reply(req: FakeRequest):
        return {name: {"quote": "BAYARAN AKHIR 7.50", "value": "7.50"} if name == "total" else {"quote": None, "value": None} for name in req.fields}

    custom = PromptConfig(instructions="Read this {title} like an auditor.", hints={"receipt": {"total": "The amount paid, after rounding."}})
    version = prompts.register(store, custom, "alice").version
    prompts.promote(store, version, "alice")
    with FakeOpenAI(reply) as server:
        settings = Settings(home=tmp_path, llm_provider="openai", llm_base_url=server.base_url, llm_model="fake")
        pipe = build_pipeline(settings, ["llm"], store)
        state = pipe.process(RECEIPT.encode(), "receipt.txt", "receipt")
        system = server.log[0].messages[0]["content"]
    assert system == "Read this receipt like an auditor."
    assert "The amount paid, after rounding." in server.log[0].text
    assert state.model_calls and {c.prompt_version for c in state.model_calls} == {version}
    [run] = list(store.runs())
    assert run.prompt_version == version and run.run_key.endswith(f":{version}")


def test_cli_lists_promotes_and_rolls_back(store, tmp_path, monkeypatch):
    from pipeline.cli import app

    version = prompts.register(store, ANCHORED, "alice").version
    monkeypatch.setenv("DOCLOOP_DATABASE_URL", store.url)
    from pipeline.config import get_settings

    get_settings.cache_clear()
    runner = CliRunner()
    try:
        assert runner.invoke(app, ["prompts", "promote", version, "--by", "dora"]).exit_code == 0
        listed = runner.invoke(app, ["prompts", "list"])
        assert version in listed.output and "active" in listed.output
        shown = runner.invoke(app, ["prompts", "show", version])
        assert "BAYARAN AKHIR" in shown.output and "promoted by dora" in shown.output
        assert runner.invoke(app, ["prompts", "rollback", "--by", "dora"]).exit_code == 0
    finally:
        get_settings.cache_clear()
    assert prompts.active(store).version == PROMPT_VERSION
