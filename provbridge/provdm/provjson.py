"""PROV-JSON (W3C member submission 2013) read into and written from the PROV-DM model.

Writing: ``prefix`` first (every prefix used, sorted; repeated in each bundle), then one member per
record kind in PROV-N order, records sorted, a record without id keyed ``_:<kind><n>`` (numbered in that
order); IRI values are ``{"$": qname, "type": "prov:QUALIFIED_NAME"}``, strings bare, language strings
``prov:InternationalizedString`` with ``lang``, other literals ``{"$", "type"}``."""

from __future__ import annotations

from typing import Any

import orjson

from provbridge.errors import FormatError
from provbridge.provdm.model import ARGUMENTS, KINDS, TIME_ARGUMENTS, Bundle, Document, Literal, Record, Value
from provbridge.provdm.names import Names, expand
from provbridge.provdm.values import I18N, QNAME_TYPES, is_plain, literal, qname_value, time

_XSD_INT = "http://www.w3.org/2001/XMLSchema#int"
_XSD_DOUBLE = "http://www.w3.org/2001/XMLSchema#double"
_XSD_BOOLEAN = "http://www.w3.org/2001/XMLSchema#boolean"


def _value_json(value: Value, names: Names) -> Any:
    if not isinstance(value, Literal):
        return {"$": names.qname(value), "type": "prov:QUALIFIED_NAME"}
    if is_plain(value):
        return value.value
    if value.language:
        return {"$": value.value, "type": "prov:InternationalizedString", "lang": value.language}
    return {"$": value.value, "type": names.qname(value.datatype)}


def _record_json(record: Record, names: Names) -> dict[str, Any]:
    body: dict[str, Any] = {}
    for name, value in record.args:
        body[name] = value.value if isinstance(value, Literal) else names.qname(value)
    for key, value in record.attrs:
        name = names.qname(key)
        converted = _value_json(value, names)
        if name in body:
            current = body[name]
            body[name] = [*current, converted] if isinstance(current, list) else [current, converted]
        else:
            body[name] = converted
    return body


def _container(records: tuple[Record, ...], names: Names) -> dict[str, Any]:
    out: dict[str, Any] = {}
    counters: dict[str, int] = {}
    for record in sorted(records, key=Record.sort_key):
        section = out.setdefault(record.kind, {})
        if record.id is None:
            counters[record.kind] = counters.get(record.kind, 0) + 1
            key = f"_:{record.kind}{counters[record.kind]}"
        else:
            key = names.qname(record.id)
        body = _record_json(record, names)
        if key in section:
            current = section[key]
            section[key] = [*current, body] if isinstance(current, list) else [current, body]
        else:
            section[key] = body
    return {kind: out[kind] for kind in KINDS if kind in out}


def dumps(document: Document) -> bytes:
    """The document as PROV-JSON bytes (deterministic)."""
    document = document.sorted()
    names = Names(document.prefixes)
    top = _container(document.records, names)
    bundles = {names.qname(b.id): _container(b.records, names) for b in document.bundles}
    prefixes = names.used()
    out: dict[str, Any] = {"prefix": prefixes, **top}
    if bundles:
        out["bundle"] = {key: {"prefix": prefixes, **body} for key, body in bundles.items()}
    return orjson.dumps(out, option=orjson.OPT_INDENT_2) + b"\n"


def _json_value(raw: Any, prefixes: dict[str, str]) -> Value:
    if isinstance(raw, bool):
        return Literal("true" if raw else "false", _XSD_BOOLEAN)
    if isinstance(raw, int):
        return Literal(str(raw), _XSD_INT)
    if isinstance(raw, float):
        return Literal(repr(raw), _XSD_DOUBLE)
    if isinstance(raw, str):
        return literal(raw)
    if isinstance(raw, dict) and "$" in raw and isinstance(raw["$"], (str, int, float)):
        text = str(raw["$"])
        datatype = raw.get("type")
        if not isinstance(datatype, (str, type(None))) or not isinstance(raw.get("lang"), (str, type(None))):
            raise FormatError(f"PROV-JSON: the type and lang of {orjson.dumps(raw).decode()[:80]} must be strings")
        if datatype in QNAME_TYPES:
            return qname_value(expand(text, prefixes), text)
        expanded = expand(str(datatype), prefixes) if datatype else None
        return literal(text, None if expanded == I18N and not raw.get("lang") else expanded, raw.get("lang"))
    raise FormatError(f"PROV-JSON: cannot read the attribute value {orjson.dumps(raw).decode()[:80]}")


def _prefixes(raw: Any, inherited: dict[str, str], where: str) -> dict[str, str]:
    found = dict(inherited)
    if raw is None:
        return found
    if not isinstance(raw, dict):
        raise FormatError(f"PROV-JSON: the prefix of {where} must be an object of prefix: IRI members")
    for prefix, iri in raw.items():
        if not isinstance(iri, str):
            raise FormatError(f"PROV-JSON: prefix {prefix!r} of {where} must name an IRI string")
        found["" if prefix == "default" else str(prefix)] = iri
    return found


def _records(container: dict[str, Any], prefixes: dict[str, str]) -> list[Record]:
    records: list[Record] = []
    for kind, section in container.items():
        if kind in ("prefix", "bundle"):
            continue
        if kind not in ARGUMENTS:
            raise FormatError(f"PROV-JSON: unknown record type {kind!r}")
        if not isinstance(section, dict):
            raise FormatError(f"PROV-JSON: {kind} must be an object of records")
        for key, bodies in section.items():
            for body in bodies if isinstance(bodies, list) else [bodies]:
                records.extend(_record(kind, str(key), body, prefixes))
    return records


def _record(kind: str, key: str, body: Any, prefixes: dict[str, str]) -> list[Record]:
    if not isinstance(body, dict):
        raise FormatError(f"PROV-JSON: record {key!r} must be an object")
    record_id = None if key.startswith("_:") else expand(key, prefixes)
    members = body.get("prov:entity")
    if kind == "hadMember" and isinstance(members, list):  # several members in one record
        return [record for member in members for record in _record(kind, key, {**body, "prov:entity": member},
                                                                   prefixes)]
    args: dict[str, Value | None] = {}
    attrs: list[tuple[str, Value]] = []
    for name, raw in body.items():
        if name in ARGUMENTS[kind]:
            if raw is None:
                continue
            if not isinstance(raw, str):
                raise FormatError(f"PROV-JSON: argument {name} of {key!r} must be a string")
            args[name] = time(raw) if name in TIME_ARGUMENTS else expand(raw, prefixes)
            continue
        attribute = expand(name, prefixes)
        for item in raw if isinstance(raw, list) else [raw]:
            attrs.append((attribute, _json_value(item, prefixes)))
    return [Record.make(kind, record_id, args, attrs)]


def parse_json(data: bytes | str) -> Any:
    """The JSON value of ``data``; FormatError (one line) when it is not JSON (PROV-JSON and PROV-JSONLD)."""
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise FormatError(f"not valid JSON ({exc})") from None


def loads(data: bytes | str) -> Document:
    """A PROV-JSON document as the model; FormatError (one line) when it is not PROV-JSON."""
    raw = parse_json(data)
    if not isinstance(raw, dict):
        raise FormatError("PROV-JSON: the document must be a JSON object")
    prefixes = _prefixes(raw.get("prefix"), {}, "the document")
    records = _records(raw, prefixes)
    bundles: list[Bundle] = []
    namespaces = dict(prefixes)
    found = raw.get("bundle")
    if not isinstance(found, (dict, type(None))):
        raise FormatError("PROV-JSON: bundle must be an object of bundles")
    for key, body in (found or {}).items():
        if not isinstance(body, dict):
            raise FormatError(f"PROV-JSON: bundle {key!r} must be an object")
        local = _prefixes(body.get("prefix"), prefixes, f"bundle {key!r}")
        for prefix, iri in local.items():
            namespaces.setdefault(prefix, iri)
        bundles.append(Bundle(expand(str(key), local), tuple(_records(body, local))))
    spaces = tuple(sorted((p, iri) for p, iri in namespaces.items() if p))
    return Document(spaces, tuple(records), tuple(bundles)).sorted()
