"""Reading a PROV document as a stream of quads: RDF syntaxes with pyoxigraph's streaming parser, PROV-JSON,
PROV-XML, PROV-N and PROV-JSONLD with provbridge's own PROV-DM readers and PROV-O mapping (provdm.syntax)."""

from __future__ import annotations

import io
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
    """The quads of one document; ``prefixes`` holds the namespace prefixes it declared and ``notes`` what the
    PROV-DM -> PROV-O mapping kept as attributes or left out (warnings), once it was read."""

    def __init__(self, stream: IO[bytes], fmt: ImportFormat, *, base_iri: str | None, use_prov: bool,
                 advance: Any = None) -> None:
        self.stream = stream
        self.fmt = fmt
        self.base_iri = base_iri
        self.use_prov = use_prov
        self.advance = advance
        self.prefixes: dict[str, str] = {}
        self.notes: list[str] = []

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

            quads = ProvJsonQuads(self.stream, lambda data: prov_quads(data, "json"), advance=self.advance)
            yield from quads
            self.prefixes, self.notes = quads.prefixes, quads.notes
            return
        data = self.stream.read()
        if self.advance is not None:
            self.advance(len(data))
        result, self.prefixes, self.notes = prov_quads(data, self.fmt.name)
        yield from result


def prov_quads(data: bytes, name: str) -> tuple[list[ox.Quad], dict[str, str], list[str]]:
    """A PROV-JSON, PROV-XML, PROV-N or PROV-JSONLD document (format ``name``) as PROV-O quads by provbridge's
    own mapping, with its prefixes and the mapping's warnings; FormatError (one line) when it cannot be read
    or holds no PROV records."""
    from provbridge.provdm.syntax import prov_o_quads

    try:
        return prov_o_quads(data, name)
    except FormatError:
        raise
    except (ValueError, KeyError, TypeError, AttributeError, IndexError, RecursionError) as exc:  # a reader's gap
        raise FormatError(f"not valid {name} ({_one_line(exc)})") from None


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= 300 else text[:297] + "..."
