"""The `dot --var` diagram draws exactly the versions `deps` answers (one engine), at both granularities."""

from __future__ import annotations

from typing import Any

import pytest

from provbridge.query import deps
from provbridge.render.build import build_trial

SCRIPT = """
class Model:
    def __init__(self):
        self.coef = 0

    def fit(self, X, y):
        self.coef = sum(y) / sum(X)
        return self

def scale(values, factor):
    out = [v * factor for v in values]
    return out

with open("data.txt") as fh:
    raw = fh.read()
X = [int(t) for t in raw.split()]
k = 2
unused = 7
y = scale(X, k)
model = Model()
model.fit(X, y)
pred = model.coef * 3
"""

# top-level names each target depends on (files aside), as the queries answer at granularity 0
TOP_LEVEL = {
    "pred": {"Model", "X", "fh", "k", "model", "raw", "scale", "y"},
    "y": {"X", "fh", "k", "raw", "scale"},
    "raw": {"fh"},
}


@pytest.fixture(scope="module")
def trial(tmp_path_factory: pytest.TempPathFactory) -> Any:
    from tests.conftest import Project

    project = Project(tmp_path_factory.mktemp("build-deps"))
    project.write("data.txt", "1 2 3\n")
    return project.capture(SCRIPT, "--granularity", "1")


def _drawn(trial: Any, var: str, level: int) -> set[int]:
    """The version ids the diagram of ``var``'s backward dependencies draws (one node per version)."""
    drawing = build_trial(trial, var=var, granularity=level, collapse=False)
    return {int(node_id[1:]) for node_id in drawing.nodes if node_id.startswith("v")}


@pytest.mark.parametrize("level", [0, 1])
@pytest.mark.parametrize("var", sorted(TOP_LEVEL))
def test_diagram_draws_the_deps_answer(trial: Any, var: str, level: int) -> None:
    answer = set(deps(var, trial=trial, granularity=level)["version"])
    target = trial.latest(var).id
    assert _drawn(trial, var, level) == answer | {target}


@pytest.mark.parametrize("var", sorted(TOP_LEVEL))
def test_level_0_names(trial: Any, var: str) -> None:
    drawn = {v.name for v in trial.versions_by_id(_drawn(trial, var, 0)) if v.kind != "file"}
    assert drawn == TOP_LEVEL[var] | {var}


INSIDE = {  # what granularity 1 adds: versions bound inside the user's functions and methods
    "y": {("values", "scale"), ("factor", "scale"), ("out", "scale"), ("return", "scale")},
    "pred": {("values", "scale"), ("factor", "scale"), ("out", "scale"), ("return", "scale"), ("X", "Model.fit"),
             ("y", "Model.fit"), ("self", "Model.fit"), ("return", "Model.fit"), ("self", "Model.__init__")},
    "raw": set(),
}


@pytest.mark.parametrize("var", sorted(TOP_LEVEL))
def test_level_1_adds_what_happened_inside_functions(trial: Any, var: str) -> None:
    drawn = trial.versions_by_id(_drawn(trial, var, 1))
    assert {(v.name, v.scope) for v in drawn if v.scope not in ("<module>", "file")} == INSIDE[var]
    assert {v.name for v in drawn if v.scope == "<module>"} == TOP_LEVEL[var] | {var}


DOCUMENT = """
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix ex: <http://example.org/> .
ex:data a prov:Entity ; rdfs:label "data" .
ex:other a prov:Entity ; rdfs:label "other" .
ex:analysis a prov:Activity ; prov:used ex:data .
ex:report a prov:Entity ; rdfs:label "report" ; prov:wasDerivedFrom ex:data ; prov:wasGeneratedBy ex:analysis .
ex:summary a prov:Entity ; rdfs:label "summary" ; prov:wasDerivedFrom ex:report .
"""


def test_stored_graph_diagram_draws_the_deps_answer(project: Any) -> None:
    """A stored graph (an imported document): its diagram of ``summary`` draws the nodes deps answers."""
    from provbridge.render import graph

    project.write("doc.ttl", DOCUMENT)
    project.run("import", "doc.ttl")
    trial = project.store().trial("last")
    answer = set(deps("summary", trial=trial)["iri"])
    assert answer == {f"http://example.org/{name}" for name in ("data", "analysis", "report")}
    drawn = {node.key for node in graph(trial, "summary").drawing.nodes.values()}
    assert drawn == answer | {"http://example.org/summary"}
