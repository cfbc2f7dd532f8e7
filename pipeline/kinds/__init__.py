"""Value kinds: what a field's value is, and everything the pipeline does with it.

A kind is one module (``pipeline/kinds/<kind>.py``) with one :class:`Kind`
subclass: its parser from printed text, its value type for JSON Schema
document types, its grounding pattern, its prompt hint and its generic finder.
Adding a kind (an IBAN, a VAT number) is one new module registered here, or in
another package under the entry-point group ``docloop.kinds``
(``iban = "mypkg.iban:Iban"``). Modules are imported when a kind is first used.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable

from pipeline.plugins import Registry

if TYPE_CHECKING:  # the base imports the finder framework, which reads field specs, which name kinds
    from pipeline.kinds.base import Kind

KINDS = Registry(
    "docloop.kinds",
    {
        "text": "pipeline.kinds.text:TextKind",
        "identifier": "pipeline.kinds.identifier:IdentifierKind",
        "date": "pipeline.kinds.date:DateKind",
        "money": "pipeline.kinds.money:MoneyKind",
        "currency": "pipeline.kinds.currency:CurrencyKind",
        "percent": "pipeline.kinds.percent:PercentKind",
        "organization": "pipeline.kinds.organization:OrganizationKind",
        "address": "pipeline.kinds.address:AddressKind",
        "jurisdiction": "pipeline.kinds.jurisdiction:JurisdictionKind",
        "term": "pipeline.kinds.term:TermKind",
        "object": "pipeline.kinds.record:RecordKind",
    },
)

_instances: dict[str, "Kind"] = {}


def get_kind(name: str) -> "Kind | None":
    """The kind named ``name`` (one instance per kind), or None when no kind has that name."""
    if name not in _instances:
        if name not in KINDS:
            return None
        _instances[name] = KINDS.load(name)()
    return _instances[name]


def register_kind(cls: type["Kind"]) -> type["Kind"]:
    """Add (or replace) a kind from a class; packages use the entry-point group instead."""
    KINDS.add(cls.name, cls)
    _instances.pop(cls.name, None)
    return cls


def unregister_kind(name: str) -> None:
    KINDS.remove(name)
    _instances.pop(name, None)


def parser(name: str) -> Callable[[Any], Any] | None:
    """The kind's parser from printed text (None for unknown kinds and nested records)."""
    kind = get_kind(name)
    return kind.parse if kind is not None else None


def is_typed(name: str) -> bool:
    """Whether values of this kind are compared as typed values (dates, amounts), not as text."""
    kind = get_kind(name)
    return kind is not None and kind.grounding is not None


__all__ = ["KINDS", "get_kind", "is_typed", "parser", "register_kind", "unregister_kind"]
