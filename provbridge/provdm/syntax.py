"""Every PROV syntax read into and written from the PROV-DM model, as the one format table (provbridge.formats)
names them."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import NamedTuple

import pyoxigraph as ox

from provbridge import formats
from provbridge.errors import FormatError
from provbridge.provdm.model import Document
from provbridge.provdm.provjsonld import is_prov_jsonld


class ConversionWarning(UserWarning):
    """Something a document holds that the target syntax (or PROV-DM) cannot express, kept or left out as named."""


class Syntax(NamedTuple):
    """A PROV syntax, as the one format table (:mod:`provbridge.formats`) defines it: ``rdf`` is pyoxigraph's
    format for the PROV-O serializations; ``writable``: provbridge writes it (else it only reads it)."""

    name: str
    title: str
    extensions: tuple[str, ...]
    rdf: ox.RdfFormat | None = None
    aliases: tuple[str, ...] = ()
    writable: bool = True


def _syntax(found: formats.DocumentFormat) -> Syntax:
    title = found.rdf.name if found.rdf is not None else found.title
    return Syntax(found.name, title, found.extensions, found.rdf, found.aliases, found.serves("write"))


# every PROV document format provbridge reads (formats.py decides names, extensions, aliases and order)
SYNTAXES: dict[str, Syntax] = {found.name: _syntax(found) for found in formats.documents("read")}
ALIASES = {alias: syntax.name for syntax in SYNTAXES.values() for alias in syntax.aliases}
# prefixes declared in RDF output: the document's own, plus these
RDF_PREFIXES = {"prov": "http://www.w3.org/ns/prov#", "xsd": "http://www.w3.org/2001/XMLSchema#",
                "rdfs": "http://www.w3.org/2000/01/rdf-schema#"}


def find_syntax(name: str | None, path: str | os.PathLike[str] | None, role: str) -> Syntax:
    """The syntax called ``name`` (or an alias), else the one of ``path``'s extension; ``role`` names the
    file in the error ("input": any syntax provbridge reads, "output": one it writes)."""
    use: formats.Use = "read" if role == "input" else "write"
    option = "--from" if role == "input" else "--to"
    if not name and (path is None or os.fspath(path) == "-"):
        choices = ", ".join(formats.names(formats.documents(use, streams=True)))
        raise FormatError(f"cannot tell the format of the {role} from its extension; give {option} ({choices})")
    found = formats.find(name, path, use=use, streams=True, option=option)
    return SYNTAXES[found.name]


def read(data: bytes, syntax: Syntax) -> Document:
    """The PROV-DM document in ``data``; FormatError (one line) when it cannot be read."""
    if syntax.name == "jsonld" and is_prov_jsonld(data):
        return _read_prov_jsonld(data)
    if syntax.rdf is not None:
        parser = ox.parse(data, format=syntax.rdf)
        try:
            quads = list(parser)
        except (SyntaxError, ValueError, OSError) as exc:
            raise FormatError(f"not valid {syntax.title} ({_one_line(exc)})") from None
        from provbridge.provdm.rdf import from_quads

        return from_quads(quads, dict(getattr(parser, "prefixes", {}) or {}))
    try:
        return READERS[syntax.name](data)
    except FormatError:
        raise
    except (ValueError, KeyError, TypeError, AttributeError, IndexError) as exc:  # a reader meeting odd input
        raise FormatError(f"not valid {syntax.title} ({_one_line(exc)})") from None


def convert(data: bytes, source: Syntax, target: Syntax) -> tuple[bytes, list[str]]:
    """``data`` (in ``source``) written in ``target``, with the warnings of the mapping and the target."""
    document = read(data, source)
    if not any(True for _ in document.all_records()) and not document.bundles:
        raise FormatError(f"holds no PROV records (read as {source.title})")
    output, notes = write(document, target)
    return output, [*document.warnings, *notes]


def _read_prov_jsonld(data: bytes) -> Document:
    from provbridge.provdm.provjsonld import loads

    return loads(data)


def _read_json(data: bytes) -> Document:
    from provbridge.provdm.provjson import loads

    return loads(data)


def _read_xml(data: bytes) -> Document:
    from provbridge.provdm.provxml import loads
    from provbridge.xmlsafe import dtd_problem

    problem = dtd_problem(data[: 1 << 20])
    if problem:
        raise FormatError(f"{problem}; remove the DOCTYPE")
    return loads(data)


def _read_provn(data: bytes) -> Document:
    from provbridge.provdm.provn_read import read_provn

    return read_provn(data)


READERS: dict[str, Callable[[bytes], Document]] = {"json": _read_json, "xml": _read_xml, "provn": _read_provn}


def write(document: Document, syntax: Syntax) -> tuple[bytes, list[str]]:
    """``document`` in ``syntax`` (same document, same bytes), and what that syntax could not hold."""
    if syntax.rdf is not None:
        from provbridge.provdm.rdf import to_quads

        prefixes = {**RDF_PREFIXES, **{p: iri for p, iri in document.namespaces if p}}
        try:
            quads = to_quads(document)
        except ValueError as exc:
            raise FormatError(f"cannot be written as {syntax.title}: {_one_line(exc)}") from None
        if not syntax.rdf.supports_datasets:
            named = {str(q.graph_name) for q in quads if not isinstance(q.graph_name, ox.DefaultGraph)}
            warnings = [f"{syntax.title} has no named graphs: the records of {len(named)} bundle(s) are merged into "
                        "the default graph"] if named else []
            triples = sorted({ox.Triple(q.subject, q.predicate, q.object) for q in quads}, key=str)
            return _serialize(triples, syntax, prefixes), warnings
        return _serialize(quads, syntax, prefixes), []
    if syntax.name == "json":
        from provbridge.provdm.provjson import dumps

        return dumps(document), []
    if syntax.name == "xml":
        from provbridge.provdm.provxml import dumps_with_warnings as xml

        return xml(document)
    from provbridge.provdm.provn import dumps_with_warnings as provn

    return provn(document)


def _serialize(items: list[ox.Quad] | list[ox.Triple], syntax: Syntax, prefixes: dict[str, str]) -> bytes:
    assert syntax.rdf is not None
    if syntax.rdf in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG, ox.RdfFormat.RDF_XML):
        data = ox.serialize(items, format=syntax.rdf, prefixes=dict(sorted(prefixes.items())))
    else:
        data = ox.serialize(items, format=syntax.rdf)
    return data or b""


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= 300 else text[:297] + "..."


def prov_o_quads(data: bytes, name: str) -> tuple[list[ox.Quad], dict[str, str], list[str]]:
    """A PROV-JSON, PROV-XML or PROV-N (or PROV-JSONLD) document as PROV-O quads by our own mapping, with
    its prefixes and the warnings of the conversion (for ``provbridge import``); FormatError when unreadable."""
    from provbridge.provdm.rdf import to_quads

    syntax = SYNTAXES[ALIASES.get(name.lower(), name.lower())]
    document = read(data, syntax)
    if not any(True for _ in document.all_records()):
        raise FormatError("holds no PROV records")
    try:
        quads = to_quads(document)
    except ValueError as exc:  # an identifier that is no IRI (an undeclared prefix)
        raise FormatError(f"read as {syntax.title}, but it cannot be expressed in PROV-O ({_one_line(exc)})") from None
    return quads, dict(document.namespaces), list(document.warnings)
