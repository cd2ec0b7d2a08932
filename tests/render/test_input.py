"""`provbridge dot --input`: PROV documents written by other tools (here by hand) drawn the same way."""

from __future__ import annotations

import json

import pytest

from provbridge.errors import FormatError
from provbridge.render import document_graph

from .helpers import parse_svg

DOC = {
    "prefix": {"ex": "http://example.org/"},
    "entity": {"ex:data": {"prov:label": "data.csv"}, "ex:model": {"prov:value": 0.93}},
    "activity": {"ex:train": {}},
    "agent": {"ex:alice": {"prov:type": "prov:Person"}},
    "used": {"_:u1": {"prov:activity": "ex:train", "prov:entity": "ex:data"}},
    "wasGeneratedBy": {"_:g1": {"prov:entity": "ex:model", "prov:activity": "ex:train"}},
    "wasDerivedFrom": {"_:d1": {"prov:generatedEntity": "ex:model", "prov:usedEntity": "ex:data"}},
    "wasAssociatedWith": {"_:a1": {"prov:activity": "ex:train", "prov:agent": "ex:alice"}},
    "wasAttributedTo": {"_:t1": {"prov:entity": "ex:model", "prov:agent": "ex:alice"}},
}
PROVN = """document
  prefix ex <http://example.org/>
  entity(ex:data, [prov:label="data.csv"])
  entity(ex:model, [prov:value="0.93" %% xsd:double])
  activity(ex:train)
  agent(ex:alice, [prov:type='prov:Person'])
  used(ex:train, ex:data, -)
  wasGeneratedBy(ex:model, ex:train, -)
  wasDerivedFrom(ex:model, ex:data)
  wasAssociatedWith(ex:train, ex:alice, -)
  wasAttributedTo(ex:model, ex:alice)
endDocument
"""
NODES = {"data.csv", "ex:model\n= 0.93", "ex:train", "ex:alice"}
EDGES = {
    ("ex:train", "data.csv", "used"),
    ("ex:model\n= 0.93", "ex:train", "wasGeneratedBy"),
    ("ex:model\n= 0.93", "data.csv", "wasDerivedFrom"),
    ("ex:train", "ex:alice", "wasAssociatedWith"),
    ("ex:model\n= 0.93", "ex:alice", "wasAttributedTo"),
}
KINDS = {"data.csv": "prov-entity", "ex:model\n= 0.93": "prov-entity", "ex:train": "prov-activity",
         "ex:alice": "prov-agent"}


def _check(svg: str | bytes) -> None:
    parsed = parse_svg(svg)
    assert parsed.nodes() == NODES
    assert parsed.edges == EDGES
    for name, label in parsed.labels.items():
        assert KINDS[label] in parsed.classes[name]


def test_prov_json_document_through_the_cli(project) -> None:  # type: ignore[no-untyped-def]
    (project.root / "doc.json").write_text(json.dumps(DOC))
    project.run("dot", "--input", "doc.json", "-o", "doc.svg")  # no provbridge store needed
    _check((project.root / "doc.svg").read_bytes())


def test_prov_n_document(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "doc.provn"
    path.write_text(PROVN)
    _check(document_graph(path).svg())


def test_agent_is_an_orange_house(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "doc.json"
    path.write_text(json.dumps(DOC))
    diagram = document_graph(path)
    shapes = {n.get("label"): (n.get("shape"), n.get("fillcolor")) for n in diagram.get_nodes()}
    assert shapes["ex:alice"] == ("house", "#FED37F")


def test_bundles_become_clusters(tmp_path) -> None:  # type: ignore[no-untyped-def]
    doc = {"prefix": {"ex": "http://example.org/"}, "entity": {"ex:b1": {"prov:type": "prov:Bundle"}},
           "bundle": {"ex:b1": {"entity": {"ex:x": {}}, "activity": {"ex:p": {}},
                                "wasGeneratedBy": {"_:g": {"prov:entity": "ex:x", "prov:activity": "ex:p"}}}}}
    path = tmp_path / "bundled.json"
    path.write_text(json.dumps(doc))
    diagram = document_graph(path)
    clusters = diagram.get_subgraphs()
    assert [c.get("label") for c in clusters] == ["bundle ex:b1"]
    assert {n.get("label") for n in clusters[0].get_nodes()} == {"ex:x", "ex:p"}
    assert ("ex:x", "ex:p", "wasGeneratedBy") in parse_svg(diagram.svg()).edges


def test_malformed_document_is_a_one_line_error(project) -> None:  # type: ignore[no-untyped-def]
    (project.root / "bad.json").write_text("{not json")
    proc = project.run("dot", "--input", "bad.json", check=False)
    assert proc.returncode != 0
    assert proc.stderr.startswith("provbridge: error:") and proc.stderr.strip().count("\n") == 0


def test_unknown_extension_needs_a_format(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "doc.weird"
    path.write_text(PROVN)
    with pytest.raises(FormatError, match="input-format"):
        document_graph(path)
    assert document_graph(path, "provn").node_count == 4
