"""An in-memory PROV-DM document: namespaces, records and bundles, independent of any syntax.

How it is organised (the PROV-N reader, the constraints checker and every writer share it):

- :class:`Literal` is a typed value (``value`` lexical form, ``datatype`` IRI, optional ``language``).
  An IRI value is a plain ``str``; :data:`Value` is ``str | Literal``.
- :class:`Record` is one PROV-DM statement. ``kind`` is its PROV-N name (``entity``, ``activity``,
  ``agent``, ``wasGeneratedBy``, ``used``, ``wasInformedBy``, ``wasStartedBy``, ``wasEndedBy``,
  ``wasInvalidatedBy``, ``wasDerivedFrom``, ``wasAttributedTo``, ``wasAssociatedWith``,
  ``actedOnBehalfOf``, ``wasInfluencedBy``, ``specializationOf``, ``alternateOf``, ``hadMember``,
  ``mentionOf``). ``id`` is the full IRI of the record (``None`` when the relation has none).
  ``args`` holds the formal arguments keyed by their PROV-JSON names (``prov:entity``,
  ``prov:activity``, ``prov:time``, ...; see :data:`ARGUMENTS` for each kind's order); an absent
  optional argument is simply missing from ``args``. Argument values are full IRIs (``str``) or, for
  ``prov:time``/``prov:startTime``/``prov:endTime``, an ``xsd:dateTime`` :class:`Literal`.
  ``attrs`` is an ordered tuple of ``(attribute IRI, value)`` pairs (``prov:type``, ``prov:label``,
  ``prov:role``, ``prov:location``, ``prov:value`` and any application attribute), repeats allowed.
  Derivation subtypes are ``wasDerivedFrom`` records with ``prov:type`` ``prov:Revision``,
  ``prov:Quotation`` or ``prov:PrimarySource`` (full IRIs).
  For element records (entity, activity, agent) ``args`` holds only ``prov:startTime``/``prov:endTime``
  of activities; their id is in ``id``.
- :class:`Bundle` is a named bundle: its ``id`` and records.  The bundle's own description (an
  ``entity`` record with ``prov:type prov:Bundle``) is an ordinary record of the enclosing document.
- :class:`Document` holds ``namespaces`` (prefix -> namespace IRI), top-level ``records`` and
  ``bundles``.  Everything is stored as full IRIs; prefixes only matter to writers.  Writers
  sort records with :meth:`Record.sort_key` and prefixes by name, so output is deterministic.

All classes are frozen dataclasses and hashable; :func:`canonical` gives a set-based view for
comparing two documents regardless of order.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

PROV = "http://www.w3.org/ns/prov#"
XSD = "http://www.w3.org/2001/XMLSchema#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD_STRING = XSD + "string"
XSD_DATETIME = XSD + "dateTime"
XSD_QNAME = XSD + "QName"
RDF_LANGSTRING = RDF + "langString"

ELEMENTS = ("entity", "activity", "agent")

# kind -> its formal arguments (PROV-JSON keys) in PROV-N order; the first ones are required
ARGUMENTS: dict[str, tuple[str, ...]] = {
    "entity": (),
    "activity": ("prov:startTime", "prov:endTime"),
    "agent": (),
    "wasGeneratedBy": ("prov:entity", "prov:activity", "prov:time"),
    "used": ("prov:activity", "prov:entity", "prov:time"),
    "wasInformedBy": ("prov:informed", "prov:informant"),
    "wasStartedBy": ("prov:activity", "prov:trigger", "prov:starter", "prov:time"),
    "wasEndedBy": ("prov:activity", "prov:trigger", "prov:ender", "prov:time"),
    "wasInvalidatedBy": ("prov:entity", "prov:activity", "prov:time"),
    "wasDerivedFrom": (
        "prov:generatedEntity",
        "prov:usedEntity",
        "prov:activity",
        "prov:generation",
        "prov:usage",
    ),
    "wasAttributedTo": ("prov:entity", "prov:agent"),
    "wasAssociatedWith": ("prov:activity", "prov:agent", "prov:plan"),
    "actedOnBehalfOf": ("prov:delegate", "prov:responsible", "prov:activity"),
    "wasInfluencedBy": ("prov:influencee", "prov:influencer"),
    "specializationOf": ("prov:specificEntity", "prov:generalEntity"),
    "alternateOf": ("prov:alternate1", "prov:alternate2"),
    "hadMember": ("prov:collection", "prov:entity"),
    "mentionOf": ("prov:specificEntity", "prov:generalEntity", "prov:bundle"),
}
# how many leading arguments PROV-DM requires (the rest may be absent)
REQUIRED: dict[str, int] = {
    **{kind: 0 for kind in ELEMENTS},
    **{kind: 1 for kind in ("wasGeneratedBy", "used", "wasStartedBy", "wasEndedBy", "wasInvalidatedBy")},
    "wasAssociatedWith": 1,
    **{kind: 2 for kind in ("wasInformedBy", "wasDerivedFrom", "wasAttributedTo", "actedOnBehalfOf")},
    **{kind: 2 for kind in ("wasInfluencedBy", "specializationOf", "alternateOf", "hadMember")},
    "mentionOf": 3,
}
TIME_ARGUMENTS = frozenset({"prov:time", "prov:startTime", "prov:endTime"})
KINDS = tuple(ARGUMENTS)
# relations with no id or attributes in PROV-DM
UNQUALIFIED = frozenset({"specializationOf", "alternateOf", "hadMember", "mentionOf"})


@dataclass(frozen=True, order=True)
class Literal:
    """A typed literal: lexical ``value``, ``datatype`` IRI (xsd:string by default), optional ``language``."""

    value: str
    datatype: str = XSD_STRING
    language: str | None = None


Value = str | Literal  # an IRI (str) or a literal


def value_key(value: Value) -> tuple[int, str, str, str]:
    """A total order over values: IRIs first, then literals by value, datatype and language."""
    if isinstance(value, Literal):
        return (1, value.value, value.datatype, value.language or "")
    return (0, value, "", "")


@dataclass(frozen=True)
class Record:
    """One PROV-DM statement (see the module docstring)."""

    kind: str
    id: str | None = None
    args: tuple[tuple[str, Value], ...] = ()
    attrs: tuple[tuple[str, Value], ...] = ()

    @staticmethod
    def make(
        kind: str,
        id: str | None = None,
        args: Mapping[str, Value | None] | None = None,
        attrs: Iterable[tuple[str, Value]] = (),
    ) -> Record:
        """A record with ``args`` put in the kind's argument order (``None`` values dropped)."""
        if kind not in ARGUMENTS:
            raise ValueError(f"unknown PROV-DM record kind {kind!r}")
        given = dict(args or {})
        order = ARGUMENTS[kind]
        unknown = set(given) - set(order)
        if unknown:
            raise ValueError(f"{kind} has no argument {sorted(unknown)[0]!r}")
        ordered = tuple((name, given[name]) for name in order if given.get(name) is not None)
        return Record(kind, id, tuple((k, v) for k, v in ordered if v is not None), tuple(attrs))

    @property
    def arguments(self) -> dict[str, Value]:
        """The formal arguments as a dict."""
        return dict(self.args)

    def arg(self, name: str) -> Value | None:
        """One formal argument, or ``None``."""
        for key, value in self.args:
            if key == name:
                return value
        return None

    def attr_values(self, name: str) -> list[Value]:
        """Every value of one attribute, in order."""
        return [value for key, value in self.attrs if key == name]

    @property
    def types(self) -> list[Value]:
        """The ``prov:type`` values."""
        return self.attr_values(PROV + "type")

    def with_attrs(self, attrs: Iterable[tuple[str, Value]]) -> Record:
        """A copy with ``attrs`` replacing the attributes."""
        return replace(self, attrs=tuple(attrs))

    def sorted_attrs(self) -> tuple[tuple[str, Value], ...]:
        """Attributes in a canonical order (by name, then value)."""
        return tuple(sorted(self.attrs, key=lambda pair: (pair[0], value_key(pair[1]))))

    def sort_key(self) -> tuple[Any, ...]:
        """Writers' order: by kind (PROV-N order), id, then arguments."""
        return (
            KINDS.index(self.kind),
            self.id or "",
            "" if self.id else "~",
            tuple((name, value_key(value)) for name, value in self.args),
            tuple((name, value_key(value)) for name, value in self.sorted_attrs()),
        )


@dataclass(frozen=True)
class Bundle:
    """A named bundle: ``id`` (IRI) and its records."""

    id: str
    records: tuple[Record, ...] = ()


@dataclass(frozen=True)
class Document:
    """A PROV-DM document: ``namespaces`` (prefix -> IRI), top-level ``records`` and ``bundles``."""

    namespaces: tuple[tuple[str, str], ...] = ()
    records: tuple[Record, ...] = ()
    bundles: tuple[Bundle, ...] = ()
    # notes on what could not be expressed as PROV-DM and was kept as attributes (never a silent drop)
    warnings: tuple[str, ...] = field(default=(), compare=False, hash=False)

    @property
    def prefixes(self) -> dict[str, str]:
        """prefix -> namespace IRI."""
        return dict(self.namespaces)

    def all_records(self) -> Iterator[tuple[str | None, Record]]:
        """(bundle id or ``None`` for the top level, record) for every record."""
        for record in self.records:
            yield None, record
        for bundle in self.bundles:
            for record in bundle.records:
                yield bundle.id, record

    def sorted(self) -> Document:
        """The same document with namespaces, records and bundles in the writers' order."""
        return replace(
            self,
            namespaces=tuple(sorted(self.namespaces)),
            records=tuple(sorted(self.records, key=Record.sort_key)),
            bundles=tuple(
                Bundle(b.id, tuple(sorted(b.records, key=Record.sort_key)))
                for b in sorted(self.bundles, key=lambda b: b.id)
            ),
        )


CanonicalRecord = tuple[str | None, str, str | None, frozenset[tuple[str, Value]], tuple[tuple[str, Value], ...]]


def canonical_record(bundle: str | None, record: Record) -> CanonicalRecord:
    """One record as a comparable tuple: bundle, kind, id, argument set, sorted distinct attributes (RDF
    cannot repeat a property value, so repeats do not count)."""
    return (bundle, record.kind, record.id, frozenset(record.args), tuple(sorted(set(record.sorted_attrs()),
                                                                                   key=record.sorted_attrs().index)))


def canonical(document: Document) -> set[CanonicalRecord]:
    """The document's records as a set, for order-independent comparison (duplicates collapse)."""
    return {canonical_record(bundle, record) for bundle, record in document.all_records()}
