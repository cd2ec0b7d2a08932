"""Overlay two trials' drawings: nodes matched by key (variable name, file path, statement), marked
added, removed or changed. Deliberately minimal; ``provbridge diff`` does the full comparison."""

from __future__ import annotations

from provbridge.render.labels import shorten
from provbridge.render.model import Drawing, Edge, Group, Node, Status


def overlay(old: Drawing, new: Drawing, *, title: str = "") -> Drawing:
    """``new`` with ``old``'s unmatched nodes and edges added back; every node and edge gets a status."""
    result = Drawing(title or f"{old.title} → {new.title}", legend=True, notes=[*new.notes])
    old_by_key = {node.key: node for node in old.nodes.values()}
    new_keys = {node.key for node in new.nodes.values()}
    rename: dict[str, str] = {}  # old node id -> id in the overlay
    for gid, group in new.groups.items():
        result.groups[gid] = group
    for gid, group in old.groups.items():
        result.groups.setdefault(f"o{gid}", Group(f"o{gid}", group.label, f"o{group.parent}" if group.parent
                                                  else None))
    for node in new.nodes.values():
        before = old_by_key.get(node.key)
        copy = _copy(node)
        if before is None:
            copy.status = "added"
        else:
            rename[before.id] = node.id
            if before.compare != node.compare:
                copy.status = "changed"
                copy.label += f"\nwas: {shorten(before.value or before.compare, 30)}"
        result.add_node(copy)
    for node in old.nodes.values():
        if node.key in new_keys:
            continue
        copy = _copy(node)
        copy.id = rename[node.id] = f"o{node.id}"
        copy.group = f"o{node.group}" if node.group else None
        copy.status = "removed"
        result.add_node(copy)
    old_edges = {(rename[e.src], rename[e.dst], e.label) for e in old.edges if e.src in rename and e.dst in rename}
    new_edges = {(e.src, e.dst, e.label) for e in new.edges}
    for src, dst, label in [*((e.src, e.dst, e.label) for e in new.edges), *sorted(old_edges - new_edges)]:
        status: Status = "" if (src, dst, label) in old_edges and (src, dst, label) in new_edges else (
            "added" if (src, dst, label) in new_edges else "removed")
        result.edges[Edge(src, dst, label, status)] = None
    result.prune_groups()
    return result


def _copy(node: Node) -> Node:
    return Node(node.id, node.kind, node.label, key=node.key, role=node.role, group=node.group,
                tooltip=node.tooltip, count=node.count, compare=node.compare, value=node.value, name=node.name)
