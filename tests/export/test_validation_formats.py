"""``validate`` chooses its formats in the one table (provbridge.formats): every format it reads is checked,
and the parsers it hands the document to are the ones the table names."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from provbridge import formats
from provbridge.errors import FormatError
from provbridge.export.validation import check_document, read_model, sniff, validate


def test_every_validated_format_is_one_of_the_table() -> None:
    assert formats.names(formats.documents("validate")) == [
        "json", "jsonld", "ttl", "trig", "nq", "nt", "xml", "provn", "rdf"]
    for chosen in formats.documents("validate"):  # each has the parser its checks need
        assert chosen.rdflib is not None if chosen.rdf is not None else chosen.prov is not None


def test_rdf_xml_is_validated(exports: dict[str, bytes], tmp_path: Path) -> None:
    """RDF/XML is read and checked (shapes too) like the other RDF syntaxes."""
    triples = ox.parse(exports["ttl"], format=ox.RdfFormat.TURTLE)
    path = tmp_path / "doc.rdf"
    rdf_xml = ox.serialize(triples, format=ox.RdfFormat.RDF_XML)
    assert rdf_xml is not None
    path.write_bytes(rdf_xml)
    result = check_document(path)
    assert (result.format.name, result.problems) == ("rdf", [])
    owl = tmp_path / "doc.owl"
    owl.write_bytes(path.read_bytes())
    assert validate(owl)[0] is formats.by_name("rdf")
    model = read_model(path.read_bytes(), "rdf")
    assert {str(q) for q in read_model(exports["ttl"], "ttl").all_records()} == {str(q) for q in
                                                                                    model.all_records()}


def test_sniffed_formats_are_the_tables() -> None:
    heads = {b'{"entity": {}}': "json", b'{"@context": {}}': "jsonld", b"<?xml version='1.0'?>": "xml",
             b"document\nendDocument": "provn", b"@prefix p: <urn:p#> .\n<urn:g> { }": "trig",
             b"@prefix p: <urn:p#> .": "ttl", b"<urn:a> <urn:b> <urn:c> .": "nq"}
    assert {head: sniff(head) for head in heads} == {head: formats.by_name(name) for head, name in heads.items()}


def test_format_errors_are_one_line(tmp_path: Path) -> None:
    path = tmp_path / "doc.ttl"
    path.write_bytes(b"<urn:a> <urn:b> <urn:c> .\n")
    with pytest.raises(FormatError, match=r"^unknown format 'yaml' \(choose from json, jsonld, ttl, trig, nq, nt, "
                                          r"xml, provn, rdf\)$"):
        validate(path, "yaml")
    with pytest.raises(FormatError, match=r"^unknown format 'ro-crate' "):  # written, never read back
        validate(path, "ro-crate")
