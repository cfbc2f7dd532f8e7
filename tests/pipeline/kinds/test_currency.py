"""Currencies: a bare dollar sign is the dollar the document names."""

from __future__ import annotations

from tests.pipeline.kinds.test_money import _best

SCHEMA = {"title": "Donation receipt", "properties": {"amount": {"type": "number"}, "currency": {"type": "string"}}}


def test_a_bare_dollar_sign_is_the_dollar_the_document_names_by_its_code():
    """"$750.00 AUD" and "gifts of $2 or more": the document names the Australian dollar, so its
    "$" signs are that dollar's, not three votes for the US dollar."""
    text = "Amount: $750.00 AUD\nDonations of $2 or more are tax deductible.\nTotal $750.00"
    assert _best(SCHEMA, text)["currency"].value == "AUD"


def test_a_dollar_sign_stays_the_us_dollar_where_the_document_names_none_or_names_usd():
    assert _best(SCHEMA, "Amount: $750.00\nTotal $750.00")["currency"].value == "USD"
    assert _best(SCHEMA, "Amount: $750.00 USD\nConverted: CAD 1,020.00")["currency"].value == "USD"


def test_rupees_marked_rs_are_indian_rupees():
    assert _best(SCHEMA, "Your annual CTC will be Rs. 24,50,000 (Rupees Twenty Four Lakh only)")["currency"].value == "INR"
