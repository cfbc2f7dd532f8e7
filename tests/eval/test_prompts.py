"""Versioned prompt/program configurations: promote and rollback change what extraction uses."""

from collections import Counter

import pytest

from eval import ab, prompts
from eval.evalsets import Item, assign_splits
from pipeline.config import Settings
from pipeline.prompting import PROMPT_VERSION, PromptConfig
from pipeline.run import build_pipeline
from pipeline.store import Store
from tests.conftest import make_document


@pytest.fixture
def store(tmp_path):
    s = Store(f"sqlite:///{tmp_path / 'db.sqlite'}")
    s.migrate()
    return s


def in_use(store, tmp_path) -> PromptConfig:
    return build_pipeline(Settings(home=tmp_path, llm_provider="none"), ["rules"], store).prompt


def test_promote_and_rollback_change_what_extraction_uses_and_are_recorded(store, tmp_path):
    assert in_use(store, tmp_path).version == PROMPT_VERSION  # nothing stored: the built-in prompt
    first = prompts.register(store, PromptConfig(instructions="Read the {title} carefully."), actor="ana")
    second = prompts.register(store, PromptConfig(instructions="Copy values exactly from the {title}."), actor="ana")
    assert first.version != second.version and in_use(store, tmp_path).version == PROMPT_VERSION  # candidates only

    prompts.promote(store, first.version, actor="ana", reason="beats baseline")
    assert in_use(store, tmp_path).instructions == "Read the {title} carefully."
    prompts.promote(store, second.version, actor="bo")
    assert in_use(store, tmp_path).version == second.version

    restored = prompts.rollback(store, actor="bo", reason="more corrections")
    assert restored.version == first.version and in_use(store, tmp_path).version == first.version
    prompts.rollback(store, actor="bo")
    assert in_use(store, tmp_path).version == PROMPT_VERSION

    history = [(e.version, e.action, e.actor) for e in prompts.events(store)]
    assert (first.version, "promoted", "ana") in history
    assert (second.version, "rolled_back", "bo") in history and (first.version, "restored", "bo") in history


def test_same_content_is_one_version(store):
    a = prompts.register(store, PromptConfig(instructions="x {title}"), actor="ana")
    b = prompts.register(store, PromptConfig(instructions="x {title}"), actor="bo")
    assert a.version == b.version and len(prompts.versions(store)) == 1


def test_learned_anchors_of_the_active_version_reach_the_rules_extractor(store, tmp_path):
    doc = make_document("ACME SDN BHD\nPaid in full: 42.50\n")
    from pipeline.run import Pipeline

    plain = Pipeline(Settings(home=tmp_path, llm_provider="none"), ["rules"]).process_parsed(doc, "d", "receipt")
    config = prompts.register(store, PromptConfig(anchors={"receipt": {"total": ["paid in full"]}}), actor="ana")
    prompts.promote(store, config.version, actor="ana")
    taught = build_pipeline(Settings(home=tmp_path, llm_provider="none"), ["rules"], store).process_parsed(doc, "d", "receipt")
    assert taught.provenance["prompt_version"] == config.version
    assert taught.fields["total"].value == plain.fields["total"].value == "42.50"
    assert taught.fields["total"].confidence > plain.fields["total"].confidence  # a learned label is evidence


def test_ab_share_is_stable_per_document_and_close_to_the_share():
    active, trial = PromptConfig(), PromptConfig(version="trial")
    picks = Counter(ab.assign(f"{i:064x}", active, [(trial, 0.2)]).version for i in range(5000))
    assert 0.17 < picks["trial"] / 5000 < 0.23
    assert all(ab.assign(f"{i:064x}", active, [(trial, 0.2)]) == ab.assign(f"{i:064x}", active, [(trial, 0.2)]) for i in range(50))


def test_near_duplicates_never_straddle_splits():
    base = "INVOICE 2023-{n}\nACME GmbH, Hauptstr. 1, Berlin\nConsulting services June\nTotal 1,190.00 EUR\n"
    items = [Item(id=f"d{n}", gold={}, origin="t", text=base.format(n=n)) for n in range(40)]
    items += [Item(id=f"u{n}", gold={}, origin="t", text=f"unrelated document number {n} about {'xyz' * n} topic{n}") for n in range(40)]
    assign_splits(items)
    near = {i.split for i in items if i.id.startswith("d")}
    assert len(near) == 1, "all near-duplicates land in one split"
    assert len({i.split for i in items}) > 1
