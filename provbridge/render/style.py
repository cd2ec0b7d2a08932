"""The PROV drawing convention: entities yellow ellipses, activities blue boxes, agents orange houses."""

from __future__ import annotations

from typing import Any

from provbridge.render.model import Drawing, Node, Status

FONT = "Helvetica"
GRAPH = {"rankdir": "RL", "fontname": FONT, "fontsize": "11", "labelloc": "t", "nodesep": "0.25",
         "ranksep": "0.35"}
# rankdir=RL: PROV edges point from the later record to the earlier one, so with RL time flows left to right.
NODE = {"fontname": FONT, "fontsize": "10", "style": "filled", "margin": "0.08,0.04"}
EDGE = {"fontname": FONT, "fontsize": "8", "color": "#606060", "fontcolor": "#404040", "arrowsize": "0.7"}
KINDS: dict[str, dict[str, str]] = {
    "entity": {"shape": "ellipse", "fillcolor": "#FFFC87", "color": "#808080"},
    "activity": {"shape": "box", "fillcolor": "#9FB1FC", "color": "#0000FF"},
    "agent": {"shape": "house", "fillcolor": "#FED37F", "color": "#B8860B"},
    "bundle": {"shape": "folder", "fillcolor": "#E8E8E8", "color": "#808080"},
    "unknown": {"shape": "ellipse", "fillcolor": "#FFFFFF", "color": "#808080"},
}
STATUS: dict[Status, dict[str, str]] = {
    "": {},
    "added": {"color": "#1A9641", "penwidth": "3", "fontcolor": "#0B4F1F"},
    "removed": {"color": "#D7191C", "penwidth": "2.5", "style": "filled,dashed", "fontcolor": "#8B0000",
                "fillcolor": "#F4F4F4"},
    "changed": {"color": "#C51B7D", "penwidth": "3.5", "fontcolor": "#6A0440"},
}
EDGE_STATUS: dict[Status, dict[str, str]] = {
    "": {},
    "added": {"color": "#1A9641", "fontcolor": "#1A9641", "penwidth": "2"},
    "removed": {"color": "#D7191C", "fontcolor": "#D7191C", "style": "dashed"},
    "changed": {"color": "#C51B7D"},
}
MARK: dict[Status, str] = {"": "", "added": "+ ", "removed": "− ", "changed": "Δ "}
LEGEND: list[tuple[Status, str]] = [("", "unchanged"), ("added", "added (only in the second trial)"),
                                    ("removed", "removed (only in the first trial)"),
                                    ("changed", "changed (value or code differs)")]


def escape(text: str) -> str:
    """Protect backslashes from Graphviz's escape sequences (pydot quotes the rest)."""
    return text.replace("\\", "\\\\")


def node_attributes(node: Node) -> dict[str, Any]:
    """Graphviz attributes of one node: its PROV kind's shape and colour, then its diff status."""
    attrs: dict[str, Any] = dict(KINDS.get(node.kind, KINDS["unknown"]))
    attrs.update(STATUS[node.status])
    if node.role == "undeclared":
        attrs["style"] = "dashed"
    attrs["label"] = escape(MARK[node.status] + node.label)
    attrs["class"] = " ".join(filter(None, [f"prov-{node.kind}", f"pb-{node.status}" if node.status else ""]))
    if node.tooltip:
        attrs["tooltip"] = escape(node.tooltip)
    return attrs


def edge_attributes(label: str, status: Status) -> dict[str, Any]:
    attrs: dict[str, Any] = {"label": label, "class": f"prov-{label}" + (f" pb-{status}" if status else "")}
    attrs.update(EDGE_STATUS[status])
    return attrs


def legend_nodes() -> list[tuple[str, dict[str, Any]]]:
    """Sample nodes explaining the diff marks, drawn in their own cluster."""
    result = []
    for status, text in LEGEND:
        attrs: dict[str, Any] = {"shape": "box", "style": "filled,rounded", "fillcolor": "#FFFFFF",
                                 "label": MARK[status] + text}
        attrs.update({k: v for k, v in STATUS[status].items() if k != "fillcolor"})
        if status == "removed":
            attrs["style"] = "filled,rounded,dashed"
        result.append((f"legend_{status or 'unchanged'}", attrs))
    return result


def graph_attributes(drawing: Drawing) -> dict[str, str]:
    attrs = dict(GRAPH)
    if drawing.title:
        attrs["label"] = escape(drawing.title + "".join(f"\n({note})" for note in drawing.notes))
    return attrs
