"""Rows as text: an aligned plain table, JSON, CSV or a Markdown table (no I/O, no CLI)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import orjson

if TYPE_CHECKING:
    import pandas

MAX_CELL = 60
FORMATS = ("json", "csv", "md")


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


def plain(value: Any) -> Any:
    """A value as JSON-ready Python: numpy scalars as numbers, NaN/NaT as None, dates in ISO 8601."""
    if value is None or isinstance(value, (str, bool, int)):
        return value
    if isinstance(value, float):
        return None if value != value else value
    if hasattr(value, "item") and not isinstance(value, (list, tuple, dict)):  # numpy scalars
        try:
            return plain(value.item())
        except (TypeError, ValueError):
            pass
    if hasattr(value, "isoformat"):
        return None if _missing(value) else value.isoformat()
    if isinstance(value, (list, tuple, dict)):
        return value
    return None if _missing(value) else str(value)


def _missing(value: Any) -> bool:
    if type(value).__name__ == "NAType":  # pandas.NA
        return True
    try:
        return bool(value != value)  # NaN and NaT
    except (TypeError, ValueError):
        return False


def frame_records(frame: pandas.DataFrame) -> list[dict[str, Any]]:
    """A DataFrame's rows as JSON-ready dicts (see :func:`plain`)."""
    return [{str(k): plain(v) for k, v in row.items()} for row in frame.to_dict("records")]


def columns_of(rows: Iterable[Mapping[str, Any]], columns: Sequence[str] | None = None) -> list[str]:
    """``columns`` when given, else every key of the rows in order of first appearance."""
    if columns is not None:
        return list(columns)
    found: dict[str, None] = {}
    for row in rows:
        found.update(dict.fromkeys(row))
    return list(found)


def to_json(data: Any) -> str:
    """Indented JSON (numpy values as numbers, anything else unknown as its text)."""
    return orjson.dumps(data, option=orjson.OPT_INDENT_2 | orjson.OPT_SERIALIZE_NUMPY, default=str).decode()


def to_csv(rows: Sequence[Mapping[str, Any]], columns: Sequence[str] | None = None) -> str:
    """Comma-separated values with a header row, one line per row (missing keys empty)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns_of(rows, columns), lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def _md_cell(value: Any) -> str:
    if value is None:
        return ""
    text = value if isinstance(value, str) else to_json(value) if isinstance(value, (list, dict)) else str(value)
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\r\n", "<br>").replace("\n", "<br>")


def to_markdown(rows: Sequence[Mapping[str, Any]], columns: Sequence[str] | None = None) -> str:
    """A GitHub-flavoured Markdown table: header row, separator row, one line per row (``|`` escaped,
    line breaks as ``<br>``, None empty)."""
    keys = columns_of(rows, columns)
    lines = ["| " + " | ".join(_md_cell(k) for k in keys) + " |", "|" + "|".join(" --- " for _ in keys) + "|"]
    lines += ["| " + " | ".join(_md_cell(row.get(k)) for k in keys) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def render(fmt: str, rows: Sequence[Mapping[str, Any]], columns: Sequence[str] | None = None) -> str:
    """Rows in one of :data:`FORMATS` (JSON: the list of row objects)."""
    if fmt == "json":
        return to_json(list(rows)) + "\n"
    if fmt == "csv":
        return to_csv(rows, columns)
    if fmt == "md":
        return to_markdown(rows, columns)
    raise ValueError(f"unknown row format {fmt!r} (one of {', '.join(FORMATS)})")
