"""Read a PROV document from any tool (PROV-JSON, PROV-JSONLD, PROV-N, PROV-XML, RDF) into a Drawing, through
our own PROV-DM readers and model (provbridge.provdm): every record is drawn, in the model's order.

Nodes are the elements (entity, activity, agent; a node only used by relations takes the kind its
argument implies, and is marked undeclared); each relation is an edge from its first formal argument to
its second, labelled with its PROV-N name (derivation subtypes by theirs). A relation's other node
arguments are edges from the first one, labelled with their PROV-O property: an association's plan
(``hadPlan``), the activity of a derivation or delegation, the starter or ender (``hadActivity``), a
mention's bundle (``asInBundle``). Bundles are clusters. Records are sorted first and node ids numbered
in that order, so the same document always gives the same DOT bytes.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from provbridge import formats
from provbridge.errors import FormatError
from provbridge.provdm import terms
from provbridge.provdm.model import ELEMENTS, PROV, Document, Literal, Record, Value
from provbridge.provdm.names import Names
from provbridge.render.labels import shorten
from provbridge.render.model import Drawing, Group, Node, NodeKind

# argument -> the kind of node it names, for ids used without being declared
ARGUMENT_KINDS: dict[str, NodeKind] = {
    "prov:entity": "entity", "prov:activity": "activity", "prov:agent": "agent", "prov:informed": "activity",
    "prov:informant": "activity", "prov:trigger": "entity", "prov:starter": "activity", "prov:ender": "activity",
    "prov:generatedEntity": "entity", "prov:usedEntity": "entity", "prov:plan": "entity", "prov:delegate": "agent",
    "prov:responsible": "agent", "prov:specificEntity": "entity", "prov:generalEntity": "entity",
    "prov:alternate1": "entity", "prov:alternate2": "entity", "prov:collection": "entity", "prov:bundle": "entity",
    "prov:influencee": "unknown", "prov:influencer": "unknown",
}
# the further node arguments drawn as edges from the first one: argument -> edge label (PROV-O property)
EXTRA_EDGES: dict[str, dict[str, str]] = {
    pattern.kind: {argument: prop[len(PROV):] for prop, argument in pattern.extra
                   if argument not in ("prov:time", "prov:generation", "prov:usage")}
    for pattern in terms.BASE.values()
}
EXTRA_EDGES["mentionOf"] = {"prov:bundle": terms.AS_IN_BUNDLE[len(PROV):]}
# derivation subtype (prov:type) -> the PROV-N name drawn on its edge
SUBTYPES = {pattern.subtype: pattern.shortcut[len(PROV):] for pattern in terms.PATTERNS if pattern.subtype}


def read_document(path: str | os.PathLike[str], fmt: str | None = None) -> Drawing:
    """Read ``path`` with our own PROV readers and map its records to the PROV drawing convention; bundles
    become clusters. ``fmt`` is any format name of :func:`provbridge.formats.documents` (default: from the
    extension)."""
    from provbridge.provdm.syntax import SYNTAXES, read

    chosen = _reader(path, fmt)
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        raise FormatError(f"no such PROV document: {os.fspath(path)}") from None
    except OSError as exc:
        raise FormatError(f"cannot read {os.fspath(path)} ({exc.strerror})") from None
    syntax = SYNTAXES[chosen.name]
    try:
        document = read(data, syntax)
    except FormatError as exc:
        raise FormatError(f"cannot read {os.fspath(path)} as PROV ({syntax.title}): {shorten(str(exc), 160)}") from None
    if not any(True for _ in document.all_records()) and not document.bundles:
        raise FormatError(f"{os.fspath(path)} holds no PROV records")
    return draw_document(document, Path(path).name)


def _reader(path: str | os.PathLike[str], fmt: str | None) -> formats.DocumentFormat:
    """The format the document is read as (``fmt``, else its extension's)."""
    return formats.find(fmt, path, use="draw", what="PROV format", option="--input-format")


def draw_document(document: Document | Any, title: str) -> Drawing:
    """A PROV-DM document (provbridge.provdm) mapped to the PROV drawing convention; bundles become clusters.
    A ``prov`` package document or bundle is taken too, handed over as PROV-JSON."""
    if not isinstance(document, Document):
        document = _from_prov(document)
    document = document.sorted()
    drawing = Drawing(title)
    mapper = _Mapper(drawing, Names(document.prefixes))
    mapper.records(document.records, None)
    for bundle in document.bundles:
        gid = f"b{len(drawing.groups)}"
        drawing.groups[gid] = Group(gid, f"bundle {mapper.names.qname(bundle.id)}")
        mapper.records(bundle.records, gid)
    drawing.prune_groups()
    return drawing


def _from_prov(document: Any) -> Document:
    """A ``prov.model.ProvDocument`` (or one of its bundles) as our model, through PROV-JSON."""
    from prov.model import ProvDocument

    from provbridge.provdm.provjson import loads

    whole = document
    if not document.is_document():  # one bundle: its records at the top level
        whole = ProvDocument(namespaces=document.namespaces)
        whole.update(document)
    text = whole.serialize(format="json")
    return loads(text if isinstance(text, bytes) else str(text).encode("utf-8"))


class _Mapper:
    """Adds the records of a document and its bundles to one drawing, one node per identifier."""

    def __init__(self, drawing: Drawing, names: Names) -> None:
        self.drawing = drawing
        self.names = names
        self.ids: dict[str, str] = {}
        self.declared: set[str] = set()

    def node_id(self, iri: str, kind: NodeKind, group: str | None, declared: bool) -> str:
        nid = self.ids.get(iri)
        if nid is None:
            nid = self.ids[iri] = f"n{len(self.ids)}"
            name = self.names.qname(iri)
            self.drawing.add_node(Node(nid, kind, name, key=iri, role="element" if declared else "undeclared",
                                       group=group, tooltip=name))
        elif declared:
            node = self.drawing.nodes[nid]
            if node.role == "undeclared":
                node.kind, node.role, node.group = kind, "element", group
        return nid

    def records(self, records: tuple[Record, ...], group: str | None) -> None:
        for record in records:
            if record.kind in ELEMENTS and record.id is not None:
                self.element(record, group)
        for record in records:
            if record.kind not in ELEMENTS:
                self.relation(record, group)

    def element(self, record: Record, group: str | None) -> None:
        assert record.id is not None
        node = self.drawing.nodes[self.node_id(record.id, record.kind, group, declared=True)]  # type: ignore[arg-type]
        name = self.names.qname(record.id)
        attrs = [f"{self.names.qname(key)} = {self.text(value)}" for key, value in (*record.args, *record.attrs)]
        if record.id in self.declared:  # declared again: its further attributes go to the tooltip
            node.tooltip = "\n".join([node.tooltip, *attrs])[:2000]
            return
        self.declared.add(record.id)
        labels = [self.text(value) for value in record.attr_values(PROV + "label")]
        values = [self.text(value) for value in record.attr_values(PROV + "value")]
        lines = [shorten(labels[0] if labels else name, 40)]
        if values:
            lines.append("= " + shorten(values[0], 24))
        node.label = "\n".join(lines)
        node.compare = values[0] if values else ""
        node.tooltip = "\n".join([name, *attrs])[:2000]

    def relation(self, record: Record, group: str | None) -> None:
        if len(record.args) < 2:
            return
        (first, src_iri), (second, dst_iri) = record.args[0], record.args[1]
        if isinstance(src_iri, Literal) or isinstance(dst_iri, Literal):
            return
        label = next((SUBTYPES[t] for t in record.types if isinstance(t, str) and t in SUBTYPES), record.kind)
        src = self.node_id(src_iri, ARGUMENT_KINDS.get(first, "entity"), group, declared=False)
        dst = self.node_id(dst_iri, ARGUMENT_KINDS.get(second, "entity"), group, declared=False)
        self.drawing.add_edge(src, dst, label)
        for argument, edge in EXTRA_EDGES.get(record.kind, {}).items():
            other = record.arg(argument)
            if isinstance(other, str):
                self.drawing.add_edge(src, self.node_id(other, ARGUMENT_KINDS[argument], group, declared=False), edge)

    def text(self, value: Value) -> str:
        """A value as drawn: a qualified name for an IRI, the lexical form of a literal."""
        return value.value if isinstance(value, Literal) else self.names.qname(value)

