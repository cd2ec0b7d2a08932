"""A progress bar on stderr for long imports, pushes and loads, shown only when stderr is a terminal."""

from __future__ import annotations

import sys
import time
from types import TracebackType
from typing import TextIO

INTERVAL = 0.2  # seconds between redraws


class Progress:
    """``with Progress("importing", total=size, unit="B") as bar: bar.advance(n)``. Draws one line,
    redrawn at most every :data:`INTERVAL` seconds, and clears it at the end; does nothing unless
    ``stream`` (default stderr) is a terminal or ``force`` is set."""

    def __init__(self, label: str, total: int | None = None, *, unit: str = "", stream: TextIO | None = None,
                 force: bool = False) -> None:
        self.label = label
        self.total = total
        self.unit = unit
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = force or _isatty(self.stream)
        self.done = 0
        self.started = time.monotonic()
        self.drawn = 0.0

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.close()

    def advance(self, amount: int = 1) -> None:
        """Count ``amount`` more units done and redraw if it is time."""
        self.done += amount
        if self.enabled and time.monotonic() - self.drawn >= INTERVAL:
            self.draw()

    def draw(self) -> None:
        self.drawn = time.monotonic()
        self.stream.write("\r" + self.text())
        self.stream.flush()

    def text(self) -> str:
        """The bar's current line, e.g. ``importing  42% 4.2/10.0 MB  3.1 s``."""
        elapsed = time.monotonic() - self.started
        done = _amount(self.done, self.unit)
        if self.total:
            share = min(self.done / self.total, 1.0)
            return f"{self.label} {share:4.0%} {done}/{_amount(self.total, self.unit)} {elapsed:.1f} s"
        return f"{self.label} {done} {elapsed:.1f} s"

    def close(self) -> None:
        if self.enabled and self.drawn:
            self.stream.write("\r\x1b[K")
            self.stream.flush()


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def _amount(value: int, unit: str) -> str:
    if unit == "B":
        for scale, suffix in ((1 << 30, "GB"), (1 << 20, "MB"), (1 << 10, "kB")):
            if value >= scale:
                return f"{value / scale:.1f} {suffix}"
        return f"{value} B"
    return f"{value:,}{(' ' + unit) if unit else ''}"
