"""JSON-LD export: our N-Quads re-serialized by pyoxigraph's streaming JSON-LD writer."""

from __future__ import annotations

from typing import BinaryIO

from provbridge.export.rdfwrite import write_jsonld
from provbridge.translate import Translation


def write(translation: Translation, out: BinaryIO) -> None:
    write_jsonld(translation, out)
