"""PROV-O triples of PROV records, as N-Triples or Turtle term text, built directly (no RDF library):
every relation as its unqualified triple, plus its qualified node when it has an id, time or argument."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from typing import Any, cast

from provbridge.translate.records import RDF_NS, RDFS_NS, Element, Iri, QName, Record, Relation, Statement, Value
from provbridge.translate.values import xsd_datetime_text, xsd_double_text, xsd_integer_type

RDF_PREFIXES = {"rdf": RDF_NS, "rdfs": RDFS_NS}

ELEMENT_CLASSES = {"entity": "prov:Entity", "activity": "prov:Activity", "agent": "prov:Agent"}
ATTRIBUTE_PREDICATES = {
    "prov:type": "rdf:type",
    "prov:label": "rdfs:label",
    "prov:location": "prov:atLocation",
    "prov:startTime": "prov:startedAtTime",
    "prov:endTime": "prov:endedAtTime",
    "prov:role": "prov:hadRole",
}
# kind -> (unqualified property, qualifying property, qualified class, object's property, secondary's property)
RELATION_TERMS: dict[str, tuple[str, str | None, str | None, str | None, str | None]] = {
    "used": ("prov:used", "prov:qualifiedUsage", "prov:Usage", "prov:entity", None),
    "wasGeneratedBy": ("prov:wasGeneratedBy", "prov:qualifiedGeneration", "prov:Generation", "prov:activity", None),
    "wasDerivedFrom": ("prov:wasDerivedFrom", "prov:qualifiedDerivation", "prov:Derivation", "prov:entity",
                       "prov:hadActivity"),
    "wasRevisionOf": ("prov:wasRevisionOf", "prov:qualifiedRevision", "prov:Revision", "prov:entity",
                      "prov:hadActivity"),
    "wasAssociatedWith": ("prov:wasAssociatedWith", "prov:qualifiedAssociation", "prov:Association",
                          "prov:agent", "prov:hadPlan"),
    "wasAttributedTo": ("prov:wasAttributedTo", "prov:qualifiedAttribution", "prov:Attribution", "prov:agent",
                        None),
    "actedOnBehalfOf": ("prov:actedOnBehalfOf", "prov:qualifiedDelegation", "prov:Delegation", "prov:agent",
                        "prov:hadActivity"),
    "wasInformedBy": ("prov:wasInformedBy", "prov:qualifiedCommunication", "prov:Communication",
                      "prov:activity", None),
    "specializationOf": ("prov:specializationOf", None, None, None, None),
    "alternateOf": ("prov:alternateOf", None, None, None, None),
    "hadMember": ("prov:hadMember", None, None, None, None),
}

_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})

Triple = tuple[str, str, str]
CHUNK_CHARS = 1 << 20  # characters of N-Triples/N-Quads per piece written
CACHE_SIZE = 1024  # cached attribute texts per value type before the cache starts over


class Terms:
    """Writes nodes and literals as N-Triples terms (``compact=False``: ``<iri>``) or as Turtle terms
    (``compact=True``: ``prefix:local``, valid by construction of our local names)."""

    def __init__(self, prefixes: dict[str, str], *, compact: bool) -> None:
        self.prefixes = {**prefixes, **RDF_PREFIXES}
        self.compact = compact
        self.blank = 0
        xsd = "xsd:" if compact else "<" + self.prefixes["xsd"]
        close = "" if compact else ">"
        self.dt = {name: f"^^{xsd}{name}{close}" for name in ("int", "long", "integer", "double", "boolean",
                                                               "dateTime")}
        self._literal: dict[type, Callable[[Any], str]] = {
            str: self._string, bool: self._bool, int: self._int, float: self._float,
            datetime: self._datetime, QName: self.node, Iri: self.iri,
        }
        self.node_of: Callable[[str], str] = self._compact if compact else self._full
        # prefix -> "<" + namespace IRI: the opening of every full IRI in that namespace
        self.open_iris = {prefix: "<" + iri for prefix, iri in self.prefixes.items()}
        self._cache: dict[str, str] = {}

    # -- nodes ----------------------------------------------------------------------------------------
    def _compact(self, qname: str) -> str:
        return qname

    def _full(self, qname: str) -> str:
        prefix, _, local = qname.partition(":")
        return f"{self.open_iris[prefix]}{local}>"

    def node(self, qname: str) -> str:
        return self.node_of(qname)

    def vocab(self, qname: str) -> str:
        """A vocabulary term (cached)."""
        found = self._cache.get(qname)
        if found is None:
            found = self._cache[qname] = self.node_of(qname)
        return found

    def iri(self, iri: str) -> str:
        return f"<{iri}>"

    def new_blank(self) -> str:
        self.blank += 1
        return f"_:q{self.blank}"

    # -- literals -------------------------------------------------------------------------------------
    def _string(self, value: str) -> str:
        return '"' + value.translate(_ESCAPES) + '"'

    def _bool(self, value: bool) -> str:
        return ('"true"' if value else '"false"') + self.dt["boolean"]

    def _int(self, value: int) -> str:
        return f'"{value}"' + self.dt[xsd_integer_type(value)[4:]]

    def _float(self, value: float) -> str:
        return f'"{xsd_double_text(value)}"' + self.dt["double"]

    def _datetime(self, value: datetime) -> str:
        return f'"{xsd_datetime_text(value)}"' + self.dt["dateTime"]

    def value(self, value: Value) -> str:
        """The object term of an attribute value (a node for QName/IRI values, else a typed literal)."""
        return self._literal[type(value)](value)


class TripleMapper:
    """Maps records to PROV-O triples of term text."""

    def __init__(self, terms: Terms) -> None:
        self.terms = terms
        v = terms.vocab
        self.rdf_type = v("rdf:type")
        self.classes = {kind: v(cls) for kind, cls in ELEMENT_CLASSES.items()}
        self.predicates: dict[str, str] = {}
        self.relations = {
            kind: tuple(None if term is None else v(term) for term in terms_)
            for kind, terms_ in RELATION_TERMS.items()
        }
        self.derived = v("prov:wasDerivedFrom")
        self.at_time = v("prov:atTime")

    def chunks(self, records: Iterable[Record], end: str, size: int = CHUNK_CHARS) -> Iterator[str]:
        """The N-Triples/N-Quads lines of ``records``, each ending with ``end`` (graph term, `` .``, newline),
        joined into pieces of about ``size`` characters. One loop, no call per triple: subjects are written
        once per element (``s + s.join(rest)``), and the repeated ``predicate object end`` texts of string
        and node attributes are cached (cleared when large, so memory stays flat)."""
        terms = self.terms
        namespaces = terms.open_iris
        literal = terms._literal
        predicate = self.predicate
        type_end = {kind: f" {self.rdf_type} {cls}{end}" for kind, cls in self.classes.items()}
        unqualified = {kind: f" {terms_[0]} " for kind, terms_ in self.relations.items() if kind != "wasRevisionOf"}
        caches: dict[type, dict[tuple[str, Value], str]] = {str: {}, QName: {}, int: {}}
        parts: list[str] = []
        append = parts.append
        count = 0
        for record in records:
            kind = type(record)
            if kind is Relation:
                kind_, subject, obj, ident, time, secondary, attrs = record  # type: ignore[misc]
                middle = unqualified.get(kind_)
                if middle is None or ident or time or secondary or attrs:
                    text = "".join(f"{s} {p} {o}{end}" for s, p, o in self.triples(record))
                else:
                    a, _, b = subject.partition(":")
                    c, _, d = obj.partition(":")
                    text = f"{namespaces[a]}{b}>{middle}{namespaces[c]}{d}>{end}"
            elif kind is Element:
                kind_, ident, pairs = cast(Element, record)
                a, _, b = ident.partition(":")
                s = f"{namespaces[a]}{b}>"
                rest = [type_end[kind_]]
                add = rest.append
                for pair in pairs:
                    value = pair[1]
                    cache = caches.get(type(value))
                    if cache is None:
                        add(f" {predicate(pair[0])} {literal[type(value)](value)}{end}")
                        continue
                    found = cache.get(pair)
                    if found is None:
                        if len(cache) >= CACHE_SIZE:
                            cache.clear()
                        found = cache[pair] = f" {predicate(pair[0])} {literal[type(value)](value)}{end}"
                    add(found)
                text = s + s.join(rest)
            elif kind is Statement:  # a stored graph's triple, already in N-Triples terms
                text = f"{record[0]} {record[1]} {record[2]}{end}"
            else:
                text = "".join(f"{s} {p} {o}{end}" for s, p, o in self.triples(record))
            append(text)
            count += len(text)
            if count >= size:
                yield "".join(parts)
                parts.clear()
                count = 0
        if parts:
            yield "".join(parts)

    def predicate(self, key: str) -> str:
        found = self.predicates.get(key)
        if found is None:
            found = self.predicates[key] = self.terms.vocab(ATTRIBUTE_PREDICATES.get(key, key))
        return found

    def triples(self, record: Record) -> list[Triple]:
        """The triples of one record; the subject of the first triples is the record's node."""
        terms = self.terms
        node = terms.node_of
        value = terms.value
        predicate = self.predicate
        if type(record) is Element:
            s = node(record.id)
            out = [(s, self.rdf_type, self.classes[record.kind])]
            out += [(s, predicate(k), value(v)) for k, v in record.attrs]
            return out
        if type(record) is Statement:
            return [(record.subject, record.predicate, record.object)]
        rel: Relation = record  # type: ignore[assignment]
        prop, qualify, cls, object_prop, secondary_prop = self.relations[rel.kind]
        s = node(rel.subject)
        o = node(rel.object)
        out = [(s, prop, o)]  # type: ignore[list-item]
        if rel.kind == "wasRevisionOf":
            out.append((s, self.derived, o))
        if qualify is not None and rel.qualified:
            q = node(rel.id) if rel.id else terms.new_blank()
            out.append((s, qualify, q))
            out.append((q, self.rdf_type, cls))  # type: ignore[arg-type]
            out.append((q, object_prop, o))  # type: ignore[arg-type]
            if rel.secondary is not None and secondary_prop is not None:
                out.append((q, secondary_prop, node(rel.secondary)))
            if rel.time is not None:
                out.append((q, self.at_time, value(rel.time)))
            out += [(q, predicate(k), value(v)) for k, v in rel.attrs]
        return out
