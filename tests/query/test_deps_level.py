"""deps at granularity 0 filters the closure on the store's rows (issue 18: the per-version SPARQL filter
cost more than the closure at a million records): the answer is exactly the one the queries' own level-0
filter gives, for names, versions, all versions, files, and on every engine."""

from __future__ import annotations

import re
from typing import Any

import pyoxigraph as ox
import pytest

from provbridge.query import api
from provbridge.query.engine import dataset
from provbridge.query.params import canned
from provbridge.translate.iris import graph_iri, trial_namespace
from tests.conftest import Project

SCRIPT = """
def scale(v):
    doubled = v * 2
    return doubled + 1

a = 3
b = scale(a)
with open("out.txt", "w") as f:
    f.write(str(b))
with open("out.txt") as f:
    c = f.read()
d = c + "!"
"""


def _sparql_level0(trial: Any, query: str, **params: Any) -> set[str]:
    """The versions the canned query returns with its own level-0 filter."""
    text = canned(query).bind({"g": ox.NamedNode(graph_iri(trial)), "level": 0, **params})
    with dataset(trial.store, [trial], engine="memory") as data:
        return {row[0].value for row in data.query(text).terms}


@pytest.fixture(scope="module")
def trial(tmp_path_factory: pytest.TempPathFactory) -> Any:
    project = Project(tmp_path_factory.mktemp("deps-level"))
    return project.capture(SCRIPT, "--granularity", "1")


@pytest.mark.parametrize("engine", ["memory", "cache", "index"])
def test_level0_is_the_query_filter(trial: Any, engine: str) -> None:
    frame = api.deps("d", trial=trial, granularity=0, engine=engine)
    versions = re.compile(re.escape(trial_namespace(trial.uuid)) + "v[0-9]+")
    assert set(frame["iri"]) == {iri for iri in _sparql_level0(trial, "backward", var="d") if versions.fullmatch(iri)}
    assert "doubled" not in set(frame["name"]) and {"a", "b", "c"} <= set(frame["name"])
    assert "file" in set(frame["kind"])  # a file version is top-level
    inner = api.deps("d", trial=trial, granularity=1, engine=engine)
    assert "doubled" in set(inner["name"]) and set(frame["iri"]) < set(inner["iri"])


def test_level0_raw_result_keeps_what_the_filter_keeps(trial: Any) -> None:
    raw = api.deps("d", trial=trial, granularity=0, raw=True, engine="memory")
    assert {row[0].value for row in raw.terms} == _sparql_level0(trial, "backward", var="d")


def test_level0_for_a_version_and_for_all_versions(trial: Any) -> None:
    last_b = max(v.id for v in trial.versions() if v.name == "b")
    target = ox.NamedNode(f"{graph_iri(trial).rsplit('/', 1)[0]}/v{last_b}")
    raw = api.deps(f"b@{last_b}", trial=trial, granularity=0, raw=True, engine="memory")
    assert {row[0].value for row in raw.terms} == _sparql_level0(trial, "backward_version", target=target)
    raw = api.deps("d", trial=trial, granularity=0, all_versions=True, raw=True, engine="memory")
    assert {row[0].value for row in raw.terms} == _sparql_level0(trial, "backward_all", var="d")


def test_the_closure_is_asked_without_the_per_version_filter(trial: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """The SPARQL level-0 filter (a graph lookup per version of the closure) is not what deps runs."""
    from provbridge.query.engine import Dataset

    asked: list[str] = []
    real = Dataset.query

    def spy(self: Dataset, text: str, **options: Any) -> Any:
        asked.append(text)
        return real(self, text, **options)

    monkeypatch.setattr(Dataset, "query", spy)
    api.deps("d", trial=trial, granularity=0, engine="memory")
    level1 = canned("backward").bind({"g": ox.NamedNode(graph_iri(trial)), "var": "d", "level": 1})
    assert asked == [level1]
