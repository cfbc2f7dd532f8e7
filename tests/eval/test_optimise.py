"""Optimisers and the promotion gate, A/B traffic and review outcomes, GEPA wiring."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from sqlalchemy import select

from eval import ab, evalsets, optimise
from pipeline import prompts
from eval.evalsets import text_document
from pipeline.config import Settings
from pipeline.prompting import PROMPT_VERSION, PromptConfig, build_messages
from pipeline.run import build_pipeline
from pipeline.store import FieldRow, RunRow, Store
from review_ui import review
from pipeline.schemas import field_specs, get_schema
from tests.fakes.openai_server import FakeOpenAI, FakeRequest

WORDS = "ALPHA BRAVO CEDAR DELTA EMBER FALCON GARNET HARBOR IVORY JASPER KESTREL LOTUS MAPLE NECTAR ONYX PEBBLE QUARTZ RAVEN SAFFRON TIMBER UMBER VIOLET WILLOW YARROW ZEPHYR".split()
ITEMS = "NASI AYAM TEH KOPI ROTI MEE LAKSA SATAY CENDOL TAUFU IKAN SAYUR BIHUN".split()
RECEIPT = get_schema("receipt")


def receipts(n: int, seed: int = 0) -> list[dict]:
    """Receipts whose total is printed after a label none of the schema's aliases name, and no change line confirms it."""
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        items = rng.sample(ITEMS, 3)
        prices = [rng.randint(100, 2000) / 100 for _ in items]
        total, paid = sum(prices), sum(prices) + rng.randint(1, 50)
        lines = [" ".join(rng.sample(WORDS, 2)) + " SDN BHD", f"NO {rng.randint(1, 99)} JALAN {rng.choice(WORDS)}",
                 f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/2019", *(f"{it} {p:.2f}" for it, p in zip(items, prices)),
                 f"BAYARAN AKHIR {total:.2f}", f"CASH {paid:.2f}"]
        rows.append({"id": i, "text": "\n".join(lines), "gold": {"total": f"{total:.2f}"}})
    return rows


@pytest.fixture
def store(tmp_path: Path) -> Store:
    s = Store(f"sqlite:///{tmp_path / 'db.sqlite'}")
    s.migrate()
    return s


@pytest.fixture
def evalset(store, tmp_path):
    path = tmp_path / "receipts.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in receipts(40)))
    return evalsets.build(store, "receipts", "receipt", [str(path)])


def settings(tmp_path: Path, **more) -> Settings:
    return Settings(home=tmp_path, **({"llm_provider": "none"} | more))


def test_demonstrations_come_from_train_and_each_chunk_sees_the_most_similar(store, evalset):
    candidate = optimise.demonstrations(store, evalset, PromptConfig(), "opt", per_call=1)
    demos = candidate.demonstrations["receipt"]
    train_texts = {i.text for i in evalset.split("train")}
    assert demos and all(d.text in train_texts for d in demos)
    for d in demos:
        assert d.answer["total"]["quote"] in d.text  # a demo only shows what is printed
    assert prompts.row(store, candidate.version).status == "candidate" and prompts.row(store, candidate.version).parent == PROMPT_VERSION

    target = demos[3]
    messages = build_messages(RECEIPT, field_specs(RECEIPT), target.text.replace("CASH", "TUNAI"), candidate)
    assert len(messages) == 4  # system, one demonstration (question, answer), the document
    assert target.text in messages[1]["content"]


def test_gate_promotes_only_a_candidate_better_by_more_than_noise(store, evalset, tmp_path):
    same = prompts.register(store, PromptConfig(instructions="Extract carefully from this {title}."), "opt")
    held = optimise.gate(store, evalset, same, "opt", "test", ["rules"], settings(tmp_path))
    assert not held.promoted and held.gain == 0.0  # the rules extractor does not read instructions
    assert prompts.active(store).version == PROMPT_VERSION and prompts.row(store, same.version).status == "candidate"
    assert prompts.row(store, same.version).eval_results["gate"]["promoted"] is False

    anchored = prompts.register(store, PromptConfig(anchors={"receipt": {"total": ["BAYARAN AKHIR"]}}), "opt")
    won = optimise.gate(store, evalset, anchored, "opt", "test", ["rules"], settings(tmp_path))
    assert won.promoted and won.low > 0 and won.documents == len(evalset.split("test"))
    assert prompts.active(store).version == anchored.version
    promoted = [e for e in prompts.events(store, anchored.version) if e.action == "promoted"]
    assert promoted and "CI" in promoted[0].detail["reason"]
    assert len(evalsets.runs(store, "receipts")) == 4  # every gate run is stored


def test_paired_gain_needs_a_consistent_improvement():
    base = {str(i): 0.5 for i in range(30)}
    noisy = {k: 0.5 + (0.5 if i % 2 else -0.5) for i, k in enumerate(base)}
    gain, low, high = optimise.paired_gain(base, noisy)
    assert low < 0 < high
    assert optimise.paired_gain(base, {k: 0.75 for k in base}) == (0.25, 0.25, 0.25)


def test_ab_share_runs_a_candidate_by_document_and_compares_review_outcomes(store, tmp_path):
    candidate = prompts.register(store, PromptConfig(anchors={"receipt": {"total": ["BAYARAN AKHIR"]}}), "opt")
    ab.set_share(store, candidate.version, 0.5, "lead")
    pipe = build_pipeline(settings(tmp_path), ["rules"], store)
    docs = receipts(24, seed=1)
    states = [pipe.process(d["text"].encode(), f"r{d['id']}.txt", "receipt") for d in docs]
    versions = [s.provenance["prompt_version"] for s in states]
    assert set(versions) == {PROMPT_VERSION, candidate.version}
    assert pipe.process(docs[0]["text"].encode(), "again.txt", "receipt").provenance["prompt_version"] == versions[0]  # stable

    # a reviewer checks each total: accepted when right, corrected otherwise
    with store.session() as s:
        rows = s.execute(select(FieldRow.id, FieldRow.value, RunRow.document_id, RunRow.prompt_version)
                         .join(RunRow, RunRow.id == FieldRow.run_id).where(FieldRow.name == "total")).all()
    gold = {s.id: d["gold"]["total"] for s, d in zip(states, docs)}
    for field_id, value, doc_id, _ in rows:
        if value == gold[doc_id]:
            review.accept(store, field_id, "rita", tmp_path / "out")
        else:
            review.correct(store, field_id, "rita", gold[doc_id], tmp_path / "out")
    outcomes = ab.compare(store, "receipt")
    assert outcomes[candidate.version].accepted_share == 1.0
    assert outcomes[PROMPT_VERSION].accepted_share < 0.5
    assert outcomes[candidate.version].reviewed + outcomes[PROMPT_VERSION].reviewed == len(docs)

    with pytest.raises(ValueError):
        ab.set_share(store, prompts.register(store, PromptConfig(instructions="x {title}"), "opt").version, 0.6, "lead")


def test_gepa_is_refused_with_only_the_embedded_model(store, evalset, tmp_path):
    with pytest.raises(optimise.NeedsCapableModel, match="capable model"):
        optimise.instructions(store, evalset, PromptConfig(), settings(tmp_path, llm_provider="embedded"), "opt")


def test_gepa_evolves_the_instruction_and_stores_a_candidate(store, tmp_path):
    path = tmp_path / "small.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in receipts(8, seed=2)))
    small = evalsets.build(store, "small", "receipt", [str(path)])
    proposed = "Read the {title} closely. The amount after BAYARAN AKHIR is the total."

    def reply(req: FakeRequest):
        if req.schema is None:  # GEPA's reflection: plain chat, a new instruction in a code block
            return f"```\n{proposed}\n```"
        follows = "BAYARAN AKHIR" in req.messages[0]["content"]
        found = (req.document or "").split("BAYARAN AKHIR ")[-1].split("\n")[0] if follows else None
        return {n: ({"quote": f"BAYARAN AKHIR {found}", "value": found} if n == "total" and found else {"quote": None, "value": None}) for n in req.fields}

    with FakeOpenAI(reply) as server:
        conf = settings(tmp_path, llm_provider="openai", llm_base_url=server.base_url, llm_model="fake")
        candidate = optimise.instructions(store, small, PromptConfig(), conf, "opt", max_metric_calls=12)
        reflections = [r for r in server.log if r.schema is None]
    assert reflections, "GEPA asked the configured model to reflect"
    assert candidate.instructions == proposed
    row = prompts.row(store, candidate.version)
    assert row.status == "candidate" and row.eval_results["gepa"]["dev_score"] == 1.0
