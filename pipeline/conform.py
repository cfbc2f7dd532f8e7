"""The export's data written as the user's JSON Schema declares it, and checked against it.

docloop's own types write an amount as a decimal string ("12.50", exact) and a date in ISO
form. A user who wrote ``"total": {"type": "number"}`` or ``"dt": {"type": "string",
"pattern": "^\\d{2}/\\d{2}/\\d{4}$"}`` validates what comes out against that schema, so a
type built from a JSON Schema gets each value in the JSON type, date form and unit its
property declares:

- ``number``: an amount or rate as a JSON number; ``integer``: a whole one as an integer, an
  amount in cents where the name or description says so (``total_cents``), a number of digits
  (an identifier) as an integer;
- a string with a ``pattern`` a date's ISO form does not match: the date as printed when the
  printed form matches, else in the first usual form that matches (one that parses the
  property's ``examples``, where it gives some);
- anything else as the type writes it.

Then the data is validated with ``jsonschema`` against the user's schema; what does not
conform (a field not found where the schema requires a value, say) is listed, not hidden.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from jsonschema.validators import validator_for

from pipeline.infer import words
from pipeline.schemas import definitions, resolve
from schemas.types import parse_date

# date forms people write patterns for, tried in this order where a pattern leaves the order
# of day and month open and no example tells it
_DATE_FORMATS = (
    "%Y-%m-%d", "%d/%m/%Y", "%m/%d/%Y", "%d.%m.%Y", "%d-%m-%Y", "%m-%d-%Y", "%Y/%m/%d", "%Y%m%d",
    "%d/%m/%y", "%m/%d/%y", "%d.%m.%y", "%d %b %Y", "%d %B %Y", "%b %d, %Y", "%B %d, %Y",
)
_MINOR_UNITS = frozenset("cent cents pence penny minor".split())
_MAX_ERRORS = 20


def conform(schema: dict[str, Any], data: dict[str, Any], printed: dict[str, str]) -> dict[str, Any]:
    """``data`` (a JSON-mode dump of the document type) with each top-level value and what it
    holds written as ``schema``'s properties declare; ``printed`` is each field's evidence text."""
    defs = definitions(schema)
    props = schema.get("properties", {})
    return {
        name: _value(value, resolve(props[name], defs), defs, name, printed.get(name)) if name in props else value
        for name, value in data.items()
    }


def violations(schema: dict[str, Any], data: dict[str, Any]) -> list[str]:
    """Where ``data`` breaks ``schema`` ("total: None is not of type 'number'"), at most 20."""
    validator = validator_for(schema)(schema)
    found = sorted(validator.iter_errors(data), key=lambda e: list(map(str, e.absolute_path)))
    return [f"{'.'.join(map(str, e.absolute_path)) or '(document)'}: {e.message}" for e in found[:_MAX_ERRORS]]


def _value(value: Any, prop: dict[str, Any], defs: dict[str, Any], name: str, printed: str | None) -> Any:
    if value is None:
        return None
    if isinstance(value, list):
        item = resolve(prop.get("items", {}), defs)
        return [_value(v, item, defs, name, None) for v in value]
    if isinstance(value, dict):
        parts = prop.get("properties", {})
        return {k: _value(v, resolve(parts[k], defs), defs, k, None) if k in parts else v for k, v in value.items()}
    types = prop.get("type") if isinstance(prop.get("type"), list) else [prop.get("type")]
    if "integer" in types and (whole := _integer(value, prop, name)) is not None:
        return whole
    if ("number" in types or "integer" in types) and (number := _decimal(value)) is not None:
        return int(number) if number == number.to_integral_value() and "integer" in types else float(number)
    if "string" in types and "pattern" in prop and isinstance(value, str):
        return _dated(value, prop, printed)
    return value


def _integer(value: Any, prop: dict[str, Any], name: str) -> int | None:
    """An amount in the minor unit the name or description counts it in, else a whole number."""
    number = _decimal(value)
    if number is None:
        return None
    if _MINOR_UNITS & set(words(f"{name} {prop.get('description', '')}")):
        number *= 100
    return int(number) if number == number.to_integral_value() else None


def _decimal(value: Any) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, (str, int, float, Decimal)):
        return None
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def _dated(value: str, prop: dict[str, Any], printed: str | None) -> str:
    """An ISO date in the form ``prop``'s pattern asks for (anything else as it is)."""
    pattern = re.compile(prop["pattern"])
    try:
        day = date.fromisoformat(value)
    except ValueError:
        return value
    if pattern.search(value):
        return value
    if printed and pattern.search(printed.strip()) and parse_date(printed) == day:  # not a corrected value's
        return printed.strip()
    examples = [str(e) for e in prop.get("examples", [])]
    for form in _DATE_FORMATS:
        if pattern.search(day.strftime(form)) and all(_parses(e, form) for e in examples):
            return day.strftime(form)
    return value


def _parses(text: str, form: str) -> bool:
    try:
        datetime.strptime(text, form)
    except ValueError:
        return False
    return True
