"""PROV-O (pyoxigraph quads) to the PROV-DM model and back, by the qualified-pattern tables of W3C PROV-O.

Reading, per graph (the default graph is the document, each named graph a bundle):

- every qualified influence node (``s prov:qualifiedX n``) is one relation record: its id is ``n`` (none
  when ``n`` is a blank node nobody else refers to), its arguments come from ``s`` and the node's
  ``prov:activity``/``prov:entity``/``prov:agent``/``prov:hadPlan``/``prov:atTime``... properties, every
  other property is an attribute; the unqualified shortcut ``s prov:X o`` it implies is absorbed, and every
  other shortcut is a record of its own. Several associations of one activity stay several records; a
  node naming several agents (entities, activities) is as many records sharing its id, in sorted order.
- a node typed with a PROV class or subclass (``prov:Plan``, ``prov:Person``, ``prov:Bundle``...) is an
  entity, activity or agent record (one per kind it has); its other classes become ``prov:type``
  values, its other properties attributes; activity times become ``prov:startTime``/``prov:endTime``.
  An untyped node with properties of its own takes its kind from a PROV property's domain or range.
- ``prov:generatedAtTime``/``prov:invalidatedAtTime`` are ``wasGeneratedBy(e, -, t)`` /
  ``wasInvalidatedBy(e, -, t)`` unless another generation (invalidation) of ``e`` has that time;
  ``prov:generated``, ``prov:invalidated`` and ``prov:influenced`` are read as their inverse relations.
- a blank node that must be named (an element, a value, a referenced influence) becomes the IRI
  ``https://w3id.org/provbridge/.well-known/genid/b`` + the first 16 hex digits of the SHA-256 of its
  sorted N-Triples (its own position written ``_:s``, other blank nodes ``_:``), ``-2``, ``-3``... added
  for nodes with the same triples. Writing PROV-O turns these IRIs back into blank nodes.
- what PROV-DM cannot express (a node with no PROV kind, a second value of a single-valued argument, a
  PROV property used where PROV-O does not define it, a literal where a node is expected) is kept as
  attributes (a node with no PROV kind as an ``entity``) and named in ``Document.warnings``.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

import pyoxigraph as ox

from provbridge.provdm import terms as t
from provbridge.provdm.model import (
    PROV,
    RDF_LANGSTRING,
    TIME_ARGUMENTS,
    XSD_STRING,
    Bundle,
    Document,
    Literal,
    Record,
    Value,
)
from provbridge.provdm.names import GENID

Term = ox.NamedNode | ox.BlankNode | ox.Literal
Node = ox.NamedNode | ox.BlankNode


def _term_text(term: object, own: object = None) -> str:
    if isinstance(term, ox.BlankNode):
        return "_:s" if term == own else "_:"
    return str(term)


def skolem_ids(triples: list[tuple[Node, ox.NamedNode, Term]]) -> dict[ox.BlankNode, str]:
    """Stable IRIs for the blank nodes of one graph (see the module docstring)."""
    lines: dict[ox.BlankNode, list[str]] = defaultdict(list)
    for s, p, o in triples:
        if isinstance(s, ox.BlankNode):
            lines[s].append(f"_:s {p} {_term_text(o, s)}")
        if isinstance(o, ox.BlankNode) and o != s:
            lines[o].append(f"{_term_text(s, o)} {p} _:s")
    result: dict[ox.BlankNode, str] = {}
    used: dict[str, int] = {}
    ordered = sorted(lines.items(), key=lambda item: (sorted(item[1]), item[0].value))
    for node, node_lines in ordered:
        digest = hashlib.sha256("\n".join(sorted(node_lines)).encode("utf-8")).hexdigest()[:16]
        count = used[digest] = used.get(digest, 0) + 1
        result[node] = f"{GENID}b{digest}" + (f"-{count}" if count > 1 else "")
    return result


@dataclass
class _Graph:
    """The triples of one graph, indexed, and the records being built from them."""

    triples: list[tuple[Node, ox.NamedNode, Term]]
    out: dict[Node, list[tuple[str, Term]]] = field(default_factory=lambda: defaultdict(list))
    incoming: dict[Node, int] = field(default_factory=lambda: defaultdict(int))
    skolem: dict[ox.BlankNode, str] = field(default_factory=dict)
    records: list[Record] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        for s, p, o in self.triples:
            self.out[s].append((p.value, o))
            if isinstance(o, (ox.NamedNode, ox.BlankNode)):
                self.incoming[o] += 1
        for pairs in self.out.values():
            pairs.sort(key=lambda pair: (pair[0], str(pair[1])))
        self.skolem = skolem_ids(self.triples)

    def iri(self, node: Node) -> str:
        return self.skolem[node] if isinstance(node, ox.BlankNode) else node.value

    def value(self, term: Term) -> Value:
        if isinstance(term, ox.Literal):
            language = term.language
            datatype = RDF_LANGSTRING if language else term.datatype.value
            return Literal(term.value, datatype, language)
        return self.iri(term)

    def warn(self, text: str) -> None:
        if text not in self.warnings:
            self.warnings.append(text)


def _node_name(graph: _Graph, node: Node) -> str:
    return f"_:{node.value}" if isinstance(node, ox.BlankNode) else f"<{node.value}>"


def _attribute(graph: _Graph, predicate: str, obj: Term, where: Node, expected: bool = False) -> tuple[str, Value]:
    """One property of a node as a PROV-DM attribute."""
    if predicate == t.RDF_TYPE:  # a literal object: the prov package's way of writing a literal prov:type
        return t.PROV_TYPE, graph.value(obj)
    name = t.PREDICATE_ATTRIBUTES.get(predicate)
    if name is not None:
        return name, graph.value(obj)
    if predicate.startswith(PROV) and predicate != t.PROV_TYPE and not expected:
        graph.warn(f"{predicate} on {_node_name(graph, where)} is not a PROV-DM argument there: kept as an attribute")
    return predicate, graph.value(obj)


def _influences(graph: _Graph) -> tuple[list[Record], set[Node], set[tuple[str, str, str]]]:
    """Records of the qualified influence nodes, the nodes, and the (kind, subject, object) they cover."""
    records: list[Record] = []
    nodes: set[Node] = set()
    covered: set[tuple[str, str, str]] = set()
    found: list[tuple[Node | None, t.Pattern, Node]] = []
    for s, p, o in graph.triples:
        pattern = t.BY_QUALIFIED.get(p.value)
        if pattern is None or isinstance(o, ox.Literal):
            continue
        if o in nodes:
            graph.warn(f"influence node {_node_name(graph, o)} is qualified more than once: read once")
            continue
        nodes.add(o)
        found.append((s, pattern, o))
    for s, p, o in graph.triples:  # influence nodes nobody qualifies: relations without their first argument
        if p.value == t.RDF_TYPE and o.value in t.BY_CLASS and s not in nodes:
            nodes.add(s)
            found.append((None, t.BY_CLASS[o.value], s))
    for subject, pattern, o in found:
        args: dict[str, Value] = {pattern.subject: graph.iri(subject)} if subject is not None else {}
        attrs: list[tuple[str, Value]] = []
        extra = dict(pattern.extra)
        targets = {pattern.target, *t.TARGETS}
        # a node nobody qualifies names its subject itself (PROV-JSONLD): prov:activity of a Usage...
        own_subject = PROV + pattern.subject.partition(":")[2] if subject is None else None
        more_targets: list[Value] = []  # a node shared by several relations: one record per target
        for predicate, value in graph.out.get(o, []):
            own_classes = (ox.NamedNode(pattern.cls), ox.NamedNode(t.BASE[pattern.kind].cls))
            if predicate == t.RDF_TYPE and value in own_classes:
                continue
            if (predicate == own_subject and predicate != pattern.target and pattern.subject not in args
                    and not isinstance(value, ox.Literal)):
                args[pattern.subject] = graph.value(value)
                continue
            name = pattern.object if predicate in targets and predicate not in extra else extra.get(predicate)
            if name is not None and name not in args and (
                not isinstance(value, ox.Literal) or name in TIME_ARGUMENTS
            ):
                args[name] = graph.value(value)
                continue
            if name == pattern.object and not isinstance(value, ox.Literal):
                more_targets.append(graph.value(value))
                continue
            if name is not None:
                graph.warn(f"{_node_name(graph, o)} has a second {predicate} (or a literal): kept as an attribute")
            attrs.append(_attribute(graph, predicate, value, o, expected=name is not None))
        if pattern.subtype and (t.PROV_TYPE, pattern.subtype) not in attrs:
            attrs.insert(0, (t.PROV_TYPE, pattern.subtype))
        if more_targets:
            graph.warn(f"{_node_name(graph, o)} names {len(more_targets) + 1} {pattern.target}: read as as many "
                       f"{pattern.kind} records sharing its id and other arguments")
        referenced = isinstance(o, ox.NamedNode) or graph.incoming.get(o, 0) > 1
        for target in [args.get(pattern.object), *more_targets]:
            each = {**args, pattern.object: target} if target is not None else args
            records.append(Record.make(pattern.kind, graph.iri(o) if referenced else None, each, attrs))
            if isinstance(target, str) and subject is not None:
                covered.add((pattern.shortcut, graph.iri(subject), target))
                covered.add((t.BASE[pattern.kind].shortcut, graph.iri(subject), target))
        time = args.get("prov:time")
        if isinstance(time, Literal) and subject is not None:
            covered.add((pattern.kind + "@", graph.iri(subject), time.value))
    return records, nodes, covered


def _kinds(graph: _Graph, node: Node, pairs: list[tuple[str, Term]]) -> tuple[list[str], bool]:
    """The element kinds of a node, and whether they come from its types (not from domain evidence)."""
    kinds = {
        t.ELEMENT_CLASSES.get(o.value) or t.SUBCLASSES.get(o.value, "")
        for p, o in pairs
        if p == t.RDF_TYPE and isinstance(o, ox.NamedNode)
    } - {""}
    if kinds:
        return sorted(kinds, key=("entity", "activity", "agent").index), True
    evidence = {t.DOMAINS[p] for p, _ in pairs if p in t.DOMAINS}
    return sorted(evidence, key=("entity", "activity", "agent").index), False


def _range_kinds(graph: _Graph) -> dict[Node, set[str]]:
    found: dict[Node, set[str]] = defaultdict(set)
    for _, p, o in graph.triples:
        if p.value in t.RANGES and not isinstance(o, ox.Literal):
            found[o].add(t.RANGES[p.value])
    return found


def _relation_triples(graph: _Graph, influence_nodes: set[Node], covered: set[tuple[str, str, str]]) -> set[int]:
    """Records of shortcut, inverse and simple relation triples (appended to ``graph.records``);
    returns the ids of the triples consumed."""
    consumed: set[int] = set()
    mentions: dict[Node, list[str]] = defaultdict(list)
    for index, (s, p, o) in enumerate(graph.triples):
        predicate = p.value
        if s in influence_nodes:
            continue
        if predicate in t.BY_QUALIFIED:
            consumed.add(index)
            continue
        if isinstance(o, ox.Literal):
            if predicate in (t.GENERATED_AT, t.INVALIDATED_AT):
                kind = "wasGeneratedBy" if predicate == t.GENERATED_AT else "wasInvalidatedBy"
                consumed.add(index)
                if (kind + "@", graph.iri(s), o.value) not in covered:
                    times: dict[str, Value | None] = {"prov:entity": graph.iri(s), "prov:time": graph.value(o)}
                    graph.records.append(Record.make(kind, None, times))
            continue
        pattern = t.BY_SHORTCUT.get(predicate)
        if pattern is None and predicate in t.INVERSES:
            pattern = t.BASE[t.INVERSES[predicate]]
            s, o = o, s
        if pattern is not None:
            consumed.add(index)
            key = (pattern.shortcut, graph.iri(s), graph.iri(o))
            if key in covered:
                continue
            covered.add(key)
            covered.add((t.BASE[pattern.kind].shortcut, graph.iri(s), graph.iri(o)))
            attrs: list[tuple[str, Value]] = [] if pattern.subtype is None else [(t.PROV_TYPE, pattern.subtype)]
            graph.records.append(
                Record.make(pattern.kind, None, {pattern.subject: graph.iri(s), pattern.object: graph.iri(o)}, attrs)
            )
            continue
        simple = t.BY_SIMPLE.get(predicate)
        if simple is not None:
            consumed.add(index)
            if simple == "mentionOf":
                mentions[s].append(graph.iri(o))
                continue
            _, subject, obj = t.SIMPLE[simple]
            graph.records.append(Record.make(simple, None, {subject: graph.iri(s), obj: graph.iri(o)}))
        elif predicate == t.AS_IN_BUNDLE:
            consumed.add(index)
    for s, generals in mentions.items():
        bundles = sorted(graph.iri(o) for p, o in graph.out[s] if p == t.AS_IN_BUNDLE and not isinstance(o, ox.Literal))
        if len(generals) > 1 or len(bundles) > 1:
            graph.warn(f"{_node_name(graph, s)} mentions several entities or bundles: paired in order")
        for position, general in enumerate(sorted(generals)):
            bundle = bundles[min(position, len(bundles) - 1)] if bundles else None
            args: dict[str, Value | None] = {"prov:specificEntity": graph.iri(s), "prov:generalEntity": general,
                                             "prov:bundle": bundle}
            graph.records.append(Record.make("mentionOf", None, args))
    return consumed


def _elements(graph: _Graph, influence_nodes: set[Node], consumed: set[int]) -> None:
    """Element records: typed nodes, and untyped nodes with properties of their own."""
    ranges = _range_kinds(graph)
    consumed_pairs: set[tuple[Node, str, str]] = {
        (graph.triples[i][0], graph.triples[i][1].value, str(graph.triples[i][2])) for i in consumed
    }
    untyped: list[str] = []
    for node, pairs in graph.out.items():
        if node in influence_nodes:
            continue
        kinds, typed = _kinds(graph, node, pairs)
        own = [
            (p, o) for p, o in pairs
            if (node, p, str(o)) not in consumed_pairs and p not in (t.START, t.END)
            and not (p == t.RDF_TYPE and isinstance(o, ox.NamedNode) and o.value in t.ELEMENT_CLASSES)
            and not (isinstance(o, ox.Literal) and p in (t.GENERATED_AT, t.INVALIDATED_AT))
        ]
        times = [(p, o) for p, o in pairs if p in (t.START, t.END)]
        if not typed and not own and not times:
            continue
        if not typed and not own and times:
            kinds = ["activity"]
        if not kinds:
            kinds = sorted(ranges.get(node, set()), key=("entity", "activity", "agent").index)
        if not kinds:
            kinds = ["entity"]
            untyped.append(_node_name(graph, node))
        attrs = [_attribute(graph, p, o, node) for p, o in own]
        for kind in kinds:
            args: dict[str, Value] = {}
            extra = list(attrs)
            for p, o in times:
                name = "prov:startTime" if p == t.START else "prov:endTime"
                if kind == "activity" and name not in args and isinstance(o, ox.Literal):
                    args[name] = graph.value(o)
                elif kind == "activity" or "activity" not in kinds:
                    graph.warn(f"{_node_name(graph, node)} has a second or misplaced {p}: kept as an attribute")
                    extra.append((p, graph.value(o)))
            graph.records.append(Record.make(kind, graph.iri(node), args, extra))
    if untyped:
        graph.warn(f"nodes with no PROV type or PROV property, kept as entities: {', '.join(sorted(untyped)[:10])}"
                   + (f" and {len(untyped) - 10} more" if len(untyped) > 10 else ""))


def graph_records(triples: list[tuple[Node, ox.NamedNode, Term]]) -> tuple[list[Record], list[str]]:
    """The PROV-DM records of one graph's triples, and the warnings of the conversion."""
    graph = _Graph(triples)
    records, influence_nodes, covered = _influences(graph)
    graph.records.extend(records)
    consumed = _relation_triples(graph, influence_nodes, covered)
    _elements(graph, influence_nodes, consumed)
    return graph.records, graph.warnings


def from_quads(quads: Iterable[ox.Quad], prefixes: dict[str, str] | None = None) -> Document:
    """The PROV-DM document of a PROV-O dataset: the default graph at the top, each named graph a bundle."""
    graphs: dict[str | None, list[tuple[Node, ox.NamedNode, Term]]] = defaultdict(list)
    for quad in quads:
        name = quad.graph_name
        key = None if isinstance(name, ox.DefaultGraph) else name.value
        graphs[key].append((quad.subject, quad.predicate, quad.object))  # type: ignore[arg-type]
    top: list[Record] = []
    bundles: list[Bundle] = []
    warnings: list[str] = []
    for key in sorted(graphs, key=lambda k: (k is not None, k or "")):
        records, notes = graph_records(graphs[key])
        warnings.extend(f"{'bundle ' + key if key else 'document'}: {note}" for note in notes)
        if key is None:
            top = records
        else:
            bundles.append(Bundle(key, tuple(records)))
    namespaces = tuple(sorted((p, iri) for p, iri in (prefixes or {}).items() if p))
    return Document(namespaces, tuple(top), tuple(bundles), tuple(warnings)).sorted()


def to_quads(document: Document) -> list[ox.Quad]:
    """The PROV-O quads of a document (bundles as named graphs), sorted; genid IRIs become blank nodes."""
    from provbridge.provdm.rdfwrite import is_qualified, record_triples, shortcut_key

    qualified = {(bundle, shortcut_key(r)) for bundle, r in document.all_records() if is_qualified(r)}
    quads: set[ox.Quad] = set()
    for bundle_id, record in document.all_records():
        graph: ox.NamedNode | ox.DefaultGraph = ox.NamedNode(bundle_id) if bundle_id else ox.DefaultGraph()
        force = not is_qualified(record) and (bundle_id, shortcut_key(record)) in qualified
        for s, p, o in record_triples(record, force):
            quads.add(ox.Quad(s, p, o, graph))
    return sorted(quads, key=lambda q: (str(q.graph_name), str(q.subject), str(q.predicate), str(q.object)))


def literal_text(value: Literal) -> str:
    """``value`` as an N-Triples literal (for messages)."""
    if value.language:
        return f'"{value.value}"@{value.language}'
    return f'"{value.value}"' if value.datatype == XSD_STRING else f'"{value.value}"^^<{value.datatype}>'
