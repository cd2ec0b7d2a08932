"""Import through provbridge's own PROV-DM readers and PROV-O mapping: several associations with plans,
times of nodes typed only by PROV subclasses, stable blank-node labels, and the unification verdict that
``deps`` reports."""

from __future__ import annotations

import io
import json
import warnings
from pathlib import Path
from typing import Any

import pytest

from provbridge.api import Store, open_store
from provbridge.export import export_bytes
from provbridge.imports import import_document
from provbridge.provdm.constraints import UnificationWarning
from provbridge.provdm.names import GENID
from provbridge.query.stored import graph_deps, unification_failures
from provbridge.store.graphs import triple_lines

TWO_ASSOCIATIONS = {
    "prefix": {"ex": "http://example.org/"},
    "activity": {"ex:run": {"prov:startTime": "2024-01-01T00:00:00+00:00"}},
    "agent": {"ex:alice": {}, "ex:bob": {}},
    "entity": {"ex:plan1": {}, "ex:plan2": {}},
    "wasAssociatedWith": {
        "_:a1": {"prov:activity": "ex:run", "prov:agent": "ex:alice", "prov:plan": "ex:plan1"},
        "_:a2": {"prov:activity": "ex:run", "prov:agent": "ex:bob", "prov:plan": "ex:plan2"},
    },
}
# an activity and an entity typed only by classes that are not PROV's, and a plan typed only as prov:Plan
SUBCLASS_TYPED = """
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix ex: <http://example.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
ex:call a ex:FunctionExecution ;
    prov:startedAtTime "2024-01-01T10:00:00Z"^^xsd:dateTime ;
    prov:endedAtTime "2024-01-01T10:00:05Z"^^xsd:dateTime ;
    prov:used ex:input .
ex:input a ex:DataObject ; ex:size 3 .
ex:recipe a prov:Plan ; ex:version "1.0" .
"""
BLANK_NODES = """
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix ex: <http://example.org/> .
ex:out a prov:Entity ; prov:wasDerivedFrom [ a prov:Entity ; prov:label "raw" ] ;
    prov:qualifiedGeneration [ a prov:Generation ; prov:activity ex:run ] .
ex:run a prov:Activity ; prov:used [ a prov:Entity ; prov:label "config" ] .
"""
# ex:g names two generations of different entities by different activities (PROV-CONSTRAINTS 23)
CONFLICT = {
    "prefix": {"ex": "http://example.org/"},
    "entity": {"ex:in": {}, "ex:out": {}, "ex:other": {}},
    "activity": {"ex:a1": {}, "ex:a2": {}},
    "used": {"ex:u": {"prov:activity": "ex:a1", "prov:entity": "ex:in"}},
    "wasGeneratedBy": {"ex:g": [{"prov:entity": "ex:out", "prov:activity": "ex:a1"},
                                {"prov:entity": "ex:other", "prov:activity": "ex:a2"}]},
}


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return open_store(tmp_path / ".provbridge", create=True)


def imported(store: Store, data: bytes, fmt: str) -> Any:
    (trial,) = import_document(store, io.BytesIO(data), fmt, progress=False)
    return trial


def bundle_body(exported: bytes) -> dict[str, Any]:
    """The records of the one bundle of a PROV-JSON export (the trial's), without its prefixes."""
    (body,) = json.loads(exported)["bundle"].values()
    return {kind: records for kind, records in body.items() if kind != "prefix"}


def test_two_associations_with_plans_survive_and_export_deterministically(store: Store) -> None:
    trial = imported(store, json.dumps(TWO_ASSOCIATIONS).encode(), "json")
    first = export_bytes([trial], "json")
    assert export_bytes([trial], "json") == first
    associations = bundle_body(first)["wasAssociatedWith"]
    assert sorted((a["prov:agent"], a["prov:plan"]) for a in associations.values()) == [
        ("ex:alice", "ex:plan1"), ("ex:bob", "ex:plan2")]
    assert all(a["prov:activity"] == "ex:run" for a in associations.values())


def test_times_and_attributes_of_subclass_typed_nodes_survive(store: Store) -> None:
    trial = imported(store, SUBCLASS_TYPED.encode(), "ttl")
    body = bundle_body(export_bytes([trial], "json"))
    assert body["activity"]["ex:call"] == {
        "prov:startTime": "2024-01-01T10:00:00Z", "prov:endTime": "2024-01-01T10:00:05Z",
        "prov:type": {"$": "ex:FunctionExecution", "type": "prov:QUALIFIED_NAME"}}
    assert body["entity"]["ex:input"] == {"prov:type": {"$": "ex:DataObject", "type": "prov:QUALIFIED_NAME"},
                                          "ex:size": {"$": "3", "type": "xsd:integer"}}
    assert body["entity"]["ex:recipe"] == {"prov:type": {"$": "prov:Plan", "type": "prov:QUALIFIED_NAME"},
                                           "ex:version": "1.0"}
    # and through PROV-JSON back again: the times are still there
    again = imported(store, export_bytes([trial], "json"), "json")
    assert bundle_body(export_bytes([again], "json"))["activity"]["ex:call"]["prov:endTime"] == "2024-01-01T10:00:05Z"


def skolem_iris(store: Store, trial: Any) -> list[str]:
    """The skolem IRIs the trial's blank nodes were stored as (provbridge's genid namespace)."""
    return sorted({term for line in triple_lines(store.conn, trial.id) for term in line.split(" ", 2)
                   if term.startswith(f"<{GENID}")})


@pytest.mark.parametrize(("data", "fmt", "blanks"), [
    (BLANK_NODES.encode(), "ttl", 3),  # numbered in order of appearance
    (json.dumps(TWO_ASSOCIATIONS).encode(), "json", 2),  # two relations without id: hashes of their content
], ids=["ttl", "json"])
def test_blank_nodes_get_the_same_skolem_iris_on_every_import(tmp_path: Path, data: bytes, fmt: str,
                                                              blanks: int) -> None:
    found = []
    for name in ("one", "two"):
        store = open_store(tmp_path / name, create=True)
        trial = imported(store, data, fmt)
        found.append(skolem_iris(store, trial))
        assert not any(term.startswith("_:") for line in triple_lines(store.conn, trial.id) for term in line.split())
    assert found[0] == found[1] and len(found[0]) == blanks


def test_blank_nodes_are_named_alike_by_every_query(store: Store) -> None:
    trial = imported(store, BLANK_NODES.encode(), "ttl")
    first = graph_deps(trial, "ex:out")
    assert list(graph_deps(trial, "ex:out")["iri"]) == list(first["iri"])
    assert list(first["name"]) == ["config", "ex:run", "raw"]
    stored = {iri[1:-1][-2:]: iri[1:-1] for iri in skolem_iris(store, trial)}
    assert list(first["iri"]) == [stored["n3"], "http://example.org/run", stored["n1"]]


def test_deps_says_when_the_document_fails_unification(store: Store) -> None:
    trial = imported(store, json.dumps(CONFLICT).encode(), "json")
    assert unification_failures(trial) == ["ex:g"]
    with pytest.warns(UnificationWarning) as caught:
        graph_deps(trial, "ex:out")
    (warning,) = caught
    message = str(warning.message)
    assert "\n" not in message and message == (
        f"imported trial {trial.id} fails PROV-CONSTRAINTS unification (identifiers reused with conflicting "
        "arguments: ex:g); dependencies through them join all their records")


def test_deps_on_a_valid_document_does_not_warn(store: Store) -> None:
    trial = imported(store, json.dumps(TWO_ASSOCIATIONS).encode(), "json")
    assert unification_failures(trial) == []
    with warnings.catch_warnings():
        warnings.simplefilter("error", UnificationWarning)
        graph_deps(trial, "ex:run")
