"""PROV-O exports: independent parsers (pyoxigraph, rdflib, rapper), exact triples, typed literals,
SHACL shapes and OWL-RL consistency with the W3C PROV-O ontology."""

from __future__ import annotations

import os
import shutil
import subprocess
from datetime import datetime, timezone
from pathlib import Path

import pyoxigraph
import pytest
import rdflib

from provbridge.export import export_bytes, to_rdf
from provbridge.store.store import Trial

PROV = "http://www.w3.org/ns/prov#"
PB = "https://w3id.org/provbridge/ns#"
XSD = "http://www.w3.org/2001/XMLSchema#"
OXI = {"ttl": pyoxigraph.RdfFormat.TURTLE, "trig": pyoxigraph.RdfFormat.TRIG, "nq": pyoxigraph.RdfFormat.N_QUADS,
       "nt": pyoxigraph.RdfFormat.N_TRIPLES, "jsonld": pyoxigraph.RdfFormat.JSON_LD}
RDFLIB = {"ttl": "turtle", "trig": "trig", "nq": "nquads", "nt": "nt", "jsonld": "json-ld"}
TRIPLES = 824  # 3 bundle descriptions (9 triples) + the three trials' graphs (18 variables with pb:finalVersion,
# 17 operation steps, 3 file contents with their 3 specializations)


def quads(data: bytes, fmt: str) -> list[pyoxigraph.Quad]:
    return list(pyoxigraph.parse(data, format=OXI[fmt]))


def as_triples(items: list) -> set[tuple]:
    return {(q.subject, q.predicate, q.object) for q in items}


@pytest.mark.parametrize("fmt", sorted(OXI))
def test_parsers_agree_without_base_iri(exports: dict[str, bytes], fmt: str) -> None:
    data = exports[fmt]
    parsed = quads(data, fmt)
    assert len(as_triples(parsed)) == TRIPLES
    reference = as_triples(quads(exports["nq"], "nq"))
    assert as_triples(parsed) == reference
    dataset = rdflib.Dataset()
    dataset.parse(data=data, format=RDFLIB[fmt])
    assert len({t for t in dataset.quads((None, None, None, None))}) >= TRIPLES
    for s, p, o, _ in dataset.quads((None, None, None, None)):
        for term in (s, p, o):
            if isinstance(term, rdflib.URIRef):
                assert str(term).startswith(("https://w3id.org/provbridge/", "http://www.w3.org/", "file:///")), term
            if isinstance(term, rdflib.Literal):
                assert not term.ill_typed, term


@pytest.mark.parametrize("fmt", ["trig", "nq", "jsonld"])
def test_one_named_graph_per_trial(exports: dict[str, bytes], trials: list[Trial], fmt: str) -> None:
    graphs = {q.graph_name for q in quads(exports[fmt], fmt)}
    names = {pyoxigraph.NamedNode(f"https://w3id.org/provbridge/trial/{t.uuid}/bundle") for t in trials}
    assert graphs == names | {pyoxigraph.DefaultGraph()}


@pytest.mark.skipif(shutil.which("rapper") is None, reason="rapper (Debian raptor2-utils) is not installed")
@pytest.mark.parametrize(("fmt", "syntax"), [("ttl", "turtle"), ("trig", "trig"), ("nt", "ntriples"),
                                             ("nq", "nquads")])
def test_rapper_parses(exports: dict[str, bytes], tmp_path: Path, fmt: str, syntax: str) -> None:
    path = tmp_path / f"doc.{fmt}"
    path.write_bytes(exports[fmt])
    done = subprocess.run(["rapper", "-i", syntax, "-c", str(path)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert f"returned {TRIPLES} triples" in done.stderr or f"returned {TRIPLES} " in done.stderr


def test_unqualified_and_qualified_forms(script: Trial) -> None:
    data = export_bytes(script, "nt")
    graph = rdflib.Graph().parse(data=data, format="nt")
    ns = rdflib.Namespace(f"https://w3id.org/provbridge/trial/{script.uuid}/")
    prov = rdflib.Namespace(PROV)
    pb = rdflib.Namespace(PB)
    assert (ns.e8, prov.used, ns.v7) in graph
    assert (ns.e8, prov.qualifiedUsage, ns["use-f1"]) in graph
    assert (ns["use-f1"], rdflib.RDF.type, prov.Usage) in graph
    assert (ns["use-f1"], prov.entity, ns.v7) in graph
    when = graph.value(ns["use-f1"], prov.atTime)
    assert when.datatype == rdflib.XSD.dateTime
    assert when.value == datetime(2023, 11, 14, 22, 13, 20, 500000, tzinfo=timezone.utc)
    assert '"2023-11-14T22:13:20.500000Z"^^<http://www.w3.org/2001/XMLSchema#dateTime>' in data.decode()
    assert (ns.v14, prov.wasRevisionOf, ns["f2-before"]) in graph
    assert (ns.v14, prov.wasDerivedFrom, ns["f2-before"]) in graph
    assert (ns.trial, prov.qualifiedAssociation, ns["assoc-python"]) in graph
    assert graph.value(ns["assoc-python"], prov.hadPlan).startswith(str(ns) + "plan-")
    assert (ns.v2, prov.wasGeneratedBy, ns.e3) in graph
    assert not list(graph.triples((ns.v2, prov.qualifiedGeneration, None)))  # nothing to qualify
    assert (ns.v11, prov.wasDerivedFrom, ns.v10) in graph
    assert (ns.e3, pb.partOf, ns.trial) in graph
    assert graph.value(ns.v2, prov.value) == rdflib.Literal("3", datatype=rdflib.XSD.int)
    assert graph.value(ns.v4, prov.value) == rdflib.Literal("true", datatype=rdflib.XSD.boolean)
    assert graph.value(ns.v16, prov.value) == rdflib.Literal(str(2**70), datatype=rdflib.XSD.integer)
    assert graph.value(ns.v5, prov.value) == rdflib.Literal("héllo")
    weird = ns["var-my.20var.20.22.C3.BC.22.20.231"]
    assert graph.value(weird, pb.name) == rdflib.Literal('my var "ü" #1')
    assert (ns.v7, prov.atLocation, rdflib.URIRef("file:///tmp/pb%20data/in%20put%231.csv")) in graph
    assert set(graph.objects(ns.trial, rdflib.RDF.type)) == {prov.Activity, pb.Trial}
    start = graph.value(ns.trial, prov.startedAtTime)
    assert start.datatype == rdflib.XSD.dateTime and start.value.tzinfo is not None


def test_to_rdf_dataset(script: Trial) -> None:
    dataset = to_rdf(script)
    assert isinstance(dataset, rdflib.Dataset)
    graph = dataset.graph(rdflib.URIRef(f"https://w3id.org/provbridge/trial/{script.uuid}/bundle"))
    assert len(graph) == 552  # 14 variables, each with its pb:finalVersion; 12 operation steps; 3 contents
    assert len(list(dataset.quads((None, None, None, None)))) == 555  # + the bundle description


def test_shacl_shapes_conform(exports: dict[str, bytes], repo_schemas: Path) -> None:
    pyshacl = pytest.importorskip("pyshacl")
    shapes = rdflib.Graph().parse(repo_schemas / "provbridge-shapes.ttl", format="turtle")
    dataset = rdflib.Dataset()
    dataset.parse(data=exports["trig"], format="trig")
    conforms, _, text = pyshacl.validate(dataset, shacl_graph=shapes, inference="none")
    assert conforms, text


def test_shacl_shapes_catch_problems(exports: dict[str, bytes], repo_schemas: Path) -> None:
    pyshacl = pytest.importorskip("pyshacl")
    shapes = rdflib.Graph().parse(repo_schemas / "provbridge-shapes.ttl", format="turtle")
    lines = exports["nq"].decode().splitlines()

    def drop(line: str) -> bool:
        subject, predicate = line.split(" ")[:2]
        return ((subject.endswith("/trial>") and predicate == f"<{PROV}endedAtTime>")
                or (subject.endswith("/v2>") and predicate == f"<{PROV}wasGeneratedBy>")
                or (subject.endswith("/v7>") and predicate == f"<{PB}sha256>"))

    dropped = [line for line in lines if drop(line)]
    assert len(dropped) == 3 + 2 + 1  # every trial's end; v2 of the script and notebook trials; a file hash
    kept = "\n".join(line for line in lines if line not in dropped)
    dataset = rdflib.Dataset()
    dataset.parse(data=kept, format="nquads")
    conforms, report, _ = pyshacl.validate(dataset, shacl_graph=shapes, inference="none")
    assert not conforms
    sh = rdflib.Namespace("http://www.w3.org/ns/shacl#")
    paths = sorted(str(report.value(r, sh.resultPath)).rsplit("#", 1)[1]
                   for r in report.subjects(rdflib.RDF.type, sh.ValidationResult))
    assert paths == ["endedAtTime"] * 3 + ["sha256"] + ["wasGeneratedBy"] * 2


def _prov_o() -> Path:
    """The W3C PROV-O ontology, from the npm package @zazuko/rdf-vocabularies (installed once into a cache)."""
    cache = Path(os.environ.get("PROVBRIDGE_TEST_CACHE", Path.home() / ".cache" / "provbridge-tests")) / "npm"
    target = cache / "node_modules" / "@zazuko" / "rdf-vocabularies" / "ontologies" / "prov.nq"
    if target.is_file():
        return target
    npm = shutil.which("npm")
    if npm is None:
        pytest.skip("npm is not installed: cannot fetch the W3C PROV-O ontology (@zazuko/rdf-vocabularies)")
    cache.mkdir(parents=True, exist_ok=True)
    done = subprocess.run([npm, "install", "--prefix", str(cache), "--no-audit", "--no-fund",
                           "@zazuko/rdf-vocabularies"], capture_output=True, text=True, timeout=600)
    if done.returncode != 0 or not target.is_file():
        pytest.skip(f"could not install @zazuko/rdf-vocabularies with npm: {done.stderr.strip()[-300:]}")
    return target


# owlrl (7.x) rejects valid xsd:double lexical forms: INF, -INF, NaN and zero (its range check excludes 0).
OWLRL_DOUBLE_BUG = ("'INF'", "'-INF'", "'NaN'", "'0.0'", "'-0.0'")


def test_owl_rl_consistent_with_prov_o(exports: dict[str, bytes], repo_schemas: Path) -> None:
    owlrl = pytest.importorskip("owlrl")
    from owlrl.Namespaces import ERRNS

    ontology = _prov_o()
    rdflib.NORMALIZE_LITERALS = False
    try:
        graph = rdflib.Graph()
        for s, p, o, _ in rdflib.Dataset().parse(ontology, format="nquads").quads((None, None, None, None)):
            graph.add((s, p, o))
        assert (rdflib.URIRef(PROV + "Activity"), rdflib.OWL.disjointWith, rdflib.URIRef(PROV + "Entity")) in graph
        graph.parse(repo_schemas / "provbridge.ttl", format="turtle")
        graph.parse(data=exports["nt"], format="nt")
        before = len(graph)
        owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(graph)
    finally:
        rdflib.NORMALIZE_LITERALS = True
    assert len(graph) > before
    errors = [str(m) for m in graph.objects(None, ERRNS.error)]
    real = [e for e in errors if not (e.startswith("Lexical value of the literal")
                                      and e.endswith(f"({XSD}double)") and any(b in e for b in OWLRL_DOUBLE_BUG))]
    assert real == []
    # the inferences we rely on hold: a trial is an activity, a revision a derivation
    ns = next(iter(graph.subjects(rdflib.RDF.type, rdflib.URIRef(PB + "Trial"))))
    assert (ns, rdflib.RDF.type, rdflib.URIRef(PROV + "Activity")) in graph


def test_owl_rl_detects_an_inconsistency(repo_schemas: Path) -> None:
    owlrl = pytest.importorskip("owlrl")
    from owlrl.Namespaces import ERRNS

    graph = rdflib.Graph()
    for s, p, o, _ in rdflib.Dataset().parse(_prov_o(), format="nquads").quads((None, None, None, None)):
        graph.add((s, p, o))
    graph.parse(data=f"<urn:x> a <{PB}VariableVersion>, <{PB}Trial> .", format="turtle")
    graph.parse(repo_schemas / "provbridge.ttl", format="turtle")
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(graph)
    assert any("Disjoint classes" in str(m) for m in graph.objects(None, ERRNS.error))


def test_vocabulary_specializes_prov_and_covers_exports(exports: dict[str, bytes], repo_schemas: Path) -> None:
    vocab = rdflib.Graph().parse(repo_schemas / "provbridge.ttl", format="turtle")
    classes = set(vocab.subjects(rdflib.RDF.type, rdflib.OWL.Class))
    assert len(classes) == 16
    for cls in classes:
        assert str(vocab.value(cls, rdflib.RDFS.subClassOf)).startswith(PROV), cls
    declared = {str(s) for s in vocab.subjects() if str(s).startswith(PB) and str(s) != PB}
    for term in declared:
        node = rdflib.URIRef(term)
        assert vocab.value(node, rdflib.RDFS.label) is not None and vocab.value(node, rdflib.RDFS.comment) is not None
    used = set()
    for q in quads(exports["nq"], "nq"):
        for term in (q.predicate, q.object):
            if isinstance(term, pyoxigraph.NamedNode) and term.value.startswith(PB) \
                    and not term.value.startswith(PB + "sha256-"):  # file contents (pb:sha256-<hex>), not terms
                used.add(term.value)
    assert used <= declared, used - declared
    assert len(used) >= 40
