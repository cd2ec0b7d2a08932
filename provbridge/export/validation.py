"""Validation of PROV documents in any export format: parsing, the PROV-JSON / PROV-XML schemas, the
``prov`` package reading it back, and our SHACL shapes for PROV-O."""

from __future__ import annotations

import io
import json
import warnings
from pathlib import Path
from typing import Any

from provbridge.errors import FormatError, ProvbridgeError
from provbridge.export.registry import Format, find_format
from provbridge.schemas import schema_file
from provbridge.xmlsafe import PROLOG_LIMIT, dtd_problem, looks_like_xml

RDFLIB_FORMATS = {"ttl": "turtle", "trig": "trig", "nq": "nquads", "nt": "nt", "jsonld": "json-ld"}
PROV_READ_FORMATS = {"json": "json", "xml": "xml", "provn": "provn"}
MAX_PROBLEMS = 200


def prov_xsd() -> Path:
    """The W3C PROV-XML schema as shipped with the ``prov`` package."""
    import prov

    path = Path(prov.__file__).parent / "tests" / "schemas" / "prov.xsd"
    if not path.is_file():
        raise ProvbridgeError(f"the prov package has no PROV-XML schema at {path}")
    return path


def _need(module: str) -> Any:
    from provbridge.extras import require

    return require(module, "validation")


def sniff(data: bytes) -> Format:
    """Guess a document's format from its first bytes."""
    head = data[:4096].lstrip()
    if head.startswith((b"{", b"[")):
        return find_format("jsonld" if b'"@' in head else "json")
    if head.startswith(b"<?xml") or head.startswith(b"<prov:"):
        return find_format("xml")
    if head.startswith(b"document"):
        return find_format("provn")
    if b"{" in head and (b"@prefix" in head or b"PREFIX" in head):
        return find_format("trig")
    if head.startswith((b"@prefix", b"PREFIX", b"@base")):
        return find_format("ttl")
    return find_format("nq")


def validate(path: str | Path, fmt: str | None = None) -> tuple[Format, list[str]]:
    """Check a PROV document; returns its format and the problems found (empty when valid)."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise FormatError(f"cannot read {path}: {exc.strerror}") from None
    if looks_like_xml(data):
        problem = dtd_problem(data[:PROLOG_LIMIT])
        if problem:  # before lxml or the prov package could expand or fetch anything
            raise FormatError(f"{path}: {problem}; remove the DOCTYPE")
    try:
        chosen = find_format(fmt, path, default=None)
    except FormatError:
        if fmt:
            raise
        chosen = sniff(data)
    if chosen.name == "json":
        problems = _check_json(data)
    elif chosen.name == "xml":
        problems = _check_xml(data)
    elif chosen.name == "provn":
        problems = _read_back(data, "provn")
    else:
        problems = _check_rdf(data, chosen)
    return chosen, problems[:MAX_PROBLEMS]


def _read_back(data: bytes, fmt: str) -> list[str]:
    """Problems the ``prov`` package reports reading the document (errors and warnings)."""
    import prov

    problems: list[str] = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            prov.read(io.BytesIO(data), format=fmt)
        except Exception as exc:  # the prov readers raise many exception types
            problems.append(f"prov: cannot read the document: {_one_line(exc)}")
    problems += [f"prov: {_one_line(w.message)}" for w in caught]
    return problems


def _check_json(data: bytes) -> list[str]:
    jsonschema = _need("jsonschema")
    try:
        document = json.loads(data)
    except ValueError as exc:
        return [f"json: not JSON: {_one_line(exc)}"]
    schema = json.loads(schema_file("prov-json.schema.json").read_text(encoding="utf-8"))
    validator_class = jsonschema.validators.validator_for(schema)
    validator = validator_class(schema, format_checker=validator_class.FORMAT_CHECKER)
    problems = [
        f"schema: /{'/'.join(str(p) for p in error.absolute_path)}: {_one_line(error.message)}"
        for error in sorted(validator.iter_errors(document), key=lambda e: list(map(str, e.absolute_path)))
    ]
    return problems + _read_back(data, "json")


def _check_xml(data: bytes) -> list[str]:
    from lxml import etree

    try:
        root = etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError as exc:
        return [f"xml: not well-formed: {_one_line(exc)}"]
    schema = etree.XMLSchema(etree.parse(str(prov_xsd())))
    problems = []
    try:
        valid = schema.validate(root)
    except etree.Error as exc:  # libxml2 gives up on some documents (unexpanded entities...)
        return [f"schema: cannot validate: {_one_line(exc)}"]
    if not valid:
        problems = [f"schema: line {e.line}: {_one_line(e.message)}" for e in schema.error_log]
    return problems + _read_back(data, "xml")


def _check_rdf(data: bytes, chosen: Format) -> list[str]:
    import pyoxigraph

    formats = {"ttl": pyoxigraph.RdfFormat.TURTLE, "trig": pyoxigraph.RdfFormat.TRIG,
               "nq": pyoxigraph.RdfFormat.N_QUADS, "nt": pyoxigraph.RdfFormat.N_TRIPLES,
               "jsonld": pyoxigraph.RdfFormat.JSON_LD}
    try:
        count = sum(1 for _ in pyoxigraph.parse(data, format=formats[chosen.name]))
    except SyntaxError as exc:
        return [f"{chosen.name}: {_one_line(exc)}"]
    if count == 0:
        return [f"{chosen.name}: the document holds no triples"]
    rdflib = _need("rdflib")
    pyshacl = _need("pyshacl")
    dataset = rdflib.Dataset()
    dataset.parse(data=data, format=RDFLIB_FORMATS[chosen.name])
    shapes = rdflib.Graph().parse(schema_file("provbridge-shapes.ttl"), format="turtle")
    conforms, report, _ = pyshacl.validate(dataset, shacl_graph=shapes, inference="none")
    if conforms:
        return []
    sh = rdflib.Namespace("http://www.w3.org/ns/shacl#")
    problems = []
    for result in report.subjects(rdflib.RDF.type, sh.ValidationResult):
        focus = report.value(result, sh.focusNode)
        path = report.value(result, sh.resultPath)
        message = report.value(result, sh.resultMessage)
        problems.append(f"shapes: <{focus}> {'' if path is None else f'{path}: '}{_one_line(message)}")
    return sorted(problems)


def _one_line(value: object) -> str:
    return " ".join(str(value).split())
