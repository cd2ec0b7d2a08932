"""Display fields of versions found by a query (binding kind, type, statement, line, executions), read
from the store by version number: the graph query finds the closure, the store's indexed rows fill in."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from provbridge.store.store import Trial

CHUNK = 500
_COLUMNS = (
    "SELECT v.id, v.kind, v.type, v.value, e.id, e.parent, s.lineno, s.text, e.name FROM versions v "
    "LEFT JOIN executions e ON e.trial_id = v.trial_id AND e.id = v.exec_id "
    "LEFT JOIN statements s ON s.id = e.stmt_id WHERE v.trial_id = ?"
)


def version_details(trial: Trial, numbers: Iterable[int]) -> dict[int, dict[str, Any]]:
    """``{version: {kind, type, sha256, execution, parent, line, statement}}`` for the given versions."""
    wanted = sorted(set(numbers))
    rows: list[tuple[Any, ...]] = []
    if len(wanted) > 20 * CHUNK:  # most of the trial: one scan beats many lookups
        keep = set(wanted)
        rows = [r for r in trial.conn.execute(_COLUMNS, (trial.id,)) if r[0] in keep]
    else:
        for start in range(0, len(wanted), CHUNK):
            part = wanted[start:start + CHUNK]
            rows += trial.conn.execute(f"{_COLUMNS} AND v.id IN ({','.join('?' * len(part))})",
                                       (trial.id, *part)).fetchall()
    return {
        vid: {"kind": kind, "type": None if kind == "file" else type_name,
              "sha256": value if kind == "file" else None, "execution": exec_id, "parent": parent,
              "line": lineno, "statement": text if text is not None else name}
        for vid, kind, type_name, value, exec_id, parent, lineno, text, name in rows
    }
