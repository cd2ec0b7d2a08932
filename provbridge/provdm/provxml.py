"""PROV-XML (W3C Note 2013, the XSD in the ``prov`` wheel) read into and written from the PROV-DM model.

Writing follows the XSD's element order (arguments, then ``prov:label``, ``prov:location``, ``prov:role``,
``prov:type``, ``prov:value``, then attributes of other namespaces) and only uses the PROV attributes each
record type allows; one the XSD has no place for (a ``prov:location`` on an association, an attribute
in the PROV namespace, an id on ``specializationOf``...) is left out and named in the returned warnings.
Every identifier is an XML QName (see :mod:`provbridge.provdm.names` for the escape)."""

from __future__ import annotations

from typing import Any

from lxml import etree

from provbridge.errors import FormatError
from provbridge.provdm.model import (
    ARGUMENTS,
    PROV,
    RDF_LANGSTRING,
    REQUIRED,
    TIME_ARGUMENTS,
    UNQUALIFIED,
    XSD,
    Bundle,
    Document,
    Literal,
    Record,
    Value,
)
from provbridge.provdm.names import ESCAPE_SUFFIX, Names, decode_ncname, expand
from provbridge.provdm.values import QNAME_TYPES, literal, qname_value, time

XSI = "http://www.w3.org/2001/XMLSchema-instance"
XSD_XML = "http://www.w3.org/2001/XMLSchema"  # the XSD namespace as XML Schema writes it (no "#")
XML_NS = "http://www.w3.org/XML/1998/namespace"
_P = "{" + PROV + "}"
# the built-in datatypes of XML Schema 1.0 (an xsi:type must name one; 1.1's durations are not among them)
XSD10_TYPES = frozenset(
    "string boolean decimal float double duration dateTime time date gYearMonth gYear gMonthDay gDay gMonth "
    "hexBinary base64Binary anyURI QName NOTATION normalizedString token language NMTOKEN NMTOKENS Name "
    "NCName ID IDREF IDREFS ENTITY ENTITIES integer nonPositiveInteger negativeInteger long int short byte "
    "nonNegativeInteger unsignedLong unsignedInt unsignedShort unsignedByte positiveInteger".split()
)
DATATYPE = "{https://w3id.org/provbridge/ns#}datatype"  # a non-XSD datatype of an attribute element
_LABEL, _LOCATION, _ROLE, _TYPE, _VALUE = (PROV + n for n in ("label", "location", "role", "type", "value"))
# the PROV attributes each record type may carry in PROV-XML, in the XSD's order
_ALLOWED: dict[str, tuple[str, ...]] = {
    "entity": (_LABEL, _LOCATION, _TYPE, _VALUE),
    "activity": (_LABEL, _LOCATION, _TYPE),
    "agent": (_LABEL, _LOCATION, _TYPE),
    **{k: (_LABEL, _LOCATION, _ROLE, _TYPE) for k in ("wasGeneratedBy", "used", "wasStartedBy", "wasEndedBy",
                                                        "wasInvalidatedBy")},
    "wasAssociatedWith": (_LABEL, _ROLE, _TYPE),
    **{k: (_LABEL, _TYPE) for k in ("wasInformedBy", "wasDerivedFrom", "wasAttributedTo", "actedOnBehalfOf",
                                   "wasInfluencedBy")},
    **{k: () for k in UNQUALIFIED},
}
# element names of subtypes: XML element -> (kind, prov:type it implies)
_SUBTYPE_ELEMENTS = {
    "person": ("agent", PROV + "Person"), "organization": ("agent", PROV + "Organization"),
    "softwareAgent": ("agent", PROV + "SoftwareAgent"), "plan": ("entity", PROV + "Plan"),
    "collection": ("entity", PROV + "Collection"), "emptyCollection": ("entity", PROV + "EmptyCollection"),
    "bundle": ("entity", PROV + "Bundle"), "wasRevisionOf": ("wasDerivedFrom", PROV + "Revision"),
    "wasQuotedFrom": ("wasDerivedFrom", PROV + "Quotation"),
    "hadPrimarySource": ("wasDerivedFrom", PROV + "PrimarySource"),
}


class _Writer:
    def __init__(self, names: Names) -> None:
        self.names = names
        self.warnings: list[str] = []

    def qname(self, iri: str) -> str:
        return self.names.qname(iri)

    def tag(self, iri: str) -> tuple[str, str]:
        """(namespace, local) of an attribute element, the local name escaped under an XML-safe prefix."""
        prefix, _, local = self.qname(iri).partition(":")
        return self.names.prefixes[prefix], local

    def value(self, element: Any, value: Value) -> None:
        if isinstance(value, Literal):
            element.text = value.value
            simple = element.tag.startswith(_P) and element.tag != _P + "label"  # xs:anySimpleType: no attributes
            if value.language:
                if simple:
                    self.warnings.append(f"PROV-XML allows no language on {element.tag}: @{value.language} left out")
                else:
                    element.set(f"{{{XML_NS}}}lang", value.language)
            elif value.datatype.startswith(XSD) and value.datatype[len(XSD):] in XSD10_TYPES:
                if value.datatype != XSD + "string":
                    element.set(f"{{{XSI}}}type", "xsd:" + value.datatype[len(XSD):])
            elif value.datatype != RDF_LANGSTRING:  # a datatype the XSD does not define: not an xsi:type
                if simple:
                    self.warnings.append(f"PROV-XML allows no datatype {value.datatype} on {element.tag}: left out")
                else:
                    element.set(DATATYPE, value.datatype)
        else:
            element.text = self.qname(value)
            element.set(f"{{{XSI}}}type", "xsd:QName")

    def record(self, parent: Any, record: Record) -> None:
        element = etree.SubElement(parent, _P + record.kind)
        label = record.id or f"{record.kind}(...)"
        if record.id is not None:
            if record.kind in UNQUALIFIED:
                self.warnings.append(f"PROV-XML has no id for {record.kind}: {record.id} left out")
            else:
                element.set(_P + "id", self.qname(record.id))
        missing = [name for name in ARGUMENTS[record.kind][: REQUIRED[record.kind]] if record.arg(name) is None]
        if missing:
            self.warnings.append(f"{record.kind} {label} lacks {', '.join(missing)}, which PROV-XML requires")
        for name, value in record.args:
            child = etree.SubElement(element, _P + name.partition(":")[2])
            if name in TIME_ARGUMENTS and isinstance(value, Literal):
                child.text = value.value
            elif isinstance(value, str):
                child.set(_P + "ref", self.qname(value))
        allowed = _ALLOWED[record.kind]
        for attribute in allowed:
            for name, value in record.attrs:
                if name == attribute:
                    self.value(etree.SubElement(element, "{" + PROV + "}" + attribute[len(PROV):]), value)
        for name, value in record.attrs:
            if name in allowed:
                continue
            namespace, local = self.tag(name)
            if namespace == PROV or (name == _VALUE and record.kind == "entity"):
                self.warnings.append(f"PROV-XML has no place for {name} on {record.kind} {label}: left out")
                continue
            self.value(etree.SubElement(element, f"{{{namespace}}}{local}"), value)
        if record.kind == "entity" and len(record.attr_values(_VALUE)) > 1:
            self.warnings.append(f"PROV-XML allows one prov:value on {label}: the others left out")
            for extra in element.findall(_P + "value")[1:]:
                element.remove(extra)


def dumps_with_warnings(document: Document) -> tuple[bytes, list[str]]:
    """The document as PROV-XML bytes (deterministic), and what PROV-XML could not hold."""
    document = document.sorted()
    names = Names({**document.prefixes, "xsd": XSD_XML}, xml=True)
    writer = _Writer(names)
    holder = etree.Element("holder")
    for record in document.records:
        writer.record(holder, record)
    contents = []
    for bundle in document.bundles:
        content = etree.Element(_P + "bundleContent")
        content.set(_P + "id", writer.qname(bundle.id))
        for record in bundle.records:
            writer.record(content, record)
        contents.append(content)
    nsmap = {"prov": PROV, "xsd": XSD_XML, "xsi": XSI, "pb": "https://w3id.org/provbridge/ns#"}
    for prefix, iri in names.used().items():
        if prefix not in nsmap:
            nsmap[prefix] = iri
    root = etree.Element(_P + "document", nsmap=dict(sorted(nsmap.items())))
    for child in [*holder, *contents]:
        root.append(child)
    etree.indent(root, space="  ")
    data: bytes = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    return data + b"\n", writer.warnings


def dumps(document: Document) -> bytes:
    """The document as PROV-XML bytes (what PROV-XML cannot hold is left out: see :func:`dumps_with_warnings`)."""
    return dumps_with_warnings(document)[0]


def _resolve(element: Any, qname: str) -> str:
    prefixes = {k or "": v for k, v in element.nsmap.items()}
    return expand(qname.strip(), prefixes, xml=True)


def _xml_value(element: Any) -> Value:
    text = element.text or ""
    language = element.get(f"{{{XML_NS}}}lang")
    xsi_type = element.get(f"{{{XSI}}}type")
    if element.get(DATATYPE):
        return literal(text, element.get(DATATYPE), language)
    if xsi_type is not None:
        datatype = _resolve(element, xsi_type)
        if datatype.startswith(XSD_XML) and not datatype.startswith(XSD):
            datatype = XSD + datatype[len(XSD_XML):]
        if datatype in QNAME_TYPES or xsi_type in QNAME_TYPES:
            return qname_value(_resolve(element, text), text)
        return literal(text, datatype, language)
    return literal(text, None, language)


def _read_record(element: Any) -> list[Record]:
    namespace, _, local = element.tag[1:].partition("}")
    if namespace != PROV:
        raise FormatError(f"PROV-XML: unexpected element {local!r} in namespace {namespace}")
    kind, implied = _SUBTYPE_ELEMENTS.get(local, (local, None))
    if kind not in ARGUMENTS:
        raise FormatError(f"PROV-XML: unknown record element prov:{local}")
    ident = element.get(_P + "id")
    args: dict[str, Value] = {}
    attrs: list[tuple[str, Value]] = [(PROV + "type", implied)] if implied else []
    members: list[str] = []
    for child in element:
        if not isinstance(child.tag, str):
            continue
        child_ns, _, child_local = child.tag[1:].partition("}")
        name = "prov:" + child_local
        if child_ns == PROV and name in ARGUMENTS[kind]:
            if name in TIME_ARGUMENTS:
                args[name] = time((child.text or "").strip())
            else:
                ref = child.get(_P + "ref")
                if ref is None:
                    raise FormatError(f"PROV-XML: prov:{child_local} of prov:{local} has no prov:ref")
                if kind == "hadMember" and name == "prov:entity":
                    members.append(_resolve(child, ref))
                else:
                    args[name] = _resolve(child, ref)
            continue
        escaped = (child.prefix or "").endswith(ESCAPE_SUFFIX)
        key = child_ns + (decode_ncname(child_local) if escaped else child_local)
        value = _xml_value(child)
        if (key, value) != (PROV + "type", implied):  # the type a subtype element implies is there already
            attrs.append((key, value))
    record_id = _resolve(element, ident) if ident else None
    if members:
        return [Record.make(kind, record_id, {**args, "prov:entity": m}, attrs) for m in members]
    return [Record.make(kind, record_id, args, attrs)]


def loads(data: bytes) -> Document:
    """A PROV-XML document as the model; FormatError (one line) when it is not PROV-XML."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=True)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise FormatError(f"not valid XML ({' '.join(str(exc).split())})") from None
    if root.tag != _P + "document":
        raise FormatError(f"PROV-XML: the root element must be prov:document, not {root.tag}")
    records: list[Record] = []
    bundles: list[Bundle] = []
    namespaces: dict[str, str] = {}
    for element in root.iter():
        if isinstance(element.tag, str):
            for prefix, iri in element.nsmap.items():
                if prefix and iri not in (XSI, XSD_XML) and not prefix.endswith(ESCAPE_SUFFIX):
                    namespaces.setdefault(prefix, iri)
    for element in root:
        if not isinstance(element.tag, str):
            continue
        if element.tag == _P + "bundleContent":
            ident = element.get(_P + "id")
            if not ident:
                raise FormatError("PROV-XML: a prov:bundleContent has no prov:id")
            inner = [r for child in element if isinstance(child.tag, str) for r in _read_record(child)]
            bundles.append(Bundle(_resolve(element, ident), tuple(inner)))
        else:
            records.extend(_read_record(element))
    return Document(tuple(sorted(namespaces.items())), tuple(records), tuple(bundles)).sorted()

