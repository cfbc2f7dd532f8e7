"""Cross-field checks a document type can declare (``checks = [...]`` on the class).

A check reads the typed values of a few fields; when all of them are present and
the check fails, the router sends those fields to review with the check's message.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, Callable


@dataclass(frozen=True)
class CrossCheck:
    fields: tuple[str, ...]
    holds: Callable[..., bool]
    message: str

    def failed(self, values: dict[str, Any]) -> bool:
        args = [values.get(f) for f in self.fields]
        if any(a is None for a in args):
            return False
        return not self.holds(*args)


def sums_to(parts: tuple[str, ...], total: str, tolerance: str = "0.02") -> CrossCheck:
    def holds(*values: Decimal) -> bool:
        return abs(sum(Decimal(str(v)) for v in values[:-1]) - Decimal(str(values[-1]))) <= Decimal(tolerance)

    return CrossCheck((*parts, total), holds, f"{' + '.join(parts)} does not equal {total}")


def in_order(earlier: str, later: str) -> CrossCheck:
    def holds(a: Any, b: Any) -> bool:
        return date.fromisoformat(str(a)) <= date.fromisoformat(str(b))

    return CrossCheck((earlier, later), holds, f"{earlier} is after {later}")


def _amount(item: Any, part: str) -> Decimal | None:
    value = item.get(part) if isinstance(item, dict) else getattr(item, part, None)
    return None if value in (None, "") else Decimal(str(value))


def items_sum_to(items: str, part: str, total: str, tolerance: str = "0.02") -> CrossCheck:
    """The ``part`` of every record in the list ``items`` adds up to ``total`` (line amounts -> subtotal).

    Not checked while no record has the part: an empty table says nothing about the total.
    """

    def holds(records: list[Any], expected: Any) -> bool:
        amounts = [a for a in (_amount(r, part) for r in records) if a is not None]
        return not amounts or abs(sum(amounts) - Decimal(str(expected))) <= Decimal(tolerance)

    return CrossCheck((items, total), holds, f"the {items} {part}s do not add up to {total}")


def item_products(items: str, quantity: str, price: str, amount: str) -> CrossCheck:
    """In every record with all three, ``quantity`` x ``price`` equals ``amount``.

    A unit price printed to the cent may be rounded, so each unit may be off by half a cent.
    """

    def holds(records: list[Any]) -> bool:
        for record in records:
            q, p, a = (_amount(record, part) for part in (quantity, price, amount))
            if q is not None and p is not None and a is not None:
                if abs(q * p - a) > Decimal("0.01") + abs(q) * Decimal("0.005"):
                    return False
        return True

    return CrossCheck((items,), holds, f"{quantity} x {price} is not the {amount} in some {items}")
