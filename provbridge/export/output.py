"""Opening the destination of an export: a path, ``-`` for stdout, or a binary/text stream."""

from __future__ import annotations

import io
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO, Any, BinaryIO, Union

Target = Union[str, "os.PathLike[str]", IO[Any]]


class _TextAdapter(io.RawIOBase):
    """A binary writer over a text stream (UTF-8), for streams without a ``buffer``."""

    def __init__(self, text: IO[str]) -> None:
        self.text = text

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        self.text.write(bytes(data).decode("utf-8"))
        return len(data)


@contextmanager
def open_output(target: Target | None) -> Iterator[BinaryIO]:
    """A buffered binary stream writing to ``target`` (None or ``-``: stdout); closed only if opened here."""
    if target is None or target == "-":
        target = sys.stdout
    if isinstance(target, (str, os.PathLike)):
        with open(target, "wb", buffering=1 << 20) as handle:
            yield handle
        return
    if isinstance(target, io.TextIOBase) or hasattr(target, "encoding"):
        target.flush()
        raw = getattr(target, "buffer", None)
        if raw is not None:
            yield raw
            raw.flush()
        else:
            buffered = io.BufferedWriter(_TextAdapter(target), 1 << 20)
            yield buffered
            buffered.flush()
        return
    yield target  # type: ignore[misc]
    target.flush()
