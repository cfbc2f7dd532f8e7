"""Bulk accept of a document's most confident pending fields: each one a normal decision, after a confirmation."""

from __future__ import annotations

import pytest

from review_ui import queries, review
from review_ui.context import DOCUMENT
from tests.review_ui.test_pages import _all, app, button, reviews
from tests.review_ui.test_review import first_run, pending, reviews_of

MINIMUM = 0.55  # run 1's pending fields: some above (issuer .57, total .64, ...), due_date and line_items below


def test_accept_many_is_one_decision_per_field_and_skips_held_ones(seeded):
    store = seeded.store
    run_id = first_run(store)
    chosen = queries.confident_pending(store, run_id, MINIMUM)
    assert len(chosen) >= 2 and all(f.confidence >= MINIMUM and f.status == "needs_review" for f in chosen)
    assert [f.confidence for f in chosen] == sorted((f.confidence for f in chosen), reverse=True)
    below = [f for f in pending(store, run_id) if f.confidence < MINIMUM]
    assert below and queries.confident_pending(store, run_id, 1.0) == []
    assert queries.claim(store, chosen[0].id, "bob", 15)  # bob holds one of them

    done = review.accept_many(store, [f.id for f in chosen], "alice", seeded.out)
    assert done.skipped == [chosen[0].id] and [o.field_id for o in done.accepted] == [f.id for f in chosen[1:]]
    for f in chosen[1:]:
        [r] = reviews_of(store, f.id)
        assert (r.reviewer, r.action, r.before, r.after, r.evidence) == ("alice", "accepted", f.value, f.value, f.evidence)
    assert reviews_of(store, chosen[0].id) == []
    assert {f.id for f in pending(store, run_id)} == {chosen[0].id} | {f.id for f in below}
    # listed before another reviewer decided on it: the stale entry is skipped, not decided twice
    assert review.accept_many(store, [chosen[1].id], "bob", seeded.out).skipped == [chosen[1].id]


def test_a_threshold_outside_0_to_1_is_refused(seeded):
    for bad in (-0.1, 1.5, float("nan")):
        with pytest.raises(queries.InvalidThreshold):
            queries.confident_pending(seeded.store, first_run(seeded.store), bad)


def test_bulk_accept_on_the_document_page_waits_for_confirmation(app_env):
    store = app_env.store
    run_id = first_run(store)
    above = {f.id for f in queries.confident_pending(store, run_id, MINIMUM)}
    before = {f.id: f.status for f in _all(store)}
    at = app()
    at.session_state["run_id"] = run_id
    at = at.switch_page(DOCUMENT).run()
    at.slider(key=f"bulk-minimum-{run_id}").set_value(MINIMUM).run()
    button(at, f"Accept {len(above)} pending fields…").click().run()
    assert reviews(store) == []  # only listed so far
    listed = at.main.text[-1].value.splitlines()
    shown = [float(line.rsplit("(", 1)[1].rstrip(")")) for line in listed]  # "total: 119.00  (0.64)"
    assert len(listed) == len(above) and shown == sorted(shown, reverse=True) and min(shown) >= MINIMUM and at.warning
    button(at, "Cancel").click().run()
    assert reviews(store) == [] and not at.warning

    button(at, f"Accept {len(above)} pending fields…").click().run()
    button(at, "Confirm accept").click().run()
    assert at.success[0].value == f"Accepted {len(above)} fields."
    assert sorted((r.field_id, r.reviewer, r.action) for r in reviews(store)) == sorted((i, "alice", "accepted") for i in above)
    assert {f.id: f.status for f in _all(store) if f.id not in above} == {i: s for i, s in before.items() if i not in above}
