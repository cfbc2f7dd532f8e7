"""Dates a document prints without their year."""

from __future__ import annotations

import pytest

from pipeline.cues import cues_for
from pipeline.kinds.date import in_documents_year
from tests.conftest import make_document


@pytest.mark.parametrize(("period", "printed", "day"), [
    ("Statement period 1 March 2025 to 31 March 2025", "03 Mar", "2025-03-03"),
    ("Periode 01-04-2025 t/m 30-04-2025", "02-04", "2025-04-02"),  # day first, as the document's dates
    ("Statement period 15 December 2024 to 14 January 2025", "Jan 3", "2025-01-03"),  # the period spans a new year
    ("Statement period 15 December 2024 to 14 January 2025", "28 Dec", "2024-12-28"),
])
def test_a_line_dated_without_its_year_is_in_the_documents_period(period, printed, day):
    document = make_document(period + "\n" + printed + "  DD BRITISH GAS  86.40")
    assert str(in_documents_year(printed, document, cues_for(None, document.text))) == day


def test_no_year_is_guessed_for_a_document_that_prints_no_date_or_for_what_is_no_date():
    assert in_documents_year("03 Mar", make_document("DD BRITISH GAS 86.40"), cues_for(None)) is None
    assert in_documents_year("INV-7", make_document("Date 1 March 2025"), cues_for(None)) is None
