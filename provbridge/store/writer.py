"""Batched, crash-tolerant writing of one trial's rows; capture code appends to its buffers only."""

from __future__ import annotations

import getpass
import json
import os
import socket
import sqlite3
import sys
import threading
import uuid as uuidlib
from collections.abc import Iterable, Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from provbridge import __version__
from provbridge.store.db import DB_NAME, connect

TABLES: dict[str, str] = {
    "executions": "INSERT OR REPLACE INTO executions (trial_id, id, parent, kind, stmt_id, code_id, name, "
    "started_at, ended_at, count, status, exec_count, cell_id) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
    "versions": "INSERT OR REPLACE INTO versions (trial_id, id, name, scope, kind, exec_id, type, value, repr, "
    "summary, count) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
    "derivations": "INSERT OR IGNORE INTO derivations (trial_id, id, source) VALUES (?,?,?)",
    "usages": "INSERT OR IGNORE INTO usages (trial_id, exec_id, version_id) VALUES (?,?,?)",
    "file_accesses": "INSERT OR REPLACE INTO file_accesses (trial_id, id, exec_id, path, mode, sha256_before, "
    "size_before, sha256_after, size_after, read_version, write_version, at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
    "tags": "INSERT OR IGNORE INTO tags (trial_id, subject_kind, subject, name, value) VALUES (?,?,?,?,?)",
    "environment": "INSERT OR REPLACE INTO environment (trial_id, kind, name, value) VALUES (?,?,?,?)",
}


def utcnow() -> str:
    """The current time as ISO 8601 in UTC with an explicit offset."""
    return datetime.now(timezone.utc).isoformat()


class TrialWriter:
    """Owns one trial's row and buffers; a daemon thread flushes the buffers every ``interval`` seconds,
    so a killed process loses at most that much and earlier trials are never touched."""

    def __init__(
        self,
        store_dir: Path,
        *,
        kind: str,
        command: Sequence[str],
        main: str | None,
        granularity: int,
        name: str | None = None,
        interval: float = 0.5,
    ) -> None:
        self.store_dir = store_dir
        self.conn = connect(store_dir / DB_NAME)
        self.lock = threading.Lock()
        self.uuid = str(uuidlib.uuid4())
        self.buffers: dict[str, list[tuple[Any, ...]]] = {table: [] for table in TABLES}
        with self.conn:
            cur = self.conn.execute(
                "INSERT INTO trials (uuid, name, kind, status, command, main, cwd, hostname, user, pid, "
                "granularity, started_at, provbridge_version, python_version) "
                "VALUES (?,?,?,'running',?,?,?,?,?,?,?,?,?,?)",
                (
                    self.uuid, name, kind, json.dumps(list(command)), main, os.getcwd(),
                    socket.gethostname(), _user(), os.getpid(), granularity, utcnow(), __version__,
                    sys.version.split()[0],
                ),
            )
        self.trial_id: int = cur.lastrowid or 0
        self._stop = threading.Event()
        self._closed = False
        self._thread = threading.Thread(target=self._run, args=(interval,), name="provbridge-writer", daemon=True)
        self._thread.start()

    # -- appending (called by the recorder; cheap) -------------------------------------------------
    def add(self, table: str, row: tuple[Any, ...]) -> None:
        """Queue one row (without its trial id) for ``table``."""
        self.buffers[table].append((self.trial_id, *row))

    def add_many(self, table: str, rows: Iterable[tuple[Any, ...]]) -> None:
        """Queue several rows (without their trial id) for ``table``."""
        tid = self.trial_id
        self.buffers[table].extend((tid, *row) for row in rows)

    # -- shared code components (synchronous; at compile time, not on the hot path) ----------------
    def code_id(self, sha256: str, kind: str, path: str, source: str) -> int:
        """The id of a code component, inserting it the first time its content is seen."""
        with self.lock, self.conn:
            self.conn.execute(
                "INSERT OR IGNORE INTO code (sha256, kind, path, source) VALUES (?,?,?,?)",
                (sha256, kind, path, source),
            )
            row = self.conn.execute(
                "SELECT id FROM code WHERE sha256 = ? AND kind = ? AND path = ?", (sha256, kind, path)
            ).fetchone()
        return int(row[0])

    def statement_ids(
        self, code_id: int, statements: Sequence[tuple[int, int, int, int, str, str, str]]
    ) -> list[int]:
        """Ids for ``(lineno, col, end_lineno, end_col, kind, scope, text)`` statements of a component."""
        with self.lock, self.conn:
            self.conn.executemany(
                "INSERT OR IGNORE INTO statements (code_id, lineno, col, end_lineno, end_col, kind, scope, text) "
                "VALUES (?,?,?,?,?,?,?,?)",
                [(code_id, *s) for s in statements],
            )
            known = {
                (lineno, col, kind): sid
                for sid, lineno, col, kind in self.conn.execute(
                    "SELECT id, lineno, col, kind FROM statements WHERE code_id = ?", (code_id,)
                )
            }
        return [known[(s[0], s[1], s[4])] for s in statements]

    def set_trial(self, **fields: Any) -> None:
        """Update columns of the trial row at once (name, main_code_id, note, ...)."""
        if not fields:
            return
        cols = ", ".join(f"{key} = ?" for key in fields)
        with self.lock, self.conn:
            self.conn.execute(f"UPDATE trials SET {cols} WHERE id = ?", (*fields.values(), self.trial_id))

    # -- flushing ----------------------------------------------------------------------------------
    def flush(self) -> None:
        """Write every queued row in one transaction."""
        with self.lock:
            # Drain in place: the recorder keeps references to these lists and appends without a lock;
            # rows appended between the copy and the delete stay in the buffer for the next flush.
            pending: dict[str, list[tuple[Any, ...]]] = {}
            for table, buffer in self.buffers.items():
                n = len(buffer)
                if n:
                    pending[table] = buffer[:n]
                    del buffer[:n]
            if not pending:
                return
            try:
                with self.conn:
                    for table, rows in pending.items():
                        self.conn.executemany(TABLES[table], rows)
            except sqlite3.Error as exc:  # never raise into the user's program from the writer thread
                print(f"provbridge: could not write provenance ({exc})", file=sys.stderr)

    def _run(self, interval: float) -> None:
        while not self._stop.wait(interval):
            self.flush()

    def finish(
        self,
        status: str,
        *,
        exit_code: int | None = None,
        exception: str | None = None,
        traceback: str | None = None,
    ) -> None:
        """Flush everything and close the trial with its final status."""
        if self._closed:
            return
        self._closed = True
        self._stop.set()
        self._thread.join(timeout=5)
        self.flush()
        with self.lock, self.conn:
            self.conn.execute(
                "UPDATE trials SET status = ?, ended_at = ?, exit_code = ?, exception = ?, traceback = ? "
                "WHERE id = ?",
                (status, utcnow(), exit_code, exception, traceback, self.trial_id),
            )
        self.conn.close()


def _user() -> str:
    try:
        return getpass.getuser()
    except Exception:
        return "unknown"
