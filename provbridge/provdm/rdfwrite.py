"""PROV-DM records as PROV-O triples (the inverse of :mod:`provbridge.provdm.rdf`).

A relation with an id, attributes or more than its two main arguments is written in the qualified form
(``s prov:qualifiedX n . n a prov:X ; ...``) plus its unqualified shortcut; otherwise only the shortcut.
An influence node without an id is a blank node labelled by a hash of the record, so output is stable.
``wasGeneratedBy(e, -, t)`` and ``wasInvalidatedBy(e, -, t)`` without id or attributes are written
``prov:generatedAtTime`` / ``prov:invalidatedAtTime``. IRIs under the genid namespace become blank nodes.
"""

from __future__ import annotations

import hashlib

import pyoxigraph as ox

from provbridge.provdm import terms as t
from provbridge.provdm.model import ELEMENTS, RDF_LANGSTRING, Literal, Record, Value
from provbridge.provdm.names import GENID

Triple = tuple[ox.NamedNode | ox.BlankNode, ox.NamedNode, ox.NamedNode | ox.BlankNode | ox.Literal]
_ELEMENT_CLASS = {kind: cls for cls, kind in t.ELEMENT_CLASSES.items()}


def node(iri: str) -> ox.NamedNode | ox.BlankNode:
    """The RDF node of an IRI (a genid IRI is a blank node again)."""
    if iri.startswith(GENID):
        return ox.BlankNode(iri[len(GENID):].replace("-", "_"))
    return ox.NamedNode(iri)


def term(value: Value) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """The RDF term of a value."""
    if isinstance(value, Literal):
        if value.language:
            return ox.Literal(value.value, language=value.language)
        if value.datatype == RDF_LANGSTRING:
            return ox.Literal(value.value)
        return ox.Literal(value.value, datatype=ox.NamedNode(value.datatype))
    return node(value)


def attribute_triples(subject: ox.NamedNode | ox.BlankNode, attrs: tuple[tuple[str, Value], ...]) -> list[Triple]:
    """Attributes as properties: prov:type IRIs as rdf:type, the PROV-DM attributes by their PROV-O names."""
    triples: list[Triple] = []
    for name, value in attrs:
        if name == t.PROV_TYPE and not isinstance(value, Literal):
            triples.append((subject, ox.NamedNode(t.RDF_TYPE), node(value)))
            continue
        predicate = t.ATTRIBUTE_PREDICATES.get(name, name)
        triples.append((subject, ox.NamedNode(predicate), term(value)))
    return triples


def _pattern(record: Record) -> t.Pattern:
    for value in record.types:
        if isinstance(value, str) and value in t.SUBTYPES:
            return t.SUBTYPES[value]
    return t.BASE[record.kind]


def shortcut_key(record: Record) -> tuple[str, object, object] | None:
    """(shortcut, subject, object) of a relation written with the qualified pattern, else None."""
    if record.kind in ELEMENTS or record.kind in t.SIMPLE:
        return None
    pattern = _pattern(record)
    return (t.BASE[record.kind].shortcut, record.arg(pattern.subject), record.arg(pattern.object))


def is_qualified(record: Record) -> bool:
    """Whether a relation is written with its qualified pattern (id, attributes or extra arguments)."""
    if record.kind in ELEMENTS or record.kind in t.SIMPLE:
        return False
    pattern = _pattern(record)
    attrs = [pair for pair in record.attrs if pair != (t.PROV_TYPE, pattern.subtype)]
    return bool(record.id or attrs or len(record.args) != 2 or record.arg(pattern.subject) is None)


def record_triples(record: Record, force_qualified: bool = False) -> list[Triple]:
    """The PROV-O triples of one record; ``force_qualified`` writes a plain relation with the qualified
    pattern too (when a qualified relation with the same ends would otherwise absorb its shortcut)."""
    if record.kind in ELEMENTS:
        assert record.id is not None
        subject = node(record.id)
        triples: list[Triple] = [(subject, ox.NamedNode(t.RDF_TYPE), ox.NamedNode(_ELEMENT_CLASS[record.kind]))]
        for name, value in record.args:
            predicate = t.START if name == "prov:startTime" else t.END
            triples.append((subject, ox.NamedNode(predicate), term(value)))
        return triples + attribute_triples(subject, record.attrs)
    if record.kind in t.SIMPLE:
        predicate, subject_arg, object_arg = t.SIMPLE[record.kind]
        s, o = record.arg(subject_arg), record.arg(object_arg)
        if not isinstance(s, str) or not isinstance(o, str):
            return []
        triples = [(node(s), ox.NamedNode(predicate), node(o))]
        bundle = record.arg("prov:bundle")
        if record.kind == "mentionOf" and isinstance(bundle, str):
            triples.append((node(s), ox.NamedNode(t.AS_IN_BUNDLE), node(bundle)))
        return triples
    return _relation_triples(record, force_qualified)


def _relation_triples(record: Record, force_qualified: bool) -> list[Triple]:
    pattern = _pattern(record)
    args = record.arguments
    subject_iri, object_iri = args.get(pattern.subject), args.get(pattern.object)
    subject = node(subject_iri) if isinstance(subject_iri, str) else None
    attrs = tuple(pair for pair in record.attrs if pair != (t.PROV_TYPE, pattern.subtype))
    extras = [name for name in args if name not in (pattern.subject, pattern.object)]
    triples: list[Triple] = []
    if isinstance(object_iri, str) and subject is not None:
        triples.append((subject, ox.NamedNode(pattern.shortcut), node(object_iri)))
    plain = record.id is None and not attrs and not extras
    if plain and not force_qualified and isinstance(object_iri, str) and subject is not None:
        return triples
    time = args.get("prov:time")
    if (record.id is None and not attrs and object_iri is None and extras == ["prov:time"]
            and isinstance(time, Literal) and subject is not None):
        if record.kind in ("wasGeneratedBy", "wasInvalidatedBy"):
            predicate = t.GENERATED_AT if record.kind == "wasGeneratedBy" else t.INVALIDATED_AT
            return [(subject, ox.NamedNode(predicate), term(time))]
    if record.id is not None:
        influence = node(record.id)
    else:
        canonical = (record.kind, sorted(record.args), sorted(set(record.sorted_attrs()), key=repr))
        digest = hashlib.sha256(repr(canonical).encode("utf-8")).hexdigest()[:16]
        influence = ox.BlankNode(f"q{digest}")
    if subject is not None:
        triples.append((subject, ox.NamedNode(pattern.qualified), influence))
    triples.append((influence, ox.NamedNode(t.RDF_TYPE), ox.NamedNode(pattern.cls)))
    if isinstance(object_iri, str):
        triples.append((influence, ox.NamedNode(pattern.target), node(object_iri)))
    by_arg = {name: predicate for predicate, name in pattern.extra}
    for name in extras:
        triples.append((influence, ox.NamedNode(by_arg[name]), term(args[name])))
    return triples + attribute_triples(influence, attrs)
