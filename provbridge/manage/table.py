"""The table of trials: identity, status, timing, counts, and parameters (tagged and command-line), metrics
and trial tags."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from provbridge.manage.common import StoreLike, tagged_value, trial_params, trial_tags, using_store, variable_roles
from provbridge.store.store import Store, Trial

if TYPE_CHECKING:
    import pandas as pd

BASE_KEYS = (
    "number", "id", "name", "kind", "main", "status", "started_at", "ended_at", "duration", "exit_code",
    "granularity", "executions", "versions", "file_accesses", "note",
)
# Columns that differ between any two trials by nature; --only-changed never keeps them for that reason.
VOLATILE_KEYS = frozenset({"id", "started_at", "ended_at", "duration", "executions", "versions", "file_accesses"})
ALWAYS_KEYS = ("number", "name")
COUNTED = ("executions", "versions", "file_accesses")


def _counts(store: Store) -> dict[str, dict[int, int]]:
    result: dict[str, dict[int, int]] = {}
    for table in COUNTED:
        sql = f"SELECT trial_id, count(*) FROM {table} GROUP BY trial_id"
        result[table] = {int(tid): int(n) for tid, n in store.conn.execute(sql)}
    return result


def trial_record(trial: Trial, counts: dict[str, dict[int, int]] | None = None) -> dict[str, Any]:
    """One trial as a flat JSON-ready dict: the base keys, then ``params.X`` (tagged hyperparameters, parsed
    command-line parameters and ``argv``, see :func:`trial_params`), ``metrics.X``, ``tags.X``."""
    record: dict[str, Any] = {
        "number": trial.id,
        "id": trial.uuid,
        "name": trial.name,
        "kind": trial.kind,
        "main": trial.main,
        "status": trial.status,
        "started_at": trial.started_at.isoformat() if trial.started_at else None,
        "ended_at": trial.ended_at.isoformat() if trial.ended_at else None,
        "duration": trial.duration,
        "exit_code": trial.exit_code,
        "granularity": trial.granularity,
    }
    for table in COUNTED:
        record[table] = counts[table].get(trial.id, 0) if counts is not None else trial.counts[table]
    record["note"] = trial.note
    for name, value in trial_params(trial).items():
        record[f"params.{name}"] = value
    roles = variable_roles(trial)
    for name in sorted(n for n, (r, _) in roles.items() if r == "metrics"):
        record[f"metrics.{name}"] = tagged_value(trial, name, roles[name][1])
    for name, value in sorted(trial_tags(trial).items()):
        record[f"tags.{name}"] = value
    return record


def trial_records(store: StoreLike = None, *, only_changed: bool = False,
                  params_object: bool = False) -> list[dict[str, Any]]:
    """Every trial as a record with the same keys (missing tagged values are None), oldest first.
    ``params_object`` adds to each record a ``params`` object holding that trial's own parameters (only
    those it has, and with ``only_changed`` only those whose column is kept)."""
    with using_store(store) as opened:
        counts = _counts(opened)
        records = [trial_record(t, counts) for t in opened.trials()]
    keys = list(BASE_KEYS)
    extra = sorted({k for r in records for k in r if k not in BASE_KEYS}, key=_extra_order)
    keys += extra
    rows = [{k: r.get(k) for k in keys} for r in records]
    if only_changed:
        keep = [k for k in keys if k in ALWAYS_KEYS or (k not in VOLATILE_KEYS and _differs(rows, k))]
        rows = [{k: r[k] for k in keep} for r in rows]
    if params_object:
        for row, record in zip(rows, records):
            row["params"] = {k[len("params."):]: v for k, v in record.items() if k.startswith("params.") and k in row}
    return rows


def _extra_order(key: str) -> tuple[int, str]:
    prefix = key.split(".", 1)[0]
    return ({"params": 0, "metrics": 1, "tags": 2}.get(prefix, 3), key)


def _differs(rows: list[dict[str, Any]], key: str) -> bool:
    values = {repr(r[key]) for r in rows}
    return len(values) > 1


def trials(store: StoreLike = None, *, only_changed: bool = False) -> pd.DataFrame:
    """One row per trial: number, id, name, kind, main, status, started_at, ended_at (datetimes), duration,
    exit code, counts, note, then one column per parameter (``params.NAME``: tagged hyperparameters,
    command-line parameters parsed with argparse, ``params.argv`` when the program had arguments), metric
    (``metrics.NAME``) and trial tag (``tags.NAME``), numbers kept as numbers. ``only_changed`` keeps the
    number and name and the other columns whose values differ between trials (ids and timings excluded)."""
    import pandas as pd

    rows = trial_records(store, only_changed=only_changed)
    columns = list(rows[0]) if rows else [k for k in BASE_KEYS if not only_changed or k in ALWAYS_KEYS]
    frame = pd.DataFrame(rows, columns=columns)
    for key in ("started_at", "ended_at"):
        if key in frame.columns:
            frame[key] = pd.to_datetime(frame[key], utc=True, format="ISO8601")
    return frame
