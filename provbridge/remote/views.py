"""``diff`` and ``values`` on a remote: the canned comparison and values queries run there, as rows and text
(the remote holds the PROV graphs, not the local data file, so these are the query layer's tables)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from provbridge.errors import VariableNotFoundError
from provbridge.tables import format_table, frame_records

if TYPE_CHECKING:
    import pandas

    from provbridge.store.store import Store

VALUE_COLUMNS = ["trial", "uuid", "trial_name", "started_at", "version", "type", "value"]
DIFF_PARTS = ("variables", "only", "files", "operations")


def frame_rows(frame: pandas.DataFrame) -> list[dict[str, Any]]:
    """A DataFrame's rows as JSON-ready dicts (missing values as None)."""
    return frame_records(frame)


def remote_values(store: Store, variable: str, remote: str | None) -> list[dict[str, Any]]:
    """The final top-level value of ``variable`` in every trial on ``remote`` (trial numbers where the
    trial is also local), oldest first; ``remote=None`` runs the same query on the embedded engine."""
    from provbridge.query.api import values_across

    frame = values_across(variable, store=store, remote=remote)
    rows = frame_rows(frame)
    if not rows:
        where = f" on remote {remote!r}" if remote else ""
        raise VariableNotFoundError(f"no trial{where} has a variable {variable!r}")
    return rows


def remote_diff(store: Store, first: str, second: str, remote: str | None, *, all: bool = False) -> dict[str, Any]:
    """The comparison of two trials on ``remote``: variables in both (only those that differ unless
    ``all``), variables in one, file contents in one, operation steps in one; ``remote=None`` runs the
    same queries on the embedded engine. The trials are ``a`` and ``b``, as in the local diff's JSON."""
    from provbridge.query.api import compare_trials

    one, two = store.trial(first), store.trial(second)
    parts = compare_trials(one, two, store=store, remote=remote)
    result: dict[str, Any] = {"remote": remote, "a": one.id, "b": two.id}
    for name, frame in zip(DIFF_PARTS, parts):
        rows = frame_rows(frame)
        if name == "variables" and not all:
            rows = [r for r in rows if r["differs"]]
        result[name] = rows
    return result


def diff_text(result: dict[str, Any]) -> str:
    """The comparison as titled tables."""
    titles = {"variables": "variables in both", "only": "variables in one trial only",
              "files": "file contents in one trial only", "operations": "operation steps in one trial only"}
    out = [f"trial {result['a']} vs trial {result['b']} on remote {result['remote']}"]
    for name in DIFF_PARTS:
        rows = result[name]
        out.append(f"\n{titles[name]}: {len(rows)}")
        if rows:
            columns = list(rows[0])
            out.append(format_table(columns, [[r[c] for c in columns] for r in rows]))
    return "\n".join(out)
