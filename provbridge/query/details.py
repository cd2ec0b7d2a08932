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


# the fields of each version, in this order (the middle of provbridge.query.api.VERSION_COLUMNS)
FIELDS = ("name", "scope", "kind", "type", "value", "sha256", "statement", "line", "execution", "parent")


def version_details(trial: Trial, numbers: Iterable[int]) -> dict[int, tuple[Any, ...]]:
    """``{version: (name, scope, kind, type, value, sha256, statement, line, execution, parent)}`` (see
    FIELDS) for the given versions; ``value`` is the exact scalar, else the display text, and None for
    files (whose ``sha256`` is their content hash)."""
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
    return {row[0]: _fields(*row[1:]) for row in rows}


def _fields(name: str, scope: str, kind: str, type_name: str, value: Any, text: str | None, exec_id: int,
            parent: int | None, lineno: int | None, statement: str | None, label: str) -> tuple[Any, ...]:
    statement = statement if statement is not None else label
    if kind == "file":  # a file version's value is its content hash
        return (name, None, kind, None, None, value, statement, lineno, exec_id, parent)
    return (name, scope, kind, type_name, _value(type_name, value, text), None, statement, lineno, exec_id, parent)


def _value(type_name: str, value: Any, text: str | None) -> Any:
    exact = scalar(type_name, value)
    return text if exact is None else exact
