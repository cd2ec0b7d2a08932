"""A variable's backward-dependency subgraph, rendered by the real `dot` and parsed back (SVG and DOT)."""

from __future__ import annotations

import pytest

from provbridge.render import graph
from provbridge.store.store import Trial

from .helpers import parse_dot, parse_svg

SCRIPT = """
a = 1
b = 2
c = a + b
unrelated = 5
d = c * 2
"""

NODES = {"a = 1", "b = 2", "c = 3", "d = 6", "L1: a = 1", "L2: b = 2", "L3: c = a + b", "L5: d = c * 2"}
EDGES = {
    ("a = 1", "L1: a = 1", "wasGeneratedBy"),
    ("b = 2", "L2: b = 2", "wasGeneratedBy"),
    ("c = 3", "L3: c = a + b", "wasGeneratedBy"),
    ("d = 6", "L5: d = c * 2", "wasGeneratedBy"),
    ("L3: c = a + b", "a = 1", "used"),
    ("L3: c = a + b", "b = 2", "used"),
    ("L5: d = c * 2", "c = 3", "used"),
    ("c = 3", "a = 1", "wasDerivedFrom"),
    ("c = 3", "b = 2", "wasDerivedFrom"),
    ("d = 6", "c = 3", "wasDerivedFrom"),
}


@pytest.fixture
def trial(project) -> Trial:  # type: ignore[no-untyped-def]
    return project.capture(SCRIPT)


def test_backward_subgraph_svg_has_exactly_the_dependencies(trial: Trial) -> None:
    diagram = graph(trial, var="d")
    parsed = parse_svg(diagram.svg())
    assert parsed.nodes() == NODES
    assert parsed.edges == EDGES


def test_backward_subgraph_dot_has_exactly_the_dependencies(trial: Trial) -> None:
    parsed = parse_dot(graph(trial, var="d").source())
    assert parsed.nodes() == NODES
    assert parsed.edges == EDGES


def test_prov_convention_shapes_and_colours(trial: Trial) -> None:
    diagram = graph(trial, var="d")
    nodes = {n.get_name(): n for sub in [diagram, *diagram.get_subgraphs()] for n in sub.get_nodes()}
    shapes = {name: (node.get("shape"), node.get("fillcolor")) for name, node in nodes.items()}
    entities = [s for name, s in shapes.items() if name.startswith("v")]
    activities = [s for name, s in shapes.items() if name.startswith("x")]
    assert entities and all(s == ("ellipse", "#FFFC87") for s in entities)
    assert activities and all(s == ("box", "#9FB1FC") for s in activities)
    assert diagram.get("rankdir") == "RL"  # PROV arrows point back in time: time runs left to right


def test_whole_trial_includes_unrelated_and_the_user_agent(trial: Trial) -> None:
    parsed = parse_svg(graph(trial).svg())
    assert {"unrelated = 5", "L4: unrelated = 5"} <= parsed.nodes()
    assert NODES <= parsed.nodes()
    agents = [name for name, cls in parsed.classes.items() if "prov-agent" in cls]
    assert len(agents) == 1
    assert any(rel == "wasAssociatedWith" for _, _, rel in parsed.edges)


def test_cli_writes_dot_to_stdout_and_svg_to_a_file(project, trial: Trial) -> None:  # type: ignore[no-untyped-def]
    out = project.run("dot", "--var", "d")
    assert parse_dot(out.stdout).nodes() == NODES
    project.run("dot", "last", "--var", "d", "-o", "deps.svg")
    parsed = parse_svg((project.root / "deps.svg").read_bytes())
    assert parsed.nodes() == NODES and parsed.edges == EDGES


def test_unknown_variable_is_a_one_line_error(project, trial: Trial) -> None:  # type: ignore[no-untyped-def]
    proc = project.run("dot", "--var", "nope", check=False)
    assert proc.returncode != 0
    assert proc.stderr.strip().count("\n") == 0 and "nope" in proc.stderr


def test_loops_are_folded_once_with_a_count(project) -> None:  # type: ignore[no-untyped-def]
    trial = project.capture("total = 0\nfor i in range(50):\n    total += i\nresult = total * 2\n")
    collapsed = parse_svg(graph(trial, var="result").svg()).nodes()
    assert "L3: total += i ×50" in collapsed
    assert "total = 1225 ×50" in collapsed
    assert sum(1 for label in collapsed if label.startswith("L3:")) == 1
    expanded = parse_dot(graph(trial, var="result", collapse=False).source()).nodes()
    assert sum(1 for label in expanded if label.startswith("L3:")) > 1


def test_granularity_one_shows_inside_user_functions(project) -> None:  # type: ignore[no-untyped-def]
    trial = project.capture("def f(x):\n    y = x * 2\n    return y\n\na = 3\nb = f(a)\nunused = f(7)\n",
                            "--granularity", "1")
    inside = parse_dot(graph(trial, var="b", granularity=1).source())
    top = parse_dot(graph(trial, var="b", granularity=0).source())
    assert "y = 6" in inside.nodes() and "L2: y = x * 2" in inside.nodes()
    assert "y = 14" not in inside.nodes()  # the call for `unused` is not a dependency of b
    assert not any(label.startswith("y =") for label in top.nodes())
    assert {"a = 3", "b = 6", "L6: b = f(a)"} <= top.nodes()


def test_large_graphs_are_summarised_above_the_budget(trial: Trial) -> None:
    diagram = graph(trial, budget=5)
    names = {n.name for n in diagram.drawing.nodes.values()}
    assert {n.kind for n in diagram.drawing.nodes.values()} == {"entity"}
    assert {"a", "b", "c", "d", "unrelated"} <= names
    assert any("summarised" in note for note in diagram.notes)
    parsed = parse_svg(diagram.svg())
    assert ("c\n= 3", "a\n= 1", "wasDerivedFrom") in parsed.edges
