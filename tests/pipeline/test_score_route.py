from pipeline.ground import span_at
from pipeline.route import route
from pipeline.score import HeuristicScorer, candidate_confidence, features, score
from pipeline.state import Candidate, DocumentState, FieldResult, FieldStatus, ParsedDocument, Stage
from tests.conftest import make_document

DOC = make_document("ACME SDN BHD\nDate 25/12/2018\nSubtotal 100.00\nTax 6.00\nTotal 106.00\nTotal 150.00\n")


def cand(field, value, raw, extractor="rules", grounded=1.0, **signals):
    start = DOC.text.index(raw)
    evidence = [span_at(DOC, start, start + len(raw))] if grounded else []
    return Candidate(field=field, value=value, raw=raw, extractor=extractor, evidence=evidence,
                     signals={"grounded": grounded, **signals})


def state(candidates, schema="invoice"):
    by_field = {}
    for c in candidates:
        by_field.setdefault(c.field, []).append(c)
    return DocumentState(id="x", source="t", sha256="0" * 64, size=1, schema_name=schema, schema_version="1",
                         parsed=DOC, candidates=by_field, stage=Stage.grounded)


def test_strong_grounded_agreeing_value_is_confident_and_auto_accepted():
    s = state([cand("total", "106.00", "106.00", match=1.0, layout=1.0),
               cand("total", "106.00", "106.00", extractor="llm", quote_found=1.0)])
    s = route(score(s))
    assert s.fields["total"].confidence > 0.9
    assert s.fields["total"].status == FieldStatus.auto_accepted


def test_ungrounded_value_never_auto_accepted():
    s = state([cand("issuer", "Globex", "ACME SDN BHD", extractor="llm", grounded=0.0, quote_found=1.0, model=1.0)])
    s = route(score(s), default_threshold=0.0)
    assert s.fields["issuer"].status == FieldStatus.needs_review
    assert "not grounded in the document" in s.fields["issuer"].reasons


def test_disagreement_lowers_confidence_and_keeps_the_other_candidate():
    alone = score(state([cand("total", "106.00", "106.00", match=0.9)])).fields["total"]
    contested = score(state([cand("total", "106.00", "106.00", match=0.9),
                             cand("total", "150.00", "150.00", match=0.85)])).fields["total"]
    assert contested.confidence < alone.confidence
    assert [c.value for c in contested.candidates] == ["150.00"]
    assert "extractors or candidates disagree" in contested.reasons


def test_missing_field_needs_review_with_reason():
    s = route(score(state([])))
    assert s.fields["total"].value is None and s.fields["total"].status == FieldStatus.needs_review
    assert s.fields["total"].reasons == ["not found"]


def test_cross_field_check_sends_fields_to_review():
    good = [cand("subtotal", "100.00", "100.00", match=1.0, layout=1.0),
            cand("tax", "6.00", "6.00", match=1.0, layout=1.0)]
    ok = route(score(state(good + [cand("total", "106.00", "106.00", match=1.0, layout=1.0)])), 0.5)
    assert ok.fields["total"].status == FieldStatus.auto_accepted
    bad = route(score(state(good + [cand("total", "150.00", "150.00", match=1.0, layout=1.0)])), 0.5)
    for name in ("subtotal", "tax", "total"):
        assert bad.fields[name].status == FieldStatus.needs_review
        assert any("cross-field" in r for r in bad.fields[name].reasons)


def test_a_failed_sum_takes_the_fields_next_values_that_add_up():
    """The model read the subtotal from the total's line (106.00, the stronger reading); the
    rules' 100.00 adds up with the tax to the total, so it is chosen, and the sum holds."""
    candidates = [cand("subtotal", "106.00", "106.00", extractor="llm", quote_found=1.0, model=1.0),
                  cand("subtotal", "100.00", "100.00", match=0.6),
                  cand("tax", "6.00", "6.00", match=1.0, layout=1.0), cand("total", "106.00", "106.00", match=1.0, layout=1.0)]
    assert score(state(candidates[:2])).fields["subtotal"].value == "106.00"  # alone, the stronger reading
    fields = route(score(state(candidates)), 0.0).fields
    assert fields["subtotal"].value == "100.00" and [c.value for c in fields["subtotal"].candidates] == ["106.00"]
    # a sum made to hold is no evidence: every field of it goes to a person, whatever the threshold
    for name in ("subtotal", "tax", "total"):
        assert fields[name].status == FieldStatus.needs_review and "chosen so that a cross-field check holds" in fields[name].reasons
        assert fields[name].features["cross_check"] == 0.0
    # with no values that add up, the first choice stays and goes to review
    alone = route(score(state([candidates[0], *candidates[2:]])), 0.5).fields
    assert alone["subtotal"].value == "106.00" and any("cross-field" in r for r in alone["subtotal"].reasons)


def test_reviewed_fields_keep_their_status_on_reroute():
    s = score(state([cand("total", "150.00", "150.00")]))
    fields = dict(s.fields, total=FieldResult(value="106.00", confidence=1.0, status=FieldStatus.corrected))
    s = route(s.model_copy(update={"fields": fields}))
    assert s.fields["total"].status == FieldStatus.corrected


def test_list_field_keeps_probable_items_and_drops_weak_ones():
    doc_state = state([cand("party", "ACME SDN BHD", "ACME SDN BHD", match=1.0, layout=1.0),
                       cand("party", "Tax", "Tax", match=0.1, grounded=0.0)], schema="nda")
    party = score(doc_state).fields["party"]
    assert party.value == ["ACME SDN BHD"]
    assert [c.value for c in party.candidates] == ["Tax"]


def test_items_of_a_list_are_not_rivals():
    """A co-party weaker than the other is still kept: items of a list do not contest each other."""
    co_party = cand("party", "Globex", "Total", match=0.75, layout=0.75)
    alone = score(state([co_party], schema="nda")).fields["party"]
    beside = score(state([cand("party", "ACME SDN BHD", "ACME SDN BHD", match=1.0, layout=1.0), co_party], schema="nda")).fields["party"]
    assert beside.value == ["ACME SDN BHD", "Globex"]
    assert beside.features["conflict"] == alone.features["conflict"] == 0.0


def test_features_carry_every_agreeing_extractors_signals_and_count_only_their_top_values():
    rules_top = cand("total", "106.00", "106.00", match=1.0, unique=1.0)
    rules_runner_up = cand("total", "150.00", "150.00", match=0.4)
    memory = cand("total", "106.00", "106.00", extractor="memory", memory_anchor=1.0)
    feats = score(state([rules_top, rules_runner_up, memory])).fields["total"].features
    assert feats["signal.unique"] == 1.0 and feats["signal.memory_anchor"] == 1.0  # what each saw
    # memory proposing the rules' runner-up is one extractor for it, not two
    backing = cand("total", "150.00", "150.00", extractor="memory", memory_anchor=1.0)
    assert features(backing, [rules_top, rules_runner_up, backing])["agreement"] == 0.5


def test_provisional_confidence_orders_by_evidence():
    strong = cand("total", "106.00", "106.00", match=1.0, layout=1.0)
    weak = cand("total", "106.00", "106.00", match=0.3)
    assert candidate_confidence(strong) > candidate_confidence(weak)
    assert 0 <= HeuristicScorer().confidence("s", "f", {}) < 0.05


def test_absence_is_accepted_only_when_a_calibration_vouches_for_it():
    from eval.calibration import Outcome, fit
    from pipeline.confidence import CalibratedScorer

    assert route(score(state([]))).fields["vat_rate"].status == FieldStatus.needs_review  # the prior never does
    # "no VAT rate found" was right 196 times in 200 before
    outcomes = [Outcome("invoice", "vat_rate", {"absent": 1.0}, i % 50 != 0) for i in range(200)]
    scorer = CalibratedScorer(fit(outcomes, source="t", target=0.95))
    routed = route(score(state([]), scorer), thresholds=scorer.thresholds()["invoice"])
    assert routed.fields["vat_rate"].value is None and routed.fields["vat_rate"].confidence > 0.95
    assert routed.fields["vat_rate"].status == FieldStatus.auto_accepted
    # a calibration fitted on found values alone does not speak for absence
    found_only = CalibratedScorer(fit([Outcome("invoice", "total", {"grounded": 1.0}, True)] * 50, source="t"))
    assert score(state([]), found_only).fields["total"].confidence == score(state([])).fields["total"].confidence


def test_audit_sample_sends_a_fixed_share_of_accepted_fields_to_review():
    from pipeline.route import AUDIT, audited

    strong = [cand("total", "106.00", "106.00", match=1.0, layout=1.0)]
    routed = [route(score(state(strong)).model_copy(update={"sha256": f"{i:064x}"}), audit_rate=0.2) for i in range(500)]
    sampled = [r for r in routed if r.fields["total"].status == FieldStatus.needs_review]
    assert 0.15 < len(sampled) / len(routed) < 0.25
    assert all(AUDIT in r.fields["total"].reasons for r in sampled)
    # idempotent: routing again draws the same sample
    assert all(audited(r.sha256, "total", 0.2) == (r in sampled) for r in routed)
    assert route(routed[0], audit_rate=0.2).fields["total"].status == routed[0].fields["total"].status


def test_a_value_read_from_a_word_ocr_was_unsure_of_is_never_auto_accepted():
    """The same confident total is accepted from a text layer or a sure OCR word, and sent to
    a person when tesseract read its word with low confidence."""
    at = DOC.text.index("106.00")

    def read_with(confidence):
        pages = [p.model_copy(update={"words": [w.model_copy(update={"confidence": confidence if w.start == at else 0.99}) for w in p.words]}) for p in DOC.pages]
        s = state([cand("total", "106.00", "106.00", match=1.0, layout=1.0), cand("total", "106.00", "106.00", extractor="llm", quote_found=1.0)])
        scan = ParsedDocument(text=DOC.text, pages=pages, parser="tesseract")  # not a copy: its word caches are its own
        return route(score(s.model_copy(update={"parsed": scan})), default_threshold=0.5).fields["total"]

    assert read_with(None).status == read_with(0.95).status == FieldStatus.auto_accepted
    unsure = read_with(0.6)
    assert unsure.status == FieldStatus.needs_review and "read by OCR with low confidence" in unsure.reasons


def test_two_fields_read_from_the_same_words_are_never_auto_accepted():
    """A due date grounded on the issue date's own words (an invoice that prints no due date)
    waits for a person, and so does the date; read from their own words, both may be accepted."""
    date = cand("date", "2018-12-25", "25/12/2018", match=1.0, layout=1.0)
    due = cand("due_date", "2018-12-25", "25/12/2018", extractor="llm", quote_found=1.0, value_in_quote=1.0)
    routed = route(score(state([date, due])), default_threshold=0.0)
    for name in ("date", "due_date"):
        assert routed.fields[name].status == FieldStatus.needs_review
        assert "read from the same words as another field" in routed.fields[name].reasons
    apart = route(score(state([date, cand("total", "106.00", "106.00", match=1.0, layout=1.0)])), default_threshold=0.0)
    assert apart.fields["date"].status == apart.fields["total"].status == FieldStatus.auto_accepted


def test_the_export_says_what_a_schemas_confidences_rest_on():
    """A schema fitted on its own reviews, one served by the per-kind transfer (whose
    confidences vouch for nothing alone), and the heuristic, named in the provenance."""
    from pipeline.confidence import KINDS, Calibration, CalibratedScorer

    s = state([cand("total", "106.00", "106.00", match=1.0, layout=1.0)])
    assert score(s, HeuristicScorer()).provenance["confidence_basis"] == "heuristic"
    own = CalibratedScorer({"invoice": Calibration("invoice", "v", "test", 0.99)})
    assert score(s, own).provenance["confidence_basis"] == "own reviews"
    kinds = CalibratedScorer({KINDS: Calibration(KINDS, "v", "test", 0.99)})
    assert score(s, kinds).provenance["confidence_basis"] == "other schemas' reviews"


def test_a_date_whose_day_and_month_order_is_guessed_is_never_accepted_alone():
    """"04/02/24" on a receipt that no region's signs and no other date place reads 4 February
    only by the day-first default (an Austin receipt meant 2 April): however confident, a person
    confirms it. The same date on a receipt of a known region, or with its day over 12, is accepted."""
    def routed(text):
        doc = make_document(text)
        start = text.index("04/02/24") if "04/02/24" in text else text.index("25/02/24")
        c = Candidate(field="date", value="2024-02-04", raw=text[start:start + 8], extractor="rules",
                      evidence=[span_at(doc, start, start + 8)], signals={"grounded": 1.0, "match": 1.0, "layout": 1.0})
        s = DocumentState(id="x", source="t", sha256="0" * 64, size=1, schema_name="receipt", schema_version="1",
                          parsed=doc, candidates={"date": [c]}, stage=Stage.grounded)
        return route(score(s), default_threshold=0.0).fields["date"]

    guessed = routed("SUPERCENTER\nDate 04/02/24\nTOTAL 10.96\n")
    assert guessed.status == FieldStatus.needs_review and "day and month order guessed" in guessed.reasons
    malaysian = routed("KEDAI SDN BHD\nJALAN BAYU 4, 81750 MASAI, JOHOR\nDate 04/02/24\nTOTAL RM 10.96\n")
    assert malaysian.status == FieldStatus.auto_accepted


def test_a_value_only_the_model_read_is_never_accepted_alone():
    """An invoice that prints no due date: the model read a printed date as one. However sure,
    it waits for a person; the same value read by the rules too may be accepted."""
    due = cand("due_date", "2018-12-25", "25/12/2018", extractor="llm", quote_found=1.0, value_in_quote=1.0, model=0.99)
    alone = route(score(state([due])), default_threshold=0.0).fields["due_date"]
    assert alone.status == FieldStatus.needs_review and "only the model read it" in alone.reasons
    both = route(score(state([due, cand("due_date", "2018-12-25", "25/12/2018", match=1.0, layout=1.0)])), default_threshold=0.0)
    assert both.fields["due_date"].status == FieldStatus.auto_accepted
