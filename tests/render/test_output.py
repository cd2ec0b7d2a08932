"""Output formats, Jupyter display, and clear errors when Graphviz is missing, fails or is too slow."""

from __future__ import annotations

import shutil

import pytest

from provbridge.errors import RenderError
from provbridge.render import Diagram, graph, layout, run_graphviz
from provbridge.render.model import Drawing, Node

from .helpers import parse_svg

SCRIPT = "a = 1\nb = 'back\\\\slash \"quoted\"'\nc = str(a) + b\n"


def test_png_and_pdf_start_with_their_magic_bytes(project) -> None:  # type: ignore[no-untyped-def]
    project.capture(SCRIPT)
    project.run("dot", "-o", "trial.png")
    project.run("dot", "--var", "c", "-o", "deps.pdf")
    assert (project.root / "trial.png").read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    assert (project.root / "deps.pdf").read_bytes().startswith(b"%PDF-")


def test_dot_file_output_and_unknown_extension(project) -> None:  # type: ignore[no-untyped-def]
    project.capture(SCRIPT)
    project.run("dot", "-o", "trial.dot")
    assert (project.root / "trial.dot").read_text().startswith("digraph")
    proc = project.run("dot", "-o", "trial.bmp", check=False)
    assert proc.returncode != 0 and "output format" in proc.stderr


def test_jupyter_svg_is_plain_svg_without_javascript(project) -> None:  # type: ignore[no-untyped-def]
    trial = project.capture(SCRIPT)
    diagram = graph(trial, var="c")
    svg = diagram._repr_svg_()
    assert svg.startswith("<svg") and svg.rstrip().endswith("</svg>")
    assert "<script" not in svg.lower() and "javascript" not in svg.lower()
    assert isinstance(diagram, Diagram)


def test_labels_keep_backslashes_and_quotes(project) -> None:  # type: ignore[no-untyped-def]
    trial = project.capture(SCRIPT)
    labels = parse_svg(graph(trial, var="c").svg()).nodes()
    assert "b = 'back\\\\slash \"quoted\"'" in labels, labels  # repr() doubles the backslash; Graphviz keeps both


def test_missing_dot_is_a_one_line_error_naming_the_install(project, monkeypatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    project.capture(SCRIPT)
    empty = tmp_path / "no-graphviz"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    proc = project.run("dot", "-o", "trial.svg", check=False)
    assert proc.returncode != 0
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "apt-get install graphviz" in lines[0] and "brew install graphviz" in lines[0]
    assert not (project.root / "trial.svg").exists()
    assert project.run("dot").stdout.startswith("digraph")  # DOT output needs no Graphviz


def test_graphviz_failure_and_timeout_are_render_errors() -> None:
    with pytest.raises(RenderError, match="failed"):
        run_graphviz("digraph { a -> }", "svg")
    big = "digraph {" + " ".join(f"n{i} -> n{i + 1};" for i in range(3000)) + "}"
    with pytest.raises(RenderError, match="did not finish"):
        run_graphviz(big, "svg", timeout=0.01)


def test_graphs_too_big_for_dot_use_sfdp() -> None:
    drawing = Drawing("big")
    for i in range(700):
        drawing.add_node(Node(f"n{i}", "entity", str(i)))
    assert layout(drawing).engine == "sfdp"
    assert layout(Drawing("small")).engine == "dot"


@pytest.mark.skipif(shutil.which("sfdp") is None, reason="sfdp not installed")
def test_sfdp_engine_renders(project) -> None:  # type: ignore[no-untyped-def]
    project.capture(SCRIPT)
    project.run("dot", "--engine", "sfdp", "-o", "trial.svg")
    assert b"<svg" in (project.root / "trial.svg").read_bytes()


def test_costly_layouts_are_summarised_then_never_given_to_dot(project) -> None:  # type: ignore[no-untyped-def]
    lines = ["v0 = 1", *(f"v{i} = v{i - 1} + v{i // 2}" for i in range(1, 60))]  # far-reaching dataflow
    trial = project.capture("\n".join(lines) + "\n")
    default = graph(trial)  # 122 nodes, but ~15 s of `dot`: summarised to one node per variable
    assert {n.kind for n in default.drawing.nodes.values()} == {"entity"} and default.node_count == 60
    assert default.engine == "dot"
    expanded = graph(trial, collapse=False, engine="dot")  # asked for dot on everything: sfdp instead
    assert expanded.engine == "sfdp" and any("sfdp" in note for note in expanded.notes)
    assert b"<svg" in expanded.render("svg")
