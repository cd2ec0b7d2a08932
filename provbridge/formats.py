"""The one table of file formats: PROV documents (read, written, validated, drawn) and diagrams, with lookups.

Pure data, importable from every stage. RDF syntaxes take their extension, media type and name from
pyoxigraph's ``RdfFormat``; only the extra extensions and aliases are written here. Each stage keeps its
own behaviour (the export writers, the import readers, the validators, Graphviz) and asks this table
which format a name, a file extension or a media type means.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, BinaryIO, Literal, NamedTuple

import pyoxigraph as ox

from provbridge.errors import FormatError

if TYPE_CHECKING:
    from provbridge.translate import Translation

Writer = Callable[["Translation", BinaryIO], None]

Use = Literal["read", "write", "validate", "draw"]
ALL_USES: frozenset[str] = frozenset({"read", "write", "validate", "draw"})
PROV_DM_USES = ALL_USES  # our own PROV syntaxes: provbridge writes them, and reads, checks and draws any
READ_ONLY_USES: frozenset[str] = frozenset({"read", "validate", "draw"})  # syntaxes provbridge does not write


class DocumentFormat(NamedTuple):
    """A PROV document format. ``rdf``: pyoxigraph's syntax when it is an RDF syntax; ``prov``: the ``prov``
    package's format name (JSON-LD has both: PROV-O in JSON-LD first, else PROV-JSONLD); ``rdflib``: rdflib's
    parser name; ``writer_module`` defines ``write(translation, binary_stream)`` (formats export streams);
    ``directory``: written as a directory (an RO-Crate), not to a stream; ``uses``: what provbridge does
    with it (read, write, validate, draw); ``specification``: the document defining it (RDF syntaxes: PROV-O,
    the ontology they carry)."""

    name: str
    title: str
    aliases: tuple[str, ...]
    extensions: tuple[str, ...]
    media_type: str
    rdf: ox.RdfFormat | None = None
    prov: str | None = None
    rdflib: str | None = None
    writer_module: str | None = None
    directory: bool = False
    uses: frozenset[str] = PROV_DM_USES
    specification: str | None = None

    def writer(self) -> Writer:
        """Import the export module of this format (on first use) and return its ``write``."""
        if self.writer_module is None:
            raise FormatError(f"{self.name} is not written to a file or stream by provbridge's exporters")
        write: Writer = importlib.import_module(self.writer_module).write
        return write

    def serves(self, use: Use | None) -> bool:
        """Whether provbridge ``use``s this format (any use when None)."""
        return use is None or use in self.uses


PROV_O = "http://www.w3.org/TR/prov-o/"
PROCESS_RUN_CRATE = "https://w3id.org/ro/wfrun/process/0.5"


def _rdf(name: str, syntax: ox.RdfFormat, *, aliases: tuple[str, ...] = (), extensions: tuple[str, ...] = (),
         prov: str | None = None, rdflib: str, writer: str | None = None) -> DocumentFormat:
    """An RDF syntax: PROV-O in it. Its media type, main extension and name (as an alias) are pyoxigraph's."""
    main = f".{syntax.file_extension}"
    names = tuple(dict.fromkeys(a for a in (syntax.name.lower(), *aliases) if a != name))
    return DocumentFormat(
        name, f"PROV-O as {syntax.name}", names, (main, *(e for e in extensions if e != main)), syntax.media_type,
        rdf=syntax, prov=prov, rdflib=rdflib, writer_module=writer,
        uses=PROV_DM_USES if writer else READ_ONLY_USES, specification=PROV_O,
    )


# In this order: ``names()`` lists them so (json first: the default export).
DOCUMENTS: tuple[DocumentFormat, ...] = (
    DocumentFormat("json", "PROV-JSON", ("provjson", "prov-json"), (".json", ".provjson"), "application/json",
                   prov="json", writer_module="provbridge.export.provjson",
                   specification="https://www.w3.org/submissions/prov-json/"),
    _rdf("jsonld", ox.RdfFormat.JSON_LD, prov="jsonld", rdflib="json-ld", writer="provbridge.export.jsonld"),
    _rdf("ttl", ox.RdfFormat.TURTLE, rdflib="turtle", writer="provbridge.export.turtle"),
    _rdf("trig", ox.RdfFormat.TRIG, rdflib="trig", writer="provbridge.export.trig"),
    _rdf("nq", ox.RdfFormat.N_QUADS, aliases=("nquads",), rdflib="nquads", writer="provbridge.export.nquads"),
    _rdf("nt", ox.RdfFormat.N_TRIPLES, aliases=("ntriples",), rdflib="nt", writer="provbridge.export.ntriples"),
    DocumentFormat("xml", "PROV-XML", ("provxml", "prov-xml", "provx"), (".xml", ".provx"), "application/xml",
                   prov="xml", writer_module="provbridge.export.provxml",
                   specification="http://www.w3.org/TR/prov-xml/"),
    DocumentFormat("provn", "PROV-N", ("prov-n", "pn"), (".provn", ".pn"), "text/provenance-notation",
                   prov="provn", writer_module="provbridge.export.provn",
                   specification="http://www.w3.org/TR/prov-n/"),
    _rdf("rdf", ox.RdfFormat.RDF_XML, aliases=("rdfxml", "rdf-xml", "owl"), extensions=(".owl",), rdflib="xml"),
    DocumentFormat("ro-crate", "Workflow Run RO-Crate (Process Run Crate 0.5), written as a directory",
                   ("rocrate", "ro_crate"), (), 'application/ld+json; profile="https://w3id.org/ro/crate"',
                   directory=True, uses=frozenset({"write"}), specification=PROCESS_RUN_CRATE),
)


class ImageFormat(NamedTuple):
    """A diagram format: ``graphviz`` is Graphviz's ``-T`` output format, None for the DOT source itself."""

    name: str
    extensions: tuple[str, ...]
    media_type: str
    graphviz: str | None


IMAGES: tuple[ImageFormat, ...] = (
    ImageFormat("dot", (".dot", ".gv"), "text/vnd.graphviz", None),
    ImageFormat("svg", (".svg",), "image/svg+xml", "svg"),
    ImageFormat("png", (".png",), "image/png", "png"),
    ImageFormat("pdf", (".pdf",), "application/pdf", "pdf"),
)


# -- lookups -----------------------------------------------------------------------------------------
def documents(use: Use | None = None, *, streams: bool = False) -> tuple[DocumentFormat, ...]:
    """The document formats provbridge ``use``s (all when None), in table order; ``streams`` leaves out the
    ones written as directories."""
    return tuple(f for f in DOCUMENTS if f.serves(use) and not (streams and f.directory))


def names(formats: Iterable[DocumentFormat]) -> list[str]:
    """The formats' names, in the order given."""
    return [f.name for f in formats]


def by_name(name: str, formats: Iterable[DocumentFormat] = DOCUMENTS) -> DocumentFormat | None:
    """The format called ``name`` or one of its aliases (any case, a leading dot ignored), or None."""
    key = name.strip().lower().lstrip(".")
    return next((f for f in formats if key == f.name or key in f.aliases), None)


def extension(path: str | os.PathLike[str]) -> str:
    """``path``'s extension, lower case, with its dot (empty when it has none)."""
    return os.path.splitext(os.fspath(path))[1].lower()


def by_extension(path: str | os.PathLike[str], formats: Iterable[DocumentFormat] = DOCUMENTS) -> DocumentFormat | None:
    """The format of ``path``'s extension, or None."""
    ext = extension(path)
    return next((f for f in formats if ext and ext in f.extensions), None) if ext else None


def by_media_type(media_type: str, formats: Iterable[DocumentFormat] = DOCUMENTS) -> DocumentFormat | None:
    """The format of a media type (a Content-Type value: parameters and case ignored), or None. RDF
    syntaxes are matched through pyoxigraph, so that its aliases (``application/x-turtle``...) count."""
    bare = media_type.split(";", 1)[0].strip().lower()
    candidates = list(formats)
    found = next((f for f in candidates if f.media_type.split(";", 1)[0].strip().lower() == bare), None)
    if found is None and bare:
        syntax = ox.RdfFormat.from_media_type(bare)
        found = next((f for f in candidates if syntax is not None and f.rdf == syntax), None)
    return found


def find(name: str | None = None, path: str | os.PathLike[str] | None = None, *, use: Use | None = None,
         streams: bool = False, default: str | None = None, what: str = "format",
         option: str = "--format") -> DocumentFormat:
    """The format called ``name`` (an alias too), else the one of ``path``'s extension, else ``default``;
    only among :func:`documents` (``use``, ``streams``). A FormatError names the choices (``what`` and
    ``option`` word it for the caller: "PROV format", "--input-format")."""
    formats = documents(use, streams=streams)
    choices = ", ".join(names(formats))
    if name:
        found = by_name(name, formats)
        if found is None:
            raise FormatError(f"unknown {what} {name!r} (choose from {choices})")
        return found
    if path is not None and os.fspath(path) != "-":
        found = by_extension(path, formats)
        if found is not None:
            return found
        if default is None or extension(path):
            raise FormatError(f"cannot tell the {what} of {os.fspath(path)!r} from its extension; give {option} "
                              f"({choices})")
    if default is None:
        raise FormatError(f"no {what} given (choose from {choices})")
    chosen = by_name(default, formats)
    if chosen is None:  # a caller's mistake, not the user's
        raise ValueError(f"default format {default!r} is not one of {choices}")
    return chosen


def image_format(path: str | os.PathLike[str]) -> ImageFormat | None:
    """The diagram format of ``path``'s extension, or None."""
    ext = extension(path)
    return next((f for f in IMAGES if ext and ext in f.extensions), None)


def image_extensions() -> list[str]:
    """Every diagram extension, sorted."""
    return sorted(ext for f in IMAGES for ext in f.extensions)
