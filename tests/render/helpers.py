"""Parse rendered diagrams back: SVG from the real `dot`, DOT through pydot."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

import pydot

SVG = "{http://www.w3.org/2000/svg}"


@dataclass
class Parsed:
    """Nodes by name (label, classes) and edges as (source label, target label, relation)."""

    labels: dict[str, str] = field(default_factory=dict)
    classes: dict[str, set[str]] = field(default_factory=dict)
    edges: set[tuple[str, str, str]] = field(default_factory=set)

    def nodes(self, *, legend: bool = False) -> set[str]:
        return {label for name, label in self.labels.items() if legend or not name.startswith("legend_")}

    def marked(self, status: str) -> set[str]:
        return {self.labels[name] for name, cls in self.classes.items() if f"pb-{status}" in cls}


def parse_svg(svg: str | bytes) -> Parsed:
    root = ET.fromstring(svg)
    result = Parsed()
    raw_edges = []
    for group in root.iter(f"{SVG}g"):
        classes = set((group.get("class") or "").split())
        title = group.findtext(f"{SVG}title") or ""
        texts = [t.text or "" for t in group.iter(f"{SVG}text")]
        if "node" in classes:
            result.labels[title] = "\n".join(texts)
            result.classes[title] = classes
        elif "edge" in classes:
            src, dst = title.split("->")
            raw_edges.append((src, dst, texts[0] if texts else ""))
    result.edges = {(result.labels[s], result.labels[d], rel) for s, d, rel in raw_edges}
    return result


def parse_dot(text: str) -> Parsed:
    graphs = pydot.graph_from_dot_data(text)
    assert graphs, "pydot could not parse the DOT output"
    result = Parsed()
    pending: list[pydot.Graph] = [graphs[0]]
    raw_edges = []
    while pending:
        graph = pending.pop()
        pending.extend(graph.get_subgraphs())
        for node in graph.get_nodes():
            if node.get_name() in ("node", "edge", "graph"):
                continue
            label = _unquote(node.get("label") or node.get_name())
            result.labels[node.get_name()] = label
            result.classes[node.get_name()] = set(_unquote(node.get("class") or "").split())
        for edge in graph.get_edges():
            raw_edges.append((str(edge.get_source()), str(edge.get_destination()),
                              _unquote(edge.get("label") or "")))
    result.edges = {(result.labels[s], result.labels[d], rel) for s, d, rel in raw_edges}
    return result


def _unquote(value: str) -> str:
    text = str(value)
    if len(text) >= 2 and text[0] == text[-1] == '"':
        text = text[1:-1]
    return text.replace("\\n", "\n").replace('\\"', '"').replace("\\\\", "\\")
