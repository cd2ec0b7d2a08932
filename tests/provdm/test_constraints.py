"""W3C PROV-CONSTRAINTS: one passing and one failing case (or more) per constraint, with the exact report;
``provbridge validate --constraints`` and the relaxations of ``validate``; ``import``'s warning."""

from __future__ import annotations

import io
from pathlib import Path

import prov
import pytest

from provbridge.api import open_store
from provbridge.cli.main import main
from provbridge.imports import import_document
from provbridge.provdm.constraints import Report, check
from provbridge.provdm.model import Document, Record
from provbridge.provdm.provn_read import parse_provn

EX = "http://example.org/"
T1, T2 = "2011-01-01T00:00:00Z", "2012-01-01T00:00:00Z"


def provn(body: str) -> str:
    return f"document\nprefix ex <{EX}>\n{body}\nendDocument\n"


def report(body: str) -> Report:
    return check(parse_provn(provn(body)))


def violations(body: str) -> list[str]:
    return [str(v) for v in report(body).violations]


FAILING = {
    "22 key-object": (
        f"activity(ex:a, {T1}, -)\nactivity(ex:a, {T2}, -)",
        f"unification: Constraint 22 (key-object): activity ex:a: {T1} and {T2} differ "
        f"[activity(ex:a, {T1}, -); activity(ex:a, {T2}, -)]"),
    "23 key-properties": (
        "used(ex:u; ex:a, ex:e1, -)\nused(ex:u; ex:a, ex:e2, -)",
        "unification: Constraint 23 (key-properties): used ex:u: ex:e1 and ex:e2 differ "
        "[used(ex:u; ex:a, ex:e1, -); used(ex:u; ex:a, ex:e2, -)]"),
    "23 a plan is not expandable": (
        "wasAssociatedWith(ex:as; ex:a, ex:ag, ex:plan)\nwasAssociatedWith(ex:as; ex:a, ex:ag, -)",
        "unification: Constraint 23 (key-properties): wasAssociatedWith ex:as: ex:plan and - differ "
        "[wasAssociatedWith(ex:as; ex:a, ex:ag, ex:plan); wasAssociatedWith(ex:as; ex:a, ex:ag, -)]"),
    "23 a derivation's activity is not expandable": (
        "wasDerivedFrom(ex:d; ex:e2, ex:e1, ex:a, -, -)\nwasDerivedFrom(ex:d; ex:e2, ex:e1)",
        "unification: Constraint 23 (key-properties): wasDerivedFrom ex:d: ex:a and - differ "
        "[wasDerivedFrom(ex:d; ex:e2, ex:e1, ex:a, -, -); wasDerivedFrom(ex:d; ex:e2, ex:e1, -, -, -)]"),
    "23 through inference 11": (
        "wasDerivedFrom(ex:d; ex:e2, ex:e1, ex:a, ex:g, ex:u)\nwasGeneratedBy(ex:g; ex:other, ex:a, -)",
        "unification: Constraint 23 (key-properties): wasGeneratedBy ex:g: ex:other and ex:e2 differ "
        "[wasDerivedFrom(ex:d; ex:e2, ex:e1, ex:a, ex:g, ex:u); wasGeneratedBy(ex:g; ex:other, ex:a, -)]"),
    "24 unique-generation": (
        "wasGeneratedBy(ex:g1; ex:e, ex:a, -)\nwasGeneratedBy(ex:g2; ex:e, ex:a, -)",
        "unification: Constraint 24 (unique-generation): wasGeneratedBys of ex:e by ex:a: ex:g1 and ex:g2 differ "
        "[wasGeneratedBy(ex:g1; ex:e, ex:a, -); wasGeneratedBy(ex:g2; ex:e, ex:a, -)]"),
    "25 unique-invalidation": (
        f"wasInvalidatedBy(ex:e, ex:a, {T1})\nwasInvalidatedBy(ex:e, ex:a, {T2})",
        f"unification: Constraint 25 (unique-invalidation): wasInvalidatedBys of ex:e by ex:a: {T1} and {T2} "
        f"differ [wasInvalidatedBy(ex:e, ex:a, {T1}); wasInvalidatedBy(ex:e, ex:a, {T2})]"),
    "26 unique-wasStartedBy": (
        "wasStartedBy(ex:s1; ex:a, ex:e, ex:b, -)\nwasStartedBy(ex:s2; ex:a, ex:e, ex:b, -)",
        "unification: Constraint 26 (unique-wasStartedBy): wasStartedBys of ex:a started by ex:b: ex:s1 and ex:s2 "
        "differ [wasStartedBy(ex:s1; ex:a, ex:e, ex:b, -); wasStartedBy(ex:s2; ex:a, ex:e, ex:b, -)]"),
    "27 unique-wasEndedBy": (
        f"wasEndedBy(ex:a, -, ex:b, {T1})\nwasEndedBy(ex:a, ex:e, ex:b, {T2})",
        f"unification: Constraint 27 (unique-wasEndedBy): wasEndedBys of ex:a ended by ex:b: {T1} and {T2} differ "
        f"[wasEndedBy(ex:a, -, ex:b, {T1}); wasEndedBy(ex:a, ex:e, ex:b, {T2})]"),
    "28 unique-startTime": (
        f"activity(ex:a, {T1}, -)\nwasStartedBy(ex:s; ex:a, -, -, {T2})",
        f"unification: Constraint 28 (unique-startTime): the start time of ex:a: {T1} and {T2} differ "
        f"[activity(ex:a, {T1}, -); wasStartedBy(ex:s; ex:a, -, -, {T2})]"),
    "29 unique-endTime": (
        f"activity(ex:a, -, {T1})\nwasEndedBy(ex:a, -, -, {T2})",
        f"unification: Constraint 29 (unique-endTime): the end time of ex:a: {T1} and {T2} differ "
        f"[activity(ex:a, -, {T1}); wasEndedBy(ex:a, -, -, {T2})]"),
    "42 derivation cycle": (
        "entity(ex:e1)\nentity(ex:e2)\nwasDerivedFrom(ex:e2, ex:e1)\nwasDerivedFrom(ex:e1, ex:e2)",
        "ordering: Constraint 42 (derivation-generation-generation-ordering): a generation of ex:e2 must strictly "
        "follow a generation of ex:e1, yet it precedes it (a cycle) "
        "[entity(ex:e1); entity(ex:e2); wasDerivedFrom(ex:e2, ex:e1, -, -, -); wasDerivedFrom(ex:e1, ex:e2, -, -, -)]"),
    "42 derived from itself": (
        "entity(ex:e)\nwasDerivedFrom(ex:d; ex:e, ex:e)",
        "ordering: Constraint 42 (derivation-generation-generation-ordering): a generation of ex:e must strictly "
        "follow a generation of ex:e, yet it precedes it (a cycle) [entity(ex:e); wasDerivedFrom(ex:d; ex:e, ex:e, "
        "-, -, -)]"),
    "42 with 45 (specialization)": (
        "wasGeneratedBy(ex:g1; ex:e1, -, -)\nwasGeneratedBy(ex:g2; ex:e2, -, -)\nspecializationOf(ex:e2, ex:e1)\n"
        "wasDerivedFrom(ex:d; ex:e1, ex:e2)",
        "ordering: Constraint 42 (derivation-generation-generation-ordering): ex:g1 must strictly follow ex:g2, yet "
        "it precedes it (a cycle) [wasGeneratedBy(ex:g1; ex:e1, -, -); wasGeneratedBy(ex:g2; ex:e2, -, -); "
        "specializationOf(ex:e2, ex:e1); wasDerivedFrom(ex:d; ex:e1, ex:e2, -, -, -)]"),
    "42 with 48 (attribution)": (
        "entity(ex:e)\nentity(ex:ag)\nagent(ex:ag)\nwasAttributedTo(ex:e, ex:ag)\nwasDerivedFrom(ex:ag, ex:e)",
        "ordering: Constraint 42 (derivation-generation-generation-ordering): a generation of ex:ag must strictly "
        "follow a generation of ex:e, yet it precedes it (a cycle) [entity(ex:e); entity(ex:ag); "
        "wasAttributedTo(ex:e, ex:ag); wasDerivedFrom(ex:ag, ex:e, -, -, -)]"),
    "51 impossible-unspecified-derivation-generation-use": (
        "wasDerivedFrom(ex:d; ex:e2, ex:e1, -, ex:g, -)",
        "impossibility: Constraint 51 (impossible-unspecified-derivation-generation-use): a derivation without an "
        "activity names its prov:generation [wasDerivedFrom(ex:d; ex:e2, ex:e1, -, ex:g, -)]"),
    "52 impossible-specialization-reflexive": (
        "specializationOf(ex:e, ex:e)",
        "impossibility: Constraint 52 (impossible-specialization-reflexive): specializationOf is reflexive through "
        "transitivity for ex:e [specializationOf(ex:e, ex:e)]"),
    "52 through transitivity": (
        "specializationOf(ex:e1, ex:e2)\nspecializationOf(ex:e2, ex:e3)\nspecializationOf(ex:e3, ex:e1)",
        "impossibility: Constraint 52 (impossible-specialization-reflexive): specializationOf is reflexive through "
        "transitivity for ex:e1, ex:e2, ex:e3 [specializationOf(ex:e1, ex:e2); specializationOf(ex:e2, ex:e3); "
        "specializationOf(ex:e3, ex:e1)]"),
    "53 impossible-property-overlap": (
        "used(ex:r; ex:a, ex:e, -)\nwasGeneratedBy(ex:r; ex:e, ex:a, -)",
        "impossibility: Constraint 53 (impossible-property-overlap): ex:r identifies relations of different kinds "
        "(used, wasGeneratedBy) [used(ex:r; ex:a, ex:e, -); wasGeneratedBy(ex:r; ex:e, ex:a, -)]"),
    "54 impossible-object-property-overlap": (
        "entity(ex:x)\nwasGeneratedBy(ex:x; ex:e, ex:a, -)",
        "impossibility: Constraint 54 (impossible-object-property-overlap): ex:x identifies both a relation and an "
        "entity [entity(ex:x); wasGeneratedBy(ex:x; ex:e, ex:a, -)]"),
    "55 entity-activity-disjoint (typing 50)": (
        "entity(ex:x)\nwasGeneratedBy(ex:e, ex:x, -)",
        "typing: Constraint 55 (entity-activity-disjoint): ex:x is both an entity and an activity "
        "[entity(ex:x); wasGeneratedBy(ex:e, ex:x, -)]"),
    "56 membership-empty-collection (through a specialization)": (
        "entity(ex:c, [prov:type='prov:EmptyCollection'])\nspecializationOf(ex:c2, ex:c)\nhadMember(ex:c2, ex:e)",
        "impossibility: Constraint 56 (membership-empty-collection): ex:c2 is an empty collection with a member "
        "[hadMember(ex:c2, ex:e)]"),
    "23 an influence and its relation (inference 15)": (
        "wasGeneratedBy(ex:r; ex:e, ex:a, -)\nwasInfluencedBy(ex:r; ex:e, ex:other)",
        "unification: Constraint 23 (key-properties): wasInfluencedBy ex:r (Inference 15 from its wasGeneratedBy): "
        "ex:other and ex:a differ [wasGeneratedBy(ex:r; ex:e, ex:a, -); wasInfluencedBy(ex:r; ex:e, ex:other)]"),
    "PROV-Links: one mention per entity": (
        "mentionOf(ex:e2, ex:e1, ex:b)\nmentionOf(ex:e2, ex:e3, ex:b)",
        "unification: PROV-Links mentionOf: mentionOf ex:e2 (an entity is a mention of one entity in one bundle): "
        "ex:e1 and ex:e3 differ [mentionOf(ex:e2, ex:e1, ex:b); mentionOf(ex:e2, ex:e3, ex:b)]"),
    "a bundle is checked on its own": (
        "bundle ex:b\nentity(ex:x)\nactivity(ex:x)\nendBundle\nbundle ex:c\nentity(ex:x)\nendBundle",
        "typing: Constraint 55 (entity-activity-disjoint) in bundle ex:b: ex:x is both an entity and an activity "
        "[entity(ex:x); activity(ex:x, -, -)]"),
    "two bundles with one name": (
        "bundle ex:b\nentity(ex:x)\nendBundle\nbundle ex:b\nentity(ex:y)\nendBundle",
        "unification: PROV-CONSTRAINTS document validity: 2 bundles are named ex:b"),
}

PASSING = {
    "22 attributes and times merge": f"activity(ex:a, {T1}, -)\nactivity(ex:a, -, {T2})\n"
                                     "entity(ex:e, [prov:label=\"x\"])\nentity(ex:e, [prov:type='ex:T'])",
    "23 a placeholder unifies": f"used(ex:u; ex:a, -, -)\nused(ex:u; ex:a, ex:e, {T1})",
    "23 an association's agent is expandable": "wasAssociatedWith(ex:as; ex:a, ex:ag, ex:plan)\n"
                                               "wasAssociatedWith(ex:as; ex:a, -, ex:plan)",
    "23 a delegation's activity is expandable": "actedOnBehalfOf(ex:d; ex:ag2, ex:ag1, ex:a)\n"
                                                "actedOnBehalfOf(ex:d; ex:ag2, ex:ag1, -)",
    "24 one generation merges": f"wasGeneratedBy(ex:g1; ex:e, ex:a, {T1})\nwasGeneratedBy(ex:e, ex:a, -)\n"
                                "wasGeneratedBy(ex:g2; ex:e, ex:b, -)",
    "26 other starters": "wasStartedBy(ex:s1; ex:a, ex:e, ex:b, -)\nwasStartedBy(ex:s2; ex:a, ex:e, ex:c, -)",
    "28 the same instant written twice": f"activity(ex:a, {T1}, -)\n"
                                         "wasStartedBy(ex:s; ex:a, -, -, 2011-01-01T00:00:00.000Z)",
    "no uniqueness for usage": f"used(ex:u1; ex:a, ex:e, {T1})\nused(ex:u2; ex:a, ex:e, {T2})",
    "39 and 40: two generations and invalidations of one entity are simultaneous":
        "wasGeneratedBy(ex:g1; ex:e, ex:a1, -)\nwasGeneratedBy(ex:g2; ex:e, ex:a2, -)\n"
        "wasInvalidatedBy(ex:i1; ex:e, ex:a1, -)\nwasInvalidatedBy(ex:i2; ex:e, ex:a2, -)",
    "35 communication both ways": "activity(ex:a1)\nactivity(ex:a2)\nwasInformedBy(ex:a2, ex:a1)\n"
                                  "wasInformedBy(ex:a1, ex:a2)",
    "42 a chain of derivations": "entity(ex:e1)\nentity(ex:e2)\nentity(ex:e3)\nwasDerivedFrom(ex:e2, ex:e1)\n"
                                 "wasDerivedFrom(ex:e3, ex:e2)",
    "51 a derivation with its activity": "wasDerivedFrom(ex:d; ex:e2, ex:e1, ex:a, ex:g, -)",
    "52 a chain of specializations": "specializationOf(ex:e1, ex:e2)\nspecializationOf(ex:e2, ex:e3)",
    "53 an influence shares its relation's id": "wasGeneratedBy(ex:r; ex:e, ex:a, -)\n"
                                                "wasInfluencedBy(ex:r; ex:e, ex:a)",
    "55 an entity may be an agent": "entity(ex:x)\nagent(ex:x)\nwasAttributedTo(ex:e, ex:x)",
    "56 a collection with a member": "entity(ex:c, [prov:type='prov:Collection'])\nhadMember(ex:c, ex:e)",
    "a plan without an agent": "activity(ex:a)\nentity(ex:plan, [prov:type='prov:Plan'])\n"
                               "wasAssociatedWith(ex:as; ex:a, -, ex:plan)",
    "the same entity in two bundles": "bundle ex:b\nentity(ex:x)\nendBundle\nbundle ex:c\nentity(ex:x)\nendBundle",
}


@pytest.mark.parametrize("body, expected", FAILING.values(), ids=FAILING)
def test_each_constraint_fails_with_its_report(body: str, expected: str) -> None:
    assert violations(body) == [expected]


@pytest.mark.parametrize("body", PASSING.values(), ids=PASSING)
def test_each_constraint_passes(body: str) -> None:
    result = report(body)
    assert result.valid and result.violations == [] and result.warnings == []


def test_times_out_of_order_are_a_warning_not_a_violation() -> None:
    result = report(f"wasGeneratedBy(ex:g; ex:e, ex:a, {T2})\nused(ex:u; ex:a2, ex:e, {T1})")
    assert result.valid
    assert result.warnings == [f"ordering: Constraint 37 (generation-precedes-usage): ex:g at {T2} must precede "
                               f"ex:u at {T1}"]


def test_a_relation_without_its_required_arguments_is_not_well_formed() -> None:
    """PROV-XML and PROV-JSON readers can leave out what the PROV-N grammar requires."""
    informed = Record.make("wasInformedBy", EX + "i", {"prov:informed": EX + "a"})
    result = check(Document((("ex", EX),), (informed, Record("activity", EX + "a"))))
    assert [str(v) for v in result.violations] == [
        "well-formedness: PROV-DM: wasInformedBy lacks its required prov:informant [wasInformedBy(ex:i; ex:a, -)]"]


def test_the_same_document_gives_the_same_report() -> None:
    body = FAILING["42 derivation cycle"][0] + "\n" + FAILING["24 unique-generation"][0]
    assert violations(body) == violations(body) and len(violations(body)) == 2


# -- provbridge validate --constraints, and what validate accepts

def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, list[str], list[str]]:
    code = main(["validate", *args])
    captured = capsys.readouterr()
    return code, captured.out.splitlines(), captured.err.splitlines()


def test_validate_constraints_one_line_per_violation(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "bad.provn"
    first, second = FAILING["26 unique-wasStartedBy"], FAILING["55 entity-activity-disjoint (typing 50)"]
    path.write_text(provn(first[0] + "\n" + second[0]))
    assert run(capsys, str(path)) == (0, [f"{path}: valid PROV-N"], [])  # without --constraints: as before
    code, out, err = run(capsys, "--constraints", str(path))
    assert code == 1 and err == []
    assert out == [f"{path}: constraints: {first[1]}", f"{path}: constraints: {second[1]}"]


def test_validate_constraints_valid(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "good.provn"
    path.write_text(provn(PASSING["a plan without an agent"]))
    assert run(capsys, "--constraints", str(path)) == (0, [f"{path}: valid PROV-N"], [])


def test_validate_constraints_unreadable_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "malformed.provn"
    path.write_text(provn("wasInformedBy(ex:i; ex:a, -)"))
    code, out, _ = run(capsys, "--constraints", str(path))
    assert code == 1
    assert f"{path}: constraints: cannot read the document: PROV-N line 3: wasInformedBy needs prov:informant " \
           "(argument 2), not '-'" in out
    assert all(line.startswith(f"{path}: ") for line in out)
    code = main(["validate", "--constraints", str(tmp_path / "missing.provn")])
    assert code == 2 and len(capsys.readouterr().err.strip().splitlines()) == 1


def test_validate_constraints_prov_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "doc.json"
    path.write_text('{"prefix": {"ex": "http://example.org/"}, "entity": {"ex:x": {}},'
                    ' "activity": {"ex:x": {}}}')
    code, out, _ = run(capsys, "--constraints", str(path))
    assert (code, out) == (1, [f"{path}: constraints: typing: Constraint 55 (entity-activity-disjoint): ex:x is "
                                "both an entity and an activity [entity(ex:x); activity(ex:x, -, -)]"])


def test_timezone_less_times_are_a_warning(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The PROV-JSON schema's date-time format wants a timezone; XML Schema's xsd:dateTime does not."""
    path = tmp_path / "local.json"
    path.write_text('{"prefix": {"ex": "http://example.org/"}, "entity": {"ex:e": {}},'
                    ' "activity": {"ex:a": {"prov:startTime": "2012-11-16T16:05:00"}},'
                    ' "wasGeneratedBy": {"ex:g": {"prov:entity": "ex:e", "prov:activity": "ex:a",'
                    ' "prov:time": "2012-11-16T16:06:00.5"}}}')
    assert run(capsys, "--constraints", str(path)) == (0, [f"{path}: valid PROV-JSON"], [
        f"{path}: warning: time without a timezone at /activity/ex:a/prov:startTime: 2012-11-16T16:05:00",
        f"{path}: warning: time without a timezone at /wasGeneratedBy/ex:g/prov:time: 2012-11-16T16:06:00.5"])
    provn_path = tmp_path / "local.provn"
    provn_path.write_text(provn("activity(ex:a, 2012-11-16T16:05:00, -)"))
    assert run(capsys, str(provn_path)) == (0, [f"{provn_path}: valid PROV-N"], [
        f"{provn_path}: warning: time without a timezone: 2012-11-16T16:05:00"])


def test_prov_jsonld_that_import_reads(capsys: pytest.CaptureFixture[str]) -> None:
    """PROV-JSONLD with its remote context, which pyoxigraph does not fetch: read as import reads it."""
    path = Path(prov.__file__).parent / "tests" / "jsonld" / "provtoolbox-mini-primer.jsonld"
    assert run(capsys, "--constraints", str(path)) == (0, [f"{path}: valid PROV-O as JSON-LD"], [])


def test_relative_iris_resolve_against_the_document(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """As import reads it: JSON-LD's relative ids were dropped (\"holds no triples\"), Turtle's refused."""
    jsonld = tmp_path / "rel.jsonld"
    jsonld.write_text('{"@context": {"prov": "http://www.w3.org/ns/prov#"}, "@graph": ['
                      '{"@id": "e1", "@type": "prov:Entity", "prov:wasGeneratedBy": {"@id": "a1"}},'
                      '{"@id": "a1", "@type": "prov:Activity"}]}')
    turtle = tmp_path / "rel.ttl"
    turtle.write_text("@prefix prov: <http://www.w3.org/ns/prov#> .\n<e1> a prov:Entity ; prov:wasGeneratedBy <a1> .\n"
                      "<a1> a prov:Activity .\n")
    assert run(capsys, "--constraints", str(jsonld), str(turtle)) == (
        0, [f"{jsonld}: valid PROV-O as JSON-LD", f"{turtle}: valid PROV-O as Turtle"], [])
    store = open_store(tmp_path / ".provbridge", create=True)
    assert len(import_document(store, jsonld)) == 1 and capsys.readouterr().err == ""


PLAN_TTL = """@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix ex: <http://example.org/> .
ex:a a prov:Activity ; prov:qualifiedAssociation [ a prov:Association ; prov:hadPlan ex:plan ] .
ex:plan a prov:Plan, prov:Entity .
"""


def test_a_plan_without_an_agent_in_prov_o(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "plan.ttl"
    path.write_text(PLAN_TTL)
    assert run(capsys, "--constraints", str(path)) == (0, [f"{path}: valid PROV-O as Turtle"], [])


# -- import warns and stores the document as it is

def test_import_warns_on_violations_and_stores_the_document(tmp_path: Path,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    store = open_store(tmp_path / ".provbridge", create=True)
    bad = provn(FAILING["23 key-properties"][0] + "\nactivity(ex:a)\nentity(ex:e1)")
    (trial,) = import_document(store, io.BytesIO(bad.encode()), "provn", name="bad")
    assert trial.name == "bad"
    assert capsys.readouterr().err.splitlines() == [
        f"provbridge: warning: <stream>: invalid PROV (stored as it is): {FAILING['23 key-properties'][1]}"]
    import_document(store, io.BytesIO(provn(PASSING["a plan without an agent"]).encode()), "provn", name="good")
    assert capsys.readouterr().err == ""


def test_import_warns_twenty_times_then_counts(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store = open_store(tmp_path / ".provbridge", create=True)
    body = "\n".join(f"entity(ex:x{i})\nactivity(ex:x{i})" for i in range(25))
    import_document(store, io.BytesIO(provn(body).encode()), "provn")
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 21 and lines[0] == ("provbridge: warning: <stream>: invalid PROV (stored as it is): typing: "
                                             "Constraint 55 (entity-activity-disjoint): ex:x0 is both an entity and "
                                             "an activity [entity(ex:x0); activity(ex:x0, -, -)]")
    assert lines[-1] == ("provbridge: warning: <stream>: 5 more PROV-CONSTRAINTS violations "
                         "(validate --constraints lists them all)")
