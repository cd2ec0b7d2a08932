"""`provbridge dot --input` through our own PROV readers: several associations per activity with their
plans, bundles, subclass-typed nodes, blank nodes and PROV-JSONLD drawn, the same bytes on every run."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import orjson
import pytest

from provbridge.render import document_graph
from provbridge.render.provdoc import draw_document
from tests.provdm.documents import ASSOCIATIONS_TTL, CWLPROV_TRIG

from .helpers import parse_svg


def _dot_twice(path: Path) -> str:
    """The DOT of ``path`` from two separate processes with different hash seeds; they must agree."""
    outputs = []
    for seed in ("1", "2"):
        env = {k: v for k, v in os.environ.items() if not k.startswith("PROVBRIDGE")}
        env["PYTHONHASHSEED"] = seed
        proc = subprocess.run([sys.executable, "-m", "provbridge", "dot", "--input", str(path)], env=env,
                              capture_output=True, text=True, timeout=120, check=True)
        outputs.append(proc.stdout)
    assert outputs[0] == outputs[1]
    return outputs[0]


def test_two_associations_with_their_plans(tmp_path: Path) -> None:
    path = tmp_path / "run.ttl"
    path.write_text(ASSOCIATIONS_TTL)
    diagram = document_graph(path)
    parsed = parse_svg(diagram.svg())
    assert parsed.nodes() == {"ex:run", "ex:cwltool", "ex:ada", "ex:main.cwl", "ex:job.yml"}
    assert parsed.edges == {("ex:run", "ex:cwltool", "wasAssociatedWith"), ("ex:run", "ex:ada", "wasAssociatedWith"),
                            ("ex:run", "ex:main.cwl", "hadPlan"), ("ex:run", "ex:job.yml", "hadPlan")}
    kinds = {n.get("label"): n.get("shape") for n in diagram.get_nodes()}
    assert kinds["ex:cwltool"] == kinds["ex:ada"] == "house"  # prov:SoftwareAgent, prov:Person: agents
    assert _dot_twice(path) == diagram.source()


def test_cwlprov_bundles_subclasses_and_blank_nodes(tmp_path: Path) -> None:
    path = tmp_path / "run.trig"
    path.write_text(CWLPROV_TRIG)
    diagram = document_graph(path)
    clusters = {c.get("label"): {n.get("label") for n in c.get_nodes()} for c in diagram.get_subgraphs()}
    assert set(clusters) == {"bundle ex:provenance", "bundle ex:later"}
    assert {"workflow run", "ex:step1", "input.txt\n= hello", "ex:12345", "cwltool 3.1"} <= clusters[
        "bundle ex:provenance"]
    parsed = parse_svg(diagram.svg())
    assert {("ex:step1", "workflow run", "wasInformedBy"), ("ex:step1", "input.txt\n= hello", "used"),
            ("ex:12345", "ex:step1", "wasGeneratedBy"), ("ex:12345", "input.txt\n= hello", "wasDerivedFrom"),
            ("ex:report", "ex:12345", "mentionOf"), ("ex:report", "ex:provenance", "asInBundle"),
            ("ex:provenance", "cwltool 3.1", "wasAttributedTo")} <= parsed.edges
    nodes = [*diagram.get_nodes(), *(n for c in diagram.get_subgraphs() for n in c.get_nodes())]
    shapes = {n.get("label"): n.get("shape") for n in nodes}
    activity = shapes["workflow run"]
    assert shapes["ex:step1"] == activity != shapes["ex:12345"]  # typed only by wfprov:ProcessRun: an activity
    assert _dot_twice(path) == diagram.source()


def test_prov_jsonld_is_drawn(tmp_path: Path) -> None:
    path = tmp_path / "doc.jsonld"
    path.write_bytes(orjson.dumps({
        "@context": [{"ex": "http://example.org/"}, "https://openprovenance.org/prov-jsonld/context.jsonld"],
        "@graph": [{"@type": "Activity", "@id": "ex:a"}, {"@type": "Entity", "@id": "ex:e", "label": ["data"]},
                   {"@type": "Usage", "activity": "ex:a", "entity": "ex:e"},
                   {"@type": "Bundle", "@id": "ex:b", "@graph": [{"@type": "Agent", "@id": "ex:ag"}]}]}))
    diagram = document_graph(path)
    assert parse_svg(diagram.svg()).edges == {("ex:a", "data", "used")}
    assert [c.get("label") for c in diagram.get_subgraphs()] == ["bundle ex:b"]


def test_a_prov_package_document_is_drawn_the_same(tmp_path: Path) -> None:
    from prov.model import ProvDocument

    doc = {"prefix": {"ex": "http://example.org/"}, "entity": {"ex:x": {}}, "activity": {"ex:p": {}},
           "wasGeneratedBy": {"_:g": {"prov:entity": "ex:x", "prov:activity": "ex:p"}}}
    path = tmp_path / "doc.json"
    path.write_text(json.dumps(doc))
    theirs = ProvDocument.deserialize(content=json.dumps(doc), format="json")
    drawing = draw_document(theirs, "doc.json")
    assert [(e.src, e.dst, e.label) for e in drawing.edges] == [("n0", "n1", "wasGeneratedBy")]
    assert {n.label for n in drawing.nodes.values()} == {"ex:x", "ex:p"}
    assert document_graph(path).source() == document_graph(path).source()


def test_unreadable_document_is_one_line(tmp_path: Path) -> None:
    from provbridge.errors import FormatError

    path = tmp_path / "bad.jsonld"
    path.write_text('{"@context": "https://openprovenance.org/prov-jsonld/context.jsonld", "@graph": [{"@type": "X"}]}')
    with pytest.raises(FormatError, match=r"^cannot read .*bad\.jsonld as PROV \(JSON-LD\): PROV-JSONLD: unknown "
                                          r"statement type 'X'$"):
        document_graph(path)
