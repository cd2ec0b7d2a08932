"""Bringing provenance from elsewhere into the store: PROV documents in any syntax become imported trials."""

from __future__ import annotations

from typing import IO, TYPE_CHECKING

from provbridge.imports.formats import IMPORT_FORMATS, import_format
from provbridge.store.graphs import graph_info

if TYPE_CHECKING:
    import os

    from provbridge.store.store import Store, Trial

__all__ = ["IMPORT_FORMATS", "graph_info", "import_document", "import_format"]


def import_document(store: Store, path_or_binary_stream: str | os.PathLike[str] | IO[bytes], fmt: str | None = None,
                    *, name: str | None = None, source: str | None = None, progress: bool = True) -> list[Trial]:
    """Import one PROV document (PROV-JSON, PROV-XML, PROV-N, or PROV-O in Turtle, TriG, N-Quads, N-Triples,
    JSON-LD, RDF/XML) as imported trials, one per bundle; all or nothing. ``fmt`` defaults to the path's
    extension; ``name`` names the trials; ``source`` is recorded as where it came from (default: the
    path). Raises FormatError (one line) when the document does not parse or is not PROV."""
    from provbridge.imports.document import import_document as run

    return run(store, path_or_binary_stream, fmt, name=name, origin=source, progress=progress)
