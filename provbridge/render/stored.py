"""Diagrams of trials held as stored graphs (imported PROV documents): their records drawn like any PROV
document (render.provdoc), or only a node's backward dependencies."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from provbridge.export import to_prov
from provbridge.query.stored import graph_deps, start_nodes
from provbridge.render.model import Drawing
from provbridge.render.provdoc import draw_document

if TYPE_CHECKING:
    from provbridge.store.store import Trial


def imported_drawing(trial: Trial, var: str | None = None) -> Drawing:
    """The records of an imported trial (its one bundle, without the bundle's cluster); with ``var``, only
    the node(s) it names and their backward dependencies (see provbridge.query.stored)."""
    document = to_prov(trial)
    bundles = list(document.bundles)
    drawing = draw_document(bundles[0] if bundles else document, f"trial {trial.id} ({trial.label})")
    if var is None:
        return drawing
    result = graph_deps(trial, var, raw=True)
    keep = {str(row[1]).strip("<>") for row in result.terms} | _targets(trial, var)
    names = _iris(document)
    drawing.nodes = {nid: node for nid, node in drawing.nodes.items() if names.get(node.key, node.key) in keep}
    drawing.edges = {edge: None for edge in drawing.edges if edge.src in drawing.nodes and edge.dst in drawing.nodes}
    drawing.title += f" — backward dependencies of {var}"
    return drawing


def _targets(trial: Trial, var: str) -> set[str]:
    return {node.value for node in start_nodes(trial, var)}


def _iris(document: Any) -> dict[str, str]:
    """``str(qualified name)`` -> IRI for every identifier the document's records mention."""
    from prov.identifier import QualifiedName

    found: dict[str, str] = {}
    for bundle in [document, *document.bundles]:
        for record in bundle.get_records():
            values = [record.identifier, *(value for _, value in record.formal_attributes)]
            for value in values:
                if isinstance(value, QualifiedName):
                    found[str(value)] = value.uri
    return found
