"""Adding a value kind is one module: an IBAN kind from a temporary module works end to end."""

from __future__ import annotations

import sys
import textwrap

import pytest

from pipeline.extractors.base import ExtractionRequest
from pipeline.extractors.rules import RulesExtractor
from pipeline.ground import locate
from pipeline.kinds import KINDS, get_kind, is_typed, parser, register_kind, unregister_kind
from pipeline.plugins import Registry
from pipeline.prompting import describe
from pipeline.schemas import field_specs, model_from_json_schema
from tests.conftest import make_document

IBAN_MODULE = '''
"""IBANs: two letters, two check digits, up to 30 letters or digits; valid when mod 97 is 1."""

import re
from typing import Annotated

from pydantic import BeforeValidator, Field

from pipeline.extractors.finding import Proposal, link_label
from pipeline.kinds.base import Kind

PRINTED = r"\\b[A-Z]{2}\\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?\\b"


def parse_iban(text):
    compact = re.sub(r"\\s+", "", str(text or "")).upper()
    if not re.fullmatch(r"[A-Z]{2}\\d{2}[A-Z0-9]{11,30}", compact):
        return None
    digits = "".join(str(int(c, 36)) for c in compact[4:] + compact[:4])
    return compact if int(digits) % 97 == 1 else None


def strict(value):
    parsed = parse_iban(value)
    if value and parsed is None:
        raise ValueError(f"not an IBAN: {value!r}")
    return parsed


class IbanKind(Kind):
    name = "iban"
    json_type = Annotated[str, BeforeValidator(strict), Field(json_schema_extra={"x-kind": "iban"})]
    grounding = PRINTED
    hint = "an IBAN"
    parse = staticmethod(parse_iban)

    def find(self, ctx, spec):
        out = []
        for m in re.finditer(PRINTED, ctx.text):
            value = parse_iban(m.group())
            if value:
                link = link_label(ctx, spec, m.start(), m.end())
                out.append(Proposal(value, [(m.start(), m.end())], {"match": link.match, "typed": 1.0}))
        return out
'''

PAYMENT = {
    "title": "Payment slip",
    "x-name": "payment_slip_test",
    "properties": {"account": {"x-kind": "iban", "description": "The payee's IBAN.", "x-aliases": ["IBAN"]}},
}


@pytest.fixture
def iban_module(tmp_path, monkeypatch):
    (tmp_path / "iban_kind.py").write_text(textwrap.dedent(IBAN_MODULE))
    monkeypatch.syspath_prepend(str(tmp_path))
    yield tmp_path
    sys.modules.pop("iban_kind", None)


def test_a_kind_from_a_new_module_is_parsed_found_grounded_and_prompted(iban_module):
    KINDS.add("iban", "iban_kind:IbanKind")
    try:
        assert parser("iban")("de89 3704 0044 0532 0130 00") == "DE89370400440532013000"
        assert parser("iban")("DE89 3704 0044 0532 0130 01") is None  # wrong check digits
        assert is_typed("iban")

        model = model_from_json_schema(PAYMENT)
        assert model(account="DE89 3704 0044 0532 0130 00").account == "DE89370400440532013000"
        with pytest.raises(ValueError):
            model(account="DE00 0000")

        doc = make_document("Payment slip\nPayee: Acme GmbH\nIBAN: DE89 3704 0044 0532 0130 00\nAmount: 12.00")
        [spec] = field_specs(model)
        assert spec.kind == "iban"
        [candidate] = RulesExtractor().extract(ExtractionRequest(doc, model, [spec], [])).candidates
        assert candidate.value == "DE89370400440532013000"
        assert candidate.evidence[0].text == "DE89 3704 0044 0532 0130 00"
        assert candidate.signals["match"] == 1.0

        span, sure = locate(doc, None, "iban", "DE89370400440532013000")
        assert span.text == "DE89 3704 0044 0532 0130 00" and sure == 1.0
        assert "(an IBAN)" in describe(spec)
    finally:
        unregister_kind("iban")
    assert get_kind("iban") is None


def test_kinds_come_from_the_entry_point_group(iban_module):
    """An installed package declares ``[docloop.kinds] iban = iban_kind:IbanKind``."""
    dist = iban_module / "iban_kind-1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: iban-kind\nVersion: 1.0\n")
    (dist / "entry_points.txt").write_text("[docloop.kinds]\niban = iban_kind:IbanKind\n")
    kinds = Registry("docloop.kinds", {})
    assert "iban" in kinds.names()
    assert kinds.load("iban").name == "iban"


def test_register_kind_replaces_a_builtin_until_removed():
    from pipeline.kinds.text import TextKind

    class Shouting(TextKind):
        name = "shouting_test"
        hint = "upper case"

        def parse(self, text):
            return str(text).upper() if text else None

    register_kind(Shouting)
    try:
        assert parser("shouting_test")("hey") == "HEY" and get_kind("shouting_test").hint == "upper case"
    finally:
        unregister_kind("shouting_test")
    assert parser("shouting_test") is None
    assert parser("text")("  a   b ") == "a b"


def test_unknown_kinds_have_no_parser_and_are_text_to_grounding():
    assert get_kind("no_such_kind") is None and parser("no_such_kind") is None and not is_typed("no_such_kind")
