"""Short, readable node labels: values, source lines, file names and hashes."""

from __future__ import annotations

import os

from provbridge.store.model import Execution, Version

VALUE_WIDTH = 24
SOURCE_WIDTH = 36


def shorten(text: str, width: int) -> str:
    """``text`` on one line, cut to ``width`` characters with an ellipsis."""
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: max(width - 1, 1)] + "…"


def times(count: int) -> str:
    """`` ×N`` for folded loops, nothing for a single occurrence."""
    return f" ×{count}" if count > 1 else ""


def version_label(version: Version, count: int | None = None) -> str:
    """``name = value`` for a variable version, ``basename`` + short hash for a file version."""
    count = version.count if count is None else count
    if version.is_file:
        return file_label(version.name, version.value if isinstance(version.value, str) else None) + times(count)
    value = version.repr if version.repr is not None else version.type
    return f"{version.name} = {shorten(value, VALUE_WIDTH)}{times(count)}"


def file_label(path: str, sha256: str | None) -> str:
    """``basename`` and the first 8 hex digits of the content hash."""
    name = os.path.basename(path) or path
    return f"{name}\n{sha256[:8]}" if sha256 else name


def execution_label(execution: Execution, count: int | None = None) -> str:
    """``L12: shortened source`` for statements, ``name()`` for calls, the kind otherwise."""
    count = execution.count if count is None else count
    if execution.kind == "statement":
        text = shorten(execution.text or execution.name, SOURCE_WIDTH)
        line = f"L{execution.lineno}: " if execution.lineno is not None else ""
        return f"{line}{text}{times(count)}"
    if execution.kind == "call":
        return f"{execution.name}(){times(count)}"
    if execution.kind == "cell":
        return cell_label(execution, [])
    return execution.name


def cell_label(execution: Execution, tags: list[str]) -> str:
    """``In [n]`` with the cell's tags, as Jupyter shows execution counts."""
    number = execution.exec_count if execution.exec_count is not None else " "
    label = f"In [{number}]"
    return label + (f"  {', '.join(tags)}" if tags else "")
