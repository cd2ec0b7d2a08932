"""Read a PROV document from any tool (PROV-JSON, PROV-N, PROV-XML, RDF) into a Drawing."""

from __future__ import annotations

import os
import warnings
from pathlib import Path
from typing import Any

from provbridge import formats
from provbridge.errors import FormatError
from provbridge.render.labels import shorten
from provbridge.render.model import Drawing, Group, Node, NodeKind

# relation -> kinds of its first two formal arguments, for ids used without being declared
ENDS: dict[str, tuple[NodeKind, NodeKind]] = {
    "used": ("activity", "entity"), "wasGeneratedBy": ("entity", "activity"),
    "wasInvalidatedBy": ("entity", "activity"), "wasInformedBy": ("activity", "activity"),
    "wasStartedBy": ("activity", "entity"), "wasEndedBy": ("activity", "entity"),
    "wasAttributedTo": ("entity", "agent"), "wasAssociatedWith": ("activity", "agent"),
    "actedOnBehalfOf": ("agent", "agent"), "wasInfluencedBy": ("unknown", "unknown"),
}
SUBTYPES = {"Revision": "wasRevisionOf", "Quotation": "wasQuotedFrom", "PrimarySource": "hadPrimarySource"}


def read_document(path: str | os.PathLike[str], fmt: str | None = None) -> Drawing:
    """Parse ``path`` with the ``prov`` package and map its records to the PROV drawing convention;
    bundles become clusters. ``fmt`` is json, provn, xml or an RDF syntax (default: from the extension)."""
    import prov

    reader, rdf_format = _reader(path, fmt)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            kwargs: dict[str, Any] = {"rdf_format": rdf_format} if rdf_format else {}
            document = prov.read(os.fspath(path), format=reader, **kwargs)
    except FileNotFoundError:
        raise FormatError(f"no such PROV document: {os.fspath(path)}") from None
    except Exception as exc:  # the prov readers raise many unrelated types on bad input
        message = shorten(str(exc) or type(exc).__name__, 160)
        raise FormatError(f"cannot read {os.fspath(path)} as PROV ({reader}): {message}") from None
    if document is None:
        raise FormatError(f"{os.fspath(path)} holds no PROV records")
    return draw_document(document, Path(path).name)


def draw_document(document: Any, title: str) -> Drawing:
    """A ``prov.model.ProvDocument`` (or one bundle) mapped to the PROV drawing convention; bundles become
    clusters."""
    from prov.constants import PROV_N_MAP

    drawing = Drawing(title)
    mapper = _Mapper(drawing, PROV_N_MAP)
    mapper.bundle(document, None)
    for bundle in document.bundles if document.is_document() else ():
        gid = f"b{len(drawing.groups)}"
        drawing.groups[gid] = Group(gid, f"bundle {bundle.identifier}")
        mapper.bundle(bundle, gid)
    drawing.prune_groups()
    return drawing


def _reader(path: str | os.PathLike[str], fmt: str | None) -> tuple[str, str | None]:
    """The ``prov`` package's reader for the document (its format, and rdflib's syntax for RDF)."""
    chosen = formats.find(fmt, path, use="draw", what="PROV format", option="--input-format")
    if chosen.rdf is not None:
        return "rdf", chosen.rdflib
    assert chosen.prov is not None
    return chosen.prov, None


class _Mapper:
    """Adds elements and relations of PROV bundles to one drawing, one node per identifier."""

    def __init__(self, drawing: Drawing, names: dict[Any, str]) -> None:
        self.drawing = drawing
        self.names = names
        self.ids: dict[str, str] = {}

    def node_id(self, identifier: object, kind: NodeKind, group: str | None, declared: bool) -> str:
        text = str(identifier)
        nid = self.ids.get(text)
        if nid is None:
            nid = self.ids[text] = f"n{len(self.ids)}"
            self.drawing.add_node(Node(nid, kind, text, key=text, role="element" if declared else "undeclared",
                                       group=group, tooltip=text))
        elif declared:
            node = self.drawing.nodes[nid]
            if node.role == "undeclared":
                node.kind, node.role, node.group = kind, "element", group
        return nid

    def bundle(self, bundle: Any, group: str | None) -> None:
        records = list(bundle.get_records())
        for record in records:
            if record.is_element():
                self.element(record, group)
        for record in records:
            if record.is_relation():
                self.relation(record, group)

    def element(self, record: Any, group: str | None) -> None:
        kinds: dict[str, NodeKind] = {"entity": "entity", "activity": "activity", "agent": "agent"}
        node_kind = kinds.get(self.names.get(record.get_type(), ""), "unknown")
        nid = self.node_id(record.identifier, node_kind, group, declared=True)
        node = self.drawing.nodes[nid]
        lines = [shorten(record.label, 40)]
        values = [str(v) for v in record.value]
        if values:
            lines.append("= " + shorten(values[0], 24))
        node.label = "\n".join(lines)
        node.compare = values[0] if values else ""
        attrs = [f"{name} = {value}" for name, value in record.attributes]
        node.tooltip = "\n".join([str(record.identifier), *attrs])[:2000]

    def relation(self, record: Any, group: str | None) -> None:
        formal = record.formal_attributes
        if len(formal) < 2 or formal[0][1] is None or formal[1][1] is None:
            return
        label = self.names.get(record.get_type(), str(record.get_type()))
        for asserted in record.get_asserted_types():
            label = SUBTYPES.get(getattr(asserted, "localpart", ""), label)
        src_kind, dst_kind = ENDS.get(label, ("entity", "entity"))
        src = self.node_id(formal[0][1], src_kind, group, declared=False)
        dst = self.node_id(formal[1][1], dst_kind, group, declared=False)
        self.drawing.add_edge(src, dst, label)
