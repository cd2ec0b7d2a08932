"""The project's store: finds the data file, lists and resolves trials, and reads one trial's records."""

from __future__ import annotations

import json
import os
import socket
import sqlite3
from collections.abc import Iterable, Iterator
from datetime import datetime
from functools import cached_property
from pathlib import Path
from typing import Any

from provbridge.errors import StoreError, TrialNotFoundError, VariableNotFoundError
from provbridge.store.db import DB_NAME, connect, connect_for_reading, ensure_store_dir, find_store_dir
from provbridge.store.model import Code, Execution, FileAccess, Version, parse_time

TRIAL_COLUMNS = (
    "id, uuid, name, kind, status, command, main, main_code_id, cwd, hostname, user, pid, granularity, "
    "started_at, ended_at, exit_code, exception, traceback, note, provbridge_version, python_version"
)
MODULE_SCOPES = ("<module>", "file")
VERSION_FIELDS = "id, name, scope, kind, exec_id, type, value, repr, summary, count"  # a Version's, in order
# How a trial's provenance is held, chosen once when its Trial is built (see provbridge.translate.representation):
# "records" (captured runs, noWorkflow imports: executions, versions...) or "graph" (imported and pulled PROV
# documents: a stored RDF graph, provbridge.store.graphs). Its origin (script, module, notebook, imported) is ``kind``.
RECORDS, GRAPH = "records", "graph"
REPRESENTATION_SQL = (
    f"CASE WHEN EXISTS (SELECT 1 FROM import_graphs g WHERE g.trial_id = trials.id) THEN '{GRAPH}' "
    f"ELSE '{RECORDS}' END"
)


def open_store(path: str | os.PathLike[str] | None = None, *, create: bool = False,
               factory: type[Store] | None = None) -> Store:
    """Open the project's store: ``path`` may be a ``.provbridge`` directory, a data file, or a directory
    to search upwards from (default: the working directory or ``$PROVBRIDGE_DIR``). ``factory`` is the
    Store class to build (provbridge.api's adds the export/query/diagram methods)."""
    cls = factory or Store
    if path is not None and Path(path).is_file():
        return cls(Path(path).resolve().parent, db_path=Path(path).resolve(), create=create)
    if path is not None and Path(path).name == ".provbridge":
        return cls(Path(path).resolve(), create=create)
    return cls(find_store_dir(path), create=create)


class Store:
    """A provbridge data file. Reading never changes recorded trials, except that trials whose recording
    process died are marked ``interrupted``. A store we may not write to is opened read-only
    (``readonly``): reading commands work, writing ones fail with a StoreError. Its trials are built as
    ``trial_class`` (provbridge.api's Store builds provbridge.api.Trial, with the export/query methods)."""

    trial_class: type[Trial]

    def __init__(self, directory: Path, *, db_path: Path | None = None, create: bool = False) -> None:
        self.directory = directory
        self.path = db_path or directory / DB_NAME
        if db_path is None and directory.exists() and not directory.is_dir():
            ensure_store_dir(directory)  # raises the one-line error
        self.readonly = False
        if self.path.exists():
            self.conn, self.readonly = connect_for_reading(self.path)
        elif create:
            self.conn = connect(self.path, create=True)
        else:
            raise StoreError(f"no provbridge data here ({self.path} does not exist); run `provbridge run` first")
        self.conn.row_factory = None
        if not self.readonly:
            self._mark_interrupted()

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _mark_interrupted(self) -> None:
        host = socket.gethostname()
        dead = [
            tid
            for tid, pid, hostname in self.conn.execute(
                "SELECT id, pid, hostname FROM trials WHERE status = 'running'"
            )
            if hostname == host and pid and not _alive(int(pid))
        ]
        if dead:
            with self.conn:
                self.conn.executemany(
                    "UPDATE trials SET status = 'interrupted' WHERE id = ? AND status = 'running'",
                    [(tid,) for tid in dead],
                )

    # -- trials ------------------------------------------------------------------------------------
    def trials(self) -> list[Trial]:
        """Every trial, oldest first."""
        rows = self.conn.execute(f"SELECT {self._columns} FROM trials ORDER BY id").fetchall()
        return [self.trial_class(self, row) for row in rows]

    def resolve(self, ref: str | int) -> int:
        """The sequence number of a trial given by number, ``last``, ``last~N``, UUID (prefix) or name."""
        text = str(ref).strip()
        if text == "last" or text.startswith("last~"):
            back = int(text[5:]) if text.startswith("last~") and text[5:].isdigit() else 0
            back = min(back, 2**62)
            row = self.conn.execute("SELECT id FROM trials ORDER BY id DESC LIMIT 1 OFFSET ?", (back,)).fetchone()
            if row is None:
                raise TrialNotFoundError(f"no trial {text!r}: the store has {'no' if back == 0 else 'fewer'} trials")
            return int(row[0])
        if text.isdigit() and int(text) < 2**63:
            row = self.conn.execute("SELECT id FROM trials WHERE id = ?", (int(text),)).fetchone()
            if row:
                return int(row[0])
        rows = self.conn.execute("SELECT id FROM trials WHERE name = ? ORDER BY id DESC", (text,)).fetchall()
        if rows:
            return int(rows[0][0])
        if len(text) >= 4:
            rows = self.conn.execute(
                "SELECT id FROM trials WHERE uuid LIKE ? ESCAPE '\\'", (_like_prefix(text),)
            ).fetchall()
            if len(rows) == 1:
                return int(rows[0][0])
            if len(rows) > 1:
                raise TrialNotFoundError(f"trial id prefix {text!r} is ambiguous ({len(rows)} trials match)")
        raise TrialNotFoundError(f"no trial {text!r} (give a number, `last`, a name or an id prefix)")

    def trial(self, ref: str | int) -> Trial:
        """One trial by reference (see :meth:`resolve`)."""
        tid = self.resolve(ref)
        row = self.conn.execute(f"SELECT {self._columns} FROM trials WHERE id = ?", (tid,)).fetchone()
        return self.trial_class(self, row)

    @cached_property
    def _columns(self) -> str:
        """The trial columns plus each trial's representation (``records`` in a data file of schema 1, which
        has no stored graphs)."""
        found = self.conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'import_graphs'"
        ).fetchone()
        return f"{TRIAL_COLUMNS}, {REPRESENTATION_SQL if found else repr(RECORDS)}"

    def code(self, code_id: int) -> Code:
        """A code component (script, module or cell source) by id."""
        row = self.conn.execute("SELECT id, sha256, kind, path, source FROM code WHERE id = ?", (code_id,)).fetchone()
        if row is None:
            raise StoreError(f"code component {code_id} is missing from the data file")
        return Code(*row)


class Trial:
    """A read-only view of one recorded trial. ``representation`` says how its provenance is held:
    ``records`` or ``graph`` (a stored RDF graph); ``kind`` says where it came from."""

    def __init__(self, store: Store, row: tuple[Any, ...]) -> None:
        self.store = store
        self.representation: str = row[21] if len(row) > 21 else RECORDS
        (
            self.id, self.uuid, self.name, self.kind, self.status, command, self.main, self.main_code_id,
            self.cwd, self.hostname, self.user, self.pid, self.granularity, started, ended, self.exit_code,
            self.exception, self.traceback, self.note, self.provbridge_version, self.python_version,
        ) = row[:21]
        self.command: list[str] = json.loads(command) if command else []
        self.started_at: datetime | None = parse_time(started)
        self.ended_at: datetime | None = parse_time(ended)

    def __repr__(self) -> str:
        return f"<Trial {self.id} {self.uuid[:8]} {self.name or self.main!r} {self.status}>"

    @property
    def conn(self) -> sqlite3.Connection:
        return self.store.conn

    @property
    def duration(self) -> float | None:
        """Seconds from start to end, or None while running."""
        if self.started_at and self.ended_at:
            return (self.ended_at - self.started_at).total_seconds()
        return None

    @property
    def label(self) -> str:
        return self.name or (Path(self.main).name if self.main else self.kind)

    # -- records -----------------------------------------------------------------------------------
    def environment(self) -> dict[str, dict[str, str]]:
        """Environment entries grouped by kind (python, os, package, git, env, machine)."""
        result: dict[str, dict[str, str]] = {}
        for kind, name, value in self.conn.execute(
            "SELECT kind, name, value FROM environment WHERE trial_id = ? ORDER BY kind, name", (self.id,)
        ):
            result.setdefault(kind, {})[name] = value
        return result

    def executions(self, kind: str | None = None) -> list[Execution]:
        """Activations in recording order, with their statement's line, text and scope when known."""
        sql = (
            "SELECT e.id, e.parent, e.kind, e.stmt_id, e.code_id, e.name, e.started_at, e.ended_at, e.count, "
            "e.status, e.exec_count, e.cell_id, s.lineno, s.text, s.scope FROM executions e "
            "LEFT JOIN statements s ON s.id = e.stmt_id WHERE e.trial_id = ?"
        )
        params: tuple[Any, ...] = (self.id,)
        if kind:
            sql += " AND e.kind = ?"
            params += (kind,)
        return [Execution(*row) for row in self.conn.execute(sql + " ORDER BY e.id", params)]

    def versions(self, name: str | None = None, *, files: bool = True) -> list[Version]:
        """Variable (and file) versions in recording order, optionally only those of ``name``."""
        sql = (
            f"SELECT {VERSION_FIELDS} FROM versions "
            "WHERE trial_id = ?"
        )
        params: tuple[Any, ...] = (self.id,)
        if name is not None:
            sql += " AND name = ?"
            params += (name,)
        if not files:
            sql += " AND kind != 'file'"
        return [Version(*row) for row in self.conn.execute(sql + " ORDER BY id", params)]

    def versions_by_id(self, ids: Iterable[int]) -> list[Version]:
        """The versions with these ids (unknown ids left out), in recording order."""
        wanted = json.dumps(sorted({int(i) for i in ids}))
        return [Version(*row) for row in self.conn.execute(
            f"SELECT {VERSION_FIELDS} FROM versions "
            "WHERE trial_id = ? AND id IN (SELECT value FROM json_each(?)) ORDER BY id", (self.id, wanted))]

    def version(self, version_id: int) -> Version:
        """One version by its id in this trial."""
        row = self.conn.execute(
            f"SELECT {VERSION_FIELDS} FROM versions "
            "WHERE trial_id = ? AND id = ?",
            (self.id, version_id),
        ).fetchone()
        if row is None:
            raise VariableNotFoundError(f"trial {self.id} has no version {version_id}")
        return Version(*row)

    def latest(self, name: str, scope: str | None = "<module>") -> Version:
        """The last version of variable ``name`` (top-level by default; ``scope=None`` for any scope)."""
        sql = (
            f"SELECT {VERSION_FIELDS} FROM versions "
            "WHERE trial_id = ? AND name = ?"
        )
        params: tuple[Any, ...] = (self.id, name)
        if scope is not None:
            sql += " AND scope = ?"
            params += (scope,)
        row = self.conn.execute(sql + " ORDER BY id DESC LIMIT 1", params).fetchone()
        if row is None:
            raise VariableNotFoundError(f"no variable {name!r} in trial {self.id}")
        return Version(*row)

    def derivations(self) -> Iterator[tuple[int, int]]:
        """``(version, source)`` pairs: version was derived from source."""
        yield from self.conn.execute(
            "SELECT id, source FROM derivations WHERE trial_id = ? ORDER BY id, source", (self.id,)
        )

    def usages(self) -> Iterator[tuple[int, int]]:
        """``(execution, version)`` pairs: execution used version."""
        yield from self.conn.execute(
            "SELECT exec_id, version_id FROM usages WHERE trial_id = ? ORDER BY exec_id, version_id", (self.id,)
        )

    def sources(self, version_id: int) -> list[Version]:
        """The versions ``version_id`` was directly derived from."""
        return [self.version(src) for (src,) in self.conn.execute(
            "SELECT source FROM derivations WHERE trial_id = ? AND id = ? ORDER BY source", (self.id, version_id)
        )]

    def file_accesses(self) -> list[FileAccess]:
        """Every file access in the order the files were opened."""
        return [FileAccess(*row) for row in self.conn.execute(
            "SELECT id, exec_id, path, mode, sha256_before, size_before, sha256_after, size_after, read_version, "
            "write_version, at FROM file_accesses WHERE trial_id = ? ORDER BY id", (self.id,)
        )]

    def tags(self) -> list[tuple[str, str, str, str]]:
        """``(subject_kind, subject, name, value)`` tags of this trial."""
        return list(self.conn.execute(
            "SELECT subject_kind, subject, name, value FROM tags WHERE trial_id = ? ORDER BY 1, 2, 3, 4", (self.id,)
        ))

    @cached_property
    def counts(self) -> dict[str, int]:
        """Number of executions, versions, derivations and file accesses."""
        result = {}
        for table in ("executions", "versions", "derivations", "usages", "file_accesses"):
            sql = f"SELECT count(*) FROM {table} WHERE trial_id = ?"
            (result[table],) = self.conn.execute(sql, (self.id,)).fetchone()
        return result


Store.trial_class = Trial


def _like_prefix(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
