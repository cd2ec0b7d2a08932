"""Two trials overlaid: exactly the changed, added and removed nodes are marked, with a legend."""

from __future__ import annotations

from provbridge.render import graph

from .helpers import parse_dot, parse_svg

FIRST = "a = 1\nb = 2\nc = a + b\nd = a * 10\nz = 0\n"
SECOND = "a = 1\nb = 5\nc = a + b\nd = a * 10\ne = 1\n"


def test_diff_marks_exactly_the_changed_nodes(project) -> None:  # type: ignore[no-untyped-def]
    first = project.capture(FIRST)
    second = project.capture(SECOND)
    parsed = parse_svg(graph(first, diff=second).svg())
    assert parsed.marked("changed") == {"Δ b = 5\nwas: 2", "Δ c = 6\nwas: 3", "Δ L2: b = 5\nwas: b = 2"}
    assert parsed.marked("added") == {"+ e = 1", "+ L5: e = 1"}
    assert parsed.marked("removed") == {"− z = 0", "− L5: z = 0"}
    unchanged = {label for name, label in parsed.labels.items()
                 if not name.startswith("legend_") and not parsed.classes[name] & {"pb-changed", "pb-added",
                                                                                   "pb-removed"}}
    assert {"a = 1", "d = 10", "L1: a = 1", "L3: c = a + b", "L4: d = a * 10"} <= unchanged
    assert {name for name in parsed.labels if name.startswith("legend_")} == {
        "legend_unchanged", "legend_added", "legend_removed", "legend_changed"}


def test_diff_edges_of_added_and_removed_nodes_are_marked(project) -> None:  # type: ignore[no-untyped-def]
    first = project.capture(FIRST)
    second = project.capture(SECOND)
    diagram = graph(first, diff=second)
    statuses = {(e.label, e.status) for e in diagram.drawing.edges
                if {diagram.drawing.nodes[e.src].label, diagram.drawing.nodes[e.dst].label} == {"e = 1", "L5: e = 1"}}
    assert statuses == {("wasGeneratedBy", "added")}
    removed = [e for e in diagram.drawing.edges if e.status == "removed"]
    assert [diagram.drawing.nodes[e.src].label for e in removed] == ["z = 0"]


def test_diff_of_a_variable_through_the_cli(project) -> None:  # type: ignore[no-untyped-def]
    project.capture(FIRST)
    project.capture(SECOND)
    parsed = parse_dot(project.run("dot", "1", "--var", "c", "--diff", "2").stdout)
    assert parsed.marked("changed") == {"Δ b = 5\nwas: 2", "Δ c = 6\nwas: 3", "Δ L2: b = 5\nwas: b = 2"}
    assert parsed.marked("added") == parsed.marked("removed") == set()
    assert "a = 1" in parsed.nodes()
