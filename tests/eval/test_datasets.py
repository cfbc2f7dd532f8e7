"""The receipt and invoice loaders: counts, offsets, gold and normalisation."""

from __future__ import annotations

from pathlib import Path

import pytest

from eval.datasets import examples, parsee_invoices, sroie, split_of
from eval.run import asked_for

DATA = Path(__file__).resolve().parents[2] / ".." / "shared" / "datasets"


@pytest.fixture(scope="module")
def receipts():
    return list(sroie.load(DATA / "sroie"))


def test_sroie_counts_and_splits(receipts):
    assert len(receipts) == 626
    assert sum(1 for r in receipts if r.path is not None) == 40  # the ones with a scan
    assert all(r.path.exists() for r in receipts if r.path is not None)
    test = {r.id for r in examples("sroie", DATA, split="test")}
    train = {r.id for r in examples("sroie", DATA, split="train")}
    assert not test & train and len(test) + len(train) == 626
    assert all(split_of(i) == "test" for i in test)


def test_an_unknown_split_is_an_error_not_an_empty_dataset():
    with pytest.raises(ValueError, match="unknown split 'all'"):
        next(examples("sroie", DATA, split="all"))


def test_sroie_documents_keep_offsets(receipts):
    for r in receipts:
        doc = r.parsed
        page = doc.pages[0]
        assert (page.start, page.end) == (0, len(doc.text))
        rows = sroie.read_rows(DATA / "sroie" / "train" / "box" / f"{r.id}.txt")
        assert doc.text.split("\n") == [text for _, text in rows]  # one line per OCR row, file order
        for w in page.words:
            assert doc.text[w.start : w.end] == w.text
            x0, y0, x1, y1 = w.bbox
            assert x0 <= x1 and y0 <= y1
        assert set(r.gold) <= set(sroie.FIELDS)


def test_sroie_word_boxes_split_the_row_box():
    doc = sroie.document([((100.0, 10.0, 200.0, 30.0), "TOTAL 9.00")])
    first, second = doc.pages[0].words
    assert (first.text, second.text) == ("TOTAL", "9.00")
    assert first.bbox == (100.0, 10.0, 150.0, 30.0)  # 5 of the row's 10 characters
    assert second.bbox == (160.0, 10.0, 200.0, 30.0)


@pytest.mark.parametrize(
    ("field", "a", "b"),
    [
        ("date", "25/12/2018", "2018-12-25"),
        ("date", "25-12-18", "2018-12-25"),
        ("date", "25 DEC 2018", "2018-12-25"),
        ("total", "RM9.00", "9.00"),
        ("total", "$1,234.5", "1234.50"),
        ("company", "BOOK TA .K (TAMAN DAYA) SDN BHD", "book ta.k(taman daya) sdn bhd"),
        ("address", "NO.53, JALAN SAGU 18,", "NO 53 JALAN SAGU 18"),
    ],
)
def test_sroie_normalised_metric(field, a, b):
    assert sroie.normalise(field, a) == sroie.normalise(field, b)


def test_sroie_official_metric_is_the_printed_string():
    assert sroie.official("total", "RM9.00") != sroie.official("total", "9.00")
    assert sroie.official("company", " ACME ") == "ACME"


def test_parsee_invoices_load():
    invoices = list(parsee_invoices.load(DATA / "parsee_invoices"))
    assert len(invoices) == 15
    for inv in invoices:
        assert inv.path.suffix == ".pdf" and inv.path.exists()
        assert set(parsee_invoices.FIELDS) <= set(inv.gold) <= {*parsee_invoices.FIELDS, *parsee_invoices.MORE_FIELDS}
        assert inv.parsed is None  # the pipeline parses the PDF itself


@pytest.mark.parametrize(
    ("field", "a", "b"),
    [
        ("total", "119.0", "119.00"),
        ("total", "202.80", "202.8"),
        ("vat_rate", "19%", "19"),
        ("vat_rate", "0%", "0.00"),
        ("issuer", "Userpilot, Inc", "userpilot inc."),
        ("date", "2023-07-04", "2023-07-04"),
        ("currency", "EUR", "€"),
        ("subtotal", "100,00 €", "100.0"),
        ("tax_amount", "0", "0.00"),
        ("due_date", "Oct 4, 2022", "2022-10-04"),
        ("customer", "SimFin Analytics GmbH", "simfin analytics gmbh."),
        ("invoice_number", "#4hrb48vz", "4HRB48VZ"),
        ("issuer_tax_id", "IE 98 209 58W", "IE9820958W"),
    ],
)
def test_parsee_normalised_score(field, a, b):
    assert parsee_invoices.normalise(field, a) == parsee_invoices.normalise(field, b)


def test_parsee_pdfs_parse_with_offsets():
    from eval.run import parse_file
    from pipeline.config import Settings

    inv = next(parsee_invoices.load(DATA / "parsee_invoices"))
    doc = parse_file(inv.path, Settings())
    assert "Medienpilot GmbH & Co. KG" in doc.text
    for page in doc.pages:
        for w in page.words:
            assert doc.text[w.start : w.end] == w.text


def test_parsee_header_labels_cover_every_invoice():
    """The hand-read header fields (``parsee_header.jsonl``) are keyed by each PDF's sha256."""
    invoices = list(parsee_invoices.load(DATA / "parsee_invoices"))
    assert len(parsee_invoices.header_labels()) == len(invoices)
    assert sum("invoice_number" in inv.gold for inv in invoices) == 15
    assert {inv.gold.get("issuer_tax_id") for inv in invoices} >= {"DE318745729", "ATU72706128"}


def test_parsee_identifiers_keep_their_characters():
    assert parsee_invoices.normalise("invoice_number", "FS/22/09/51") != parsee_invoices.normalise("invoice_number", "FS22-09-51")


def test_parsee_header_fields_are_scored_only_where_a_schema_maps_to_them():
    more = parsee_invoices.MORE_FIELDS
    assert asked_for(more, {}) == asked_for(more, {"vendor": "issuer"}) == []
    assert asked_for(more, {"tax": "tax_amount", "po": "po_number"}) == ["tax_amount", "po_number"]
