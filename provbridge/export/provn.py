"""PROV-N export, serialized by the ``prov`` package from :func:`provbridge.export.provdoc.to_document`."""

from __future__ import annotations

from typing import BinaryIO

from provbridge.export.provdoc import write_provn
from provbridge.translate import Translation


def write(translation: Translation, out: BinaryIO) -> None:
    write_provn(translation, out)
