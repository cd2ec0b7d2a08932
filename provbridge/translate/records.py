"""The format-independent PROV record model: elements, relations and typed attribute values."""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

PROV_NS = "http://www.w3.org/ns/prov#"
PB_NS = "https://w3id.org/provbridge/ns#"
XSD_NS = "http://www.w3.org/2001/XMLSchema#"
RDF_NS = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS_NS = "http://www.w3.org/2000/01/rdf-schema#"

# The prefixes every document declares; trial namespaces are added per trial.
VOCAB_PREFIXES: dict[str, str] = {"prov": PROV_NS, "pb": PB_NS, "xsd": XSD_NS}


class QName(str):
    """A reference to a node written as ``prefix:local``, the prefix declared in the document."""

    __slots__ = ()


class Iri(str):
    """A reference to a node by an absolute IRI outside the declared namespaces (e.g. a ``file:`` IRI)."""

    __slots__ = ()


# An attribute value: a plain string, an exact scalar, a time, or a node reference.
Value = str | bool | int | float | datetime | QName | Iri
Attributes = tuple[tuple[str, Value], ...]


class Element(NamedTuple):
    """An entity, activity or agent; ``id`` and attribute keys are ``prefix:local`` names."""

    kind: str  # entity | activity | agent
    id: str
    attrs: Attributes = ()


class Relation(NamedTuple):
    """A PROV relation from ``subject`` to ``object`` (in the order of its PROV-N arguments).

    ``secondary`` is the third formal argument where a relation has one: the activity of a derivation or
    a delegation, the plan of an association. A relation with an ``id``, a ``time``, a ``secondary`` or
    other attributes is written in qualified form too in PROV-O."""

    kind: str
    subject: str
    object: str
    id: str | None = None
    time: datetime | None = None
    secondary: str | None = None
    attrs: Attributes = ()

    @property
    def qualified(self) -> bool:
        return bool(self.id or self.time or self.secondary or self.attrs)


class Statement(NamedTuple):
    """One triple of a stored RDF graph (an imported or pulled document), as N-Triples terms: what such a
    trial's records are, since its graph is kept as it came rather than mapped to elements and relations."""

    subject: str
    predicate: str
    object: str


Record = Element | Relation | Statement

# PROV-JSON / PROV-N argument names per relation kind: (subject, object, secondary, time?).
RELATIONS: dict[str, tuple[str, str, str | None, bool]] = {
    "used": ("prov:activity", "prov:entity", None, True),
    "wasGeneratedBy": ("prov:entity", "prov:activity", None, True),
    "wasDerivedFrom": ("prov:generatedEntity", "prov:usedEntity", "prov:activity", False),
    "wasRevisionOf": ("prov:generatedEntity", "prov:usedEntity", "prov:activity", False),
    "wasAssociatedWith": ("prov:activity", "prov:agent", "prov:plan", False),
    "wasAttributedTo": ("prov:entity", "prov:agent", None, False),
    "actedOnBehalfOf": ("prov:delegate", "prov:responsible", "prov:activity", False),
    "wasInformedBy": ("prov:informed", "prov:informant", None, False),
    "specializationOf": ("prov:specificEntity", "prov:generalEntity", None, False),
    "alternateOf": ("prov:alternate1", "prov:alternate2", None, False),
    "hadMember": ("prov:collection", "prov:entity", None, False),
}
