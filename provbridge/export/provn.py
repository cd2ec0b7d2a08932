"""PROV-N export, by the ``prov`` package for captured trials, by provbridge.provdm when a trial is imported."""

from __future__ import annotations

from typing import BinaryIO

from provbridge.export.provdoc import write_provn
from provbridge.translate import Translation


def write(translation: Translation, out: BinaryIO) -> None:
    if translation.imported:  # imported graphs are RDF: provbridge.provdm maps them to PROV-DM records
        from provbridge.export.provmodel import write_translation

        write_translation(translation, out, "provn")
        return
    write_provn(translation, out)
