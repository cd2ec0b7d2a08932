"""RDF terms to Python values, and parameters to SPARQL term text that is safe to splice into a query."""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any

import pyoxigraph as ox

XSD = "http://www.w3.org/2001/XMLSchema#"
INTEGER_TYPES = frozenset(XSD + t for t in (
    "integer", "int", "long", "short", "byte", "nonNegativeInteger", "positiveInteger", "negativeInteger",
    "nonPositiveInteger", "unsignedLong", "unsignedInt", "unsignedShort", "unsignedByte",
))
FLOAT_TYPES = frozenset(XSD + t for t in ("double", "float", "decimal"))
BOOLEAN = XSD + "boolean"
DATETIME = XSD + "dateTime"

Param = str | int | float | bool | ox.NamedNode | ox.Literal
"""A parameter value: a Python scalar (bound as a typed literal) or a pyoxigraph IRI/literal."""


def literal_value(lexical: str, datatype: str | None, language: str | None = None) -> Any:
    """The Python value of a literal given by its lexical form and datatype IRI (engine-independent)."""
    if language or datatype is None:
        return lexical
    try:
        if datatype in INTEGER_TYPES:
            return int(lexical)
        if datatype in FLOAT_TYPES:
            return float(lexical.replace("INF", "inf"))
        if datatype == BOOLEAN:
            return lexical.strip() in ("true", "1")
        if datatype == DATETIME:
            return datetime.fromisoformat(lexical)
    except ValueError:
        return lexical
    return lexical


def to_python(term: Any) -> Any:
    """A pyoxigraph term as a Python value: IRIs and blank nodes as text, literals by datatype."""
    if term is None:
        return None
    if isinstance(term, ox.Literal):
        return literal_value(term.value, term.datatype.value, term.language)
    if isinstance(term, ox.NamedNode):
        return term.value
    if isinstance(term, ox.BlankNode):
        return "_:" + term.value
    return str(term)


def to_term(value: Param) -> ox.NamedNode | ox.Literal:
    """A parameter as a pyoxigraph term (validated: an IRI must be absolute, a number finite)."""
    if isinstance(value, (ox.NamedNode, ox.Literal)):
        return value
    if isinstance(value, bool):
        return ox.Literal("true" if value else "false", datatype=ox.NamedNode(BOOLEAN))
    if isinstance(value, int):
        return ox.Literal(str(value), datatype=ox.NamedNode(XSD + "integer"))
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"cannot bind a non-finite number ({value!r})")
        return ox.Literal(repr(value), datatype=ox.NamedNode(XSD + "double"))
    if isinstance(value, str):
        return ox.Literal(value)
    raise TypeError(f"cannot bind a {type(value).__name__} as a SPARQL term")


def iri(value: str) -> ox.NamedNode:
    """An IRI parameter (pyoxigraph rejects anything that is not a valid absolute IRI)."""
    return ox.NamedNode(value)


def term_text(value: Param) -> str:
    """The SPARQL text of a parameter: pyoxigraph writes it in N-Triples form, escaping quotes,
    backslashes and line breaks, so it cannot end the literal or IRI early."""
    return str(to_term(value))
