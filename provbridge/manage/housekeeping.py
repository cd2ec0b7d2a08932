"""Trial housekeeping: rename, annotate and tag trials, delete them with their orphaned code and objects."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field

from provbridge.errors import StoreError
from provbridge.manage.artifacts import object_path
from provbridge.manage.common import ManageError, StoreLike, TrialRef, get_trial, using_store
from provbridge.store.store import Store

PER_TRIAL_TABLES = ("artifacts", "tags", "file_accesses", "usages", "derivations", "versions", "executions",
                    "environment")


def _check_name(store: Store, name: str, trial_id: int) -> str:
    name = name.strip()
    if not name:
        raise ManageError("a trial name cannot be empty")
    if name.isdigit() or name == "last" or name.startswith("last~"):
        raise ManageError(f"{name!r} cannot be a trial name: it reads as a trial number or `last`")
    row = store.conn.execute("SELECT id FROM trials WHERE name = ? AND id != ?", (name, trial_id)).fetchone()
    if row is not None:
        raise ManageError(f"trial {row[0]} is already named {name!r}")
    return name


def rename_trial(trial: TrialRef, name: str, *, store: StoreLike = None) -> int:
    """Name a trial (names are unique; trials can then be referred to by name). Returns its number."""
    with using_store(store) as opened:
        target = get_trial(opened, trial)
        with opened.conn:
            opened.conn.execute("UPDATE trials SET name = ? WHERE id = ?",
                                (_check_name(opened, name, target.id), target.id))
        return target.id


def annotate_trial(trial: TrialRef, note: str, *, append: bool = False, store: StoreLike = None) -> int:
    """Set (or append a line to) a trial's note. Returns its number."""
    with using_store(store) as opened:
        target = get_trial(opened, trial)
        with opened.conn:
            if append:
                opened.conn.execute(
                    "UPDATE trials SET note = CASE WHEN note IS NULL OR note = '' THEN ? ELSE note || char(10) || ? "
                    "END WHERE id = ?", (note, note, target.id))
            else:
                opened.conn.execute("UPDATE trials SET note = ? WHERE id = ?", (note or None, target.id))
        return target.id


def tag_trial(trial: TrialRef, name: str, value: str = "", *, remove: bool = False, store: StoreLike = None) -> int:
    """Add (or remove) the trial-level tag ``name`` (= ``value``): a ``tags.NAME`` column of the table."""
    if not name.strip():
        raise ManageError("a tag needs a name")
    with using_store(store) as opened:
        target = get_trial(opened, trial)
        with opened.conn:
            opened.conn.execute("DELETE FROM tags WHERE trial_id = ? AND subject_kind = 'trial' AND name = ?",
                                (target.id, name))
            if not remove:
                opened.conn.execute(
                    "INSERT INTO tags (trial_id, subject_kind, subject, name, value) VALUES (?, 'trial', ?, ?, ?)",
                    (target.id, target.uuid, name, value))
        return target.id


@dataclass
class DeleteReport:
    """What ``delete_trials`` removed."""

    trials: list[int] = field(default_factory=list)
    code: int = 0
    objects: int = 0
    code_kept_busy: bool = False  # orphaned code is left while another trial is being recorded


def delete_trials(trials: list[TrialRef], *, force: bool = False, store: StoreLike = None) -> DeleteReport:
    """Delete trials with all their records, then the code components and artifact objects no remaining
    trial refers to, in one write transaction (a concurrent run waits for it, and it never sees half a
    deletion). A running trial is refused unless ``force``. Orphaned code is only removed when no other
    trial is running, since a running trial may refer to code it has not flushed yet."""
    if not trials:
        raise ManageError("no trial to delete")
    report = DeleteReport()
    with using_store(store) as opened:
        conn = opened.conn
        conn.execute("BEGIN IMMEDIATE")
        try:
            targets = {get_trial(opened, ref).id: get_trial(opened, ref) for ref in trials}
            running = [t.id for t in targets.values() if t.status == "running"]
            if running and not force:
                raise ManageError(f"trial {', '.join(map(str, running))} is still running; "
                                  "use --force (force=True) to delete it anyway")
            ids = sorted(targets)
            marks = ",".join("?" * len(ids))
            shas = {sha for (sha,) in conn.execute(f"SELECT sha256 FROM artifacts WHERE trial_id IN ({marks})", ids)}
            for table in PER_TRIAL_TABLES:
                conn.execute(f"DELETE FROM {table} WHERE trial_id IN ({marks})", ids)
            conn.execute(f"DELETE FROM trials WHERE id IN ({marks})", ids)
            report.trials = ids
            busy = conn.execute("SELECT count(*) FROM trials WHERE status = 'running'").fetchone()[0]
            report.code_kept_busy = bool(busy)
            if not busy:
                report.code = _delete_orphaned_code(conn)
            still = {sha for (sha,) in conn.execute("SELECT DISTINCT sha256 FROM artifacts")}
            for sha in sorted(shas - still, key=str):
                try:
                    path = object_path(opened.directory, sha)
                except StoreError:  # a hash edited into the data file: never a path to delete
                    continue
                if path.is_file() and not path.is_symlink():
                    path.unlink()
                    report.objects += 1
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
    return report


def _delete_orphaned_code(conn: sqlite3.Connection) -> int:
    used = (
        "SELECT main_code_id FROM trials WHERE main_code_id IS NOT NULL "
        "UNION SELECT code_id FROM executions WHERE code_id IS NOT NULL "
        "UNION SELECT s.code_id FROM executions e JOIN statements s ON s.id = e.stmt_id"
    )
    orphans = [cid for (cid,) in conn.execute(f"SELECT id FROM code WHERE id NOT IN ({used})")]
    if not orphans:
        return 0
    marks = ",".join("?" * len(orphans))
    conn.execute(f"DELETE FROM statements WHERE code_id IN ({marks})", orphans)
    conn.execute(f"DELETE FROM code WHERE id IN ({marks})", orphans)
    return len(orphans)
