"""Validation of PROV documents in any export format: parsing, the PROV-JSON / PROV-XML schemas, the
``prov`` package reading it back, our SHACL shapes for PROV-O and, on request, W3C PROV-CONSTRAINTS.

What the W3C specifications accept is accepted: a time without a timezone is a warning (XML Schema allows
it; the PROV-JSON schema's ``date-time`` format does not), and PROV-JSONLD with the remote context that
``import`` reads (through the ``prov`` package) is checked as the PROV-O it converts to."""

from __future__ import annotations

import io
import json
import re
import sys
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from provbridge import formats
from provbridge.errors import FormatError, ProvbridgeError
from provbridge.formats import DocumentFormat
from provbridge.schemas import schema_file
from provbridge.xmlsafe import PROLOG_LIMIT, dtd_problem, looks_like_xml

if TYPE_CHECKING:
    import pyoxigraph

    from provbridge.provdm.model import Document

MAX_PROBLEMS = 200
TIME_KEYS = ("prov:time", "prov:startTime", "prov:endTime")
# an xsd:dateTime without a timezone (XML Schema allows it; RFC 3339, the JSON Schema format, does not)
LOCAL_TIME = re.compile(r"-?\d{4,}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?$")
XSD_DATETIME = "http://www.w3.org/2001/XMLSchema#dateTime"
# import checks PROV-CONSTRAINTS only on documents up to this size (the check holds the whole document)
IMPORT_CHECK_LIMIT = 2 << 20
IMPORT_WARNINGS = 20  # violations import prints, then a count


@dataclass
class Validation:
    """The outcome of checking one document: its format, problems (invalid when any) and warnings."""

    format: DocumentFormat
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


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


def sniff(data: bytes) -> DocumentFormat:
    """Guess a document's format from its first bytes."""
    head = data[:4096].lstrip()
    if head.startswith((b"{", b"[")):
        name = "jsonld" if b'"@' in head else "json"
    elif head.startswith(b"<?xml") or head.startswith(b"<prov:"):
        name = "xml"
    elif head.startswith(b"document"):
        name = "provn"
    elif b"{" in head and (b"@prefix" in head or b"PREFIX" in head):
        name = "trig"
    elif head.startswith((b"@prefix", b"PREFIX", b"@base")):
        name = "ttl"
    else:
        name = "nq"
    return _format(name)


def _format(fmt: str | DocumentFormat) -> DocumentFormat:
    """The validated format ``fmt`` names (a format of the table is itself)."""
    return fmt if isinstance(fmt, DocumentFormat) else formats.find(fmt, use="validate")


def validate(path: str | Path, fmt: str | None = None) -> tuple[DocumentFormat, list[str]]:
    """Check a PROV document; returns its format and the problems found (empty when valid)."""
    result = check_document(path, fmt)
    return result.format, result.problems


def check_document(path: str | Path, fmt: str | None = None, *, constraints: bool = False) -> Validation:
    """Check a PROV document (with ``constraints``, W3C PROV-CONSTRAINTS too, after the other checks)."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise FormatError(f"cannot read {path}: {exc.strerror}") from None
    if looks_like_xml(data):
        problem = dtd_problem(data[:PROLOG_LIMIT])
        if problem:  # before lxml or the prov package could expand or fetch anything
            raise FormatError(f"{path}: {problem}; remove the DOCTYPE")
    try:
        chosen = formats.find(fmt, path, use="validate")
    except FormatError:
        if fmt:
            raise
        chosen = sniff(data)
    base = Path(path).resolve().as_uri()  # relative IRIs resolve against the document, as import does
    result = Validation(chosen)
    if chosen.rdf is not None:
        result.problems = _check_rdf(data, chosen, result.warnings, base)
    elif chosen.name == "json":
        result.problems = _check_json(data, chosen, result.warnings)
    elif chosen.name == "xml":
        result.problems = _check_xml(data, chosen)
        result.warnings += _xml_time_warnings(data)
    else:
        result.problems = _read_back(data, chosen)
        result.warnings += _provn_time_warnings(data)
    if constraints:
        try:
            document = read_model(data, chosen, base)
        except FormatError as exc:
            result.problems.append(f"constraints: cannot read the document: {_one_line(exc)}")
        except Exception as exc:  # a reader's bug is one line, never a traceback
            result.problems.append(f"constraints: cannot read the document: {type(exc).__name__}: {_one_line(exc)}")
        else:
            report = check(document)
            result.problems += [f"constraints: {violation}" for violation in report.violations]
            result.warnings += [f"constraints: {warning}" for warning in report.warnings]
    result.problems = result.problems[:MAX_PROBLEMS]
    return result


def check(document: Document) -> Any:
    """The PROV-CONSTRAINTS report of a model document."""
    from provbridge.provdm.constraints import check as check_constraints

    return check_constraints(document)


def read_model(data: bytes, fmt: str | DocumentFormat, base: str | None = None) -> Document:
    """A document in format ``fmt`` (a format of :mod:`provbridge.formats`, or its name) as the in-memory
    PROV-DM model; relative IRIs of RDF syntaxes resolve against ``base`` (the document's own URI, as
    ``import`` does)."""
    chosen = _format(fmt)
    if chosen.rdf is not None:
        from provbridge.provdm.rdf import from_quads

        quads, prefixes, _ = _rdf_quads(data, chosen, base)
        return from_quads(quads, prefixes)
    if chosen.name == "provn":
        from provbridge.provdm.provn_read import read_provn

        return read_provn(data)
    if chosen.name == "json":
        from provbridge.provdm.provjson import loads

        return loads(data)
    from provbridge.provdm.provxml import loads as load_xml

    return load_xml(data)


def _rdf_quads(data: bytes, chosen: DocumentFormat,
               base: str | None) -> tuple[list[pyoxigraph.Quad], dict[str, str], bytes | None]:
    """The quads of an RDF document and its prefixes, as ``import`` reads it: PROV-JSONLD (whose remote
    context pyoxigraph does not fetch; provbridge.provdm.provjsonld.is_prov_jsonld decides) through our own
    PROV-JSONLD reader and PROV-O mapping, then the N-Quads it converts to are returned too; any other RDF
    by pyoxigraph. FormatError (one line) when it cannot be read."""
    import pyoxigraph

    from provbridge.provdm.provjsonld import is_prov_jsonld

    if chosen.name == "jsonld" and is_prov_jsonld(data):
        from provbridge.provdm.syntax import prov_o_quads

        quads, prefixes, _ = prov_o_quads(data, chosen.name)
        return quads, prefixes, pyoxigraph.serialize(quads, format=pyoxigraph.RdfFormat.N_QUADS)
    try:
        parser = pyoxigraph.parse(data, format=chosen.rdf, base_iri=base)
        return list(parser), dict(getattr(parser, "prefixes", {}) or {}), None
    except SyntaxError as exc:
        raise FormatError(_one_line(exc)) from None


def import_warnings(stream: Any, fmt: str | DocumentFormat, label: str, base: str | None = None) -> list[str]:
    """PROV-CONSTRAINTS violations of a document ``import`` just stored as it is, printed as warnings on
    stderr (one line each) and returned. Documents over ``IMPORT_CHECK_LIMIT`` bytes are not checked
    (the check holds the whole document in memory; ``validate --constraints`` checks any size)."""
    stream.seek(0, 2)
    size = stream.tell()
    stream.seek(0)
    if size > IMPORT_CHECK_LIMIT:
        return []
    data = stream.read()
    stream.seek(0)
    try:
        report = check(read_model(data, fmt, base))
    except FormatError as exc:
        lines = [f"{label}: PROV-CONSTRAINTS not checked: {_one_line(exc)}"]
    except Exception as exc:  # the document is stored already: a reader's bug must not turn into a failure
        lines = [f"{label}: PROV-CONSTRAINTS not checked: {type(exc).__name__}: {_one_line(exc)}"]
    else:
        lines = [f"{label}: invalid PROV (stored as it is): {violation}" for violation in report.violations]
        if len(lines) > IMPORT_WARNINGS:
            more = len(lines) - IMPORT_WARNINGS
            count = f"{label}: {more} more PROV-CONSTRAINTS violations (validate --constraints lists them all)"
            lines = [*lines[:IMPORT_WARNINGS], count]
    for line in lines:
        print(f"provbridge: warning: {line}", file=sys.stderr)
    return lines


def _read_back(data: bytes, chosen: DocumentFormat) -> list[str]:
    """Problems the ``prov`` package reports reading the document (errors and warnings)."""
    import prov

    problems: list[str] = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            prov.read(io.BytesIO(data), format=chosen.prov)
        except Exception as exc:  # the prov readers raise many exception types
            problems.append(f"prov: cannot read the document: {_one_line(exc)}")
    problems += [f"prov: {_one_line(w.message)}" for w in caught]
    return problems


def _local_times(node: Any, path: str, found: list[str]) -> Any:
    """``node`` with every timezone-less time argument given a ``Z`` (for the schema), each one noted."""
    if isinstance(node, dict):
        result = {}
        for key, value in node.items():
            where = f"{path}/{key}"
            if key in TIME_KEYS and isinstance(value, str) and LOCAL_TIME.match(value):
                found.append(f"time without a timezone at {where}: {value}")
                value = value + "Z"
            result[key] = _local_times(value, where, found)
        return result
    if isinstance(node, list):
        return [_local_times(item, f"{path}/{i}", found) for i, item in enumerate(node)]
    return node


def _check_json(data: bytes, chosen: DocumentFormat, notes: list[str] | None = None) -> list[str]:
    jsonschema = _need("jsonschema")
    try:
        document = json.loads(data)
    except ValueError as exc:
        return [f"json: not JSON: {_one_line(exc)}"]
    local: list[str] = []
    document = _local_times(document, "", local)
    if notes is not None:
        notes += local
    schema = json.loads(schema_file("prov-json.schema.json").read_text(encoding="utf-8"))
    validator_class = jsonschema.validators.validator_for(schema)
    validator = validator_class(schema, format_checker=validator_class.FORMAT_CHECKER)
    problems = [
        f"schema: /{'/'.join(str(p) for p in error.absolute_path)}: {_one_line(error.message)}"
        for error in sorted(validator.iter_errors(document), key=lambda e: list(map(str, e.absolute_path)))
    ]
    return problems + _read_back(data, chosen)


def _check_xml(data: bytes, chosen: DocumentFormat) -> list[str]:
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
    return problems + _read_back(data, chosen)


def _check_rdf(data: bytes, chosen: DocumentFormat, notes: list[str] | None = None,
               base: str | None = None) -> list[str]:
    import pyoxigraph

    syntax = chosen.rdflib
    try:
        quads, _, converted = _rdf_quads(data, chosen, base)
    except FormatError as exc:
        return [f"{chosen.name}: {exc}"]
    if converted is not None:  # PROV-JSONLD, as import reads it: checked as the PROV-O it converts to
        data, syntax = converted, _format("nq").rdflib
    if not quads:
        return [f"{chosen.name}: the document holds no triples"]
    if notes is not None:
        notes += sorted({f"time without a timezone: {q.object.value}" for q in quads
                         if isinstance(q.object, pyoxigraph.Literal) and q.object.datatype.value == XSD_DATETIME
                         and LOCAL_TIME.match(q.object.value)})
    rdflib = _need("rdflib")
    pyshacl = _need("pyshacl")
    dataset = rdflib.Dataset()
    dataset.parse(data=data, format=syntax, publicID=base)
    shapes = rdflib.Graph().parse(schema_file("provbridge-shapes.ttl"), format=_format("ttl").rdflib)
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


def _xml_time_warnings(data: bytes) -> list[str]:
    """Timezone-less times in a PROV-XML document (XML Schema accepts them: a warning, not a problem)."""
    from lxml import etree

    try:
        root = etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError:
        return []
    names = {f"{{http://www.w3.org/ns/prov#}}{local}" for local in ("time", "startTime", "endTime")}
    return [f"time without a timezone at line {element.sourceline}: {(element.text or '').strip()}"
            for element in root.iter() if element.tag in names and LOCAL_TIME.match((element.text or "").strip())]


def _provn_time_warnings(data: bytes) -> list[str]:
    """Timezone-less times in a PROV-N document (read with our reader; nothing when it cannot read it)."""
    from provbridge.provdm.model import Literal
    from provbridge.provdm.provn_read import read_provn

    try:
        document = read_provn(data)
    except FormatError:
        return []
    times = {value.value for _, record in document.all_records() for _, value in record.args
             if isinstance(value, Literal) and LOCAL_TIME.match(value.value)}
    return [f"time without a timezone: {value}" for value in sorted(times)]


def _one_line(value: object) -> str:
    return " ".join(str(value).split())
