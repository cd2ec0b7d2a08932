"""Read-only row types of the store: executions, variable/file versions, file accesses, code."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any, NamedTuple


class Execution(NamedTuple):
    """An activation: the main module, a cell execution, a statement execution or a function call."""

    id: int
    parent: int | None
    kind: str
    stmt_id: int | None
    code_id: int | None
    name: str
    started_at: float | None
    ended_at: float | None
    count: int  # type: ignore[assignment]  # the field shadows tuple.count on purpose
    status: str | None
    exec_count: int | None
    cell_id: str | None
    lineno: int | None
    text: str | None
    scope: str | None


class Version(NamedTuple):
    """A variable version (or a file version, when ``kind == 'file'``) and its value summary."""

    id: int
    name: str
    scope: str
    kind: str
    exec_id: int | None
    type: str
    value: Any
    repr: str | None
    summary_json: str | None
    count: int  # type: ignore[assignment]  # the field shadows tuple.count on purpose

    @property
    def summary(self) -> dict[str, Any]:
        """The structured value summary (shape, dtype, sha256, stats, len, params, ...)."""
        return json.loads(self.summary_json) if self.summary_json else {}

    @property
    def is_file(self) -> bool:
        return self.kind == "file"

    @property
    def label(self) -> str:
        """``name@id``, how versions are named in tables and diagrams."""
        return f"{self.name}@{self.id}"


class FileAccess(NamedTuple):
    """One open of a file: path, mode, content hashes and sizes before and after."""

    id: int
    exec_id: int | None
    path: str
    mode: str
    sha256_before: str | None
    size_before: int | None
    sha256_after: str | None
    size_after: int | None
    read_version: int | None
    write_version: int | None
    at: float

    @property
    def is_write(self) -> bool:
        return any(c in self.mode for c in "wax+")


class Code(NamedTuple):
    """A code component: a script, a module or a notebook cell source."""

    id: int
    sha256: str
    kind: str
    path: str
    source: str


def parse_time(text: str | None) -> datetime | None:
    """Parse a stored ISO 8601 time into an aware UTC datetime."""
    if not text:
        return None
    value = datetime.fromisoformat(text)
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)
