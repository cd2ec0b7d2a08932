"""Exports of trials as W3C PROV (PROV-JSON, PROV-O in RDF syntaxes, PROV-XML, PROV-N): the Python API."""

from __future__ import annotations

import io
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from provbridge.export.output import Target, open_output
from provbridge.export.registry import FORMATS, Format, find_format, format_names
from provbridge.translate import translate

if TYPE_CHECKING:
    import rdflib
    from prov.model import ProvDocument

    from provbridge.store.store import Trial

__all__ = ["FORMATS", "Format", "export", "export_bytes", "find_format", "format_names", "to_prov", "to_rdf"]



def _umask() -> int:
    """The process umask, read without changing it (Linux), else by setting and restoring it."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def export(trials: Trial | Iterable[Trial], target: Target | None = None, fmt: str | None = None, *,
           base: str | None = None) -> Format:
    """Write one trial or several (one bundle / named graph each) to ``target``: a path, ``-`` or None
    for stdout, or a stream. ``fmt`` is a format name or alias; by default it comes from the path's
    extension (else PROV-JSON). A file is replaced only once it has been written completely."""
    path = target if isinstance(target, (str, os.PathLike)) and str(target) != "-" else None
    chosen = find_format(fmt, path)
    translation = translate(trials, base=base)
    write = chosen.writer()
    if path is None:
        with open_output(target) as out:
            write(translation, out)
        return chosen
    final = Path(path)
    handle, temporary = tempfile.mkstemp(prefix=f".{final.name}.", dir=final.parent or Path("."))
    os.close(handle)
    os.chmod(temporary, 0o666 & ~_umask())  # mkstemp makes 0600; an export follows the umask like any file
    try:
        with open_output(temporary) as out:
            write(translation, out)
        os.replace(temporary, final)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)
    return chosen


def export_bytes(trials: Trial | Iterable[Trial], fmt: str = "json", *, base: str | None = None) -> bytes:
    """The export of ``trials`` in ``fmt`` as bytes."""
    buffer = io.BytesIO()
    find_format(fmt).writer()(translate(trials, base=base), buffer)
    return buffer.getvalue()


def to_prov(trials: Trial | Iterable[Trial], *, base: str | None = None) -> ProvDocument:
    """A ``prov.model.ProvDocument`` with one bundle per trial: what the PROV-JSON export reads back as."""
    from provbridge.export.provdoc import to_document

    return to_document(translate(trials, base=base))


def to_rdf(trials: Trial | Iterable[Trial], *, base: str | None = None) -> rdflib.Dataset:
    """An ``rdflib.Dataset`` of the PROV-O export: one named graph per trial, bundle descriptions in the
    default graph."""
    import rdflib

    from provbridge.export.rdfwrite import write_nquads

    buffer = io.BytesIO()
    write_nquads(translate(trials, base=base), buffer)
    dataset = rdflib.Dataset()
    dataset.parse(data=buffer.getvalue(), format="nquads")
    return dataset


