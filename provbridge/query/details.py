"""Display fields of versions found by a query (name, scope, value, binding kind, type, statement, line,
executions), read from the store by version number: the graph query finds the closure, the store's indexed
rows fill in (one lookup per version in SPARQL would cost more than the closure itself)."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from provbridge.translate.values import scalar

if TYPE_CHECKING:
    from provbridge.store.store import Trial

CHUNK = 500
KEPT = 2  # finished trials whose every version's details this process keeps (the last ones scanned whole)
_KEPT: OrderedDict[tuple[str, str], tuple[str, dict[int, tuple[Any, ...]]]] = OrderedDict()
_GUARD = threading.Lock()
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
    files (whose ``sha256`` is their content hash). One loop, no call per row: a closure can hold every
    version of a million-record trial."""
    wanted = sorted(set(numbers))
    if len(wanted) > 20 * CHUNK:  # most of the trial: one scan beats many lookups, and is kept
        every = _whole_trial(trial)
        return {number: every[number] for number in wanted if number in every}
    rows: list[tuple[Any, ...]] = []
    for start in range(0, len(wanted), CHUNK):
        part = wanted[start:start + CHUNK]
        rows += trial.conn.execute(f"{_COLUMNS} AND v.id IN ({','.join('?' * len(part))})",
                                   (trial.id, *part)).fetchall()
    return _details(rows)


def _details(rows: Iterable[tuple[Any, ...]]) -> dict[int, tuple[Any, ...]]:
    """The FIELDS of each ``_COLUMNS`` row, by version."""
    out: dict[int, tuple[Any, ...]] = {}
    for vid, name, scope, kind, type_name, value, text, exec_id, parent, lineno, statement, label in rows:
        if statement is None:
            statement = label
        if kind == "file":  # a file version's value is its content hash
            out[vid] = (name, None, kind, None, None, value, statement, lineno, exec_id, parent)
            continue
        number_type = type(value)
        if (number_type is int or number_type is float) and type_name != "bool":
            exact = value  # what scalar() returns for a stored number, without the call
        else:
            exact = scalar(type_name, value)
            if exact is None:
                exact = text
        out[vid] = (name, scope, kind, type_name, exact, None, statement, lineno, exec_id, parent)
    return out


def _whole_trial(trial: Trial) -> dict[int, tuple[Any, ...]]:
    """Every version's details, scanned once per finished trial and content (its content signature, as the
    query cache keys its graph): a notebook asking for a large closure again reads nothing from the store."""
    from provbridge.query.loading import content_signature

    content = content_signature(trial)
    key = (str(trial.store.directory), trial.uuid)
    with _GUARD:
        found = _KEPT.get(key)
        if found is not None and content is not None and found[0] == content:
            _KEPT.move_to_end(key)
            return found[1]
    every = _details(trial.conn.execute(_COLUMNS, (trial.id,)))
    if content is not None:  # a running trial still grows: never kept
        with _GUARD:
            _KEPT[key] = (content, every)
            while len(_KEPT) > KEPT:
                _KEPT.popitem(last=False)
    return every
