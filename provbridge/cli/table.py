"""Plain-text tables for the terminal: aligned columns, long cells shortened."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

MAX_CELL = 60


def cell(value: Any, limit: int = MAX_CELL) -> str:
    """One value as table text: None is empty, floats are short, long text ends with an ellipsis."""
    if value is None:
        return ""
    if isinstance(value, float):
        text = f"{value:.6g}"
    else:
        text = str(value).replace("\n", " ")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def format_table(headers: Sequence[str], rows: Sequence[Sequence[Any]], limit: int = MAX_CELL) -> str:
    """An aligned table with a header rule; numbers are right-aligned."""
    texts = [[cell(v, limit) for v in row] for row in rows]
    widths = [len(h) for h in headers]
    for row in texts:
        for i, text in enumerate(row):
            widths[i] = max(widths[i], len(text))
    numeric = [all(isinstance(r[i], (int, float)) and not isinstance(r[i], bool) for r in rows if r[i] is not None)
               and any(r[i] is not None for r in rows) for i in range(len(headers))]
    lines = ["  ".join(h.ljust(w) for h, w in zip(headers, widths)).rstrip(),
             "  ".join("-" * w for w in widths)]
    for row in texts:
        parts = [t.rjust(w) if numeric[i] else t.ljust(w) for i, (t, w) in enumerate(zip(row, widths))]
        lines.append("  ".join(parts).rstrip())
    return "\n".join(lines)
