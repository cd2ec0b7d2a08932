"""The ``prov`` package's model of a translation (``to_prov``), and PROV-XML / PROV-N written from it."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any, BinaryIO

from prov.identifier import Identifier, QualifiedName
from prov.model import ProvBundle, ProvDocument

from provbridge.translate import Translation, TrialTranslation
from provbridge.translate.records import Element, Iri, QName, Record, Relation, Value

TIME_KEYS = ("prov:startTime", "prov:endTime")


class _Builder:
    """Adds records to a ``prov`` bundle, resolving ``prefix:local`` names once each."""

    def __init__(self, document: ProvDocument, bundle: ProvBundle) -> None:
        self.document = document
        self.bundle = bundle
        self.names: dict[str, QualifiedName] = {}

    def name(self, text: str) -> QualifiedName:
        found = self.names.get(text)
        if found is None:
            resolved = self.document.valid_qualified_name(text)
            if resolved is None:
                raise ValueError(f"undeclared prefix in {text!r}")
            found = self.names[text] = resolved
        return found

    def value(self, value: Value) -> Any:
        if type(value) is QName:
            return self.name(value)
        if type(value) is Iri:
            return Identifier(str(value))
        return value

    def attributes(self, attrs: Iterable[tuple[str, Value]]) -> list[tuple[QualifiedName, Any]]:
        return [(self.name(key), self.value(value)) for key, value in attrs]

    def add(self, record: Record) -> None:
        b = self.bundle
        if type(record) is Element:
            if record.kind == "activity":
                times = {key: value for key, value in record.attrs
                         if key in TIME_KEYS and isinstance(value, datetime)}
                rest = [(k, v) for k, v in record.attrs if k not in TIME_KEYS]
                b.activity(self.name(record.id), times.get("prov:startTime"), times.get("prov:endTime"),
                           self.attributes(rest))
            elif record.kind == "agent":
                b.agent(self.name(record.id), self.attributes(record.attrs))
            else:
                b.entity(self.name(record.id), self.attributes(record.attrs))
            return
        rel: Relation = record  # type: ignore[assignment]
        ident = self.name(rel.id) if rel.id else None
        subject, obj = self.name(rel.subject), self.name(rel.object)
        secondary = self.name(rel.secondary) if rel.secondary else None
        extra = self.attributes(rel.attrs) if rel.attrs else None
        kind = rel.kind
        if kind == "used":
            b.used(subject, obj, rel.time, ident, extra)
        elif kind == "wasGeneratedBy":
            b.wasGeneratedBy(subject, obj, rel.time, ident, extra)
        elif kind == "wasDerivedFrom":
            b.wasDerivedFrom(subject, obj, secondary, None, None, ident, extra)
        elif kind == "wasRevisionOf":
            b.wasRevisionOf(subject, obj, secondary, None, None, ident, extra)
        elif kind == "wasAssociatedWith":
            b.wasAssociatedWith(subject, obj, secondary, ident, extra)
        elif kind == "wasAttributedTo":
            b.wasAttributedTo(subject, obj, ident, extra)
        elif kind == "actedOnBehalfOf":
            b.actedOnBehalfOf(subject, obj, secondary, ident, extra)
        elif kind == "wasInformedBy":
            b.wasInformedBy(subject, obj, ident, extra)
        elif kind == "specializationOf":
            b.specializationOf(subject, obj)
        elif kind == "alternateOf":
            b.alternateOf(subject, obj)
        elif kind == "hadMember":
            b.hadMember(subject, obj)
        else:
            raise ValueError(f"unknown relation kind {kind!r}")


def to_document(translation: Translation) -> ProvDocument:
    """The ``prov.model.ProvDocument`` of a translation: the same records as the PROV-JSON export."""
    document = ProvDocument()
    for prefix, uri in translation.prefixes.items():
        if prefix != "xsd":
            document.add_namespace(prefix, uri)
    top = _Builder(document, document)
    for record in translation.document_records():
        top.add(record)
    for part in translation.parts:
        ADD_PART[part.representation](document, top, part)
    return document


def _add_records(document: ProvDocument, top: _Builder, part: TrialTranslation) -> None:
    """A captured trial's records, as a bundle."""
    bundle = document.bundle(top.name(part.bundle_id))
    builder = _Builder(document, bundle)
    builder.names = top.names
    for record in part.records():
        builder.add(record)


def _add_graph(document: ProvDocument, top: _Builder, part: TrialTranslation) -> None:
    """A stored graph's bundle, decoded by the ``prov`` package (its prefixes kept where they do not clash)."""
    from provbridge.export.provmodel import graph_document
    decoded = graph_document(part.trial, part.bundle_iri, part.prefixes)
    known = {namespace.prefix: namespace.uri for namespace in document.namespaces}
    for bundle in decoded.bundles:
        for namespace in decoded.namespaces:  # a prefix taken by another URI stays local to the bundle
            if known.setdefault(namespace.prefix, namespace.uri) == namespace.uri:
                document.add_namespace(namespace)
            else:
                bundle.add_namespace(namespace)
        document.add_bundle(bundle)


# representation (provbridge.translate.representation) -> how its part joins a ProvDocument
ADD_PART: dict[str, Callable[[ProvDocument, _Builder, TrialTranslation], None]] = {
    "records": _add_records,
    "graph": _add_graph,
}


def write_xml(translation: Translation, out: BinaryIO) -> None:
    """PROV-XML, serialized by the ``prov`` package."""
    to_document(translation).serialize(out, format="xml")


def write_provn(translation: Translation, out: BinaryIO) -> None:
    """PROV-N, serialized by the ``prov`` package."""
    out.write(to_document(translation).get_provn().encode("utf-8"))
    out.write(b"\n")
