"""Names chosen between the two readers: the model says which name, the rules where it ends
and whose it is (``pipeline.score.delimited``, ``_rank``, ``other_party``)."""

from pipeline.extractors.finding import Proposal, rank
from pipeline.ground import span_at
from pipeline.score import score
from pipeline.state import Candidate, DocumentState, Stage
from tests.conftest import make_document

DOC = make_document(
    "GEOVENTURE\nTASTE OF THE WORLD SDN BHD (1166248-U)\nAEON CO. (M) BHD (126926-H)\n"
    "Bill to\nFelix Wolf\nTotal 10.00\n"
)


def name(value, extractor="rules", raw=None, **signals):
    raw = raw or value
    start = DOC.text.index(raw)
    return Candidate(field="issuer", value=value, raw=raw, extractor=extractor,
                     evidence=[span_at(DOC, start, start + len(raw))], signals={"grounded": 1.0, **signals})


def model(value):
    return name(value, "llm", quote_found=1.0, value_in_quote=1.0, model=0.5, logprob=0.95)


def issuer(*candidates):
    state = DocumentState(id="x", source="t", sha256="0" * 64, size=1, schema_name="invoice", schema_version="1",
                          parsed=DOC, candidates={"issuer": list(candidates)}, stage=Stage.grounded)
    return score(state).fields["issuer"]


def test_a_model_name_with_the_company_number_is_a_vote_for_the_rules_name():
    chosen = issuer(name("AEON CO. (M) BHD", legal=1.0, name=1.0, position=0.9), model("AEON CO. (M) BHD (126926-H)"))
    assert chosen.value == "AEON CO. (M) BHD"
    assert chosen.features["agreement"] == 1.0 and chosen.features["model_agrees"] == 1.0


def test_a_model_name_without_its_legal_form_is_a_vote_for_the_full_name():
    chosen = issuer(name("TASTE OF THE WORLD SDN BHD", legal=1.0, name=1.0, position=0.8), model("TASTE OF THE WORLD"))
    assert chosen.value == "TASTE OF THE WORLD SDN BHD"


def test_a_short_part_of_a_name_is_not_the_same_name():
    chosen = issuer(name("TASTE OF THE WORLD SDN BHD", legal=1.0, name=1.0, position=0.8), model("WORLD"))
    assert chosen.features["agreement"] == 0.5 and [c.value for c in chosen.candidates] == ["WORLD"]


def test_a_brand_both_readers_name_is_ranked_by_what_the_rules_saw_in_it():
    legal = name("TASTE OF THE WORLD SDN BHD", legal=1.0, name=1.0, position=0.9)
    brand = name("GEOVENTURE", legal=0.0, name=1.0, position=0.9)
    assert issuer(legal, brand, model("GEOVENTURE")).value == "TASTE OF THE WORLD SDN BHD"


def test_amounts_are_still_tipped_by_the_models_reading():
    state = DocumentState(
        id="x", source="t", sha256="0" * 64, size=1, schema_name="invoice", schema_version="1", parsed=DOC,
        stage=Stage.grounded, candidates={"total": [
            Candidate(field="total", value="10.00", raw="10.00", extractor="rules", signals={"grounded": 1.0, "match": 0.3}),
            Candidate(field="total", value="10.00", raw="10.00", extractor="llm", signals={"grounded": 1.0, "logprob": 0.9}),
            Candidate(field="total", value="1166248.00", raw="1166248", extractor="rules", signals={"grounded": 1.0, "match": 0.5}),
        ]},
    )
    assert score(state).fields["total"].value == "10.00"


def test_a_name_read_as_the_other_partys_is_never_the_answer_whoever_proposes_it():
    own = name("TASTE OF THE WORLD SDN BHD", legal=1.0, name=1.0, position=0.5, role=0.5)
    customer = name("Felix Wolf", legal=0.0, name=1.0, position=0.8, role=0.0)
    chosen = issuer(own, customer, model("Felix Wolf"))
    assert chosen.value == "TASTE OF THE WORLD SDN BHD"
    assert chosen.features["conflict"] == 0.0  # the customer contests nothing
    assert issuer(customer).value is None


def test_the_other_partys_names_are_kept_apart_from_the_rivals():
    proposals = [Proposal("A", [(0, 1)], {"legal": 1.0, "role": 0.5})] + [
        Proposal(f"B{i}", [(0, 1)], {"legal": 0.9, "role": 0.5}) for i in range(5)
    ] + [Proposal("Felix Wolf", [(0, 1)], {"legal": 0.0, "role": 0.0})]
    ranked = rank(proposals, limit=3)
    assert [p.value for p in ranked] == ["A", "B0", "B1", "Felix Wolf"]
    assert ranked[0].signals["unique"] > 0 and ranked[-1].signals["unique"] == 0.0


def test_an_address_is_delimited_by_the_rules_and_a_company_name_is_no_address():
    """The model's reading of an address with a line less is a vote for the rules' block, and
    a company name the model gave as the address never outranks a plausible address."""
    doc = make_document("OLIVE9 PHARMACY SDN BHD\n69 JALAN NOVA U5/N,\nSEKSYEN U5 SUBANG BESTARI\nTotal 10.00\n")
    block = "69 JALAN NOVA U5/N, SEKSYEN U5 SUBANG BESTARI"

    def read(value, raw, extractor="rules", **signals):
        start = doc.text.index(raw)
        return Candidate(field="address", value=value, raw=raw, extractor=extractor, evidence=[span_at(doc, start, start + len(raw))],
                         signals={"grounded": 1.0, **signals})

    def chosen(*candidates):
        state = DocumentState(id="x", source="t", sha256="0" * 64, size=1, schema_name="receipt", schema_version="1",
                              parsed=doc, candidates={"address": list(candidates)}, stage=Stage.grounded)
        return score(state).fields["address"].value

    rules = read(block, "69 JALAN NOVA U5/N,\nSEKSYEN U5 SUBANG BESTARI", cues=0.8, shape=0.5)
    model_says = dict(extractor="llm", quote_found=1.0, value_in_quote=1.0, model=0.5, logprob=0.95)
    assert chosen(rules, read("69 JALAN NOVA U5/N, SEKSYEN U5", "69 JALAN NOVA U5/N,\nSEKSYEN U5", **model_says)) == block
    assert chosen(rules, read("OLIVE9 PHARMACY SDN BHD", "OLIVE9 PHARMACY SDN BHD", **model_says)) == block
