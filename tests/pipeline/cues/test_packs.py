"""Cue packs are chosen by the document type: regional words reach the types that select them,
and, for a type that names no regional pack, the documents that show the region."""

from __future__ import annotations

import pytest

from pipeline.cues import PACKS, Cues, cues_for
from pipeline.extractors.finding import Context
from pipeline.extractors.rules import propose
from pipeline.schemas import field_specs, get_schema, model_from_json_schema
from tests.conftest import make_document

RECEIPT = get_schema("receipt")


class MalaysianReceipt(RECEIPT):
    """The receipt type, naming the Malaysian pack (the built-in one names none)."""

    name = "my_receipt_test"
    cues = ["receipts_my"]

MALAY_RECEIPT = """\
KEDAI RUNCIT MAJU SDN BHD
(538358-H)
NO 2, JALAN BAYU 4,
TAMAN SERI ALAM,
81750 MASAI, JOHOR
TARIKH: 15/01/2019
JUMLAH 22.65
TUNAI 50.00
BAKI 27.35
TERIMA KASIH"""


def plain_receipt():
    """The receipt type's fields, selecting no cue pack."""
    return model_from_json_schema(
        {
            "title": "Plain receipt",
            "x-name": "plain_receipt_test",
            "properties": {
                s.name: {"x-kind": s.kind, "description": s.description, "x-aliases": list(s.aliases)}
                for s in field_specs(RECEIPT)
            },
        }
    )


# Malay words without the region's signs (no legal form, street, state or ringgit amount)
UNMARKED_RECEIPT = """\
KEDAI RUNCIT MAJU
TARIKH: 15/01/2019
JUMLAH 22.65
TUNAI 50.00
BAKI 27.35
TERIMA KASIH"""


def proposals(model, field: str, text: str = MALAY_RECEIPT):
    doc = make_document(text)
    spec = next(s for s in field_specs(model) if s.name == field)
    return propose(Context(doc, model), spec)


def best(model, field: str):
    found = proposals(model, field)
    return max(found, key=lambda p: p.strength) if found else None


def test_types_select_their_packs_by_name():
    assert cues_for(MalaysianReceipt).names == ("receipts_my",)
    assert cues_for(get_schema("nda")).names == ("contracts_us",)
    assert cues_for(RECEIPT).names == cues_for(get_schema("invoice")).names == ()  # regions: the document's
    assert cues_for(plain_receipt()).names == ()
    assert set(PACKS.names()) >= {"receipts_my", "invoices_eu", "contracts_us"}


def test_json_schema_types_select_packs_with_x_cues():
    model = model_from_json_schema({"title": "Slip", "x-cues": ["receipts_my"], "properties": {"total": {"x-kind": "money"}}})
    assert cues_for(model).names == ("receipts_my",)


def test_a_plain_schema_gets_the_packs_about_what_it_describes_and_no_regional_ones():
    """A contract schema written with nothing docloop-specific gets the contract phrasings;
    a receipt schema gets no regional pack, whatever its text says; x-cues still wins."""
    contract = model_from_json_schema(
        {"title": "Supplier terms", "description": "Who signed the agreement and under which law.",
         "properties": {"parties": {"type": "array", "items": {"type": "string"}}, "governing_law": {"type": "string"}}}
    )
    assert cues_for(contract).names == ("contracts_us",)
    assert [f.__name__ for f in cues_for(contract).finders("organization", True)] == ["find_parties"]
    receipt = model_from_json_schema({"title": "Till receipt", "description": "A shop receipt from Malaysia.", "properties": {}})
    assert cues_for(receipt).names == ()
    chosen = model_from_json_schema({"title": "Lease agreement", "x-cues": [], "properties": {}})
    assert cues_for(chosen).names == ()
    joined = model_from_json_schema({"title": "ContractSummary", "properties": {}})  # a pydantic model's title
    assert cues_for(joined).names == ("contracts_us",)


def test_a_type_that_names_no_regional_pack_gets_those_whose_signs_the_document_shows():
    """Two different signs make a document regional; one mention does not, and a type that
    names a regional pack keeps exactly its own."""
    assert cues_for(plain_receipt(), MALAY_RECEIPT).names == ("receipts_my",)  # SDN BHD, JALAN, JOHOR
    assert cues_for(plain_receipt(), "Supplier: Penang Trading\nTotal 10.00").names == ()
    assert cues_for(plain_receipt(), UNMARKED_RECEIPT).names == ()
    german = "Rechnung\nGesamtbetrag 119,00 €"
    assert cues_for(plain_receipt(), german).names == cues_for(RECEIPT, german).names == ("invoices_eu",)
    assert cues_for(RECEIPT, MALAY_RECEIPT).names == ("receipts_my",)
    assert cues_for(MalaysianReceipt, german).names == ("receipts_my",)  # it named its region
    assert cues_for(plain_receipt(), "Invoice\nTotal € 119.00").names == ()


def test_a_type_that_names_no_pack_reads_an_agreement_with_the_contract_phrasings():
    """A schema titled with no topic word still gets the contract pack for a document that
    reads as an agreement; a type that names its own packs does not."""
    deal = model_from_json_schema({"title": "Deal sheet", "properties": {"jurisdiction": {"type": "string"}}})
    text = ("THIS SUPPLY AGREEMENT is entered into by and between Acme, Inc. and Beta LLC.\n"
            "This Agreement is governed by the laws of the State of Delaware.")
    assert cues_for(deal, text).names == ("contracts_us",)
    assert cues_for(deal, "This Agreement is binding.").names == ()  # one sign is not enough
    assert cues_for(MalaysianReceipt, text).names == ("receipts_my",)
    doc = make_document(text)
    spec = field_specs(deal)[0]
    assert [p.value for p in propose(Context(doc, deal), spec)][:1] == ["Delaware"]


def test_a_packs_printed_labels_reach_a_plain_fields_english_labels():
    """A plain "total_amount" is looked for under "Gesamtbetrag" on a German invoice (the
    European pack's form of "total"), and only where the pack is chosen."""
    bill = model_from_json_schema({"title": "Bill", "properties": {"total_amount": {"type": "number"}}})
    spec = field_specs(bill)[0]
    text = "Rechnung 17\nBeratung 100,00 €\nZwischensumme 100,00 €\nMwSt 19% 19,00 €\nGesamtbetrag 119,00 €\nVielen Dank"
    assert "gesamtbetrag" in cues_for(bill, text).labels(spec.aliases)
    best = max(propose(Context(make_document(text), bill), spec), key=lambda p: p.strength)
    assert (best.value, best.signals["match"]) == ("119.00", 1.0)
    assert Cues(()).labels(spec.aliases) == ()


def test_malay_words_confirm_a_total_only_with_the_pack():
    paid = {p.value: p.signals["paid"] for p in proposals(MalaysianReceipt, "total", UNMARKED_RECEIPT)}
    assert paid["22.65"] == 1.0 and paid["50.00"] == 0.0  # TUNAI 50.00 less BAKI 27.35
    generic = {p.value: p.signals["paid"] for p in proposals(plain_receipt(), "total", UNMARKED_RECEIPT)}
    assert set(generic.values()) == {0.5}  # no tender or change word it knows: nothing says
    shown = {p.value: p.signals["paid"] for p in proposals(plain_receipt(), "total")}
    assert shown == {p.value: p.signals["paid"] for p in proposals(RECEIPT, "total")}  # the region shows


def test_legal_forms_are_the_worlds_and_company_numbers_the_packs():
    """"Sdn Bhd" is one of the world's legal forms (cleanco's table), so any type reads the
    company by it; an SSM company number line is Malaysian knowledge, only with the pack."""
    from pipeline.kinds.lines import is_company_no, look

    for model in (RECEIPT, plain_receipt()):
        company = best(model, "company")
        assert (company.value, company.signals["legal"]) == ("KEDAI RUNCIT MAJU SDN BHD", 1.0)
    assert is_company_no(look(cues_for(MalaysianReceipt)), "(538358-H)")
    assert not is_company_no(look(cues_for(plain_receipt())), "(538358-H)")


def test_malaysian_streets_and_states_only_with_the_pack():
    chosen = best(RECEIPT, "address")
    assert chosen.value == "NO 2, JALAN BAYU 4, TAMAN SERI ALAM, 81750 MASAI, JOHOR"
    doc = make_document(MALAY_RECEIPT)
    spec = next(s for s in field_specs(plain_receipt()) if s.name == "address")
    found = propose(Context(doc, plain_receipt(), cues=Cues(())), spec)
    generic = max(found, key=lambda p: p.strength) if found else None
    assert generic is None or generic.signals["cues"] < chosen.signals["cues"]
    assert best(plain_receipt(), "address").signals["cues"] == chosen.signals["cues"]  # the region shows


def test_packs_merge_words_and_patterns_in_the_order_chosen():
    both = Cues(("receipts_my", "invoices_eu"))
    assert {"tunai", "gesamt"} <= both.words("tender") | both.words("total")
    assert both.words("street", frozenset({"street"})) >= {"street", "jalan", "strasse"}
    assert both.alternatives("region")[0] == "selangor"


def test_an_unknown_pack_is_a_clear_error():
    with pytest.raises(KeyError, match="unknown cue 'nowhere'"):
        Cues(("nowhere",)).words("street")


GERMAN_RECEIPT = """\
Bäckerei Schmidt GmbH
Hauptstraße 12
80331 München
St.-Nr. 143/123/45678
Beleg-Nr. 4471 05.02.2024
SUMME EUR 7,50
MwSt 7% 0,49"""


def test_a_compound_street_and_a_tax_number_line_with_the_european_pack():
    """"Hauptstraße" is a street as "Jalan Bayu" is; the tax number under the address ends it."""
    assert cues_for(plain_receipt(), GERMAN_RECEIPT).names == ("invoices_eu",)
    address = max(proposals(plain_receipt(), "address", GERMAN_RECEIPT), key=lambda p: p.strength)
    assert address.value == "Hauptstraße 12 80331 München"


def test_an_invoice_number_after_the_sign_for_number():
    bill = model_from_json_schema({"title": "Bill", "properties": {"invoice_number": {"type": "string"}}})
    text = "FACTURE N° F-2024-032\nDate de facture : 12/03/2024\nTVA 20 % 140,00 €\nTotal TTC 840,00 €"
    found = propose(Context(make_document(text), bill), field_specs(bill)[0])
    assert max(found, key=lambda p: p.strength).value == "F-2024-032"
