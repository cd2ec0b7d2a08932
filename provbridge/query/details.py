"""Display fields of versions found by a query (name, scope, value, binding kind, type, statement, line,
executions), read from the store by version number: the graph query finds the closure, the store's indexed
rows fill in (one lookup per version in SPARQL would cost more than the closure itself)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from provbridge.translate.values import scalar

if TYPE_CHECKING:
    from provbridge.store.store import Trial

CHUNK = 500
_COLUMNS = (
    "SELECT v.id, v.name, v.scope, v.kind, v.type, v.value, v.repr, e.id, e.parent, s.lineno, s.text, e.name "
    "FROM versions v "
    "LEFT JOIN executions e ON e.trial_id = v.trial_id AND e.id = v.exec_id "
    "LEFT JOIN statements s ON s.id = e.stmt_id WHERE v.trial_id = ?"
)


def version_details(trial: Trial, numbers: Iterable[int]) -> dict[int, dict[str, Any]]:
    """``{version: {name, scope, value, kind, type, sha256, execution, parent, line, statement}}`` for the
    given versions; ``value`` is the exact scalar, else the display text, and None for files."""
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
        vid: {"name": name, "scope": None if kind == "file" else scope,
              "value": None if kind == "file" else _value(type_name, value, text),
              "kind": kind, "type": None if kind == "file" else type_name,
              "sha256": value if kind == "file" else None, "execution": exec_id, "parent": parent,
              "line": lineno, "statement": statement if statement is not None else label}
        for vid, name, scope, kind, type_name, value, text, exec_id, parent, lineno, statement, label in rows
    }


def _value(type_name: str, value: Any, text: str | None) -> Any:
    exact = scalar(type_name, value)
    return text if exact is None else exact
