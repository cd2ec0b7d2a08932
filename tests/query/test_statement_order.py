"""Statement order is pb:previousExecution, not prov:wasInformedBy (issue 21): no false dependencies when our
own export is imported back, in every format, and the vocabulary says why."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
import rdflib

from provbridge.api import Trial
from provbridge.export import export_bytes
from provbridge.export.validation import validate
from provbridge.schemas import schema_file
from tests.conftest import Project

PB = "https://w3id.org/provbridge/ns#"
PROV = "http://www.w3.org/ns/prov#"
FORMATS = ("json", "jsonld", "ttl", "trig", "nq", "nt", "xml", "provn")

# `e` depends on both versions of `c`, on `a` and `b`; `unused`, `d` and the file write ran in between and
# are order, not dependencies (through wasInformedBy they were: the 10 -> 27 growth of issue 21). `d`, like
# in the captured trial, means its final version, which does not depend on `a`.
SCRIPT = """
a = 1
b = 2
unused = 100
c = a + b
d = a
with open("out.txt", "w") as f:
    f.write(str(c))
d = unused * 2
c = c + 1
e = c * 2
"""
E_DEPS = [("activity", "a = 1"), ("activity", "b = 2"), ("activity", "c = a + b"), ("activity", "c = c + 1"),
          ("activity", "e = c * 2"), ("entity", "a"), ("entity", "b"), ("entity", "c"), ("entity", "c")]


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Project:
    return Project(tmp_path_factory.mktemp("order"))


@pytest.fixture(scope="module")
def captured(project: Project) -> Trial:
    return project.capture(SCRIPT)


def executions(trial: Trial) -> dict[int, int]:
    """{execution: the previous execution of the same parent}, from the store's rows."""
    previous: dict[int, int] = {}
    last: dict[int | None, int] = {}
    for exec_id, parent in trial.conn.execute(
            "SELECT id, parent FROM executions WHERE trial_id = ? ORDER BY id", (trial.id,)):
        if parent in last:
            previous[exec_id] = last[parent]
        last[parent] = exec_id
    return previous


def rows(frame: Any) -> list[tuple[str, str]]:
    return sorted((row.kind, row.name) for row in frame.itertuples())


@pytest.mark.parametrize("fmt", ["json", "trig"])
def test_deps_of_reimported_export_equal_captured(project: Project, captured: Trial, fmt: str) -> None:
    path = project.root / f"export.{fmt}"
    project.run("export", "-f", fmt, "-o", str(path), str(captured.id))
    project.run("import", str(path), "--name", f"back-{fmt}")
    store = project.store()
    back = store.trial(f"back-{fmt}")
    assert back.representation == "graph"
    expected = captured.deps("e")
    assert len(expected) == 4  # c (twice), a, b
    got = back.deps("e")
    assert rows(got) == E_DEPS  # 9 nodes: 4 versions and the 5 executions that generated them and e
    entities = set(got[got["kind"] == "entity"]["iri"])
    assert entities == set(expected["iri"])
    namespace = f"https://w3id.org/provbridge/trial/{captured.uuid}/"
    versions = [int(v) for v in expected["version"]]
    generators = {f"{namespace}e{exec_id}" for (exec_id,) in captured.conn.execute(
        f"SELECT exec_id FROM versions WHERE trial_id = ? AND (id IN ({','.join('?' * len(versions))}) "
        "OR name = 'e')", (captured.id, *versions))}
    assert set(got[got["kind"] == "activity"]["iri"]) == generators
    final_d = back.deps("d")
    assert rows(final_d) == [("activity", "d = unused * 2"), ("activity", "unused = 100"), ("entity", "unused")]
    assert set(final_d[final_d["kind"] == "entity"]["iri"]) == set(captured.deps("d")["iri"])
    impact_a = back.impact("a")  # every version of a, as in the captured trial
    assert set(impact_a[impact_a["kind"] == "entity"]["iri"]) == set(captured.impact("a")["iri"])
    assert len(impact_a[impact_a["kind"] == "entity"]) == 6  # c (twice), d, e, f and out.txt written from c
    impact = back.impact("unused")
    assert rows(impact) == [("activity", "d = unused * 2"), ("entity", "d")]


def test_exports_carry_order_as_pb_property(captured: Trial) -> None:
    previous = executions(captured)
    assert len(previous) == 9  # 10 top-level statements (the with block's body among them)
    for fmt in FORMATS:
        data = export_bytes(captured, fmt)
        assert b"wasInformedBy" not in data and b"Communication" not in data, fmt
        assert b"previousExecution" in data, fmt
    namespace = f"https://w3id.org/provbridge/trial/{captured.uuid}/"
    quads = ox.parse(export_bytes(captured, "trig"), format=ox.RdfFormat.TRIG)
    found = {(q.subject.value, q.object.value) for q in quads if q.predicate.value == PB + "previousExecution"}
    assert found == {(f"{namespace}e{later}", f"{namespace}e{earlier}") for later, earlier in previous.items()}
    document = json.loads(export_bytes(captured, "json"))
    (bundle,) = document["bundle"].values()
    attrs = {ident.split(":", 1)[1]: value["pb:previousExecution"] for ident, value in bundle["activity"].items()
             if "pb:previousExecution" in value}
    assert {key: (value["$"].split(":", 1)[1], value["type"]) for key, value in attrs.items()} == {
        f"e{later}": (f"e{earlier}", "xsd:QName") for later, earlier in previous.items()}  # as pb:parentExecution
    assert "wasInformedBy" not in bundle


def test_vocabulary_types_previous_execution_without_prov_super_property() -> None:
    vocab = rdflib.Graph().parse(schema_file("provbridge.ttl"), format="turtle")
    term = rdflib.URIRef(PB + "previousExecution")
    assert set(vocab.objects(term, rdflib.RDF.type)) == {rdflib.OWL.ObjectProperty, rdflib.OWL.FunctionalProperty}
    assert vocab.value(term, rdflib.RDFS.domain) == rdflib.URIRef(PROV + "Activity")
    assert vocab.value(term, rdflib.RDFS.range) == rdflib.URIRef(PROV + "Activity")
    assert list(vocab.objects(term, rdflib.RDFS.subPropertyOf)) == []  # mere order: no PROV super-property
    comment = str(vocab.value(term, rdflib.RDFS.comment))
    assert "not a PROV influence" in comment and "prov:wasInformedBy" in comment


def test_shapes_refuse_order_as_communication(captured: Trial, tmp_path: Path) -> None:
    namespace = f"https://w3id.org/provbridge/trial/{captured.uuid}/"
    later, earlier = next(iter(executions(captured).items()))
    good = tmp_path / "good.nq"
    good.write_bytes(export_bytes(captured, "nq"))
    assert validate(good)[1] == []
    bad = tmp_path / "bad.nq"
    bad.write_bytes(good.read_bytes() + f"<{namespace}e{later}> <{PROV}wasInformedBy> <{namespace}e{earlier}> "
                    f"<{namespace}bundle> .\n".encode())
    problems = validate(bad)[1]
    assert len(problems) == 1 and "not prov:wasInformedBy" in problems[0], problems
