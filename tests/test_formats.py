"""The one format table: export, import, validation and drawing all ask it, and its RDF syntaxes are
pyoxigraph's."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from provbridge import formats
from provbridge.errors import FormatError, RenderError
from provbridge.export.registry import FORMATS, find_format, format_names
from provbridge.imports.formats import IMPORT_FORMATS, import_format
from provbridge.render.output import output_format
from provbridge.render.provdoc import _reader


def test_rdf_syntaxes_are_pyoxigraphs() -> None:
    rdf = {f.name: f for f in formats.DOCUMENTS if f.rdf is not None}
    assert {name: f.rdf for name, f in rdf.items()} == {
        "jsonld": ox.RdfFormat.JSON_LD, "ttl": ox.RdfFormat.TURTLE, "trig": ox.RdfFormat.TRIG,
        "nq": ox.RdfFormat.N_QUADS, "nt": ox.RdfFormat.N_TRIPLES, "rdf": ox.RdfFormat.RDF_XML}
    for f in rdf.values():
        assert f.rdf is not None
        assert f.media_type == f.rdf.media_type
        assert f.extensions[0] == f".{f.rdf.file_extension}"
        assert ox.RdfFormat.from_extension(f.extensions[0][1:]) == f.rdf
        assert formats.by_name(f.rdf.name) is f  # pyoxigraph's name is an alias
        assert formats.by_media_type(f.rdf.media_type) is f
    assert [f.title for f in rdf.values()] == ["PROV-O as JSON-LD", "PROV-O as Turtle", "PROV-O as TriG",
                                               "PROV-O as N-Quads", "PROV-O as N-Triples", "PROV-O as RDF/XML"]


def test_each_stage_sees_its_formats() -> None:
    assert format_names() == ["json", "jsonld", "ttl", "trig", "nq", "nt", "xml", "provn"]
    assert FORMATS == formats.documents("write", streams=True)
    assert list(IMPORT_FORMATS) == ["json", "xml", "provn", "jsonld", "ttl", "trig", "nq", "nt", "rdf"]
    assert formats.names(formats.documents("draw")) == formats.names(formats.documents("read"))
    assert formats.names(formats.documents("write")) == [*format_names(), "ro-crate"]
    crate = formats.find("rocrate", use="write")
    assert crate.directory and crate.writer_module is None
    with pytest.raises(FormatError, match=r"^unknown import format 'ro-crate'"):
        import_format("ro-crate", None)
    with pytest.raises(FormatError, match=r"^unknown format 'rdf' "):
        find_format("rdf")  # read, not written


@pytest.mark.parametrize(("path", "name"), [
    ("a.json", "json"), ("a.provjson", "json"), ("a.XML", "xml"), ("a.provx", "xml"), ("a.provn", "provn"),
    ("a.pn", "provn"), ("a.jsonld", "jsonld"), ("a.ttl", "ttl"), ("a.trig", "trig"), ("a.nq", "nq"),
    ("a.nt", "nt"), ("a.rdf", "rdf"), ("a.owl", "rdf"),
])
def test_extensions_mean_the_same_everywhere(path: str, name: str) -> None:
    assert import_format(None, path).name == name
    assert formats.find(None, path, use="validate").name == name
    if name != "rdf":
        assert find_format(None, path).name == name
    assert formats.find(None, path, use="draw").name == name


def test_aliases_and_errors() -> None:
    assert [import_format(a, None).name for a in ("N-Quads", "turtle", ".ttl", "rdf/xml", "owl", "prov-n")] == [
        "nq", "ttl", "ttl", "rdf", "rdf", "provn"]
    assert find_format(None, "-").name == find_format(None, None).name == "json"
    with pytest.raises(FormatError, match=r"^cannot tell the format of 'x\.yaml' from its extension; give "
                                          r"--format \(json, jsonld, ttl, trig, nq, nt, xml, provn\)$"):
        find_format(None, "x.yaml")
    with pytest.raises(FormatError, match=r"^cannot tell the format of a stream; give --format"):
        import_format(None, None)
    with pytest.raises(FormatError, match=r"^unknown PROV format 'yaml' \(choose from json, jsonld, "):
        _reader("x.ttl", "yaml")
    with pytest.raises(FormatError, match=r"^cannot tell the PROV format of 'x' from its extension; give "
                                          r"--input-format \(json, jsonld, ttl, trig, nq, nt, xml, provn, rdf\)$"):
        _reader("x", None)


def test_media_types() -> None:
    found = [formats.by_media_type(m) for m in ("text/turtle; charset=utf-8", "application/x-turtle",
                                                "application/json", "text/plain")]
    assert [f.name if f else None for f in found] == ["ttl", "ttl", "json", "nt"]  # text/plain: pyoxigraph's
    assert formats.by_media_type("image/gif") is None


def test_diagram_formats() -> None:
    assert [(f.name, f.extensions, f.media_type) for f in formats.IMAGES] == [
        ("dot", (".dot", ".gv"), "text/vnd.graphviz"), ("svg", (".svg",), "image/svg+xml"),
        ("png", (".png",), "image/png"), ("pdf", (".pdf",), "application/pdf")]
    assert [output_format(p) for p in ("a.gv", "a.DOT", "a.svg", "a.png", "a.pdf")] == [
        "dot", "dot", "svg", "png", "pdf"]
    with pytest.raises(RenderError, match=r"^cannot tell the output format of 'a\.gif': use one of \.dot, \.gv, "
                                          r"\.pdf, \.png, \.svg$"):
        output_format("a.gif")
