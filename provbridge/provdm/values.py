"""Attribute values shared by the PROV-DM syntaxes: typed literals and the datatypes that name IRIs."""

from __future__ import annotations

from provbridge.provdm.model import PROV, RDF_LANGSTRING, XSD, XSD_DATETIME, XSD_STRING, Literal, Value

# datatypes whose value is a qualified name, i.e. an IRI in the model
QNAME_TYPES = frozenset({XSD + "QName", PROV + "QUALIFIED_NAME", "xsd:QName", "prov:QUALIFIED_NAME"})
I18N = PROV + "InternationalizedString"


def literal(value: str, datatype: str | None = None, language: str | None = None) -> Literal:
    """A literal with the model's conventions: a language makes it rdf:langString, no type xsd:string."""
    if language:
        return Literal(value, RDF_LANGSTRING, language)
    if datatype in (None, I18N):
        return Literal(value, XSD_STRING)
    return Literal(value, datatype)


def time(value: str) -> Literal:
    """An xsd:dateTime argument."""
    return Literal(value, XSD_DATETIME)


def is_plain(value: Value) -> bool:
    """Whether ``value`` is a string literal without language (written without a type)."""
    return isinstance(value, Literal) and value.datatype == XSD_STRING and not value.language


def qname_value(expanded: str, text: str) -> Value:
    """A qualified-name value: its IRI, or an ``xsd:QName`` literal when it names no absolute IRI (an
    unprefixed name without a default namespace)."""
    if ":" in expanded:
        return expanded
    return Literal(text, XSD + "QName")
