"""The drawing model every renderer step shares: PROV-typed nodes, labelled edges and nested groups."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

NodeKind = Literal["entity", "activity", "agent", "bundle", "unknown"]
Status = Literal["", "added", "removed", "changed"]


@dataclass
class Node:
    """One thing to draw. ``key`` identifies it across trials (used by the diff overlay)."""

    id: str
    kind: NodeKind
    label: str
    key: str = ""
    role: str = ""  # variable | file | statement | call | cell | module | element
    group: str | None = None
    status: Status = ""
    tooltip: str = ""
    count: int = 1
    compare: str = ""  # what must be equal for the matching node of another trial to count as unchanged
    value: str = ""  # short display of ``compare`` ("was ..." in a diff)
    name: str = ""  # variable name or file path, for summarised graphs


@dataclass(frozen=True)
class Edge:
    """A relation from ``src`` to ``dst`` in PROV's direction (the later thing points at the earlier one)."""

    src: str
    dst: str
    label: str
    status: Status = ""


@dataclass
class Group:
    """A cluster: a notebook cell execution, a function call, or a bundle of a PROV document."""

    id: str
    label: str
    parent: str | None = None


@dataclass
class Drawing:
    """Nodes, edges and groups of one diagram, plus notes on how it was simplified."""

    title: str = ""
    nodes: dict[str, Node] = field(default_factory=dict)
    edges: dict[Edge, None] = field(default_factory=dict)  # an ordered set
    groups: dict[str, Group] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    legend: bool = False

    def add_node(self, node: Node) -> Node:
        return self.nodes.setdefault(node.id, node)

    def add_edge(self, src: str, dst: str, label: str, status: Status = "") -> None:
        if src in self.nodes and dst in self.nodes:
            self.edges[Edge(src, dst, label, status)] = None

    def prune_groups(self) -> None:
        """Drop groups that contain no node, directly or through a nested group."""
        used = {n.group for n in self.nodes.values() if n.group}
        for gid in list(used):
            parent = self.groups[gid].parent if gid in self.groups else None
            while parent and parent not in used:
                used.add(parent)
                parent = self.groups[parent].parent if parent in self.groups else None
        self.groups = {gid: g for gid, g in self.groups.items() if gid in used}
