"""Display fields of versions found by a query (name, scope, value, binding kind, type, statement, line,
executions), read from the store by version number: the graph query finds the closure, the store's indexed
rows fill in (one lookup per version in SPARQL would cost more than the closure itself)."""

from __future__ import annotations

import contextlib
import threading
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from provbridge.translate.values import scalar

if TYPE_CHECKING:
    from provbridge.store.store import Trial

CHUNK = 500
KEPT = 2  # finished trials whose every version's details this process keeps (the last ones scanned whole)
_KEPT: OrderedDict[tuple[str, str], tuple[str, _Table]] = OrderedDict()
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
    wanted = _wanted(numbers)
    if len(wanted) > 20 * CHUNK:  # most of the trial: one scan beats many lookups, and is kept
        every = _whole_trial(trial).rows
        return {number: every[number] for number in wanted if number in every}
    return _looked_up(trial, wanted)


def version_columns(trial: Trial, numbers: Iterable[int]) -> tuple[Sequence[int], list[Sequence[Any]]]:
    """The given versions that are stored, in version order, and their FIELDS column by column (as
    :func:`version_details` has them): a column is a numpy int64 array where every version of the trial
    holds an integer there, else a list. A DataFrame takes such a column as it is, where a list of a
    hundred thousand integers costs it a type inference pass."""
    wanted = _wanted(numbers)
    if len(wanted) > 20 * CHUNK:
        return _whole_trial(trial).select(wanted)
    found = _looked_up(trial, wanted)
    kept = [number for number in wanted if number in found]
    return kept, [list(column) for column in zip(*(found[number] for number in kept))] or [[] for _ in FIELDS]


def _wanted(numbers: Iterable[int]) -> list[int]:
    """The distinct numbers, sorted, that can name a stored version (a store's integers are 64-bit)."""
    wanted = sorted(set(numbers))
    while wanted and wanted[-1] > LARGEST:
        wanted.pop()
    return wanted


def _looked_up(trial: Trial, wanted: list[int]) -> dict[int, tuple[Any, ...]]:
    """:func:`version_details` of a few versions, looked up by number."""
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


class _Table:
    """Every version's details of one trial (``rows``: as :func:`version_details` has them), also held
    column by column once asked (a sorted id array and per field an object array, with an int64 array
    where every value is an integer) so that a large closure's columns are taken by position."""

    def __init__(self, rows: dict[int, tuple[Any, ...]]) -> None:
        self.rows = rows
        self._columns: tuple[Any, list[tuple[Any, Any]]] | None = None

    def columns(self) -> tuple[Any, list[tuple[Any, Any]]]:
        import numpy as np

        if self._columns is None:
            ids = np.fromiter(self.rows, dtype=np.int64, count=len(self.rows))
            order = np.argsort(ids, kind="stable")
            fields = []
            for values in zip(*self.rows.values()) if self.rows else [() for _ in FIELDS]:
                objects = np.empty(len(values), dtype=object)
                objects[:] = values
                ints = None
                if all(type(value) is int for value in values):  # bools and None are not
                    with contextlib.suppress(OverflowError):  # a value beyond 64 bits (stored as text)
                        ints = np.array(values, dtype=np.int64)[order]
                fields.append((objects[order], ints))
            self._columns = ids[order], fields
        return self._columns

    def select(self, wanted: list[int]) -> tuple[Sequence[int], list[Sequence[Any]]]:
        """:func:`version_columns` of the sorted versions ``wanted``."""
        import numpy as np

        ids, fields = self.columns()
        want = np.array(wanted, dtype=np.int64)
        at = np.searchsorted(ids, want)
        inside = at < len(ids)
        at, want = at[inside], want[inside]
        at = at[ids[at] == want]
        return ids[at], [objects[at].tolist() if ints is None else ints[at] for objects, ints in fields]


LARGEST = 2**63 - 1  # a store's integers are 64-bit: a larger number names no version


def _whole_trial(trial: Trial) -> _Table:
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
    every = _Table(_details(trial.conn.execute(_COLUMNS, (trial.id,))))
    if content is not None:  # a running trial still grows: never kept
        with _GUARD:
            _KEPT[key] = (content, every)
            while len(_KEPT) > KEPT:
                _KEPT.popitem(last=False)
    return every
