"""Batched, crash-tolerant writing of one trial's rows; capture code appends to its buffers only."""

from __future__ import annotations

import _thread
import json
import os
import sqlite3
import sys
import threading
from collections.abc import Iterable, Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from provbridge import __version__
from provbridge.errors import StoreError
from provbridge.store.db import DB_NAME, connect, ensure_store_dir, writable

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


STATUSES = ("running", "finished", "failed", "interrupted", "incomplete")
INCOMPLETE = "incomplete"  # the final status of a trial some of whose records could not be written


class TrialWriter:
    """Owns one trial's row and buffers; a background thread (hidden from ``threading``) flushes the buffers
    every ``interval`` seconds, so a killed process loses at most that much and earlier trials are never
    touched.

    Opening raises StoreError (one line) when the store cannot be written (corrupt, read-only, a file in
    place of ``.provbridge``): the caller can still run the program without recording. A flush that fails
    (disk full, I/O error, damaged pages) never raises into the program: its rows are counted in
    ``lost_records``, ``error`` keeps the first reason, and :meth:`finish` ends the trial as
    ``incomplete`` instead of the status asked for."""

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
        self.lock = threading.Lock()
        self.uuid = uuid4()
        self.buffers: dict[str, list[tuple[Any, ...]]] = {table: [] for table in TABLES}
        self.lost_records = 0
        self.error: str | None = None
        self.status: str | None = None  # the status the trial was closed with
        path = ensure_store_dir(store_dir) / DB_NAME
        if not writable(path if path.exists() else store_dir):
            raise StoreError(f"cannot record into {path}: it is read-only")
        self._created = not path.exists()
        # The store is opened, created (file, switch to WAL, schema) and the trial's first row committed
        # without waiting for the disk: those fdatasyncs would be on the program's start-up path. The flush
        # thread makes them durable (synchronous NORMAL, the files synced) as its first step; a killed
        # process loses nothing either way (the rows are in the OS's page cache).
        self.conn = connect(path, synced=False)
        self.db_path = path
        try:
            with self.conn:
                cur = self.conn.execute(
                    "INSERT INTO trials (uuid, name, kind, status, command, main, cwd, hostname, user, pid, "
                    "granularity, started_at, provbridge_version, python_version) "
                    "VALUES (?,?,?,'running',?,?,?,?,?,?,?,?,?,?)",
                    (
                        self.uuid, name, kind, json.dumps(list(command)), main, _cwd(),
                        hostname(), _user(), os.getpid(), granularity, utcnow(), __version__,
                        sys.version.split()[0],
                    ),
                )
        except sqlite3.Error as exc:
            self.conn.close()
            raise StoreError(f"cannot record into {path}: {_reason(exc)}") from None
        self.trial_id: int = cur.lastrowid or 0
        self._stop = threading.Event()
        self._closed = False
        self._durable = False  # synchronous is back to NORMAL (see _make_durable)
        # A bare ``_thread`` thread, so the program's ``threading.enumerate()``/``active_count()`` are as
        # without capture. Nothing joins it at exit: ``finish`` waits for ``_running`` to be released.
        self._running = _thread.allocate_lock()
        self._running.acquire()
        self._pid = os.getpid()  # a forked child has no flush thread to wait for
        try:
            _thread.start_new_thread(self._run, (interval,))
        except BaseException:
            self._running.release()
            self.conn.close()
            raise

    # -- appending (called by the recorder; cheap) -------------------------------------------------
    def add(self, table: str, row: tuple[Any, ...]) -> None:
        """Queue one row (without its trial id) for ``table``."""
        self.buffers[table].append((self.trial_id, *row))

    def add_many(self, table: str, rows: Iterable[tuple[Any, ...]]) -> None:
        """Queue several rows (without their trial id) for ``table``."""
        tid = self.trial_id
        self.buffers[table].extend((tid, *row) for row in rows)

    @property
    def incomplete(self) -> bool:
        """Whether some of this trial's records (or its final status) could not be written."""
        return self.lost_records > 0 or self.error is not None

    def _lost(self, count: int, exc: BaseException) -> None:
        self.lost_records += count
        if self.error is None:
            self.error = _reason(exc)

    # -- shared code components (synchronous; at compile time, not on the hot path) ----------------
    def code_id(self, sha256: str, kind: str, path: str, source: str) -> int:
        """The id of a code component, inserting it the first time its content is seen (a negative
        stand-in id, and the trial incomplete, when it cannot be written)."""
        with self.lock:
            try:
                with self.conn:
                    self.conn.execute(
                        "INSERT OR IGNORE INTO code (sha256, kind, path, source) VALUES (?,?,?,?)",
                        (sha256, kind, path, source),
                    )
                    row = self.conn.execute(
                        "SELECT id FROM code WHERE sha256 = ? AND kind = ? AND path = ?", (sha256, kind, path)
                    ).fetchone()
            except (sqlite3.Error, OSError) as exc:
                self._lost(1, exc)
                return self._stand_in(1)[0]
        return int(row[0])

    def statement_ids(
        self, code_id: int, statements: Sequence[tuple[int, int, int, int, str, str, str]]
    ) -> list[int]:
        """Ids for ``(lineno, col, end_lineno, end_col, kind, scope, text)`` statements of a component
        (negative stand-in ids, and the trial incomplete, when they cannot be written)."""
        with self.lock:
            try:
                with self.conn:
                    self.conn.executemany(
                        "INSERT OR IGNORE INTO statements (code_id, lineno, col, end_lineno, end_col, kind, scope, "
                        "text) VALUES (?,?,?,?,?,?,?,?)",
                        [(code_id, *s) for s in statements],
                    )
                    known = {
                        (lineno, col, kind): sid
                        for sid, lineno, col, kind in self.conn.execute(
                            "SELECT id, lineno, col, kind FROM statements WHERE code_id = ?", (code_id,)
                        )
                    }
            except (sqlite3.Error, OSError) as exc:
                self._lost(len(statements), exc)
                return self._stand_in(len(statements))
        return [known[(s[0], s[1], s[4])] for s in statements]

    def _stand_in(self, count: int) -> list[int]:
        """Distinct negative ids for rows that could not be written (rows referring to them are lost too)."""
        first = getattr(self, "_next_stand_in", -1)
        self._next_stand_in = first - count
        return list(range(first, first - count, -1))

    def set_trial(self, **fields: Any) -> None:
        """Update columns of the trial row at once (name, main_code_id, note, ...)."""
        if not fields:
            return
        cols = ", ".join(f"{key} = ?" for key in fields)
        with self.lock:
            try:
                with self.conn:
                    self.conn.execute(f"UPDATE trials SET {cols} WHERE id = ?", (*fields.values(), self.trial_id))
            except (sqlite3.Error, OSError) as exc:
                self._lost(1, exc)

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
            except (sqlite3.Error, OSError) as exc:  # never raise into the user's program
                self._lost(sum(len(rows) for rows in pending.values()), exc)

    @property
    def running(self) -> bool:
        """Whether the flush thread is still running."""
        return self._running.locked()

    def _make_durable(self) -> None:
        """Back to ``synchronous = NORMAL``, and the rows committed so far synced to disk by a checkpoint,
        from the writer's thread: SQLite syncs the WAL, copies it into the data file and syncs that; a data
        file this run created also gets its directory entry synced. Never through a descriptor of our own
        on the data file or the WAL: closing one drops every POSIX lock this process holds on the file,
        SQLite's included, and parallel runs then lost a trial's records after its first commit."""
        with self.lock:
            if self._durable:
                return
            self._durable = True
            try:
                self.conn.execute("PRAGMA synchronous = NORMAL")
                self.conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
                if self._created:
                    _sync_dir(self.db_path.parent)
            except (sqlite3.Error, OSError) as exc:
                self._lost(0, exc)

    def _run(self, interval: float) -> None:
        try:
            self._make_durable()
            while not self._stop.wait(interval):
                self.flush()
        except BaseException as exc:  # pragma: no cover - flush never raises; a thread must not print
            if self.error is None:
                self.error = _reason(exc)
        finally:
            self._running.release()

    def finish(
        self,
        status: str,
        *,
        exit_code: int | None = None,
        exception: str | None = None,
        traceback: str | None = None,
    ) -> None:
        """Flush everything and close the trial with its final status (``incomplete`` when records were
        lost). Never raises: when even the final status cannot be written, ``error`` says why and the
        trial is later shown as interrupted."""
        if self._closed:
            return
        self._closed = True
        self._stop.set()
        if self._pid == os.getpid() and self._running.acquire(timeout=5):  # the flush thread has stopped
            self._running.release()
        self.flush()
        with self.lock:  # the closing checkpoint syncs the WAL and the data file before removing the WAL
            if not self._durable:
                self._durable = True
                try:
                    self.conn.execute("PRAGMA synchronous = NORMAL")
                except (sqlite3.Error, OSError) as exc:
                    self._lost(0, exc)
        if self.incomplete:
            status = INCOMPLETE
        self.status = status
        row = (status, utcnow(), exit_code, exception, traceback, self.trial_id)
        with self.lock:
            try:
                self._close_trial(row)
            except (sqlite3.Error, OSError) as exc:
                self._lost(0, exc)
                self.status = None
            finally:
                self.conn.close()

    def _close_trial(self, row: tuple[Any, ...]) -> None:
        sql = "UPDATE trials SET status = ?, ended_at = ?, exit_code = ?, exception = ?, traceback = ? WHERE id = ?"
        try:
            with self.conn:
                self.conn.execute(sql, row)
        except sqlite3.OperationalError as exc:
            if "full" not in str(exc):
                raise
            # Disk full: a checkpoint can give the WAL's pages back to the data file and make room for this
            # one small update.
            self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            with self.conn:
                self.conn.execute(sql, row)


def uuid4() -> str:
    """A random (version 4) UUID as text, as ``str(uuid.uuid4())`` (without importing ``uuid``, which
    costs the start-up of every run more than this)."""
    raw = bytearray(os.urandom(16))
    raw[6] = (raw[6] & 0x0F) | 0x40
    raw[8] = (raw[8] & 0x3F) | 0x80
    h = raw.hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def hostname() -> str:
    """This machine's host name, as ``socket.gethostname()`` (without importing socket where ``os.uname``
    exists)."""
    if hasattr(os, "uname"):
        return os.uname().nodename
    import socket

    return socket.gethostname()


def _sync_dir(path: Path) -> None:
    """fsync the directory ``path`` (the entries of the files in it) through a descriptor of its own. Never
    an SQLite file: closing the descriptor would drop SQLite's POSIX locks on it (TrialWriter._make_durable)."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except FileNotFoundError:
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _reason(exc: BaseException) -> str:
    """A one-line reason for a failed write."""
    text = " ".join(str(exc).split()) or type(exc).__name__
    if isinstance(exc, OSError) and exc.strerror:
        text = exc.strerror
    return text


def _cwd() -> str | None:
    try:
        return os.getcwd()
    except OSError:  # the working directory was removed
        return None


def _user() -> str:
    """The login name as ``getpass.getuser()`` finds it: the first of its variables that is set, else the
    password database (getpass, which imports termios, is imported only then)."""
    for variable in ("LOGNAME", "USER", "LNAME", "USERNAME"):
        user = os.environ.get(variable)
        if user:
            return user
    import getpass

    try:
        return getpass.getuser()
    except Exception:
        return "unknown"
