"""PROV-JSONLD (W3C member submission 2020) read into the PROV-DM model, without the ``prov`` package.

A PROV-JSONLD document is JSON-LD under openprovenance.org's context: ``@graph`` holds one object per
PROV-DM statement, its ``@type`` the statement's term (``Entity``, ``Generation``, ``Association``...,
``prov:``-prefixed in ProvToolbox's older dialect), its formal arguments under their PROV-N names
(``activity``, ``agent``, ``plan``, ``time``...) and its attributes as arrays of values; a bundle is
``{"@type": "Bundle", "@id": ..., "@graph": [...]}``. Prefixes come from the ``@context`` objects.
:func:`is_prov_jsonld` is the one place that tells PROV-JSONLD from PROV-O written in JSON-LD.

Values: a bare string is a qualified name under ``type``, ``role`` and ``location`` (the context types
them ``@id``) and an ``xsd:string`` elsewhere; ``{"@id": ...}`` is an IRI; ``{"@value", "@type"}`` and
``{"@value", "@language"}`` are typed and language literals (``xsd:QName`` values are IRIs); JSON numbers
and booleans take JSON-LD's native types (``xsd:integer``, ``xsd:double``, ``xsd:boolean``).
``Mention`` (``specificEntity``, ``generalEntity``, ``bundle``) and the derivation subtypes
(``Revision``, ``Quotation``, ``PrimarySource``) are read too, though the submission names no such term.
"""

from __future__ import annotations

from typing import Any

import orjson

from provbridge.errors import FormatError
from provbridge.provdm import terms
from provbridge.provdm.model import ARGUMENTS, PROV, TIME_ARGUMENTS, XSD, Bundle, Document, Literal, Record, Value
from provbridge.provdm.names import expand
from provbridge.provdm.provjson import parse_json
from provbridge.provdm.values import QNAME_TYPES, literal, qname_value, time

CONTEXT_MARK = b"openprovenance.org/prov-jsonld"  # in both context URLs (…/prov-jsonld.json, …/context.jsonld)
# statement term -> (PROV-DM kind, the prov:type the term implies)
STATEMENTS: dict[str, tuple[str, str | None]] = {
    **{cls[len(PROV):]: (kind, None) for cls, kind in terms.ELEMENT_CLASSES.items()},
    **{cls[len(PROV):]: (pattern.kind, pattern.subtype) for cls, pattern in terms.BY_CLASS.items()},
    "Specialization": ("specializationOf", None), "Alternate": ("alternateOf", None),
    "Membership": ("hadMember", None), "Mention": ("mentionOf", None),
}
SPECIAL = {"type", "label", "role", "location", "value"}  # attributes named without a prefix: prov:<name>
ID_TYPED = {"type", "role", "location"}  # bare strings under these are qualified names
_NATIVE = {bool: XSD + "boolean", int: XSD + "integer", float: XSD + "double"}


def is_prov_jsonld(data: bytes) -> bool:
    """Whether a JSON-LD document is PROV-JSONLD (its top-level ``@context`` names openprovenance.org's
    PROV-JSONLD context), not PROV-O written in JSON-LD."""
    if CONTEXT_MARK not in data[: 1 << 16]:
        return False
    try:
        raw = orjson.loads(data)
    except orjson.JSONDecodeError:
        return True  # broken JSON that names the context: the PROV-JSONLD reader says what is wrong
    context = raw.get("@context") if isinstance(raw, dict) else None
    return any(isinstance(part, str) and CONTEXT_MARK.decode() in part
               for part in (context if isinstance(context, list) else [context]))


def _term(key: str) -> str:
    """A context term without the ``prov:`` prefix ProvToolbox's older dialect writes."""
    return key[5:] if key.startswith("prov:") else key


def _context(raw: Any, inherited: dict[str, str]) -> dict[str, str]:
    """The prefixes an ``@context`` (an object, a URL, or a list of both) declares over ``inherited``."""
    found = dict(inherited)
    for part in raw if isinstance(raw, list) else [raw]:
        if isinstance(part, dict):
            for prefix, iri in part.items():
                if isinstance(iri, str) and not prefix.startswith("@"):
                    found[prefix] = iri
                elif prefix == "@vocab" and isinstance(iri, str):
                    found[""] = iri
    return found


def _text(raw: Any, what: str) -> str:
    if not isinstance(raw, str) or not raw:
        raise FormatError(f"PROV-JSONLD: {what} must be a non-empty string, not {orjson.dumps(raw).decode()[:80]}")
    return raw


def _value(raw: Any, term: str, prefixes: dict[str, str]) -> Value:
    """One attribute value (see the module docstring)."""
    if isinstance(raw, str):
        return qname_value(expand(raw, prefixes), raw) if term in ID_TYPED else literal(raw)
    if type(raw) in _NATIVE:
        return Literal(("true" if raw else "false") if isinstance(raw, bool) else repr(raw), _NATIVE[type(raw)])
    if isinstance(raw, dict) and "@id" in raw:
        return expand(_text(raw["@id"], f"the @id of a value of {term!r}"), prefixes)
    if isinstance(raw, dict) and "@value" in raw:
        value, datatype, language = raw["@value"], raw.get("@type"), raw.get("@language")
        if not isinstance(value, str):
            found = _value(value, term, prefixes)
            return found if datatype is None else Literal(_lexical(found), expand(_text(datatype, "@type"), prefixes))
        if datatype is None:
            return literal(value, None, language if isinstance(language, str) else None)
        expanded = expand(_text(datatype, "@type"), prefixes)
        if datatype in QNAME_TYPES or expanded in QNAME_TYPES:
            return qname_value(expand(value, prefixes), value)
        return literal(value, expanded)
    raise FormatError(f"PROV-JSONLD: cannot read the value {orjson.dumps(raw).decode()[:80]} of {term!r}")


def _lexical(value: Value) -> str:
    return value.value if isinstance(value, Literal) else value


def _statement(item: Any, prefixes: dict[str, str]) -> list[Record]:
    """The record(s) of one ``@graph`` object (a Membership with several members gives one each)."""
    if not isinstance(item, dict):
        raise FormatError("PROV-JSONLD: every @graph member must be an object")
    prefixes = _context(item.get("@context"), prefixes)  # a statement may declare its own prefixes
    name = _term(_text(item.get("@type"), "the @type of a statement"))
    if name not in STATEMENTS:
        raise FormatError(f"PROV-JSONLD: unknown statement type {item.get('@type')!r}")
    kind, subtype = STATEMENTS[name]
    raw_id = item.get("@id")
    record_id = None if raw_id is None else expand(_text(raw_id, f"the @id of a {name}"), prefixes)
    if kind in ("entity", "activity", "agent") and record_id is None:
        raise FormatError(f"PROV-JSONLD: a {name} needs an @id")
    if record_id is not None and record_id.startswith("_:") and kind not in ("entity", "activity", "agent"):
        record_id = None
    args: dict[str, Value | None] = {}
    attrs: list[tuple[str, Value]] = [(terms.PROV_TYPE, subtype)] if subtype else []
    members: list[Any] = []
    for key, raw in item.items():
        if key in ("@type", "@id", "@context"):
            continue
        if key.startswith("@"):
            raise FormatError(f"PROV-JSONLD: the JSON-LD keyword {key} is not read in a statement")
        term = _term(key)
        argument = f"prov:{term}"
        if argument in ARGUMENTS[kind]:
            if kind == "hadMember" and term == "entity" and isinstance(raw, list):
                members = raw
            elif raw is not None:
                text = _text(raw, f"argument {term} of a {name}")
                args[argument] = time(text) if argument in TIME_ARGUMENTS else expand(text, prefixes)
            continue
        attribute = PROV + term if term in SPECIAL else expand(key, prefixes)
        for value in raw if isinstance(raw, list) else [raw]:
            attrs.append((attribute, _value(value, term if term in SPECIAL else key, prefixes)))
    if members:
        return [Record.make(kind, record_id, {**args, "prov:entity": expand(_text(m, "a member"), prefixes)}, attrs)
                for m in members]
    return [Record.make(kind, record_id, args, attrs)]


def loads(data: bytes | str) -> Document:
    """A PROV-JSONLD document as the model; FormatError (one line) when it is not PROV-JSONLD."""
    raw = parse_json(data)
    if not isinstance(raw, dict) or not isinstance(raw.get("@graph"), list):
        raise FormatError("PROV-JSONLD: the document must be a JSON object with a @graph array")
    prefixes = _context(raw.get("@context"), {})
    namespaces = dict(prefixes)
    records: list[Record] = []
    bundles: list[Bundle] = []
    for item in raw["@graph"]:
        if isinstance(item, dict) and _term(str(item.get("@type"))) == "Bundle":
            extra = sorted(set(item) - {"@type", "@id", "@graph", "@context"})
            if extra:
                raise FormatError(f"PROV-JSONLD: a Bundle holds only @id and @graph, not {extra[0]!r} (describe it "
                                  "in an Entity of the same @id)")
            inner = _context(item.get("@context"), prefixes)
            namespaces.update({p: iri for p, iri in inner.items() if p not in namespaces})
            bundle_id = expand(_text(item.get("@id"), "the @id of a Bundle"), inner)
            graph = item.get("@graph", [])
            if not isinstance(graph, list):
                raise FormatError("PROV-JSONLD: the @graph of a Bundle must be an array")
            bundles.append(Bundle(bundle_id, tuple(r for member in graph for r in _statement(member, inner))))
        else:
            records.extend(_statement(item, prefixes))
    return Document(tuple(sorted(namespaces.items())), tuple(records), tuple(bundles))
