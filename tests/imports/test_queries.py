"""deps and impact on imported PROV documents: exact node sets, qualified and unqualified forms alike."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from provbridge.api import Store, Trial, open_store
from provbridge.errors import VariableNotFoundError
from provbridge.imports import import_document

UNQUALIFIED = """
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix ex: <http://example.org/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
ex:raw a prov:Entity ; rdfs:label "raw data" .
ex:config a prov:Entity .
ex:clean a prov:Entity ; prov:wasGeneratedBy ex:cleaning .
ex:cleaning a prov:Activity ; prov:used ex:raw, ex:config .
ex:model a prov:Entity ; prov:wasDerivedFrom ex:clean ; prov:wasGeneratedBy ex:training .
ex:training a prov:Activity ; prov:used ex:clean ; prov:wasInformedBy ex:cleaning .
ex:report a prov:Entity ; prov:wasDerivedFrom ex:model .
ex:other a prov:Entity ; prov:wasAttributedTo ex:alice .
ex:alice a prov:Agent .
"""
QUALIFIED = """
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix ex: <http://example.org/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
ex:raw a prov:Entity ; rdfs:label "raw data" .
ex:config a prov:Entity .
ex:clean a prov:Entity ; prov:qualifiedGeneration [ a prov:Generation ; prov:activity ex:cleaning ] .
ex:cleaning a prov:Activity ;
    prov:qualifiedUsage [ a prov:Usage ; prov:entity ex:raw ], [ a prov:Usage ; prov:entity ex:config ] .
ex:model a prov:Entity ; prov:qualifiedDerivation [ a prov:Derivation ; prov:entity ex:clean ] ;
    prov:qualifiedGeneration [ a prov:Generation ; prov:activity ex:training ] .
ex:training a prov:Activity ; prov:qualifiedUsage [ a prov:Usage ; prov:entity ex:clean ] ;
    prov:qualifiedCommunication [ a prov:Communication ; prov:activity ex:cleaning ] .
ex:report a prov:Entity ; prov:qualifiedRevision [ a prov:Revision ; prov:entity ex:model ] .
ex:other a prov:Entity ; prov:qualifiedAttribution [ a prov:Attribution ; prov:agent ex:alice ] .
ex:alice a prov:Agent .
"""
PROVN = """
document
  prefix ex <http://example.org/>
  entity(ex:raw, [prov:label="raw data"])
  entity(ex:config)
  activity(ex:cleaning)
  used(ex:cleaning, ex:raw, -)
  used(ex:cleaning, ex:config, -)
  wasGeneratedBy(ex:clean, ex:cleaning, 2024-01-01T00:00:00)
  activity(ex:training)
  used(ex:u1; ex:training, ex:clean, -)
  wasInformedBy(ex:training, ex:cleaning)
  wasGeneratedBy(ex:model, ex:training, -)
  wasDerivedFrom(ex:model, ex:clean)
  wasDerivedFrom(ex:report, ex:model, [prov:type='prov:Revision'])
  entity(ex:other)
  agent(ex:alice)
  wasAttributedTo(ex:other, ex:alice)
endDocument
"""
MODEL_DEPS = [("entity", "ex:clean"), ("activity", "ex:cleaning"), ("entity", "ex:config"),
              ("activity", "ex:training"), ("entity", "raw data")]
RAW_IMPACT = [("entity", "ex:clean"), ("activity", "ex:cleaning"), ("entity", "ex:model"),
              ("entity", "ex:report"), ("activity", "ex:training")]


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return open_store(tmp_path / ".provbridge", create=True)


def imported(store: Store, text: str, fmt: str) -> Trial:
    (trial,) = import_document(store, io.BytesIO(text.encode()), fmt, name=fmt)
    return trial


def answer(frame: object) -> list[tuple[str, str]]:
    return [(row.kind, row.name) for row in frame.itertuples()]  # type: ignore[attr-defined]


@pytest.mark.parametrize(("text", "fmt"), [(UNQUALIFIED, "ttl"), (QUALIFIED, "ttl"), (PROVN, "provn")],
                         ids=["unqualified", "qualified", "provn"])
def test_deps_and_impact_exact(store: Store, text: str, fmt: str) -> None:
    trial = imported(store, text, fmt)
    assert answer(trial.deps("model")) == MODEL_DEPS
    assert answer(trial.deps("http://example.org/model")) == MODEL_DEPS  # by IRI
    assert answer(trial.deps("ex:model")) == MODEL_DEPS  # by prefixed name
    assert answer(trial.impact("raw data")) == RAW_IMPACT  # by label
    assert answer(trial.deps("report")) == sorted([("entity", "ex:model"), *MODEL_DEPS], key=lambda r: r[1])
    assert answer(trial.deps("raw data")) == []
    assert answer(trial.deps("other")) == []  # attribution is not a data dependency


def test_qualified_twin_same_deps(store: Store) -> None:
    plain, qualified = imported(store, UNQUALIFIED, "ttl"), imported(store, QUALIFIED, "ttl")
    for name in ("model", "report", "clean", "training"):
        assert answer(plain.deps(name)) == answer(qualified.deps(name))
        assert list(plain.deps(name)["iri"]) == list(qualified.deps(name)["iri"])
    for name in ("raw data", "config", "cleaning"):
        assert answer(plain.impact(name)) == answer(qualified.impact(name))


def test_unknown_name(store: Store) -> None:
    trial = imported(store, UNQUALIFIED, "ttl")
    with pytest.raises(VariableNotFoundError, match=r"^no record 'nothing' in imported trial \d+ "):
        trial.deps("nothing")


def test_sparql_over_imported_trial(store: Store) -> None:
    trial = imported(store, UNQUALIFIED, "ttl")
    frame = store.sparql("SELECT (COUNT(*) AS ?n) WHERE { ?s <http://www.w3.org/ns/prov#used> ?o }", trials=[trial])
    assert int(frame["n"][0]) == 3
