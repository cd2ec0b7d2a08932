"""PROV-JSON written directly and streamed: one record at a time with orjson, grouped by record type
through spooled temporary sections, so memory stays flat however large the trial."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import IO, Any, BinaryIO

import orjson

from provbridge.translate import Translation
from provbridge.translate.records import RELATIONS, Element, Iri, QName, Record, Relation, Value
from provbridge.translate.values import xsd_datetime_text, xsd_double_text, xsd_integer_type

SPOOL_BYTES = 1 << 20
TIME_KEYS = frozenset({"prov:startTime", "prov:endTime"})
REVISION = {"$": "prov:Revision", "type": "xsd:QName"}
ELEMENT_ORDER = ("entity", "activity", "agent")


def _int(value: int) -> dict[str, str]:
    return {"$": str(value), "type": xsd_integer_type(value)}


def _float(value: float) -> dict[str, str]:
    return {"$": xsd_double_text(value), "type": "xsd:double"}


def _datetime(value: datetime) -> dict[str, str]:
    return {"$": xsd_datetime_text(value), "type": "xsd:dateTime"}


def _qname(value: str) -> dict[str, str]:
    return {"$": str(value), "type": "xsd:QName"}


def _iri(value: str) -> dict[str, str]:
    return {"$": str(value), "type": "xsd:anyURI"}


def _same(value: Any) -> Any:
    return value


CONVERT: dict[type, Callable[[Any], Any]] = {
    str: _same, bool: _same, int: _int, float: _float, datetime: _datetime, QName: _qname, Iri: _iri,
}


def json_value(value: Value) -> Any:
    """The PROV-JSON representation of one attribute value."""
    return CONVERT[type(value)](value)


def attributes_json(attrs: Iterable[tuple[str, Value]], body: dict[str, Any]) -> dict[str, Any]:
    """Add attributes to a record's JSON object; a repeated key becomes an array of values."""
    for key, value in attrs:
        if key in TIME_KEYS:
            converted: Any = xsd_datetime_text(value)  # type: ignore[arg-type]
        else:
            converted = CONVERT[type(value)](value)
        if key in body:
            current = body[key]
            body[key] = [*current, converted] if isinstance(current, list) else [current, converted]
        else:
            body[key] = converted
    return body


def relation_json(rel: Relation) -> dict[str, Any]:
    """The PROV-JSON object of a relation (formal arguments first)."""
    subject_key, object_key, secondary_key, _ = RELATIONS[rel.kind]
    body: dict[str, Any] = {subject_key: rel.subject, object_key: rel.object}
    if rel.secondary is not None and secondary_key is not None:
        body[secondary_key] = rel.secondary
    if rel.time is not None:
        body["prov:time"] = xsd_datetime_text(rel.time)
    if rel.kind == "wasRevisionOf":
        body["prov:type"] = REVISION
    if rel.attrs:
        attributes_json(rel.attrs, body)
    return body


class _Section:
    """The ``"id": {...}`` members of one record type, in memory up to SPOOL_BYTES, then in a temporary file."""

    __slots__ = ("file", "items", "size")

    def __init__(self) -> None:
        self.items: list[bytes] = []
        self.size = 0
        self.file: IO[bytes] | None = None

    def add(self, item: bytes) -> None:
        self.items.append(item)
        self.size += len(item)
        if self.size > SPOOL_BYTES:
            self.spill()

    def spill(self) -> None:
        if self.file is None:
            self.file = tempfile.TemporaryFile()
        else:
            self.file.write(b",")
        self.file.write(b",".join(self.items))
        self.items.clear()
        self.size = 0

    def write(self, out: BinaryIO) -> None:
        out.write(b"{")
        if self.file is not None:
            if self.items:
                self.spill()
            self.file.seek(0)
            shutil.copyfileobj(self.file, out, 1 << 20)
            self.file.close()
        else:
            out.write(b",".join(self.items))
        out.write(b"}")


class _Container:
    """The records of one PROV-JSON container, kept per record type until the container is closed."""

    def __init__(self) -> None:
        self.sections: dict[str, _Section] = {}
        self.blank = 0

    def add(self, record: Record) -> None:
        if type(record) is Element:
            label = record.kind
            key = record.id
            body = attributes_json(record.attrs, {}) if record.attrs else {}
        else:
            rel: Relation = record  # type: ignore[assignment]
            label = "wasDerivedFrom" if rel.kind == "wasRevisionOf" else rel.kind
            if rel.id is None:
                self.blank += 1
                key = f"_:r{self.blank}"
            else:
                key = rel.id
            body = relation_json(rel)
        section = self.sections.get(label)
        if section is None:
            section = self.sections[label] = _Section()
        section.add(orjson.dumps(key) + b":" + orjson.dumps(body))

    def write(self, out: BinaryIO, first: bool) -> None:
        """Write ``"type": {...}`` members (after a comma unless ``first``) and release the sections."""
        labels = [k for k in ELEMENT_ORDER if k in self.sections]
        labels += [k for k in self.sections if k not in ELEMENT_ORDER]
        for label in labels:
            section = self.sections.pop(label)
            out.write(b'"' + label.encode() + b'":' if first else b',"' + label.encode() + b'":')
            first = False
            section.write(out)


def write(translation: Translation, out: BinaryIO) -> None:
    """Write the translation as one PROV-JSON document, one bundle per trial."""
    if translation.imported:  # imported graphs are RDF: provbridge.provdm maps them to PROV-DM records
        from provbridge.export.provmodel import write_translation

        write_translation(translation, out, "json")
        return
    out.write(b'{"prefix":' + orjson.dumps(translation.prefixes))
    top = _Container()
    for record in translation.document_records():
        top.add(record)
    top.write(out, first=False)
    out.write(b',"bundle":{')
    for index, part in enumerate(translation.parts):
        out.write((b"," if index else b"") + orjson.dumps(part.bundle_id) + b":{")
        container = _Container()
        add = container.add
        for record in part.records():
            add(record)
        container.write(out, first=True)
        out.write(b"}")
    out.write(b"}}\n")
