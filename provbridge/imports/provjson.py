"""Streaming PROV-JSON import: the document is read record by record and converted in small batches, so
memory stays bounded by the batch, not by the document (a whole-document model of a 65 MB document takes
gigabytes)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import IO, Any

import orjson
import pyoxigraph as ox

from provbridge.errors import FormatError
from provbridge.imports.jsonstream import JsonStream, JsonStreamError

BATCH = 2000  # records per small PROV-JSON document handed to the converter

Convert = Callable[[bytes], tuple[list[ox.Quad], dict[str, str], list[str]]]


class _Batch:
    """Records waiting to be converted, as the PROV-JSON document they make with the prefixes."""

    def __init__(self, top: dict[str, Any], bundles: dict[str, dict[str, Any]]) -> None:
        self.top = top
        self.bundles = bundles
        self.size = 0
        self.records: dict[str, dict[str, Any]] = {}
        self.in_bundles: dict[str, dict[str, dict[str, Any]]] = {}

    def add(self, bundle: str | None, kind: str, ident: str, value: Any) -> None:
        target = self.records if bundle is None else self.in_bundles.setdefault(bundle, {})
        records = target.setdefault(kind, {})
        if ident in records:  # the same id twice in one map: PROV-JSON's list form
            previous = records[ident]
            records[ident] = [*(previous if isinstance(previous, list) else [previous]),
                              *(value if isinstance(value, list) else [value])]
        else:
            records[ident] = value
        self.size += 1

    def document(self) -> bytes:
        doc: dict[str, Any] = {"prefix": self.top} if self.top else {}
        doc.update(self.records)
        if self.in_bundles:
            doc["bundle"] = {
                bundle: ({"prefix": self.bundles[bundle]} if self.bundles.get(bundle) else {}) | records
                for bundle, records in self.in_bundles.items()
            }
        self.size = 0
        self.records, self.in_bundles = {}, {}
        return orjson.dumps(doc)


def _prefix_map(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise JsonStreamError(f"the prefix of {where} is not an object")
    return value


class ProvJsonQuads:
    """The PROV-O quads of a PROV-JSON document read from a seekable binary stream, batch by batch.
    ``convert`` turns one small PROV-JSON document into quads, its prefixes and the conversion's warnings
    (provbridge's PROV-O mapping, applied to ``BATCH`` records at a time); ``notes`` collects the warnings."""

    def __init__(self, stream: IO[bytes], convert: Convert, *, advance: Any = None, batch: int = BATCH) -> None:
        self.stream = stream
        self.convert = convert
        self.advance = advance
        self.batch = batch
        self.prefixes: dict[str, str] = {}
        self.notes: list[str] = []
        self._seen_default: set[ox.Quad] = set()
        self._bundles: set[Any] = set()

    def __iter__(self) -> Iterator[ox.Quad]:
        try:
            top, bundles = self._prefixes()
            self.stream.seek(0)
            reader = JsonStream(self.stream, self.advance)
            batch = _Batch(top, bundles)
            for key in reader.members():
                if key == "prefix":
                    reader.skip()
                    continue
                for bundle, kind, ident in self._records(reader, key):
                    batch.add(bundle, kind, ident, reader.value())
                    if batch.size >= self.batch:
                        yield from self._quads(batch.document())
            reader.end()
        except JsonStreamError as exc:
            raise FormatError(f"not valid json ({exc})") from None
        if batch.size:  # a document without records gives no quads (the import says it holds none)
            yield from self._quads(batch.document())

    @staticmethod
    def _records(reader: JsonStream, key: str) -> Iterator[tuple[str | None, str, str]]:
        if key != "bundle":
            if reader.peek() != "{":
                raise JsonStreamError(f"the value of {key!r} is not an object")
            for ident in reader.members():
                yield None, key, ident
            return
        for bundle in reader.members():
            for kind in reader.members():
                if kind == "prefix":
                    reader.skip()
                    continue
                if reader.peek() != "{":
                    raise JsonStreamError(f"the value of {kind!r} in bundle {bundle!r} is not an object")
                for ident in reader.members():
                    yield bundle, kind, ident

    def _prefixes(self) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
        """A first pass over the document: its prefixes and those of its bundles (they may come last)."""
        reader = JsonStream(self.stream)
        if reader.peek() != "{":
            raise JsonStreamError("a PROV-JSON document is a JSON object")
        top: dict[str, Any] = {}
        bundles: dict[str, dict[str, Any]] = {}
        for key in reader.members():
            if key == "prefix":
                top = _prefix_map(reader.value(), "the document")
            elif key == "bundle" and reader.peek() == "{":
                for bundle in reader.members():
                    if reader.peek() != "{":
                        reader.skip()
                        continue
                    for kind in reader.members():
                        if kind == "prefix":
                            bundles[bundle] = _prefix_map(reader.value(), f"bundle {bundle!r}")
                        else:
                            reader.skip()
            else:
                reader.skip()
        reader.end()
        return top, bundles

    def _quads(self, document: bytes) -> Iterator[ox.Quad]:
        quads, prefixes, notes = self.convert(document)
        for prefix, iri in prefixes.items():
            self.prefixes.setdefault(prefix, iri)
        self.notes.extend(note for note in notes if note not in self.notes)
        bundles = self._bundles
        bundles.update(q.graph_name for q in quads if type(q.graph_name) is ox.NamedNode)
        seen = self._seen_default
        for quad in quads:
            if type(quad.graph_name) is ox.DefaultGraph and quad.subject in bundles:
                # what every batch repeats about a bundle (``b a prov:Bundle``) is written once
                if quad in seen:
                    continue
                seen.add(quad)
            yield quad
