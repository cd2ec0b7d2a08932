"""dot and diff on imported PROV documents."""

from __future__ import annotations

import ast
import io
import json
import re
from pathlib import Path

import pytest

from provbridge.api import Store, open_store
from provbridge.imports import import_document
from provbridge.manage.common import ManageError
from provbridge.manage.diff import SECTIONS, TrialDiff, diff
from provbridge.manage.recorddiff import record_diff
from provbridge.translate.representation import compare, pair_representation, representation_of
from tests.conftest import Project
from tests.imports.test_queries import QUALIFIED, UNQUALIFIED

CHANGED = UNQUALIFIED.replace('"raw data"', '"raw data v2"').replace("ex:raw, ex:config .", "ex:raw .") \
    + "ex:extra a prov:Entity .\n"


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return open_store(tmp_path / ".provbridge", create=True)


def labels(source: str) -> list[str]:
    return sorted(re.findall(r'label="([^"]+)", class="prov-', source))


def test_dot_of_imported_trial(store: Store) -> None:
    (trial,) = import_document(store, io.BytesIO(UNQUALIFIED.encode()), "ttl")
    assert labels(trial.graph().source()) == [
        "ex:alice", "ex:clean", "ex:cleaning", "ex:config", "ex:model", "ex:other", "ex:report", "ex:training",
        "raw data"]
    source = trial.graph(var="model").source()
    assert labels(source) == ["ex:clean", "ex:cleaning", "ex:config", "ex:model", "ex:training", "raw data"]
    assert source.count("->") == 7  # 3 used, 2 wasGeneratedBy, 1 wasDerivedFrom, 1 wasInformedBy


def test_dot_of_qualified_document_and_diff_overlay(store: Store) -> None:
    (plain,) = import_document(store, io.BytesIO(UNQUALIFIED.encode()), "ttl")
    (qualified,) = import_document(store, io.BytesIO(QUALIFIED.encode()), "ttl")
    assert labels(qualified.graph(var="model").source()) == labels(plain.graph(var="model").source())
    (changed,) = import_document(store, io.BytesIO(CHANGED.encode()), "ttl")
    overlay = plain.graph(diff=changed).source()
    assert "+ ex:extra" in overlay and "pb-added" in overlay and "pb-removed" in overlay


def test_diff_of_two_documents(store: Store) -> None:
    (a,) = import_document(store, io.BytesIO(UNQUALIFIED.encode()), "ttl", name="a")
    (b,) = import_document(store, io.BytesIO(CHANGED.encode()), "ttl", name="b")
    result = record_diff(a, b)
    assert isinstance(result, TrialDiff)  # one diff shape, whatever the trials are
    found = result.to_dict()
    assert found["records"] == [
        {"record": "entity(ex:extra)", "a": None, "b": None, "status": "added"},
        {"record": "entity(ex:raw)", "a": "prov:label=raw data", "b": "prov:label=raw data v2", "status": "changed"},
        {"record": "used(ex:cleaning, ex:config, -)", "a": None, "b": None, "status": "removed"}]
    assert all(found[name] == [] for name in SECTIONS if name != "records")
    assert (found["a"], found["b"], found["code"], found["operations"]) == (a.id, b.id, "", "")
    every = record_diff(a, b, all=True).records
    assert list(every["status"]).count("same") == 16 and len(every) == 19
    assert record_diff(a, a).empty
    with pytest.raises(ManageError, match=r"^trial 1 is an imported PROV document"):
        diff(a, b, store=store)


def test_diff_cli(project: Project) -> None:
    project.write("a.ttl", UNQUALIFIED)
    project.write("b.ttl", CHANGED)
    project.run("import", "a.ttl", "b.ttl")
    lines = project.run("diff", "a", "b").stdout.splitlines()
    assert lines[:3] == ["trial 1 (a) → trial 2 (b)", "", "records"]
    assert [line.split()[-1] for line in lines[3:]] == ["status", "-------", "added", "changed", "removed"]
    assert lines[6].split(None, 1) == ["entity(ex:raw)", "prov:label=raw data  prov:label=raw data v2  changed"]
    records = json.loads(project.run("diff", "a", "b", "--json").stdout)["records"]
    assert [(r["record"], r["status"]) for r in records] == [
        ("entity(ex:extra)", "added"), ("entity(ex:raw)", "changed"), ("used(ex:cleaning, ex:config, -)", "removed")]
    assert project.run("dot", "a", "--var", "model").stdout.count("->") == 7


def test_diff_dispatched_through_the_representation(project: Project) -> None:
    """A pair with a stored graph in it is compared by the graph representation's diff (its PROV records),
    two captured trials by the records representation's (their variables); imports/ holds no comparison."""
    captured = project.capture("x = 1\n")
    other = project.capture("x = 2\n")
    project.write("a.ttl", UNQUALIFIED)
    project.run("import", "a.ttl")
    with project.store() as opened:
        one, two, imported = opened.trial(captured.id), opened.trial(other.id), opened.trial("last")
        assert [pair_representation(*pair).name for pair in ((one, two), (one, imported), (imported, one),
                                                               (imported, imported))] == [
            "records", "graph", "graph", "graph"]
        records = compare(one, two, store=opened)
        assert isinstance(records, TrialDiff)
        assert [(r["name"], r["a"], r["b"]) for r in records.variables.to_dict("records")] == [("x", 1, 2)]
        mixed = compare(imported, one)
        assert isinstance(mixed, TrialDiff) and mixed.variables.empty
        assert mixed.to_dict() == record_diff(imported, one).to_dict()
        statuses = set(mixed.records["status"])
        assert {"removed", "added"} <= statuses and "same" not in statuses
        assert representation_of(imported).diff(imported, imported).empty
    package = Path(__file__).parents[2] / "provbridge" / "imports"
    defined = {node.name for path in package.glob("*.py") for node in ast.walk(ast.parse(path.read_text()))
               if isinstance(node, (ast.FunctionDef, ast.ClassDef))}
    assert not defined & {"record_diff", "records"}
