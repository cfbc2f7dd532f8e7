"""``docloop eval run --schema S --as a=b``: a dataset read with a schema a user wrote, scored on the dataset's labels."""

from __future__ import annotations

from eval.run import evaluate


def test_a_user_schema_is_scored_under_the_datasets_field_names():
    """The shipped shop_receipt schema (eval/schemas) names its fields its own way; mapped to
    the receipt labels, every labelled field is scored and the values are those it extracted."""
    report = evaluate(
        "sroie", split="test", limit=5, schema="shop_receipt",
        fields_as={"merchant_name": "company", "merchant_address": "address", "purchase_date": "date", "total_amount": "total"},
    )
    assert report.documents == 5 and report.fields == ["company", "date", "address", "total"]
    normalised = report.metrics["normalised"]
    assert {f for f in normalised if f != "micro"} == {"company", "date", "address", "total"}
    assert normalised["date"]["f1"] > 0.5 and normalised["total"]["f1"] > 0.5  # read, not merely renamed empty


def test_a_nested_records_values_are_scored_by_their_dotted_names():
    """``store_receipt`` keeps the merchant as one record (``merchant: {name, address}``): its
    values are read by the rules, as a flat schema's are, and scored as ``merchant.name``."""
    report = evaluate(
        "sroie", split="test", limit=5, schema="store_receipt",
        fields_as={"merchant.name": "company", "merchant.address": "address", "purchase_date": "date"},
    )
    assert report.fields == ["company", "date", "address", "total"]
    assert report.metrics["normalised"]["company"]["f1"] > 0.5 and report.metrics["normalised"]["address"]["f1"] > 0.5


def test_a_malformed_field_mapping_is_a_usage_error():
    from typer.testing import CliRunner

    from eval.cli import app

    result = CliRunner().invoke(app, ["run", "--dataset", "sroie", "--limit", "1", "--schema", "shop_receipt", "--as", "merchant_name"])
    assert result.exit_code == 2 and "schema_field=dataset_field" in result.output


def test_several_fields_mapped_to_one_label_are_scored_as_one_list():
    from eval.metrics import Prediction
    from eval.run import renamed

    prediction = Prediction("d", {"disclosing_party": "Acme Inc.", "receiving_party": "Beta LLC", "law": None})
    out = renamed(prediction, {"disclosing_party": "party", "receiving_party": "party", "law": "jurisdiction"})
    assert out.values == {"party": ["Acme Inc.", "Beta LLC"], "jurisdiction": None}
