"""PROV-XML: byte-stable, read back the same, valid under the XSD in the prov wheel wherever the document
has what the XSD requires (otherwise a warning says what is missing)."""

from __future__ import annotations

from lxml import etree

from provbridge.provdm import provjson, provxml
from provbridge.provdm.model import Document, Literal, Record, canonical
from tests.provdm.documents import CORPUS, corpus_files

SCHEMA = etree.XMLSchema(etree.parse(str(CORPUS / "schemas" / "prov.xsd")))


def valid(data: bytes) -> bool:
    return bool(SCHEMA.validate(etree.fromstring(data)))


def test_corpus_xml_and_json_to_xml() -> None:
    sources = [(p, provxml.loads) for p in corpus_files("xml", ".xml")]
    sources += [(p, provjson.loads) for p in corpus_files("json", ".json")]
    invalid_without_warning = []
    for path, load in sources:
        document = load(path.read_bytes())
        data, notes = provxml.dumps_with_warnings(document)
        if not valid(data) and not any("requires" in note for note in notes):
            invalid_without_warning.append(path.name)
        if not notes:
            again = provxml.loads(data)
            assert canonical(again) == canonical(document), path.name
            assert provxml.dumps(again) == data, path.name
    assert invalid_without_warning == []


def test_ids_that_are_not_xml_names_stay_valid_and_exact() -> None:
    ids = ["http://example.org/ns2/12345", "urn:uuid:8f5e0c1a-0000-4000-8000-000000000001", "http://x.org/a=b",
           "https://w3id.org/provbridge/.well-known/genid/b0123abcd"]
    document = Document(namespaces=(("ns2", "http://example.org/ns2/"), ("id", "urn:uuid:")),
                        records=tuple(Record.make("entity", i, attrs=[("http://x.org/9key", Literal("v"))])
                                      for i in ids))
    data, notes = provxml.dumps_with_warnings(document)
    assert notes == [] and valid(data)
    assert b'prov:id="ns2_x:_x0031_2345"' in data  # the one IRI that ends with no XML name: escaped
    assert canonical(provxml.loads(data)) == canonical(document)


def test_what_the_xsd_has_no_place_for_is_named() -> None:
    record = Record.make("wasAssociatedWith", None, {"prov:activity": "http://a"},
                         [("http://www.w3.org/ns/prov#location", Literal("lab")),
                          ("http://www.w3.org/ns/prov#role", Literal("x", "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
                                                                     "langString", "en"))])
    data, notes = provxml.dumps_with_warnings(Document(records=(record,)))
    assert valid(data)
    assert notes == ["PROV-XML allows no language on {http://www.w3.org/ns/prov#}role: @en left out",
                     "PROV-XML has no place for http://www.w3.org/ns/prov#location on wasAssociatedWith "
                     "wasAssociatedWith(...): left out"]
