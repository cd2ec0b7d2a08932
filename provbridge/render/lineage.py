"""Graphviz diagram of a lineage across trials (provbridge.query.lineage): one cluster per trial."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from provbridge.render.output import write_output
from provbridge.render.style import EDGE, FONT, GRAPH, KINDS, NODE

if TYPE_CHECKING:
    import pandas

ROLE_FILL = {"target": "#FFD27F", "read": KINDS["entity"]["fillcolor"], "wrote": "#C7F0B2"}
EDGE_STYLE = {"derived": {"label": "wasDerivedFrom"}, "content": {"label": "same content", "style": "dashed",
                                                                  "color": "#1F78B4", "fontcolor": "#1F78B4"}}


def quote(text: object) -> str:
    """A DOT double-quoted string (backslashes and quotes escaped, newlines as \\n)."""
    body = str(text).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{body}"'


def _attrs(values: dict[str, Any]) -> str:
    return ", ".join(f"{key}={quote(value)}" for key, value in values.items())


def trial_title(row: dict[str, Any], labels: dict[str, str]) -> str:
    """A cluster's label: ``trial N: label`` (``labels``: a lineage frame's ``attrs["labels"]``, by UUID; the
    UUID's first digits for a trial not in this store)."""
    number = row.get("trial")
    name = f"trial {number}" if number is not None and number == number else f"trial {str(row.get('uuid'))[:8]}"
    label = labels.get(str(row.get("uuid")))
    return f"{name}: {label}" if label else name


def lineage_dot(frame: pandas.DataFrame, *, title: str | None = None) -> str:
    """The DOT source of a lineage frame: its nodes grouped in one cluster per trial, edges from inputs to
    what derives from them (solid) and from a written file to the reads of its content (dashed)."""
    rows = frame.to_dict("records")
    clusters: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        clusters.setdefault(str(row["uuid"]), []).append(row)
    ids = {row["iri"]: f"n{index}" for index, row in enumerate(rows)}
    graph = dict(GRAPH, rankdir="LR", compound="true")
    graph["label"] = title if title is not None else f"lineage of {frame.attrs.get('target', '')}"
    lines = ["digraph lineage {", f"  graph [{_attrs(graph)}];", f"  node [{_attrs(NODE)}];",
             f"  edge [{_attrs(EDGE)}];"]
    labels = frame.attrs.get("labels", {})
    for index, members in enumerate(clusters.values()):
        style = {"label": trial_title(members[0], labels), "fontname": FONT, "style": "rounded,filled",
                 "fillcolor": "#F4F6FB", "color": "#9FB1FC", "class": "pb-trial"}
        lines.append(f"  subgraph cluster_{index} {{")
        lines.append(f"    graph [{_attrs(style)}];")
        for row in members:
            lines.append(f"    {ids[row['iri']]} [{_attrs(_node(row))}];")
        lines.append("  }")
    for source, target, kind in frame.attrs.get("edges", ()):
        if source in ids and target in ids:
            lines.append(f"  {ids[source]} -> {ids[target]} [{_attrs(EDGE_STYLE.get(kind, {}))}];")
    lines.append("}")
    return "\n".join(lines) + "\n"


def _node(row: dict[str, Any]) -> dict[str, Any]:
    name = str(row["name"])
    label = os.path.basename(name) if row["role"] != "target" or "/" in name else name
    version = row.get("version")
    if version is not None and version == version:
        label += f"@{int(version)}"
    sha = row.get("sha256")
    if isinstance(sha, str) and sha:
        label += f"\nsha256:{sha[:12]}"
    shape = KINDS["entity"]["shape"] if row["role"] == "target" else "note"
    return {"shape": shape, "fillcolor": ROLE_FILL.get(row["role"], "#FFFFFF"), "label": label,
            "tooltip": f"{row['role']}: {name}", "class": f"pb-{row['role']}"}


def save_lineage(frame: pandas.DataFrame, path: str | os.PathLike[str], *, title: str | None = None,
                 timeout: float | None = None) -> None:
    """Write the lineage diagram to ``path`` (.dot/.gv as DOT source, else rendered by Graphviz ``dot``)."""
    write_output(lineage_dot(frame, title=title), path, timeout=timeout)
