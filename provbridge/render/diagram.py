"""Diagram: a pydot.Dot built from a Drawing that renders itself (SVG in Jupyter, files) through Graphviz."""

from __future__ import annotations

import os
import re

import pydot

import provbridge.render.style as style
from provbridge.render.model import Drawing
from provbridge.render.output import run_graphviz, write_output


class Diagram(pydot.Dot):
    """A ``pydot.Dot`` in the PROV drawing convention; ``engine`` is the Graphviz layout program to use."""

    def __init__(self, drawing: Drawing, *, engine: str = "dot", timeout: float | None = None) -> None:
        super().__init__("provbridge", graph_type="digraph", strict=False)
        self.drawing = drawing
        self.engine = engine
        self.prog = engine
        self.timeout = timeout
        self.notes = list(drawing.notes)
        for key, value in style.graph_attributes(drawing).items():
            self.set(key, value)
        if engine == "sfdp":
            self.set("overlap", "prism")
            self.set("splines", "false")
        self.set_node_defaults(**style.NODE)
        self.set_edge_defaults(**style.EDGE)
        self._populate(drawing)

    def _populate(self, drawing: Drawing) -> None:
        clusters: dict[str, pydot.Subgraph] = {}

        def container(group: str | None) -> pydot.Dot | pydot.Subgraph:
            if group is None or group not in drawing.groups:
                return self
            if group not in clusters:
                info = drawing.groups[group]
                cluster = pydot.Subgraph(f"cluster_{group}", label=style.escape(info.label), style="rounded",
                                         color="#909090", fontsize="10")
                clusters[group] = cluster
                container(info.parent).add_subgraph(cluster)
            return clusters[group]

        for node in drawing.nodes.values():
            container(node.group).add_node(pydot.Node(node.id, **style.node_attributes(node)))
        for edge in drawing.edges:
            self.add_edge(pydot.Edge(edge.src, edge.dst, **style.edge_attributes(edge.label, edge.status)))
        if drawing.legend:
            legend = pydot.Subgraph("cluster_legend", label="legend", style="rounded", color="#909090")
            for name, attrs in style.legend_nodes():
                legend.add_node(pydot.Node(name, **attrs))
            self.add_subgraph(legend)

    @property
    def node_count(self) -> int:
        return len(self.drawing.nodes)

    @property
    def edge_count(self) -> int:
        return len(self.drawing.edges)

    def source(self) -> str:
        """The DOT text."""
        return str(self.to_string())

    def render(self, fmt: str = "svg") -> bytes:
        """Lay the diagram out with its engine and return ``fmt`` output (svg, png, pdf)."""
        return run_graphviz(self.source(), fmt, engine=self.engine, timeout=self.timeout)

    def svg(self) -> str:
        """Plain SVG (no scripts), without the XML prolog, ready to embed in HTML."""
        text = self.render("svg").decode("utf-8")
        return re.sub(r"\A(?:<\?xml[^>]*>|<!DOCTYPE[^>]*>|<!--.*?-->|\s)+", "", text, flags=re.S)

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write the diagram; the format follows the extension (.dot, .gv, .svg, .png, .pdf)."""
        write_output(self.source(), path, engine=self.engine, timeout=self.timeout)

    def _repr_svg_(self) -> str:
        return self.svg()

    def __repr__(self) -> str:
        return f"<Diagram {self.node_count} nodes, {self.edge_count} edges, {self.engine}>"
