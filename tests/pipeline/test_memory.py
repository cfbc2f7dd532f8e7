"""Learned anchors: one corrected document makes the next one from the same issuer right."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from eval.datasets import examples
from eval.datasets.sroie import normalise
from pipeline.config import Settings
from pipeline.extractors.memory import MemoryExtractor, MemoryStore, find, header, remember, typed
from pipeline.run import Pipeline
from pipeline.state import DocumentState, ParsedDocument
from pipeline.schemas import field_specs, get_schema
from tests.conftest import DATASETS, make_document

KINDS = {s.name: s.kind for s in field_specs(get_schema("receipt"))}


def pipeline(tmp_path: Path, extractors: list[str]) -> Pipeline:
    return Pipeline(settings=Settings(home=tmp_path, llm_provider="none"), extractor_names=extractors)


def memory_of(pipe: Pipeline) -> MemoryStore:
    return next(e for e in pipe.extractors if isinstance(e, MemoryExtractor)).store


def teach(store: MemoryStore, document: ParsedDocument, key: str, gold: dict[str, str]) -> None:
    """What a reviewer's corrections give the memory: each gold value where it is printed."""
    confirmed = {}
    for name, value in gold.items():
        hit = find(document, value, KINDS[name], typed(KINDS[name], value))
        confirmed[name] = [(typed(KINDS[name], value), *hit[:2]) if hit else (typed(KINDS[name], value), None, None)]
    remember(store, document, "receipt", key, confirmed)


def right(state: DocumentState, name: str, gold: str) -> bool:
    return normalise(name, state.fields[name].value) == normalise(name, gold)


def test_one_corrected_receipt_makes_the_next_from_the_same_issuer_right_and_confident(tmp_path):
    """Two real receipts of one vendor (found by their labels): the rules get the second one's
    company wrong; after the first is corrected, the second comes out right, from memory,
    with a higher confidence than the rules alone gave their (wrong) value."""
    rules = pipeline(tmp_path / "rules", ["rules"])
    by_company = defaultdict(list)
    for ex in examples("sroie", DATASETS, split="train"):
        by_company[normalise("company", ex.gold.get("company"))].append(ex)
    pair = None
    for group in by_company.values():
        for first, second in zip(group, group[1:]):
            printed = find(second.parsed, first.gold["company"], "organization", None)
            if printed is None or printed[2] < 1.0:
                continue  # the test is about the same print, not about OCR slips
            alone = rules.process_parsed(second.parsed, second.id, "receipt")
            if not right(alone, "company", second.gold["company"]):
                pair = first, second, alone
                break
        if pair:
            break
    assert pair, "the train split has a vendor whose second receipt the rules get wrong"
    first, second, alone = pair

    learned = pipeline(tmp_path / "memory", ["rules", "memory"])
    teach(memory_of(learned), first.parsed, first.id, {k: v for k, v in first.gold.items() if k in KINDS})
    state = learned.process_parsed(second.parsed, second.id, "receipt")

    company = state.fields["company"]
    assert right(state, "company", second.gold["company"])
    assert company.extractor == "memory"
    assert company.features["signal.memory_value"] == 1.0 and company.features["signal.memory_votes"] == 1.0
    assert company.confidence > alone.fields["company"].confidence


ISSUER = "KEDAI RUNCIT SRI MURNI\nNO 7 JALAN MAWAR 3\n47100 PUCHONG\nTEL 03-8061 1234\n"


def receipt(date: str, amount: str, other: str) -> ParsedDocument:
    """A receipt whose amount due carries a label the rules do not know, under a larger number."""
    return make_document(f"{ISSUER}Tarikh jual {date}\nItem A {other}\nBayaran akhir {amount}\nTERIMA KASIH")


def test_anchors_read_dates_and_amounts_that_change_from_document_to_document(tmp_path):
    pipe = pipeline(tmp_path, ["rules", "memory"])
    teach(memory_of(pipe), receipt("03.02.2019", "45.10", "99.90"), "first", {"date": "03.02.2019", "total": "45.10"})

    state = pipe.process_parsed(receipt("17.03.2019", "77.25", "120.00"), "second", "receipt")

    memory = {c.field: c for c in state.candidates["total"] + state.candidates["date"] if c.extractor == "memory"}
    assert memory["total"].value == "77.25" and memory["total"].evidence[0].text == "77.25"
    assert memory["date"].value == "2019-03-17"
    assert memory["total"].signals["memory_anchor"] > 0.9 and "memory_value" not in memory["total"].signals
    assert state.fields["total"].value == "77.25"


def test_a_remembered_amount_printed_elsewhere_is_weak_and_a_near_date_is_no_date(tmp_path):
    """Amounts and dates change per document: an earlier total printed here as an item price
    is flagged as not at the remembered anchor (and loses to the anchored value), and an
    earlier date printed one digit apart is not proposed at all."""
    pipe = pipeline(tmp_path, ["rules", "memory"])
    store = memory_of(pipe)
    for key in ("first", "second"):
        teach(store, receipt("03.02.2019", "45.10", "99.90"), key, {"date": "03.02.2019", "total": "45.10"})

    state = pipe.process_parsed(receipt("08.02.2019", "77.25", "45.10"), "third", "receipt")

    memory = {(c.field, c.value): c for c in state.candidates["total"] + state.candidates["date"] if c.extractor == "memory"}
    assert memory[("total", "45.10")].signals["memory_anchor"] == 0.0
    assert memory[("total", "77.25")].signals["memory_anchor"] > 0.9
    assert state.fields["total"].value == "77.25"
    assert ("date", "2019-02-03") not in memory


def test_a_proposal_names_the_reviewed_documents_it_was_learned_from(tmp_path):
    pipe = pipeline(tmp_path, ["rules", "memory"])
    store = memory_of(pipe)
    teach(store, receipt("03.02.2019", "45.10", "99.90"), "near", {"total": "45.10"})
    teach(store, make_document(ISSUER.replace("\n", " ") + " CAWANGAN BARU\nBayaran akhir 12.00"), "farther", {"total": "12.00"})
    teach(store, make_document("SYARIKAT BESI MAJU BHD\nIPOH PERAK\nBayaran akhir 12.00"), "other issuer", {"total": "12.00"})

    state = pipe.process_parsed(receipt("17.03.2019", "77.25", "120.00"), "new", "receipt")

    [proposal] = [c for c in state.candidates["total"] if c.extractor == "memory" and c.value == "77.25"]
    assert proposal.learned_from == ["near", "farther"]  # most similar header first; the other issuer is no support
    assert all(c.learned_from == [] for cands in state.candidates.values() for c in cands if c.extractor != "memory")


def test_nothing_is_proposed_for_a_document_from_another_issuer(tmp_path):
    pipe = pipeline(tmp_path, ["rules", "memory"])
    teach(memory_of(pipe), receipt("03.02.2019", "45.10", "99.90"), "first", {"total": "45.10"})
    other = make_document("SYARIKAT BESI MAJU BHD\nLOT 88 KAWASAN PERINDUSTRIAN\nIPOH PERAK\nBayaran akhir 12.00")

    state = pipe.process_parsed(other, "other", "receipt")

    assert all(c.extractor != "memory" for cands in state.candidates.values() for c in cands)


def test_remembered_documents_survive_a_restart_and_a_re_review_replaces_them(tmp_path):
    document = receipt("03.02.2019", "45.10", "99.90")
    store = MemoryStore(tmp_path)
    teach(store, document, "first", {"total": "45.10"})
    teach(store, document, "first", {"total": "99.90"})  # the same document reviewed again

    reopened = MemoryStore(tmp_path)

    assert len(reopened) == 1
    [(memory, similarity)] = reopened.similar("receipt", header(receipt("01.01.2020", "1.00", "2.00").text))
    assert similarity > 0.9 and [a.value for a in memory.fields["total"]] == ["99.90"]
    assert memory.fields["total"][0].label == "Item A"


def test_a_remembered_amount_inside_a_date_is_not_proposed(tmp_path):
    """Issue 17 bug 4: an earlier receipt's total ("8.10") printed here only as part of the
    date (8.10.2019) is not this document's value: memory proposes only values its evidence
    reads as, and the total comes from where the issuer prints it."""
    pipe = pipeline(tmp_path, ["rules", "memory"])
    teach(memory_of(pipe), receipt("03.02.2019", "8.10", "99.90"), "first", {"total": "8.10"})

    state = pipe.process_parsed(receipt("8.10.2019", "77.25", "120.00"), "second", "receipt")

    memory = [c for c in state.candidates["total"] if c.extractor == "memory"]
    assert [c.value for c in memory] == ["77.25"]
    assert [typed("money", c.evidence[0].text) for c in memory] == ["77.25"]
    assert state.fields["total"].value == "77.25"
