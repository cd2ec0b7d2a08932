"""PROV-O <-> PROV-DM by the qualified-pattern tables: what the issue found lost is kept, blank nodes get
stable ids, what PROV-DM cannot say is kept as attributes and named in a warning."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from provbridge.provdm.model import PROV, RDF_LANGSTRING, XSD, XSD_DATETIME, Literal, Record, canonical
from provbridge.provdm.names import GENID
from provbridge.provdm.rdf import from_quads, to_quads
from tests.provdm.documents import ALPACA_TTL, CORPUS, CWLPROV_TRIG, QUALIFIED_TTL, corpus_files

EX = "http://example.org/run/"
UUID = "urn:uuid:8f5e0c1a-0000-4000-8000-000000000001"


def read(text: str, fmt: ox.RdfFormat = ox.RdfFormat.TRIG) -> tuple[list[Record], dict[str | None, list[Record]]]:
    document = from_quads(ox.parse(text.encode(), format=fmt))
    graphs: dict[str | None, list[Record]] = {None: list(document.records)}
    for bundle in document.bundles:
        graphs[bundle.id] = list(bundle.records)
    return [r for records in graphs.values() for r in records], graphs


def test_two_associations_keep_their_agents_and_plans() -> None:
    records, _ = read(CWLPROV_TRIG)
    associations = {(r.arg("prov:agent"), r.arg("prov:plan")) for r in records if r.kind == "wasAssociatedWith"}
    assert associations == {(EX + "cwltool", EX + "main.cwl"), (EX + "ada", EX + "job.yml")}
    assert len([r for r in records if r.kind == "wasAssociatedWith"]) == 2  # the shortcuts are absorbed


def test_nodes_typed_only_by_other_vocabularies_keep_times_and_attributes() -> None:
    records, _ = read(ALPACA_TTL, ox.RdfFormat.TURTLE)
    execution = next(r for r in records if r.kind == "activity")
    assert execution.id == "urn:fz-juelich.de:alpaca:execution:1"
    assert execution.args == (("prov:startTime", Literal("2022-05-02T12:34:56.123456", XSD_DATETIME)),
                              ("prov:endTime", Literal("2022-05-02T12:34:57.000001", XSD_DATETIME)))
    assert set(execution.attrs) == {(PROV + "type", "http://alpaca.example/ontology#FunctionExecution"),
                                    ("http://alpaca.example/ontology#executionOrder", Literal("1", XSD + "integer"))}
    kinds = sorted((r.kind, r.id) for r in records if r.kind in ("entity", "agent"))
    assert kinds == [("agent", "urn:fz-juelich.de:alpaca:script"), ("entity", "urn:fz-juelich.de:alpaca:object:a"),
                     ("entity", "urn:fz-juelich.de:alpaca:object:b")]
    source = set(ox.parse(ALPACA_TTL.encode(), format=ox.RdfFormat.TURTLE))
    written = set(to_quads(from_quads(source)))
    assert source <= written and len(written - source) == 4  # all 13 triples, plus the 4 nodes' PROV classes


def test_subclass_typing_and_times() -> None:
    _, graphs = read(CWLPROV_TRIG)
    bundle = graphs[EX + "provenance"]
    step = next(r for r in bundle if r.id == EX + "step1")
    assert step.kind == "activity" and step.types == ["http://purl.org/wf4ever/wfprov#ProcessRun"]
    assert step.arg("prov:startTime") == Literal("2024-05-01T10:00:01+00:00", XSD_DATETIME)
    plan = next(r for r in bundle if r.id == EX + "main.cwl")
    assert (plan.kind, plan.types) == ("entity", [PROV + "Plan"])
    assert plan.attr_values(PROV + "label") == [Literal("main.cwl")]
    ada = next(r for r in bundle if r.id == EX + "ada")
    assert ada.kind == "agent" and ada.types == [PROV + "Person"]


def test_bundles_and_their_descriptions() -> None:
    _, graphs = read(CWLPROV_TRIG)
    assert set(graphs) == {None, EX + "provenance", EX + "later"}
    top = {(r.kind, r.arguments.get("prov:time") or r.arguments.get("prov:agent")) for r in graphs[None]}
    assert top == {("entity", None), ("wasGeneratedBy", Literal("2024-05-01T10:00:05+00:00", XSD_DATETIME)),
                   ("wasAttributedTo", EX + "cwltool")}
    assert next(r for r in graphs[None] if r.kind == "entity").types == [PROV + "Bundle"]
    mention = next(r for r in graphs[EX + "later"] if r.kind == "mentionOf")
    assert mention.arguments == {"prov:specificEntity": EX + "report", "prov:generalEntity": EX + "12345",
                                 "prov:bundle": EX + "provenance"}


def test_inverse_collection_alternate_and_specialization() -> None:
    _, graphs = read(CWLPROV_TRIG)
    bundle = graphs[EX + "provenance"]
    pairs = {(r.kind, tuple(v for _, v in r.args)) for r in bundle if r.kind in (
        "hadMember", "alternateOf", "specializationOf", "wasInformedBy")}
    assert pairs == {("hadMember", (EX + "outputs", EX + "12345")), ("alternateOf", (EX + "copy", EX + "12345")),
                     ("specializationOf", (EX + "12345", EX + "content")), ("wasInformedBy", (EX + "step1", UUID))}
    generations = [r for r in bundle if r.kind == "wasGeneratedBy"]
    assert [(g.id, g.arg("prov:activity"), g.attr_values(PROV + "role")) for g in generations] == [
        (EX + "gen1", EX + "step1", [EX + "output"])]  # prov:generated is the same generation: absorbed


def test_blank_nodes_get_stable_ids_and_come_back_as_blank_nodes() -> None:
    records, _ = read(CWLPROV_TRIG)
    blank = next(r for r in records if r.kind == "entity" and r.id and r.id.startswith(GENID))
    assert blank.attr_values(PROV + "label") == [Literal("input.txt")]
    relabelled = CWLPROV_TRIG.replace("_:input", "_:renamed")
    assert blank.id in {r.id for r in read(relabelled)[0]}  # the id comes from the node's triples, not its label
    quads = to_quads(from_quads(ox.parse(CWLPROV_TRIG.encode(), format=ox.RdfFormat.TRIG)))
    assert not any(GENID in str(term) for q in quads for term in (q.subject, q.object))
    again = from_quads(quads)
    assert blank.id in {r.id for _, r in again.all_records()}


def test_what_prov_dm_cannot_express_is_kept_and_warned() -> None:
    text = """@prefix prov: <http://www.w3.org/ns/prov#> . @prefix ex: <http://example.org/> .
    @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
    ex:lab ex:city "Paris" .
    ex:u a prov:Usage ; prov:entity ex:e ; prov:atTime "2024-01-01T00:00:00Z"^^xsd:dateTime,
        "2024-01-02T00:00:00Z"^^xsd:dateTime .
    ex:a prov:qualifiedUsage ex:u ."""
    document = from_quads(ox.parse(text.encode(), format=ox.RdfFormat.TURTLE))
    lab = next(r for r in document.records if r.id == "http://example.org/lab")
    assert (lab.kind, lab.attrs) == ("entity", (("http://example.org/city", Literal("Paris")),))
    usage = next(r for r in document.records if r.kind == "used")
    assert usage.arg("prov:time") == Literal("2024-01-01T00:00:00Z", XSD_DATETIME)
    assert usage.attrs == ((PROV + "atTime", Literal("2024-01-02T00:00:00Z", XSD_DATETIME)),)
    assert document.warnings == (
        "document: <http://example.org/u> has a second http://www.w3.org/ns/prov#atTime (or a literal): kept as an "
        "attribute",
        "document: nodes with no PROV type or PROV property, kept as entities: <http://example.org/lab>",
    )


def test_an_influence_node_shared_by_two_agents_is_two_associations_in_a_fixed_order() -> None:
    text = """@prefix prov: <http://www.w3.org/ns/prov#> . @prefix ex: <http://example.org/> .
    ex:run prov:qualifiedAssociation ex:assoc ; prov:wasAssociatedWith ex:b, ex:a .
    ex:assoc a prov:Association ; prov:agent ex:b, ex:a ; prov:hadPlan ex:plan ."""
    document = from_quads(ox.parse(text.encode(), format=ox.RdfFormat.TURTLE))
    found = [(r.id, r.arg("prov:agent"), r.arg("prov:plan")) for r in document.records]
    assert found == [("http://example.org/assoc", "http://example.org/" + agent, "http://example.org/plan")
                     for agent in ("a", "b")]
    assert canonical(from_quads(to_quads(document))) == canonical(document)
    assert document.warnings == ("document: <http://example.org/assoc> names 2 http://www.w3.org/ns/prov#agent: "
                                 "read as as many wasAssociatedWith records sharing its id and other arguments",)


def test_plain_relation_beside_a_qualified_one_survives() -> None:
    plain = Record.make("wasDerivedFrom", None, {"prov:generatedEntity": "http://e/2", "prov:usedEntity": "http://e/1"})
    typed = Record.make("wasDerivedFrom", None, dict(plain.args), [(PROV + "type", Literal("physical transform"))])
    revision = Record.make("wasDerivedFrom", None, dict(plain.args), [(PROV + "type", PROV + "Revision")])
    from provbridge.provdm.model import Document

    document = Document(records=(plain, typed, revision))
    assert canonical(from_quads(to_quads(document))) == canonical(document)
    predicates = {q.predicate.value for q in to_quads(Document(records=(revision,)))}
    assert predicates == {PROV + "wasRevisionOf"}  # a subtype alone needs no qualified node


def test_language_strings() -> None:
    text = '@prefix prov: <http://www.w3.org/ns/prov#> . <http://e> a prov:Entity ; prov:value "x"@fr .'
    record = from_quads(ox.parse(text.encode(), format=ox.RdfFormat.TURTLE)).records[0]
    assert record.attrs == ((PROV + "value", Literal("x", RDF_LANGSTRING, "fr")),)


@pytest.mark.parametrize("path", [p for p in corpus_files("rdf", ".ttl") if "scruffy" not in p.name][::7],
                         ids=lambda p: p.name)
def test_corpus_prov_o_round_trips(path: Path) -> None:
    document = from_quads(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE))
    assert document.warnings == ()
    again = from_quads(to_quads(document))
    assert canonical(again) == canonical(document) and to_quads(again) == to_quads(document)


def test_corpus_is_there() -> None:
    assert len(corpus_files("rdf", ".ttl")) > 300 and (CORPUS / "schemas" / "prov.xsd").exists()


def test_an_unqualified_influence_node_names_its_subject() -> None:
    text = """@prefix prov: <http://www.w3.org/ns/prov#> . @prefix ex: <http://example.org/> .
    [] a prov:Usage ; prov:activity ex:a ; prov:entity ex:e .
    [] a prov:Attribution ; prov:entity ex:e ; prov:agent ex:ag ."""
    document = from_quads(ox.parse(text.encode(), format=ox.RdfFormat.TURTLE))
    assert sorted((r.kind, r.args) for r in document.records) == [
        ("used", (("prov:activity", "http://example.org/a"), ("prov:entity", "http://example.org/e"))),
        ("wasAttributedTo", (("prov:entity", "http://example.org/e"), ("prov:agent", "http://example.org/ag")))]


def test_every_row_of_the_qualified_pattern_table() -> None:
    document = from_quads(ox.parse(QUALIFIED_TTL.encode(), format=ox.RdfFormat.TURTLE))
    ex = "http://example.org/"

    def short(value: object) -> object:
        if isinstance(value, Literal):
            return value.value
        return str(value).replace(ex, "ex:").replace(PROV, "prov:")

    found = sorted((r.kind, short(r.id), tuple((k, short(v)) for k, v in r.args),
                    tuple(sorted((short(k), short(v)) for k, v in r.attrs))) for r in document.records)
    assert found == sorted([
        ("wasGeneratedBy", "None", (("prov:entity", "ex:chart"), ("prov:activity", "ex:illustrate"),
                                    ("prov:time", "2012-04-03T00:00:01Z")), ()),
        ("used", "ex:use1", (("prov:activity", "ex:illustrate"), ("prov:entity", "ex:data")),
         (("prov:location", "ex:lab"), ("prov:role", "ex:input"))),
        ("wasInformedBy", "None", (("prov:informed", "ex:illustrate"), ("prov:informant", "ex:aggregate")), ()),
        ("wasStartedBy", "None", (("prov:activity", "ex:illustrate"), ("prov:trigger", "ex:email"),
                                  ("prov:starter", "ex:boss"), ("prov:time", "2012-04-03T00:00:00Z")), ()),
        ("wasEndedBy", "None", (("prov:activity", "ex:illustrate"), ("prov:trigger", "ex:done")), ()),
        ("wasInvalidatedBy", "None", (("prov:entity", "ex:draft"), ("prov:activity", "ex:illustrate")), ()),
        ("wasDerivedFrom", "None", (("prov:generatedEntity", "ex:chart"), ("prov:usedEntity", "ex:data"),
                                    ("prov:activity", "ex:illustrate"), ("prov:generation", "ex:gen9"),
                                    ("prov:usage", "ex:use1")), ()),
        ("wasDerivedFrom", "None", (("prov:generatedEntity", "ex:chart2"), ("prov:usedEntity", "ex:chart")),
         (("prov:type", "prov:Revision"),)),
        ("wasDerivedFrom", "None", (("prov:generatedEntity", "ex:quote"), ("prov:usedEntity", "ex:article")),
         (("prov:type", "prov:Quotation"),)),
        ("wasDerivedFrom", "None", (("prov:generatedEntity", "ex:article"), ("prov:usedEntity", "ex:census")),
         (("prov:type", "prov:PrimarySource"),)),
        ("wasAttributedTo", "None", (("prov:entity", "ex:chart"), ("prov:agent", "ex:derek")), ()),
        ("wasAssociatedWith", "None", (("prov:activity", "ex:illustrate"), ("prov:agent", "ex:derek"),
                                       ("prov:plan", "ex:instructions")), (("prov:role", "ex:illustrator"),)),
        ("actedOnBehalfOf", "None", (("prov:delegate", "ex:derek"), ("prov:responsible", "ex:chartgen"),
                                     ("prov:activity", "ex:illustrate")), ()),
        ("wasInfluencedBy", "None", (("prov:influencee", "ex:chart"), ("prov:influencer", "ex:trend")), ()),
    ])
    assert document.warnings == ()
    again = from_quads(to_quads(document))
    assert canonical(again) == canonical(document)
