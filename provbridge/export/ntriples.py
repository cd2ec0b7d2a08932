"""N-Triples export: every trial's graph merged into one, written line by line."""

from __future__ import annotations

from typing import BinaryIO

from provbridge.export.rdfwrite import write_nquads
from provbridge.translate import Translation


def write(translation: Translation, out: BinaryIO) -> None:
    write_nquads(translation, out, graphs=False)
