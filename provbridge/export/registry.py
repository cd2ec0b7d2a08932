"""The one table of export formats (name, aliases, extensions, media type, module), loaded lazily."""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable
from typing import BinaryIO, NamedTuple

from provbridge.errors import FormatError
from provbridge.translate import Translation

Writer = Callable[[Translation, BinaryIO], None]


class Format(NamedTuple):
    """An export format; ``module`` defines ``write(translation, binary_stream)``."""

    name: str
    aliases: tuple[str, ...]
    extensions: tuple[str, ...]
    media_type: str
    module: str
    title: str
    rdf: bool

    def writer(self) -> Writer:
        """Import the format's module (on first use) and return its writer."""
        write: Writer = importlib.import_module(self.module).write
        return write


FORMATS: tuple[Format, ...] = (
    Format("json", ("provjson", "prov-json"), (".json", ".provjson"), "application/json",
           "provbridge.export.provjson", "PROV-JSON", False),
    Format("jsonld", ("json-ld",), (".jsonld",), "application/ld+json",
           "provbridge.export.jsonld", "PROV-O as JSON-LD", True),
    Format("ttl", ("turtle",), (".ttl",), "text/turtle", "provbridge.export.turtle", "PROV-O as Turtle", True),
    Format("trig", (), (".trig",), "application/trig", "provbridge.export.trig", "PROV-O as TriG", True),
    Format("nq", ("nquads", "n-quads"), (".nq",), "application/n-quads",
           "provbridge.export.nquads", "PROV-O as N-Quads", True),
    Format("nt", ("ntriples", "n-triples"), (".nt",), "application/n-triples",
           "provbridge.export.ntriples", "PROV-O as N-Triples", True),
    Format("xml", ("provxml", "prov-xml", "provx"), (".xml", ".provx"), "application/xml",
           "provbridge.export.provxml", "PROV-XML", False),
    Format("provn", ("prov-n", "pn"), (".provn", ".pn"), "text/provenance-notation",
           "provbridge.export.provn", "PROV-N", False),
)
_BY_NAME = {key: fmt for fmt in FORMATS for key in (fmt.name, *fmt.aliases)}
_BY_EXTENSION = {ext: fmt for fmt in FORMATS for ext in fmt.extensions}


def format_names() -> list[str]:
    return [fmt.name for fmt in FORMATS]


def find_format(name: str | None = None, path: str | os.PathLike[str] | None = None,
                default: str | None = "json") -> Format:
    """The format called ``name`` (or an alias), else the one of ``path``'s extension, else ``default``."""
    if name:
        found = _BY_NAME.get(name.lower().lstrip("."))
        if found is None:
            raise FormatError(f"unknown format {name!r} (choose from {', '.join(format_names())})")
        return found
    if path is not None and str(path) != "-":
        ext = os.path.splitext(str(path))[1].lower()
        if ext in _BY_EXTENSION:
            return _BY_EXTENSION[ext]
        if default is None or ext:
            raise FormatError(
                f"cannot tell the format of {str(path)!r} from its extension; give --format "
                f"({', '.join(format_names())})"
            )
    if default is None:
        raise FormatError(f"no format given (choose from {', '.join(format_names())})")
    return _BY_NAME[default]
