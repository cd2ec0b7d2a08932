"""Import formats: the formats of the one table (provbridge.formats) that ``import`` reads, the ``prov``
package's syntaxes first, then the RDF ones (read by pyoxigraph)."""

from __future__ import annotations

import os

from provbridge import formats
from provbridge.errors import FormatError
from provbridge.formats import DocumentFormat

ImportFormat = DocumentFormat  # the old name of a format here: ``name``, ``rdf`` and ``prov`` are the same

IMPORT_FORMATS: dict[str, ImportFormat] = {
    f.name: f for f in sorted(formats.documents("read"), key=lambda f: f.rdf is not None)
}


def import_format(fmt: str | None, path: str | os.PathLike[str] | None) -> ImportFormat:
    """The format called ``fmt`` (or an alias), else the one of ``path``'s extension."""
    names = ", ".join(IMPORT_FORMATS)
    if fmt:
        found = formats.by_name(fmt, IMPORT_FORMATS.values())
        if found is None:
            raise FormatError(f"unknown import format {fmt!r} (choose from {names})")
        return found
    found = formats.by_extension(path, IMPORT_FORMATS.values()) if path is not None else None
    if found is None:
        where = f"of {os.fspath(path)!r} from its extension" if path is not None else "of a stream"
        raise FormatError(f"cannot tell the format {where}; give --format ({names})")
    return found
