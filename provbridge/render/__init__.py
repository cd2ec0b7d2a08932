"""Graphviz diagrams of trials, variable dependencies, trial differences and any PROV document."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import TYPE_CHECKING

from provbridge.query.granularity import DEFAULT_GRANULARITY
from provbridge.render.diagram import Diagram
from provbridge.render.model import Drawing
from provbridge.render.output import ENGINES, INSTALL_HINT, run_graphviz, write_output
from provbridge.render.summary import BUDGET, DOT_COST, DOT_LIMIT, layout_cost

if TYPE_CHECKING:
    from provbridge.store.store import Trial

__all__ = ["BUDGET", "DOT_COST", "DOT_LIMIT", "ENGINES", "INSTALL_HINT", "Diagram", "Drawing", "document_graph",
           "graph", "layout", "layout_cost", "run_graphviz", "write_output"]


def graph(trial: Trial, var: str | None = None, granularity: int | None = DEFAULT_GRANULARITY,
          diff: Trial | None = None, *,
          files: bool = False, collapse: bool = True, engine: str | None = None, budget: int = BUDGET,
          timeout: float | None = None) -> Diagram:
    """A ``pydot.Dot`` (a :class:`Diagram`, shown as SVG in Jupyter) of ``trial``'s dataflow.

    ``var``: only the backward dependencies of this variable (``name`` or ``name@id``) or file (a path
    relative to the current directory, as a shell takes it).
    ``granularity``: 0 top-level statements, variables and files; 1 also inside user functions; by default
    the trial's own (the title says both).
    ``diff``: overlay a second trial, marking nodes added in it, removed from ``trial`` and changed.
    ``collapse``: folded loops drawn once with ×count; above ``budget`` nodes (or a layout too costly for
    ``dot``) one node per variable.
    ``engine``: ``dot`` or ``sfdp``; by default ``dot``, or ``sfdp`` when too large for ``dot``."""
    def build(one: Trial) -> Drawing:
        return DRAWINGS[one.representation](one, var=var, granularity=granularity, files=files, collapse=collapse)

    drawing = build(trial)
    if diff is not None:
        from provbridge.render.diff import overlay

        other = build(diff)
        drawing = overlay(drawing, other, title=f"trial {trial.id} → trial {diff.id}"
                          + (f" — backward dependencies of {var}" if var else ""))
    if collapse and (len(drawing.nodes) > budget or layout_cost(drawing) > DOT_COST):
        from provbridge.render.summary import summarise

        drawing = summarise(drawing)
    return layout(drawing, engine=engine, timeout=timeout)


def _records_drawing(trial: Trial, *, var: str | None, granularity: int | None, files: bool,
                     collapse: bool) -> Drawing:
    """A captured trial's dataflow (render.build)."""
    from provbridge.render.build import build_trial

    return build_trial(trial, var=var, granularity=granularity, files=files, collapse=collapse)


def _graph_drawing(trial: Trial, *, var: str | None, granularity: int | None, files: bool,
                   collapse: bool) -> Drawing:
    """A stored graph's records, drawn as any PROV document (render.stored)."""
    from provbridge.render.stored import imported_drawing

    return imported_drawing(trial, var)


# representation (provbridge.translate.representation) -> how a trial held so is drawn
DRAWINGS: dict[str, Callable[..., Drawing]] = {"records": _records_drawing, "graph": _graph_drawing}


def document_graph(path: str | os.PathLike[str], fmt: str | None = None, *, engine: str | None = None,
                   timeout: float | None = None) -> Diagram:
    """A diagram of any PROV document (PROV-JSON, PROV-N, PROV-XML or RDF), read with the ``prov`` package."""
    from provbridge.render.provdoc import read_document

    return layout(read_document(path, fmt), engine=engine, timeout=timeout)


def layout(drawing: Drawing, *, engine: str | None = None, timeout: float | None = None) -> Diagram:
    """Wrap a drawing as a Diagram, choosing ``sfdp`` whenever ``dot`` would take long (see ``layout_cost``)."""
    chosen = engine or "dot"
    if chosen == "dot":
        size, cost = len(drawing.nodes), layout_cost(drawing)
        if size > DOT_LIMIT or cost > DOT_COST:
            chosen = "sfdp"
            drawing.notes.append(f"{size} nodes with long-range edges: laid out with sfdp, dot would take minutes")
    return Diagram(drawing, engine=chosen, timeout=timeout)
