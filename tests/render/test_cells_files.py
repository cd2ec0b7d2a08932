"""Notebook cells drawn as clusters labelled with execution count and tags; file versions and accesses."""

from __future__ import annotations

import pytest

from provbridge.render import graph

from .helpers import parse_dot


def test_cells_are_clusters_with_execution_count_and_tags(project) -> None:  # type: ignore[no-untyped-def]
    nbformat = pytest.importorskip("nbformat")
    notebook = nbformat.v4.new_notebook()
    first = nbformat.v4.new_code_cell("a = 1\nb = a + 1")
    first.metadata["tags"] = ["data"]
    notebook.cells = [first, nbformat.v4.new_code_cell("c = b * 3")]
    nbformat.write(notebook, str(project.root / "nb.ipynb"))
    project.run("run", "-q", "nb.ipynb")
    diagram = graph(project.store().trial("last"), var="c")
    clusters = {c.get("label").strip('"'): {n.get("label").strip('"') for n in c.get_nodes()}
                for c in diagram.get_subgraphs()}
    assert clusters == {"In [1]  data": {"L1: a = 1", "L2: b = a + 1", "a = 1", "b = 2"},
                        "In [2]": {"L1: c = b * 3", "c = 6"}}


def test_files_show_basename_and_short_hash(project) -> None:  # type: ignore[no-untyped-def]
    project.write("in.txt", "41")
    trial = project.capture('with open("in.txt") as f:\n    x = int(f.read())\n'
                            'with open("out.txt", "w") as g:\n    g.write(str(x + 1))\n')
    parsed = parse_dot(graph(trial, files=True).source())
    labels = parsed.nodes()
    assert any(label.startswith("in.txt\n") and len(label.split("\n")[1]) == 8 for label in labels), labels
    assert any(label.startswith("out.txt\n") for label in labels), labels
    assert any(rel == "used" and dst.startswith("in.txt") for _, dst, rel in parsed.edges)
