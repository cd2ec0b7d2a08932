"""Backward dependencies and forward impact of captured scripts: exact closures, through the API and the
Trial methods, cross-checked against rdflib's SPARQL engine on the exported TriG."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from provbridge.errors import QueryError, VariableNotFoundError
from provbridge.query import canned, deps, impact, versions
from provbridge.query.loading import graph_iri
from provbridge.query.targets import version_iri, version_number
from tests.query.helpers import assert_same_rows, capture_dataflow, labels

LEVEL1 = ["scale#1", "a#1", "b#1", "v#1", "k#1", "t#1", "return#1", "c#1", "d#1", "d#2"]
LEVEL0 = ["scale#1", "a#1", "b#1", "c#1", "d#1", "d#2"]


@pytest.fixture(scope="module")
def trial(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    from tests.conftest import Project

    return capture_dataflow(Project(tmp_path_factory.mktemp("deps")))


def test_backward_closure_exact(trial) -> None:  # type: ignore[no-untyped-def]
    assert labels(trial, deps("e", trial=trial)["version"]) == LEVEL1
    assert labels(trial, deps("e", trial=trial, granularity=0)["version"]) == LEVEL0


CALL1 = ["v#1", "k#1", "t#1", "return#1"]  # inside scale(): seen at granularity 1 only
# name -> (latest version's closure, every version's closure) at granularity 1; IN is the file read
BACKWARD = {
    "e": (LEVEL1, LEVEL1),
    "c": (LEVEL1[:3] + CALL1, LEVEL1[:3] + CALL1),
    "d": (LEVEL1[:-1], LEVEL1[:-2]),
    "data": (["IN", "f#1"], ["IN", "f#1"]),
    "f": (["scale#1", "a#1", "b#1", "IN", "f#1", "data#1", *CALL1, "c#1", "d#1", "d#2", "f#2"],
          ["scale#1", "a#1", "b#1", "IN", "data#1", *CALL1, "c#1", "d#1", "d#2"]),
    "t": (["scale#1", "a#1", "b#1", "v#1", "k#1"], ["scale#1", "a#1", "b#1", "v#1", "k#1"]),
}


def test_backward_exact_for_every_name_and_level(trial) -> None:  # type: ignore[no-untyped-def]
    read = f"{trial.cwd}/in.txt#1"
    for name, (latest, every) in BACKWARD.items():
        for level in (0, 1):
            expected = [[label.replace("IN", read) for label in want if level or label not in CALL1]
                        for want in (latest, every)]
            got = deps(name, trial=trial, granularity=level)["version"]
            assert labels(trial, got) == expected[0], (name, level)
            assert [v.id for v in trial.backward(name, granularity=level)] == list(got), (name, level)
            got_all = deps(name, trial=trial, granularity=level, all_versions=True)["version"]
            assert labels(trial, got_all) == expected[1], (name, level, "all")
            assert [v.id for v in trial.backward(name, granularity=level, all_versions=True)] == list(got_all)


def test_latest_version_is_used(trial) -> None:  # type: ignore[no-untyped-def]
    # `a` was re-bound to a constant after use: its latest version depends on nothing...
    assert deps("a", trial=trial).empty
    # ...while every version of `d` together depends on what the first one and the append read.
    assert labels(trial, deps("d", trial=trial, all_versions=True)["version"]) == LEVEL1[:-2]


def test_given_version(trial) -> None:  # type: ignore[no-untyped-def]
    first_d = trial.versions("d")[0].id
    assert labels(trial, deps(f"d@{first_d}", trial=trial)["version"]) == ["a#1"]
    assert labels(trial, deps(first_d, trial=trial)["version"]) == ["a#1"]


def test_rows_carry_values_and_statements(trial) -> None:  # type: ignore[no-untyped-def]
    frame = deps("e", trial=trial).set_index("name")
    assert frame.loc["b", "value"] == 3 and frame.loc["b", "statement"] == "b = 3"
    assert frame.loc["t", "scope"] == "scale" and frame.loc["t", "line"] == 2
    assert frame.loc["c", "kind"] == "assign" and frame.loc["return", "kind"] == "return"


def test_forward_impact_of_variable_and_file(trial) -> None:  # type: ignore[no-untyped-def]
    assert labels(trial, impact("a", trial=trial)["version"]) == [
        "v#1", "k#1", "t#1", "return#1", "c#1", "d#1", "d#2", "f#3", f"{trial.cwd}/out.txt#1", "e#1"]
    assert list(impact("a", trial=trial)["version"]) == [v.id for v in trial.forward("a")]
    by_file = impact("in.txt", trial=trial)
    assert labels(trial, by_file["version"]) == ["f#1", "data#1", "f#3", f"{trial.cwd}/out.txt#1"]
    assert list(by_file["version"]) == [v.id for v in trial.forward(f"{trial.cwd}/in.txt")]
    assert list(impact("a", trial=trial, granularity=0)["version"]) == [
        v.id for v in trial.forward("a", granularity=0)]


def test_unknown_names(trial) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(VariableNotFoundError, match="no variable or file 'nope'"):
        deps("nope", trial=trial)
    with pytest.raises(VariableNotFoundError):
        impact("missing.csv", trial=trial)
    with pytest.raises(VariableNotFoundError, match="no version 9999"):
        deps("x@9999", trial=trial)
    with pytest.raises(QueryError, match="granularity"):
        deps("e", trial=trial, granularity=2)


def test_versions(trial) -> None:  # type: ignore[no-untyped-def]
    frame = versions("d", trial=trial)
    assert list(frame["version"]) == [v.id for v in trial.versions("d")]
    assert list(frame["kind"]) == ["assign", "mutate"]


@pytest.mark.parametrize("level", [0, 1])
def test_canned_closures_agree_with_rdflib(trial, level: int) -> None:  # type: ignore[no-untyped-def]
    graph = ox.NamedNode(graph_iri(trial))
    out_path = f"{trial.cwd}/out.txt"
    queries = [
        canned("backward").bind({"g": graph, "var": "e", "level": level}),
        canned("backward").bind({"g": graph, "var": out_path, "level": level}),
        canned("backward_all").bind({"g": graph, "var": "d", "level": level}),
        canned("backward_version").bind(
            {"g": graph, "target": ox.NamedNode(version_iri(trial, trial.latest("e").id)), "level": level}),
        canned("forward").bind({"g": graph, "var": "a", "level": level}),
        canned("forward").bind({"g": graph, "var": ["in.txt", f"{trial.cwd}/in.txt"], "level": level}),
        canned("versions").bind({"g": graph, "var": ["d", out_path]}),
    ]
    for query in queries:
        rows = assert_same_rows([trial], query)
        assert rows or query is queries[1]  # the file's latest version is its pre-write state: no sources
    # and the closure is the one deps answers
    rows = assert_same_rows([trial], queries[0])
    ids = sorted(n for n in (version_number(r[0]) for r in rows) if n is not None)
    assert ids == [v.id for v in trial.backward("e", granularity=level)]


@pytest.mark.parametrize("level", [0, 1])
def test_records_are_the_frame_rows(trial, level: int) -> None:  # type: ignore[no-untyped-def]
    from provbridge.query.api import VERSION_COLUMNS, version_records

    for name in BACKWARD:
        frame = deps(name, trial=trial, granularity=level, all_versions=True)
        rows = version_records(deps(name, trial=trial, granularity=level, all_versions=True, raw=True), trial)
        assert [list(row) for row in rows] == [VERSION_COLUMNS] * len(rows)
        assert [row["version"] for row in rows] == list(frame["version"]), (name, level)
        expected = frame.astype(object).where(frame.notna(), None).to_dict("records")
        assert rows == expected, (name, level)


def test_frame_from_the_kept_table_is_the_frame_of_the_rows(trial, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    import pandas as pd

    from provbridge.query import details
    from provbridge.query.api import VERSION_COLUMNS, version_records

    monkeypatch.setattr(details, "CHUNK", 0)  # every closure read from the trial's kept table, by position
    for name in BACKWARD:
        for level in (0, 1):
            frame = deps(name, trial=trial, granularity=level, all_versions=True)
            rows = version_records(deps(name, trial=trial, granularity=level, all_versions=True, raw=True), trial)
            expected = pd.DataFrame(rows, columns=VERSION_COLUMNS)  # what a frame of lists infers
            pd.testing.assert_frame_equal(frame, expected, check_exact=True)
