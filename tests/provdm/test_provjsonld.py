"""PROV-JSONLD read by our own reader: every statement type, values, bundles, the two dialects, bad input,
and agreement with the ``prov`` package (an optional cross-check) over the wheel's PROV-JSONLD files."""

from __future__ import annotations

import warnings
from pathlib import Path

import orjson
import pytest

from provbridge.errors import FormatError
from provbridge.provdm.model import PROV, XSD, Bundle, Literal, Record, canonical
from provbridge.provdm.provjson import loads as load_json
from provbridge.provdm.provjsonld import is_prov_jsonld, loads
from provbridge.provdm.syntax import SYNTAXES, read
from tests.provdm.documents import CORPUS

EX = "http://example.org/"
CONTEXT = [{"ex": EX}, "https://openprovenance.org/prov-jsonld/context.jsonld"]
GRAPH = [
    {"@type": "Activity", "@id": "ex:run", "startTime": "2024-05-01T10:00:00Z", "label": ["run"]},
    {"@type": "Agent", "@id": "ex:cwltool", "type": ["prov:SoftwareAgent"]},
    {"@type": "Agent", "@id": "ex:ada", "ex:age": [36, {"@value": "1.5", "@type": "xsd:double"}]},
    {"@type": "Entity", "@id": "ex:main", "type": ["prov:Plan"], "value": [{"@value": "v", "@language": "en"}]},
    {"@type": "Association", "activity": "ex:run", "agent": "ex:cwltool", "plan": "ex:main"},
    {"@type": "Association", "@id": "ex:a2", "activity": "ex:run", "agent": "ex:ada", "role": ["ex:submitter"]},
    {"@type": "Generation", "entity": "ex:out", "activity": "ex:run", "time": "2024-05-01T10:00:02Z",
     "ex:ref": [{"@id": "ex:main"}], "ex:note": ["ex:not-a-name"]},
    {"@type": "Derivation", "generatedEntity": "ex:out", "usedEntity": "ex:main", "activity": "ex:run"},
    {"@type": "Revision", "generatedEntity": "ex:out2", "usedEntity": "ex:out"},
    {"@type": "Start", "activity": "ex:run", "trigger": "ex:main", "starter": "ex:boss"},
    {"@type": "Delegation", "delegate": "ex:ada", "responsible": "ex:cwltool", "activity": "ex:run"},
    {"@type": "Membership", "collection": "ex:c", "entity": ["ex:out", "ex:out2"]},
    {"@type": "Specialization", "specificEntity": "ex:out2", "generalEntity": "ex:out"},
    {"@type": "Alternate", "alternate1": "ex:out", "alternate2": "ex:copy"},
    {"@type": "Bundle", "@id": "ex:b1", "@graph": [{"@type": "Entity", "@id": "ex:inside"},
                                                   {"@type": "Communication", "informed": "ex:p2",
                                                    "informant": "ex:run"}]},
]


def _document(graph: list[object] = GRAPH) -> bytes:
    return orjson.dumps({"@context": CONTEXT, "@graph": graph})


def test_every_statement_type_and_value() -> None:
    document = loads(_document())
    dt = Literal
    assert set(document.records) == {
        Record.make("activity", EX + "run", {"prov:startTime": dt("2024-05-01T10:00:00Z", XSD + "dateTime")},
                    [(PROV + "label", dt("run"))]),
        Record.make("agent", EX + "cwltool", attrs=[(PROV + "type", PROV + "SoftwareAgent")]),
        Record.make("agent", EX + "ada", attrs=[(EX + "age", dt("36", XSD + "integer")),
                                                (EX + "age", dt("1.5", XSD + "double"))]),
        Record.make("entity", EX + "main", attrs=[(PROV + "type", PROV + "Plan"),
                                                  (PROV + "value", dt("v", "http://www.w3.org/1999/02/22-rdf-syntax-"
                                                                      "ns#langString", "en"))]),
        Record.make("wasAssociatedWith", None, {"prov:activity": EX + "run", "prov:agent": EX + "cwltool",
                                                "prov:plan": EX + "main"}),
        Record.make("wasAssociatedWith", EX + "a2", {"prov:activity": EX + "run", "prov:agent": EX + "ada"},
                    [(PROV + "role", EX + "submitter")]),
        Record.make("wasGeneratedBy", None, {"prov:entity": EX + "out", "prov:activity": EX + "run",
                                             "prov:time": dt("2024-05-01T10:00:02Z", XSD + "dateTime")},
                    [(EX + "ref", EX + "main"), (EX + "note", dt("ex:not-a-name"))]),
        Record.make("wasDerivedFrom", None, {"prov:generatedEntity": EX + "out", "prov:usedEntity": EX + "main",
                                             "prov:activity": EX + "run"}),
        Record.make("wasDerivedFrom", None, {"prov:generatedEntity": EX + "out2", "prov:usedEntity": EX + "out"},
                    [(PROV + "type", PROV + "Revision")]),
        Record.make("wasStartedBy", None, {"prov:activity": EX + "run", "prov:trigger": EX + "main",
                                           "prov:starter": EX + "boss"}),
        Record.make("actedOnBehalfOf", None, {"prov:delegate": EX + "ada", "prov:responsible": EX + "cwltool",
                                              "prov:activity": EX + "run"}),
        Record.make("hadMember", None, {"prov:collection": EX + "c", "prov:entity": EX + "out"}),
        Record.make("hadMember", None, {"prov:collection": EX + "c", "prov:entity": EX + "out2"}),
        Record.make("specializationOf", None, {"prov:specificEntity": EX + "out2", "prov:generalEntity": EX + "out"}),
        Record.make("alternateOf", None, {"prov:alternate1": EX + "out", "prov:alternate2": EX + "copy"}),
    }
    assert document.bundles == (Bundle(EX + "b1", (
        Record.make("entity", EX + "inside"),
        Record.make("wasInformedBy", None, {"prov:informed": EX + "p2", "prov:informant": EX + "run"}))),)
    assert document.prefixes == {"ex": EX}


def test_old_prefixed_dialect_reads_the_same() -> None:
    def prefixed(item: dict[str, object]) -> dict[str, object]:
        return {("@type" if k == "@type" else k if k.startswith(("@", "ex:")) else "prov:" + k):
                ("prov:" + v if k == "@type" and isinstance(v, str) else v) for k, v in item.items()}

    graph = [prefixed(item) for item in GRAPH if item["@type"] != "Bundle"]
    old = orjson.dumps({"@context": [{"ex": EX}, "http://openprovenance.org/prov-jsonld.json"], "@graph": graph})
    assert canonical(loads(old)) == canonical(loads(_document(GRAPH[:-1])))


def test_the_choice_between_prov_jsonld_and_prov_o_in_json_ld() -> None:
    assert is_prov_jsonld(_document())
    prov_o = b'{"@context": {"prov": "http://www.w3.org/ns/prov#"}, "@id": "http://example.org/e", ' \
             b'"@type": "prov:Entity"}'
    assert not is_prov_jsonld(prov_o)
    assert [r.kind for r in read(prov_o, SYNTAXES["jsonld"]).records] == ["entity"]
    assert len(read(_document(), SYNTAXES["jsonld"]).records) == 15


@pytest.mark.parametrize(("graph", "message"), [
    ([{"@type": "Thing", "@id": "ex:x"}], "PROV-JSONLD: unknown statement type 'Thing'"),
    ([{"@type": "Entity"}], "PROV-JSONLD: a Entity needs an @id"),
    ([{"@id": "ex:x"}], "PROV-JSONLD: the @type of a statement must be a non-empty string, not null"),
    ([{"@type": "Usage", "activity": ["ex:a"]}], "PROV-JSONLD: argument activity of a Usage must be a non-empty "
                                                 'string, not ["ex:a"]'),
    ([{"@type": "Entity", "@id": "ex:x", "ex:v": [[1]]}], "PROV-JSONLD: cannot read the value [1] of 'ex:v'"),
    (["x"], "PROV-JSONLD: every @graph member must be an object"),
])
def test_bad_input_is_one_line(graph: list[object], message: str) -> None:
    with pytest.raises(FormatError) as caught:
        loads(_document(graph))
    assert str(caught.value) == message
    with pytest.raises(FormatError, match="a JSON object with a @graph array"):
        loads(b"[]")


@pytest.mark.parametrize("path", sorted((CORPUS / "jsonld").glob("*.jsonld")), ids=lambda p: p.name)
def test_agrees_with_the_prov_package(path: object) -> None:
    """The ``prov`` package's reading, handed over as PROV-JSON, gives the same records."""
    from prov.model import ProvDocument

    data = path.read_bytes()  # type: ignore[attr-defined]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = ProvDocument.deserialize(content=data.decode(), format="jsonld").serialize(format="json")
    assert canonical(loads(data)) == canonical(load_json(theirs))


def test_the_prov_packages_prov_jsonld_of_its_json_corpus() -> None:
    """Each PROV-JSON document of the wheel, written as PROV-JSONLD by the ``prov`` package, reads back as
    the records our PROV-JSON reader finds (up to the package's own losses, counted)."""
    from prov.model import ProvDocument

    counts = {"same": 0, "differ": 0}
    for path in sorted((CORPUS / "json").glob("*.json")):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                theirs = ProvDocument.deserialize(content=path.read_text(), format="json")
                jsonld, json = theirs.serialize(format="jsonld"), theirs.serialize(format="json")
            except Exception:  # what the prov package cannot write is not ours to judge
                continue
        same = canonical(loads(jsonld.encode() if isinstance(jsonld, str) else jsonld)) == canonical(load_json(json))
        counts["same" if same else "differ"] += 1
    assert counts["differ"] == 0 and counts["same"] >= 100, counts


def test_read_without_the_prov_package(monkeypatch: pytest.MonkeyPatch) -> None:
    """``convert``, ``dot`` and ``import`` (prov_o_quads) read PROV-JSONLD with the ``prov`` package gone."""
    import sys

    from provbridge.provdm.syntax import prov_o_quads

    for name in ["prov", *(m for m in sys.modules if m.startswith("prov."))]:
        monkeypatch.setitem(sys.modules, name, None)  # importing any of them now fails
    quads, prefixes, notes = prov_o_quads(_document(), "jsonld")
    assert prefixes == {"ex": EX} and notes == []
    assert {str(q.graph_name) for q in quads} == {"DEFAULT", f"<{EX}b1>"}
    assert len(read(_document(), SYNTAXES["jsonld"]).records) == 15


def test_a_mention_of_the_context_elsewhere_is_no_prov_jsonld() -> None:
    prov_o = orjson.dumps({"@context": {"prov": PROV}, "@id": EX + "e", "@type": "prov:Entity",
                           "prov:value": "see https://openprovenance.org/prov-jsonld/context.jsonld"})
    assert not is_prov_jsonld(prov_o)
    assert is_prov_jsonld(b'{"@context": "https://openprovenance.org/prov-jsonld/context.jsonld", "@graph": [')
    assert is_prov_jsonld(orjson.dumps({"@context": "http://openprovenance.org/prov-jsonld.json", "@graph": []}))


def test_a_statement_may_declare_prefixes_and_other_keywords_are_refused() -> None:
    own = [{"@context": {"o": "http://other.org/"}, "@type": "Entity", "@id": "o:x", "o:size": [1]}]
    assert loads(_document(own)).records == (
        Record.make("entity", "http://other.org/x", attrs=[("http://other.org/size", Literal("1", XSD + "integer"))]),)
    with pytest.raises(FormatError, match=r"^PROV-JSONLD: the JSON-LD keyword @reverse is not read in a statement$"):
        loads(_document([{"@type": "Entity", "@id": "ex:x", "@reverse": {}}]))
    with pytest.raises(FormatError, match=r"^PROV-JSONLD: a Bundle holds only @id and @graph, not 'label' "):
        loads(_document([{"@type": "Bundle", "@id": "ex:b", "label": ["b"], "@graph": []}]))


def test_validate_reads_it_without_the_prov_package(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """``validate`` (shapes and PROV-CONSTRAINTS) reads PROV-JSONLD as ``import`` does: our own reader,
    not the ``prov`` package's."""
    import sys

    from provbridge.export.validation import check_document, read_model

    for name in ["prov", *(m for m in sys.modules if m.startswith("prov."))]:
        monkeypatch.setitem(sys.modules, name, None)  # importing any of them now fails
    model = read_model(_document(), "jsonld")
    assert len(list(model.all_records())) == len(list(read(_document(), SYNTAXES["jsonld"]).all_records()))
    path = tmp_path / "doc.jsonld"
    path.write_bytes(_document())
    result = check_document(path, constraints=True)
    assert (result.format.name, result.problems) == ("jsonld", [])
