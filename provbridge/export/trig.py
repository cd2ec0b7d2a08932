"""TriG export: one graph block per trial, subjects grouped, prefixed names."""

from __future__ import annotations

from typing import BinaryIO

from provbridge.export.rdfwrite import write_turtle
from provbridge.translate import Translation


def write(translation: Translation, out: BinaryIO) -> None:
    write_turtle(translation, out, graphs=True)
