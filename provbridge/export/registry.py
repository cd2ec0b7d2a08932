"""The export formats: the formats of the one table (provbridge.formats) that are written to a stream."""

from __future__ import annotations

import os

from provbridge import formats
from provbridge.formats import DocumentFormat, Writer

Format = DocumentFormat  # the old name of a format here

# every format ``export`` writes to a file or stream (an RO-Crate, a directory, has its own writer)
FORMATS: tuple[Format, ...] = formats.documents("write", streams=True)
DEFAULT = "json"  # written when neither a format nor the output's extension says which

__all__ = ["DEFAULT", "FORMATS", "Format", "Writer", "find_format", "format_names"]


def format_names() -> list[str]:
    return formats.names(FORMATS)


def find_format(name: str | None = None, path: str | os.PathLike[str] | None = None,
                default: str | None = DEFAULT) -> Format:
    """The format called ``name`` (or an alias), else the one of ``path``'s extension, else ``default``."""
    return formats.find(name, path, use="write", streams=True, default=default)
