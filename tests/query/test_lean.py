"""The lean index answers every lean canned query as the full graph does (real captured trials: a user
function, files read and written, tags, two trials to compare), keeps only its vocabulary, and takes no
other SPARQL."""

from __future__ import annotations

from typing import Any

import pyoxigraph as ox
import pytest

from provbridge.query import lean
from provbridge.query.engine import Dataset
from provbridge.query.loading import load_trial
from provbridge.query.params import canned, canned_names
from provbridge.store.store import Trial
from provbridge.translate.iris import graph_iri
from tests.conftest import Project
from tests.query.helpers import DATAFLOW, capture_dataflow

PB = "https://w3id.org/provbridge/ns#"
PROV = "http://www.w3.org/ns/prov#"
TAGGED = """
import provbridge
provbridge.tag_cell("evaluation")
def half(v):
    inner = v / 2
    return inner
rate = provbridge.tag("rate", 0.5, "hyperparameter")
with open("in.txt") as f:
    data = f.read()
acc = provbridge.tag("acc", half(rate), "metric")
with open("out.txt", "w") as f:
    f.write(data + str(acc))
"""


@pytest.fixture(scope="module")
def trials(tmp_path_factory: pytest.TempPathFactory) -> list[Trial]:
    project = Project(tmp_path_factory.mktemp("lean"))
    first = capture_dataflow(project)
    second = project.capture(DATAFLOW.replace("b = 3", "b = 4").replace("e = len(d)", "e = len(d) + b"))
    third = project.capture(TAGGED)
    return [first, second, third]


def _stores(trials: list[Trial]) -> tuple[ox.Store, ox.Store]:
    lean_store, full_store = ox.Store(), ox.Store()
    for trial in trials:
        load_trial(lean_store, trial, lean=True)
        load_trial(full_store, trial)
    return lean_store, full_store


def _rows(target: ox.Store, trials: list[Trial], text: str) -> list[tuple[Any, ...]]:
    result = Dataset(target, trials, whole=True, persistent=False).query(text)
    return sorted((tuple(str(t) for t in row) for row in result.terms), key=repr)


def _names(full_store: ox.Store, graph: str) -> list[str]:
    """The names of the variables and paths of the files of a trial."""
    found = full_store.query(f"SELECT DISTINCT ?n WHERE {{ GRAPH <{graph}> {{ {{ ?x a <{PB}Variable> ; "
                             f"<{PB}name> ?n }} UNION {{ ?x <{PB}path> ?n }} }} }}")
    return sorted(row[0].value for row in found)


def _versions(full_store: ox.Store, graph: str) -> list[ox.NamedNode]:
    found = full_store.query(f"SELECT DISTINCT ?v WHERE {{ GRAPH <{graph}> {{ ?v <{PROV}specializationOf> ?x }} }}")
    return [row[0] for row in found]


def _bindings(trials: list[Trial], full_store: ox.Store) -> list[tuple[str, dict[str, Any]]]:
    """Every lean query with every name of the trials (each trial in turn), at both levels."""
    graphs = [ox.NamedNode(graph_iri(t)) for t in trials]
    tags = ["evaluation", "metric", "hyperparameter", "stage", "nothing"]
    cases: list[tuple[str, dict[str, Any]]] = []
    for g in graphs:
        for name in _names(full_store, g.value):
            for level in (0, 1):
                cases += [(q, {"g": g, "var": name, "level": level})
                          for q in ("backward", "backward_all", "forward", "impact_all")]
            cases.append(("lineage", {"g": g, "var": name}))
        for version in _versions(full_store, g.value):
            cases += [("backward_version", {"g": g, "target": version, "level": level}) for level in (0, 1)]
    for g1 in graphs:
        for g2 in graphs:
            cases += [(q, {"g1": g1, "g2": g2})
                      for q in ("compare_files", "compare_only", "compare_operations", "compare_variables")]
    cases += [("values", {"var": name}) for name in _names(full_store, graphs[-1].value)]
    cases += [("tagged_values", {"tag": tag}) for tag in tags]
    return cases


def test_every_lean_query_answers_as_on_the_full_graph(trials: list[Trial]) -> None:
    lean_store, full_store = _stores(trials)
    assert len(lean_store) < len(full_store) / 2
    cases = _bindings(trials, full_store)
    assert {name for name, _ in cases} == set(lean.LEAN_QUERIES)
    answered = set()
    for name, params in cases:
        text = canned(name).bind(params)
        assert lean.answers(text)
        expected = _rows(full_store, trials, text)
        assert _rows(lean_store, trials, text) == expected, (name, params)
        if expected:
            answered.add(name)
    assert answered == set(lean.LEAN_QUERIES)  # each has answers: the comparison is not only of empty sets
    tagged = _rows(full_store, trials, canned("tagged_values").bind({"tag": "evaluation"}))
    # `data` carries no tag itself: found through the tagged activity, so the tagged-node rules are exercised
    assert {row[5] for row in tagged} >= {'"acc"', '"rate"', '"data"'}


def test_lean_keeps_only_its_vocabulary(trials: list[Trial]) -> None:
    lean_store, full_store = _stores(trials)
    kept = {q.predicate.value for q in lean_store}
    assert kept <= lean.vocabulary()
    dropped = {q.predicate.value for q in full_store} - kept
    assert {PROV + "used", PB + "previousExecution", PB + "line", PB + "binding"} <= dropped
    types = {q.object.value for q in lean_store.quads_for_pattern(None, ox.NamedNode(lean.RDF_TYPE), None)}
    assert types <= lean.vocabulary() and PB + "VariableVersion" not in types


def test_the_vocabulary_is_what_the_lean_queries_read() -> None:
    """A lean query reading a new name changes the vocabulary: review the subject rules of
    provbridge.query.lean (and this list) when this fails."""
    read = set().union(*(lean.names_read(canned(name).text) for name in lean.LEAN_QUERIES))
    assert lean.vocabulary() == read | {lean.RDF_TYPE}
    assert {iri.rsplit("#", 1)[1] for iri in read if iri.startswith((PB, PROV))} == {
        "Activity", "FileVersion", "OperationStep", "Trial", "Variable", "atLocation", "finalVersion", "name",
        "operation", "operationLine", "parentExecution", "partOf", "path", "previousOperation", "repr", "scope",
        "sha256", "specializationOf", "startedAtTime", "summary", "tag", "uuid", "value", "valueType",
        "wasDerivedFrom", "wasGeneratedBy"}
    assert set(lean.SUBJECT_RULES) <= read


def test_only_lean_queries_go_to_the_lean_index() -> None:
    graph = ox.NamedNode("https://example.org/t/bundle")
    assert lean.answers(canned("backward").bind({"g": graph, "var": 'a "}" b', "level": 1}))
    assert lean.answers(canned("values").text)
    assert not lean.answers(canned("versions").bind({"g": graph, "var": "a"}))
    assert not lean.answers("SELECT * WHERE { ?s ?p ?o }")
    other_prefix = canned("backward").text.replace("<http://www.w3.org/ns/prov#>", "<http://example.org/p#>")
    assert not lean.answers(other_prefix)
    assert set(lean.LEAN_QUERIES) < set(canned_names())


def test_versions_is_empty_on_the_lean_graph_exactly_when_on_the_full(trials: list[Trial]) -> None:
    lean_store, full_store = _stores(trials)
    found = []
    for trial in trials:
        graph = ox.NamedNode(graph_iri(trial))
        for names in [[n] for n in _names(full_store, graph.value)] + [["nothing"], ["nothing", "a"]]:
            text = canned("versions").bind({"g": graph, "var": names})
            assert lean.empty_alike(text) and not lean.answers(text)
            on_full = _rows(full_store, trials, text)
            assert bool(_rows(lean_store, trials, text)) == bool(on_full)
            found.append((names[-1], bool(on_full)))
    assert ("nothing", False) in found and ("a", True) in found and ("acc", True) in found
    assert set(lean.EMPTY_ALIKE).isdisjoint(lean.LEAN_QUERIES)
