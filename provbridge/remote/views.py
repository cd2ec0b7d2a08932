"""``diff`` and ``values`` on a remote: its PROV graphs queried, answered in the local answers' schemas."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from provbridge.errors import VariableNotFoundError
from provbridge.tables import frame_records

if TYPE_CHECKING:
    from provbridge.manage.diff import TrialDiff
    from provbridge.store.store import Store


def remote_values(store: Store, variable: str, remote: str | None) -> list[dict[str, Any]]:
    """The final top-level value of ``variable`` in every trial on ``remote`` (trial numbers where the
    trial is also local), oldest first; ``remote=None`` runs the same query on the embedded engine."""
    from provbridge.query.api import values_across

    frame = values_across(variable, store=store, remote=remote)
    rows = frame_records(frame)
    if not rows:
        where = f" on remote {remote!r}" if remote else ""
        raise VariableNotFoundError(f"no trial{where} has a variable {variable!r}")
    return rows


def remote_diff(store: Store, first: str, second: str, remote: str | None, *, all: bool = False) -> TrialDiff:
    """The diff of two trials on ``remote`` (``remote=None``: the same queries on the embedded engine), in the
    local diff's tables (provbridge.manage.diff.sparql_diff)."""
    from provbridge.manage.diff import sparql_diff

    return sparql_diff(first, second, all=all, store=store, remote=remote)
