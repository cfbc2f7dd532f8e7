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
