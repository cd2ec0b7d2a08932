"""Reading a PROV document as a stream of quads: RDF syntaxes with pyoxigraph's streaming parser, PROV-JSON,
PROV-XML, PROV-N and PROV-JSONLD with the ``prov`` package (converted to PROV-O)."""

from __future__ import annotations

import io
import warnings
from collections.abc import Iterator
from typing import IO, Any

import pyoxigraph as ox

from provbridge.errors import FormatError
from provbridge.imports.formats import ImportFormat


class CountingReader(io.RawIOBase):
    """A binary stream that reports how many bytes were read from it (for the progress bar)."""

    def __init__(self, raw: IO[bytes], advance: Any = None) -> None:
        self.raw = raw
        self.advance = advance

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self.raw.read(len(buffer))
        size = len(data)
        buffer[:size] = data
        if self.advance is not None and size:
            self.advance(size)
        return size


class Quads:
    """The quads of one document; ``prefixes`` holds the namespace prefixes it declared once it was read."""

    def __init__(self, stream: IO[bytes], fmt: ImportFormat, *, base_iri: str | None, use_prov: bool,
                 advance: Any = None) -> None:
        self.stream = stream
        self.fmt = fmt
        self.base_iri = base_iri
        self.use_prov = use_prov
        self.advance = advance
        self.prefixes: dict[str, str] = {}

    def __iter__(self) -> Iterator[ox.Quad]:
        if self.use_prov:
            yield from self._prov()
            return
        assert self.fmt.rdf is not None
        reader = io.BufferedReader(CountingReader(self.stream, self.advance), 1 << 16)
        parser = ox.parse(reader, format=self.fmt.rdf, base_iri=self.base_iri)
        try:
            yield from parser
        except SyntaxError as exc:
            raise FormatError(f"not valid {self.fmt.name} ({_one_line(exc)})") from None
        except ValueError as exc:
            raise FormatError(f"not readable as {self.fmt.name} ({_one_line(exc)})") from None
        self.prefixes = dict(getattr(parser, "prefixes", {}) or {})

    def _prov(self) -> Iterator[ox.Quad]:
        assert self.fmt.prov is not None
        if self.fmt.prov == "json":  # streamed: a batch of records in memory at a time
            from provbridge.imports.provjson import ProvJsonQuads

            quads = ProvJsonQuads(self.stream, lambda data: prov_quads(data, "json", "json"), advance=self.advance)
            yield from quads
            self.prefixes = quads.prefixes
            return
        data = self.stream.read()
        if self.advance is not None:
            self.advance(len(data))
        result, self.prefixes = prov_quads(data, self.fmt.prov, self.fmt.name)
        yield from result


def prov_quads(data: bytes, prov_format: str, name: str) -> tuple[list[ox.Quad], dict[str, str]]:
    """A document read by the ``prov`` package (format ``prov_format``) as PROV-O quads, with its
    prefixes; FormatError (one line) when it cannot be read or expressed in PROV-O."""
    from prov.model import ProvDocument

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            document = ProvDocument.deserialize(content=data, format=prov_format)
        except Exception as exc:  # the prov readers raise many unrelated types on bad input
            raise FormatError(f"not valid {name} ({_one_line(exc)})") from None
        if document is None:
            raise FormatError("holds no PROV records")
        try:
            nquads: Any = document.serialize(format="rdf", rdf_format="nquads")
        except Exception as exc:  # records the prov package cannot map to PROV-O
            raise FormatError(f"read as {name}, but the prov package cannot express it in PROV-O "
                              f"({_one_line(exc)})") from None
    prefixes = _prov_prefixes(document)
    text = nquads if isinstance(nquads, str) else bytes(nquads).decode("utf-8")
    return list(ox.parse(text.encode("utf-8"), format=ox.RdfFormat.N_QUADS)), prefixes


def _prov_prefixes(document: Any) -> dict[str, str]:
    prefixes = {ns.prefix: ns.uri for ns in document.namespaces}
    for bundle in document.bundles:
        for ns in bundle.namespaces:
            prefixes.setdefault(ns.prefix, ns.uri)
    return prefixes


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= 300 else text[:297] + "..."
