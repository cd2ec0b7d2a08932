"""PROV-JSON, TriG and PROV-N exports of one trial describe the same graph."""

from __future__ import annotations

import io
from collections import Counter

import prov
import pyoxigraph
from prov.model import ProvBundle, ProvDerivation

from provbridge.store.store import Trial

PROV = "http://www.w3.org/ns/prov#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RELATION_PROPERTIES = {
    "used": "used", "wasGeneratedBy": "wasGeneratedBy", "wasDerivedFrom": "wasDerivedFrom",
    "wasAssociatedWith": "wasAssociatedWith", "wasAttributedTo": "wasAttributedTo",
    "actedOnBehalfOf": "actedOnBehalfOf", "wasInformedBy": "wasInformedBy",
    "specializationOf": "specializationOf", "alternateOf": "alternateOf", "hadMember": "hadMember",
}
PROV_N_NAMES = {"ProvUsage": "used", "ProvGeneration": "wasGeneratedBy", "ProvDerivation": "wasDerivedFrom",
                "ProvAssociation": "wasAssociatedWith", "ProvAttribution": "wasAttributedTo",
                "ProvDelegation": "actedOnBehalfOf", "ProvCommunication": "wasInformedBy",
                "ProvSpecialization": "specializationOf", "ProvAlternate": "alternateOf",
                "ProvMembership": "hadMember", "ProvEntity": "entity", "ProvActivity": "activity",
                "ProvAgent": "agent"}


def prov_counts(bundle: ProvBundle) -> tuple[Counter, dict[str, set[str]]]:
    counts: Counter = Counter()
    edges: dict[str, set[str]] = {}
    pairs = set()
    for record in bundle.get_records():
        kind = PROV_N_NAMES[type(record).__name__]
        if record.is_element():
            counts[kind] += 1
            continue
        args = [v for _, v in record.formal_attributes]
        key = (kind, str(args[0].uri), str(args[1].uri))
        if key not in pairs:  # RDF keeps one unqualified triple per pair
            pairs.add(key)
            counts[kind] += 1
        if isinstance(record, ProvDerivation):
            edges.setdefault(str(args[0].uri), set()).add(str(args[1].uri))
    return counts, edges


def rdf_counts(data: bytes, graph: str) -> tuple[Counter, dict[str, set[str]]]:
    counts: Counter = Counter()
    edges: dict[str, set[str]] = {}
    name = pyoxigraph.NamedNode(graph)
    for quad in pyoxigraph.parse(data, format=pyoxigraph.RdfFormat.TRIG):
        if quad.graph_name != name:
            continue
        predicate = quad.predicate.value
        if predicate == RDF_TYPE and quad.object.value in (PROV + "Entity", PROV + "Activity", PROV + "Agent"):
            counts[quad.object.value[len(PROV):].lower()] += 1
        elif predicate.startswith(PROV) and predicate[len(PROV):] in RELATION_PROPERTIES:
            counts[predicate[len(PROV):]] += 1
            if predicate == PROV + "wasDerivedFrom":
                edges.setdefault(quad.subject.value, set()).add(quad.object.value)
    return counts, edges


def closure(edges: dict[str, set[str]], start: str) -> set[str]:
    seen: set[str] = set()
    todo = [start]
    while todo:
        for source in edges.get(todo.pop(), ()):
            if source not in seen:
                seen.add(source)
                todo.append(source)
    return seen


def test_json_trig_provn_same_graph(exports: dict[str, bytes], script: Trial) -> None:
    ns = f"https://w3id.org/provbridge/trial/{script.uuid}/"
    bundle_id = ns + "bundle"
    json_doc = prov.read(io.BytesIO(exports["json"]), format="json")
    provn_doc = prov.read(io.BytesIO(exports["provn"]), format="provn")
    json_bundle = next(b for b in json_doc.bundles if str(b.identifier.uri) == bundle_id)
    provn_bundle = next(b for b in provn_doc.bundles if str(b.identifier.uri) == bundle_id)
    json_counts, json_edges = prov_counts(json_bundle)
    provn_counts, provn_edges = prov_counts(provn_bundle)
    trig_counts, trig_edges = rdf_counts(exports["trig"], bundle_id)
    assert json_counts == provn_counts == trig_counts
    assert json_counts["entity"] == 55 and json_counts["activity"] == 16 and json_counts["agent"] == 3
    assert json_counts["wasDerivedFrom"] == 9  # 8 derivations and the file revision
    # the dependency closure of the written file (version 14) is the same in all three
    start = ns + "v14"
    expected = {ns + "v13", ns + "v12", ns + "f2-before"}
    assert closure(json_edges, start) == closure(provn_edges, start) == closure(trig_edges, start) == expected
    assert {v.id for v in script.backward(14)} == {12, 13}  # the store's own closure (files aside)
    weird = ns + "v16"
    assert closure(json_edges, weird) == closure(trig_edges, weird) == {ns + "v15", ns + "v2"}
