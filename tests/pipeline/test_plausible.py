"""Values not plausibly of their kind are never auto-accepted, however confident."""

from pipeline.plausible import implausible
from pipeline.route import route
from pipeline.state import DocumentState, FieldResult, FieldStatus, Span


def _result(value, printed):
    return FieldResult(value=value, confidence=0.99, evidence=[Span(page=1, start=0, end=len(printed), text=printed)])


def test_words_are_no_identifiers_and_page_numbers_no_amounts():
    assert implausible("identifier", _result("an", "an"))
    assert implausible("identifier", _result("at", "at"))
    assert implausible("identifier", _result("INV-2024-0017", "INV-2024-0017")) is None
    assert implausible("money", _result("3", "3"))
    assert implausible("money", _result("7.00", "7.00")) is None
    assert implausible("money", _result("1200", "$1200")) is None
    assert implausible("organization", _result(["Acme Inc.", "the"], "Acme Inc. the"))
    assert implausible("organization", _result(["Acme Inc."], "Acme Inc.")) is None
    sentence = "MA agrees to use its best efforts to market and license the Technology to Clients consistent with the terms."
    assert implausible("organization", _result([sentence], sentence))
    assert implausible("date", _result("2020-01-01", "1 Jan 2020")) is None  # no check for dates


def test_addresses_and_labels_are_no_names_but_a_bare_domain_can_be():
    assert implausible("organization", _result("www.acme.com", "www.acme.com"))
    assert implausible("organization", _result("info@acme.com", "info@acme.com"))
    assert implausible("organization", _result("HTTPS://FACEBOOK.COM/MAJU", "HTTPS://FACEBOOK.COM/MAJU"))
    assert implausible("organization", _result("Vertreten durch:", "Vertreten durch:"))
    assert implausible("organization", _result("BookingEntertainment.com", "BookingEntertainment.com")) is None


def test_a_date_or_a_documents_title_is_no_name():
    """A bill's heading ("TAX INVOICE", "請求書") and a date printed under the customer's label
    are not the parties' names; a name with a number in it still is."""
    for text in ("TAX INVOICE", "Factura", "請求書", "March 3, 2025", "3 March 2025", "Net 30", "30 days"):
        assert implausible("organization", _result(text, text)), text
    for text in ("Invoice Systems Ltd", "Studio 54 LLC", "Store 2291", "Linda Alvarez"):
        assert implausible("organization", _result(text, text)) is None, text


def test_a_slogan_is_no_name_a_legal_forms_abbreviations_are():
    """A big-box receipt prints its slogan above the store's name: sentences, not a name."""
    for text in ("Save More. Live Better. Every Day.", "Thank you for shopping!"):
        assert implausible("organization", _result(text, text)), text
    for text in ("Acme Co. Ltd.", "St. James Bakery Inc.", "Yahoo!", "ABC Sdn. Bhd."):
        assert implausible("organization", _result(text, text)) is None, text


def test_route_sends_an_implausible_confident_value_to_review():
    state = DocumentState(
        id="d", source="t", sha256="0" * 64, size=1, schema_name="invoice", schema_version="1",
        fields={"invoice_number": _result("an", "an"), "total": _result("250.00", "250.00")},
    )
    routed = route(state, default_threshold=0.9)
    number = routed.fields["invoice_number"]
    assert number.status == FieldStatus.needs_review
    assert any(r.startswith("implausible identifier") for r in number.reasons)
    assert routed.fields["total"].status == FieldStatus.auto_accepted
