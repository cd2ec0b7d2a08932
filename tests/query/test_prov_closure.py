"""The derivation closure of imported PROV documents follows PROV's inferences (issue 21): a derivation's
activity, wasInfluencedBy, communication by PROV-CONSTRAINTS inference 5, never order; blank nodes work."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

from provbridge.api import Store, Trial, open_store
from provbridge.imports import import_document
from provbridge.provdm.names import GENID
from tests.conftest import Project

HEAD = """
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix pb: <https://w3id.org/provbridge/ns#> .
@prefix ex: <http://example.org/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
"""
# A derivation's activity, named three ways: prov:hadActivity, its generation's activity, its usage's activity.
DERIVATION_ACTIVITY = HEAD + """
ex:data a prov:Entity . ex:params a prov:Entity . ex:palette a prov:Entity . ex:style a prov:Entity .
ex:report a prov:Entity ;
    prov:qualifiedDerivation [ a prov:Derivation ; prov:entity ex:data ; prov:hadActivity ex:analysis ] .
ex:analysis a prov:Activity ; prov:used ex:params .
ex:figure a prov:Entity ;
    prov:qualifiedDerivation [ a prov:Derivation ; prov:entity ex:data ; prov:hadGeneration ex:gen ] .
ex:gen a prov:Generation ; prov:activity ex:plotting .
ex:plotting a prov:Activity ; prov:used ex:style .
ex:chart a prov:Entity ;
    prov:qualifiedDerivation [ a prov:Derivation ; prov:entity ex:data ; prov:hadUsage ex:use ] .
ex:drawing a prov:Activity ; prov:qualifiedUsage ex:use ; prov:used ex:palette .
ex:use a prov:Usage ; prov:entity ex:data .
"""
INFLUENCE = HEAD + """
ex:a a prov:Entity . ex:alice a prov:Agent .
ex:b a prov:Entity ; prov:wasInfluencedBy ex:a .
ex:c a prov:Entity ; prov:wasInfluencedBy ex:b ; prov:wasAttributedTo ex:alice .
ex:b2 a prov:Entity ; prov:qualifiedInfluence [ a prov:Influence ; prov:influencer ex:a ] .
ex:c2 a prov:Entity ; prov:qualifiedInfluence [ a prov:Influence ; prov:influencer ex:b2 ] ;
    prov:qualifiedAttribution [ a prov:Attribution ; prov:agent ex:alice ] .
"""
# Communication: the informed activity used something the informant generated (PROV-CONSTRAINTS inference 5).
# Order (pb:previousExecution) is no dependency.
COMMUNICATION = HEAD + """
ex:survey a prov:Entity . ex:unrelated a prov:Entity .
ex:collecting a prov:Activity ; prov:used ex:survey .
ex:writing a prov:Activity ; prov:wasInformedBy ex:collecting .
ex:paper a prov:Entity ; prov:wasGeneratedBy ex:writing .
ex:cleanup a prov:Activity ; prov:used ex:unrelated .
ex:plotting a prov:Activity ; pb:previousExecution ex:cleanup .
ex:plot a prov:Entity ; prov:wasGeneratedBy ex:plotting .
"""
BLANK = HEAD + """
_:raw a prov:Entity ; rdfs:label "raw" .
_:anon a prov:Entity .
_:act a prov:Activity ; rdfs:label "acting" ; prov:used _:raw, _:anon .
ex:out a prov:Entity ; rdfs:label "out" ; prov:wasGeneratedBy _:act .
_:d a prov:Entity ; rdfs:label "derived" ; prov:wasDerivedFrom ex:out .
"""


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return open_store(tmp_path / ".provbridge", create=True)


def imported(store: Store, text: str) -> Trial:
    (trial,) = import_document(store, io.BytesIO(text.encode()), "ttl", name="doc")
    return store.trial(trial.id)


def answer(frame: Any) -> list[tuple[str, str]]:
    return [(row.kind, row.name) for row in frame.itertuples()]


def test_derivation_activity_is_followed(store: Store) -> None:
    trial = imported(store, DERIVATION_ACTIVITY)
    assert answer(trial.deps("report")) == [("activity", "ex:analysis"), ("entity", "ex:data"),
                                            ("entity", "ex:params")]
    assert answer(trial.deps("figure")) == [("entity", "ex:data"), ("activity", "ex:plotting"),
                                            ("entity", "ex:style")]
    assert answer(trial.deps("chart")) == [("entity", "ex:data"), ("activity", "ex:drawing"),
                                           ("entity", "ex:palette")]
    assert answer(trial.impact("params")) == [("activity", "ex:analysis"), ("entity", "ex:report")]
    assert answer(trial.impact("style")) == [("entity", "ex:figure"), ("activity", "ex:plotting")]
    assert answer(trial.impact("palette")) == [("entity", "ex:chart"), ("activity", "ex:drawing")]


def test_influence_chain_is_followed_and_attribution_is_not(store: Store) -> None:
    trial = imported(store, INFLUENCE)
    assert answer(trial.deps("c")) == [("entity", "ex:a"), ("entity", "ex:b")]
    assert answer(trial.deps("c2")) == [("entity", "ex:a"), ("entity", "ex:b2")]  # the qualified form
    assert answer(trial.impact("a")) == [("entity", "ex:b"), ("entity", "ex:b2"), ("entity", "ex:c"),
                                         ("entity", "ex:c2")]
    assert answer(trial.impact("alice")) == []


def test_communication_is_a_dependency_order_is_not(store: Store) -> None:
    trial = imported(store, COMMUNICATION)
    assert answer(trial.deps("paper")) == [("activity", "ex:collecting"), ("entity", "ex:survey"),
                                           ("activity", "ex:writing")]
    assert answer(trial.impact("survey")) == [("activity", "ex:collecting"), ("entity", "ex:paper"),
                                              ("activity", "ex:writing")]
    assert answer(trial.deps("plot")) == [("activity", "ex:plotting")]
    assert answer(trial.impact("unrelated")) == [("activity", "ex:cleanup")]


def test_labelled_blank_nodes(store: Store) -> None:
    trial = imported(store, BLANK)
    assert answer(trial.deps("raw")) == []
    assert answer(trial.impact("raw")) == [("activity", "acting"), ("entity", "derived"), ("entity", "out")]
    got = trial.deps("derived")  # a blank node, found by its label
    assert answer(got)[1:] == [("activity", "acting"), ("entity", "out"), ("entity", "raw")]
    kind, name = answer(got)[0]  # the unlabelled blank node, named by its blank node id (sorted first)
    assert kind == "entity" and name.startswith("_:") and got["iri"].iloc[0] == GENID + name[2:]
    acting = answer(trial.deps("acting"))
    assert acting[1:] == [("entity", "raw")] and acting[0][0] == "entity" and acting[0][1].startswith("_:")
    assert answer(trial.impact("acting")) == [("entity", "derived"), ("entity", "out")]


def test_blank_node_deps_on_the_command_line(tmp_path: Path) -> None:
    project = Project(tmp_path)
    project.write("doc.ttl", BLANK)
    project.run("import", "doc.ttl")
    done = project.run("deps", "derived", "--json")
    names = [(v["kind"], v["name"]) for v in json.loads(done.stdout)["versions"]]
    assert names[1:] == [("activity", "acting"), ("entity", "out"), ("entity", "raw")]
    assert names[0][0] == "entity" and names[0][1].startswith("_:")
    assert done.stderr == ""
