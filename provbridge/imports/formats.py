"""Import formats: which reader handles a document (pyoxigraph for RDF syntaxes, ``prov`` for the others)."""

from __future__ import annotations

import os
from typing import NamedTuple

import pyoxigraph as ox

from provbridge.errors import FormatError


class ImportFormat(NamedTuple):
    """A document format: ``rdf`` is pyoxigraph's syntax for RDF formats, ``prov`` the ``prov`` package's
    reader name for the others (JSON-LD has both: PROV-O in JSON-LD first, else PROV-JSONLD)."""

    name: str
    rdf: ox.RdfFormat | None
    prov: str | None


IMPORT_FORMATS: dict[str, ImportFormat] = {
    "json": ImportFormat("json", None, "json"),
    "xml": ImportFormat("xml", None, "xml"),
    "provn": ImportFormat("provn", None, "provn"),
    "jsonld": ImportFormat("jsonld", ox.RdfFormat.JSON_LD, "jsonld"),
    "ttl": ImportFormat("ttl", ox.RdfFormat.TURTLE, None),
    "trig": ImportFormat("trig", ox.RdfFormat.TRIG, None),
    "nq": ImportFormat("nq", ox.RdfFormat.N_QUADS, None),
    "nt": ImportFormat("nt", ox.RdfFormat.N_TRIPLES, None),
    "rdf": ImportFormat("rdf", ox.RdfFormat.RDF_XML, None),
}
ALIASES = {
    "provjson": "json", "prov-json": "json", "provxml": "xml", "prov-xml": "xml", "provx": "xml",
    "prov-n": "provn", "pn": "provn", "json-ld": "jsonld", "turtle": "ttl", "nquads": "nq", "n-quads": "nq",
    "ntriples": "nt", "n-triples": "nt", "rdfxml": "rdf", "rdf-xml": "rdf", "rdf/xml": "rdf", "owl": "rdf",
}
EXTENSIONS = {
    ".json": "json", ".provjson": "json", ".xml": "xml", ".provx": "xml", ".provn": "provn", ".pn": "provn",
    ".jsonld": "jsonld", ".ttl": "ttl", ".trig": "trig", ".nq": "nq", ".nt": "nt", ".rdf": "rdf", ".owl": "rdf",
}


def import_format(fmt: str | None, path: str | os.PathLike[str] | None) -> ImportFormat:
    """The format called ``fmt`` (or an alias), else the one of ``path``'s extension."""
    names = ", ".join(IMPORT_FORMATS)
    if fmt:
        key = fmt.lower().lstrip(".")
        key = ALIASES.get(key, key)
        if key not in IMPORT_FORMATS:
            raise FormatError(f"unknown import format {fmt!r} (choose from {names})")
        return IMPORT_FORMATS[key]
    ext = os.path.splitext(os.fspath(path))[1].lower() if path is not None else ""
    if ext not in EXTENSIONS:
        where = f"of {os.fspath(path)!r} from its extension" if path is not None else "of a stream"
        raise FormatError(f"cannot tell the format {where}; give --format ({names})")
    return IMPORT_FORMATS[EXTENSIONS[ext]]
