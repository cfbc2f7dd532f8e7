"""Finds document types and reads what the pipeline needs from them (field specs).

Document types are found in the ``schemas`` package (every module), the
``docloop.schemas`` entry-point group, and user files. User types live in the folders named by ``DOCLOOP_SCHEMA_PATH`` (``:``-separated),
as Python modules defining a ``DocumentSchema`` subclass or any plain pydantic
model, or as JSON Schema files (``*.json`` with ``title``/``x-name``, ``properties``
and optional ``x-kind``, ``x-aliases``, ``x-review-threshold`` per property, ``x-cues``
for the cue packs it selects). A plain schema needs none of the ``x-`` keys: kinds and
labels are read from the field names (``pipeline.infer``). Nothing in the pipeline
names a document type.
"""

from __future__ import annotations

import importlib
import importlib.util
import inspect
import json
import logging
import os
import pkgutil
import warnings
from importlib.metadata import entry_points
from dataclasses import dataclass, field as dc_field
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field, create_model

import schemas
from pipeline.cues import glossary, in_english, packs_about, written_in
from pipeline.errors import UnknownSchema
from pipeline.kinds import get_kind
from schemas.base import DocumentSchema
from pipeline.infer import field_labels, implied_checks, infer_kind, label_from_name, own_title, part_labels, words
from schemas.types import Text, term_in

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class FieldSpec:
    """What the pipeline needs to know about one field, read from the JSON Schema."""

    name: str
    description: str
    kind: str  # a kind's name (see pipeline.kinds), "object" for nested records
    many: bool = False
    aliases: tuple[str, ...] = ()
    review_threshold: float | None = None
    json_schema: dict[str, Any] = dc_field(default_factory=dict, compare=False, hash=False)
    options: tuple[str, ...] = ()  # an enum's values: the field is one of them


def resolve(prop: dict[str, Any], defs: dict[str, Any]) -> dict[str, Any]:
    """A property as one schema: its ``$ref`` followed (what it says beside the reference, a
    description, kept), ``allOf`` merged, the option of ``anyOf``/``oneOf`` that is not null."""
    own = {k: v for k, v in prop.items() if k not in ("$ref", "allOf", "anyOf", "oneOf")}
    if "$ref" in prop:  # a definition's title names its type ("Money"), not the field that uses it
        defined = {k: v for k, v in resolve(defs[prop["$ref"].split("/")[-1]], defs).items() if k != "title"}
        return {**defined, **own}
    if "allOf" in prop:  # {"allOf": [{"$ref": "#/definitions/Company"}], "description": ...}
        return {k: v for part in prop["allOf"] for k, v in resolve(part, defs).items()} | own
    if isinstance(prop.get("type"), list):  # {"type": ["array", "null"]}: an optional array
        types = [t for t in prop["type"] if t != "null"]
        return {**prop, "type": types[0] if len(types) == 1 else types}
    for option in prop.get("anyOf", prop.get("oneOf", [])):
        if option.get("type") != "null":
            return {**resolve(option, defs), **own}
    return prop


def definitions(js: dict[str, Any]) -> dict[str, Any]:
    """Named subschemas: ``$defs``, or ``definitions`` as draft-07 and older name them."""
    return {**js.get("definitions", {}), **js.get("$defs", {})}


def _item(array: dict[str, Any], defs: dict[str, Any]) -> dict[str, Any]:
    """An array's item schema, described and titled by the array's description and title where
    it has none of its own (``"parties": {"type": "array", "description": "Companies bound by
    it", "items": {"type": "string"}}``)."""
    item = resolve(array.get("items", {}), defs)
    return {**{k: array[k] for k in ("title", "description") if k in array}, **item}


def _kind(name: str, prop: dict[str, Any]) -> str:
    return prop["x-kind"] if "x-kind" in prop else infer_kind(name, prop)


def _part_kind(record: str, part: str, prop: dict[str, Any]) -> str:
    """A record part's kind: what its own name and description say ("location": "street
    address"), else what both names say ("merchant name" is an organisation's)."""
    own = _kind(part, prop)
    return own if own != "text" else _kind(f"{record}_{part}", prop)


def options(prop: dict[str, Any]) -> tuple[str, ...]:
    """The values a field is one of (a JSON Schema ``enum`` of strings, with or without the
    null an optional field's enum lists), or ()."""
    values = [v for v in prop.get("enum") or [] if v is not None]
    return tuple(values) if values and all(isinstance(v, str) for v in values) else ()


def field_specs(model: type[DocumentSchema]) -> list[FieldSpec]:
    """The fields of a document type in declaration order."""
    return list(_field_specs(model))


@lru_cache(maxsize=256)  # pydantic builds the JSON Schema anew on each call; stages ask per document
def _field_specs(model: type[DocumentSchema]) -> tuple[FieldSpec, ...]:
    js = model.model_json_schema()
    defs = definitions(js)
    specs = []
    for name, raw in js.get("properties", {}).items():
        prop = resolve(raw, defs)
        many = prop.get("type") == "array"
        item = _item(prop, defs) if many else prop
        specs.append(
            FieldSpec(
                name=name,
                description=prop.get("description", ""),
                kind=_kind(name, item) if many else _kind(name, prop),
                many=many,
                aliases=tuple(prop.get("x-aliases", ())),
                review_threshold=prop.get("x-review-threshold"),
                json_schema=raw,
                options=options(item),
            )
        )
    return tuple(specs)


@lru_cache(maxsize=256)
def part_specs(model: type[DocumentSchema], name: str) -> tuple[FieldSpec, ...]:
    """The values of a nested record field (a receipt's ``merchant``: name, address; a contract's
    ``parties``: name, role) as fields of their own, ``merchant.name``, whose kind and labels both
    names give ("merchant name" is an organisation's), so the finders read each as they read a
    top-level field; of a list of records, each is a list. Lists and records inside a record are
    left to the model."""
    js = model.model_json_schema()
    defs = definitions(js)
    field = resolve(js["properties"][name], defs)
    many = field.get("type") == "array"
    specs = []
    for part, raw in resolve(field.get("items", {}), defs).get("properties", {}).items() if many else field.get("properties", {}).items():
        prop = resolve(raw, defs)
        both = f"{name}_{part}"
        kind = _part_kind(name, part, prop)
        if prop.get("type") in ("array", "object") or kind == "object":
            continue
        aliases = tuple(prop.get("x-aliases") or part_labels(name, part, prop))
        specs.append(FieldSpec(f"{name}.{part}", prop.get("description", ""), kind, many, aliases, json_schema=raw))
    return tuple(specs)


def _json_type(kind_name: str) -> Any:
    """The value type of a kind (its ``json_type``); text for kinds without one or unknown."""
    kind = get_kind(kind_name)
    return kind.json_type if kind is not None and kind.json_type is not None else Text


def _record(name: str, js: dict[str, Any], defs: dict[str, Any]) -> type[BaseModel]:
    """A nested record (an invoice line) as a model of optional parts, each typed by its kind,
    keeping what the schema says of each (description, ``x-aliases``: a table's headers). A
    part takes its kind from both names ("merchant name", "parties name" are a company's)."""
    parts = {}
    for part, raw in js.get("properties", {}).items():
        p = resolve(raw, defs)
        said = {key: p[key] for key in ("x-aliases", "x-kind") if key in p}
        kind = _part_kind(name, part, p)
        parts[part] = (_json_type(kind) | None, Field(None, title=own_title(part, p), description=p.get("description"), json_schema_extra=said or None))
    return create_model(js.get("title", name).replace(" ", ""), **parts)


_UNITS = frozenset("days weeks months years".split())


def _counted_in(name: str, prop: dict[str, Any]) -> str | None:
    """The unit a duration is counted in where the schema wants a number of them
    (``"nda_term_months": {"type": "integer"}``, ``term_in_years: int``), else None."""
    if _kind(name, prop) != "term" or prop.get("type") not in ("integer", "number"):
        return None
    said = [w if w.endswith("s") else f"{w}s" for w in words(f"{name} {prop.get('description', '')}")]
    return next((w for w in said if w in _UNITS), None)


def one_document(js: dict[str, Any]) -> dict[str, Any]:
    """The schema of one document where ``js`` describes a list of them (``"type": "array"``, a
    batch of receipts): its item, under the list's title and description, with the list's
    definitions; docloop extracts one document at a time, and exports each as the item."""
    if js.get("type") != "array" or "properties" in js:
        return js
    item = resolve(js.get("items", {}), definitions(js))
    said = {k: js[k] for k in ("title", "description", "x-name", "x-cues", "x-version", "$defs", "definitions") if k in js}
    return {**item, **said}


def _names(node: Any) -> list[str]:
    """Every property name in a schema, nested ones and definitions' included."""
    if isinstance(node, list):
        return [n for x in node for n in _names(x)]
    if not isinstance(node, dict):
        return []
    props = node.get("properties")
    own = list(props) if isinstance(props, dict) else []
    return own + [n for v in node.values() for n in _names(v)]


def _titled(node: Any, names: dict[str, str]) -> Any:
    """The schema with each untitled property whose name is in a region's words (``names``)
    titled in English, its name in words (``lieferant`` -> "supplier"), which the kind and
    labels are read from (``pipeline.infer.own_title``)."""
    if isinstance(node, list):
        return [_titled(x, names) for x in node]
    if not isinstance(node, dict):
        return node
    out = {k: _titled(v, names) for k, v in node.items()}
    if isinstance(node.get("properties"), dict):
        out["properties"] = {
            name: {**prop, "title": english} if "title" not in prop and (english := in_english(name, names)) else prop
            for name, prop in out["properties"].items()
        }
    return out


def model_from_json_schema(js: dict[str, Any]) -> type[DocumentSchema]:
    """A DocumentSchema subclass built from a JSON Schema document type (of one document, or
    of a list of them; its names in English or a regional pack's languages)."""
    source = one_document(js)
    regional = written_in(_names(source))  # a schema in German or Malay is about that region's documents
    model = _model(_titled(source, glossary(regional)) if regional else source)
    model.source = source
    if "x-cues" not in source:
        model.cues = [*model.cues, *regional]
    return model


def _labels_apart(properties: dict[str, Any], defs: dict[str, Any]) -> dict[str, list[str]]:
    """Each plain field's printed labels, less those it only stands for (not its own name in
    words) that another field of the schema only stands for too: `totalBilled` and
    `totalAllowed` each stand for "Total", which is then neither's; a label that is another
    field's own name stays (a `consignee_address` is printed under "Consignee")."""
    labels = {}
    for name, raw in properties.items():
        prop = resolve(raw, defs)
        value = _item(prop, defs) if prop.get("type") == "array" else prop
        labels[name] = field_labels(name, value)
    own = {name: {label_from_name(name), *([t.casefold()] if (t := own_title(name, resolve(raw, defs))) else [])} for name, raw in properties.items()}
    return {
        name: [a for a in aliases if a in own[name] or not any(a in labels[other] and a not in own[other] for other in labels if other != name)]
        for name, aliases in labels.items()
    }


def _model(js: dict[str, Any]) -> type[DocumentSchema]:
    from schemas.base import field

    fields: dict[str, Any] = {}
    read: list[tuple[str, str, bool, tuple[str, ...]]] = []  # what implied_checks reads of each field
    defs = definitions(js)
    labelled = _labels_apart(js.get("properties", {}), defs)
    for name, raw in js.get("properties", {}).items():
        prop = resolve(raw, defs)
        many = prop.get("type") == "array"
        value = _item(prop, defs) if many else prop
        if _kind(name, value) == "object":
            typ = _record(name, value, defs)
        elif choices := options(value):
            typ = Literal[choices]  # the model's answer is constrained to them, a person's checked
        elif unit := _counted_in(name, value):
            typ = term_in(unit)
        elif value.get("type") == "boolean":
            typ = bool
        else:
            typ = _json_type(_kind(name, value))
        examples = prop.get("examples") or resolve(prop.get("items", {}), defs).get("examples") or []
        described = prop.get("description", label_from_name(name))
        aliases = prop.get("x-aliases") or labelled[name]
        read.append((name, _kind(name, value), many, tuple(aliases)))
        spec = field(
            f"{described} (e.g. {'; '.join(map(str, examples[:3]))})" if examples else described,
            # a plain schema prints its fields' names as labels ("Invoice number")
            aliases=aliases,
            review_threshold=prop.get("x-review-threshold"),
            many=many,
            title=own_title(name, prop),  # read again from the model's own schema (field_specs)
        )
        fields[name] = (list[typ] if many else typ | None, spec)
    name = js.get("x-name") or "_".join(words(js["title"]))
    with warnings.catch_warnings():
        # a user's field may be called "title" or "source": the type's own title, source and
        # cues are class-level facts read from the class, never from a document's values
        warnings.filterwarnings("ignore", message=r'Field name ".*" shadows an attribute in parent "DocumentSchema"')
        model = create_model(js.get("title", name).replace(" ", ""), __base__=DocumentSchema, **fields)
    model.name = name
    model.version = str(js.get("x-version", "1"))
    model.title = js.get("title", name)
    model.keywords = js.get("x-keywords", [])
    model.checks = implied_checks(read)
    # a schema that names no packs gets those about what its title and description say
    model.cues = list(js["x-cues"]) if "x-cues" in js else packs_about(f"{model.title} {js.get('description', '')}")
    return model


def _classes_in(module) -> list[type[DocumentSchema]]:
    return [
        obj
        for obj in vars(module).values()
        if inspect.isclass(obj) and issubclass(obj, DocumentSchema) and "name" in vars(obj)
    ]


def _plain_models_in(module) -> list[type[DocumentSchema]]:
    """A user module's own pydantic models that no other model of it uses as a field type
    (those are records inside a document, not documents), as document types."""
    own = [
        obj
        for obj in vars(module).values()
        if inspect.isclass(obj) and issubclass(obj, BaseModel) and not issubclass(obj, DocumentSchema)
        and obj.__module__ == module.__name__
    ]
    nested = {ref for obj in own for ref in obj.model_json_schema().get("$defs", {})}
    return [model_from_json_schema(obj.model_json_schema()) for obj in own if obj.__name__ not in nested]


def _user_dirs() -> list[Path]:
    return [Path(p) for p in os.environ.get("DOCLOOP_SCHEMA_PATH", "").split(os.pathsep) if p]


@lru_cache
def registry() -> dict[str, type[DocumentSchema]]:
    """Every known document type by name."""
    found: dict[str, type[DocumentSchema]] = {}
    for info in pkgutil.iter_modules(schemas.__path__):
        if info.name not in ("base", "types", "checks"):
            for cls in _classes_in(importlib.import_module(f"schemas.{info.name}")):
                found[cls.name] = cls
    for ep in entry_points(group="docloop.schemas"):  # an installed package's types: a class or a module
        obj = ep.load()
        for cls in [obj] if inspect.isclass(obj) else _classes_in(obj):
            found[cls.name] = cls
    unreadable.clear()
    file_names.clear()
    for folder in _user_dirs():
        for path in [*sorted(folder.glob("*.py")), *sorted(folder.glob("*.json"))]:
            try:
                classes = _user_types(path)
            except Exception as exc:  # one file a user got wrong costs only its own types
                unreadable[str(path)] = f"{type(exc).__name__}: {exc}"
                log.warning("schema file %s skipped: %s", path, unreadable[str(path)])
                continue
            for cls in classes:
                if cls.name in found:
                    log.warning("schema file %s replaces the document type %r", path, cls.name)
                found[cls.name] = cls
            if len(classes) == 1:
                file_names[path.stem] = classes[0]
    return found


unreadable: dict[str, str] = {}  # user schema files the registry skipped, with why
# a user's file of one type by the file's name: "--schema hotel_folio" for hotel_folio.json titled
# "Hotel bill" (type hotel_bill); a type's own name wins, and they are no further types to list
file_names: dict[str, type[DocumentSchema]] = {}


def _user_types(path: Path) -> list[type[DocumentSchema]]:
    """The document types in a user's pydantic module or JSON Schema file."""
    if path.suffix == ".json":
        return [model_from_json_schema({"title": path.stem, **json.loads(path.read_text())})]  # untitled: the file's name
    spec = importlib.util.spec_from_file_location(f"docloop_user_schema_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return _classes_in(module) + _plain_models_in(module)


def get_schema(name: str) -> type[DocumentSchema]:
    try:
        types = registry()
        return types[name] if name in types else file_names[name]
    except KeyError:
        skipped = "".join(f"; skipped {path} ({why})" for path, why in unreadable.items())
        raise UnknownSchema(f"unknown schema {name!r}; known: {', '.join(sorted(registry()))}{skipped}") from None
