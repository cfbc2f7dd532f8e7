"""A field is given back as soon as its reviewer leaves it, so another can take it at once."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from pipeline.store import FieldRow
from review_ui.context import DASHBOARD, QUEUE
from tests.review_ui.test_pages import app, button, open_field


def holder(store, field_id: int) -> str | None:
    with store.session() as s:
        return s.scalar(select(FieldRow.claimed_by).where(FieldRow.id == field_id))


def two_pending(store) -> tuple[int, int]:
    with store.session() as s:
        first, second = s.scalars(select(FieldRow.id).where(FieldRow.status == "needs_review").order_by(FieldRow.id).limit(2))
    return first, second


def go_to(at, field_id: int):
    """Follow a link to another field (``?field=<id>``)."""
    at.query_params["field"] = str(field_id)
    return at.run()


LEAVING = {
    "another field": lambda at, other: go_to(at, other),
    "skip": lambda at, other: button(at, "Skip").click().run(),
    "next": lambda at, other: button(at, "Next").click().run(),
    "document view": lambda at, other: button(at, "Document").click().run(),
    "queue": lambda at, other: at.switch_page(QUEUE).run(),
    "dashboard": lambda at, other: at.switch_page(DASHBOARD).run(),
    "log out": lambda at, other: button(at, "Log out").click().run(),
}


@pytest.mark.parametrize("way", LEAVING)
def test_after_a_leaves_b_can_claim_at_once(app_env, way):
    store = app_env.store
    field_id, other = two_pending(store)
    a = open_field(app("alice"), field_id)
    assert holder(store, field_id) == "alice"
    b = open_field(app("bob"), field_id)
    assert b.warning[0].value == "Another reviewer is working on this field."

    LEAVING[way](a, other)
    assert holder(store, field_id) is None  # given back now, long before the claim's 15 minutes
    b = open_field(b, field_id)
    assert not b.warning and holder(store, field_id) == "bob"
    with store.session() as s:
        assert b.title[0].value == s.get(FieldRow, field_id).name
