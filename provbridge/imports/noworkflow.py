"""Imports noWorkflow 2.x databases (``.noworkflow/db.sqlite``): each trial becomes an imported provbridge trial."""

from __future__ import annotations

import hashlib
import json
import shlex
import sqlite3
import sys
import uuid as uuidlib
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from provbridge import __version__
from provbridge.capture.environment import ENV_ALLOW, is_secret_name
from provbridge.errors import FormatError, StoreError, TrialNotFoundError
from provbridge.imports.noworkflow_graph import Converted, StmtKey, convert
from provbridge.imports.noworkflow_source import TrialSource
from provbridge.store.store import Store, Trial
from provbridge.store.writer import TABLES, utcnow

SUPPORTED_MAJOR = 2
# The tables and columns the import reads; a database lacking any of them has an unknown schema.
REQUIRED: dict[str, tuple[str, ...]] = {
    "trial": ("sequence_key", "id", "script", "start", "finish", "command", "path", "status", "main_id"),
    "code_component": ("trial_id", "id", "name", "type", "mode", "first_char_line", "first_char_column",
                       "last_char_line", "last_char_column", "container_id"),
    "code_block": ("trial_id", "id", "code_hash"),
    "composition": ("trial_id", "id", "part_id", "whole_id"),
    "activation": ("trial_id", "id", "name", "start_checkpoint", "code_block_id"),
    "evaluation": ("trial_id", "id", "checkpoint", "code_component_id", "activation_id", "repr",
                   "member_container_id"),
    "dependency": ("trial_id", "id", "dependent_id", "dependency_id", "type"),
    "member": ("trial_id", "id", "collection_id", "member_id", "key"),
    "file_access": ("trial_id", "id", "name", "mode", "content_hash_before", "content_hash_after", "checkpoint",
                    "activation_id"),
}
# Read when present (older 2.x releases may lack some).
OPTIONAL: dict[str, tuple[str, ...]] = {
    "environment_attr": ("trial_id", "name", "value"),
    "module": ("trial_id", "name", "version", "path", "code_block_id"),
    "tag": ("trial_id", "type", "name"),
    "stage_tags": ("trial_id", "name", "tag_name", "activation_id", "variable_name", "variable_value"),
    "argument": ("trial_id", "name", "value"),
    "user": ("id", "userLogin"),
}
NOWORKFLOW_1_TABLES = ("function_activation", "object_value", "slicing_variable")
ENVIRONMENT = {"OS_NAME": ("os", "system"), "OS_RELEASE": ("os", "release"), "OS_VERSION": ("os", "version"),
               "PYTHON_VERSION": ("python", "version"), "PYTHON_IMPLEMENTATION": ("python", "implementation"),
               "HOSTNAME": ("machine", "hostname"), "ARCH": ("machine", "architecture"),
               "PROCESSOR": ("machine", "processor"), "NOWORKFLOW_VERSION": ("noworkflow", "version")}
STATUSES = {"finished": "finished", "unfinished": "failed"}


def import_noworkflow(store: Store, path: Path, trials: list[int] | None = None, *,
                      report: Callable[[str], None] | None = None) -> list[Trial]:
    """Import noWorkflow trials (their numbers, default all) from the database at ``path`` (``db.sqlite``,
    its ``.noworkflow`` directory or the project directory) into ``store``; one transaction per trial.

    Returns the trials imported now; a trial imported before (same noWorkflow trial id) is skipped and
    ``report`` (default: print to stderr) says so."""
    say = report or (lambda text: print(f"provbridge: {text}", file=sys.stderr))
    db = _locate(Path(path))
    digest = _sha256(db)
    conn = _open(db)
    try:
        tables = _check_schema(conn, db)
        rows = conn.execute("SELECT sequence_key, id, script, start, finish, command, path, status, main_id "
                            "FROM trial ORDER BY sequence_key").fetchall()
        by_number = {int(row[0]): row for row in rows}
        if trials:
            missing = [n for n in trials if n not in by_number]
            if missing:
                known = f"{min(by_number)}-{max(by_number)}" if by_number else "none"
                raise TrialNotFoundError(f"{db} has no noWorkflow trial {', '.join(map(str, missing))} "
                                         f"(its trials: {known})")
            chosen = [by_number[n] for n in dict.fromkeys(trials)]
        else:
            chosen = rows
        imported: list[Trial] = []
        for row in chosen:
            number, original = int(row[0]), str(row[1])
            known_as = store.conn.execute("SELECT trial_id FROM imports WHERE format = 'noworkflow' AND original = ?",
                                          (original,)).fetchone()
            if known_as is not None:
                say(f"noWorkflow trial {number} ({original}) is already imported as trial {known_as[0]}; skipped")
                continue
            imported.append(store.trial(_import_trial(store, conn, tables, db, digest, row)))
        return imported
    finally:
        conn.close()


def _locate(path: Path) -> Path:
    path = path.expanduser().resolve()
    if path.is_dir():
        for candidate in (path / "db.sqlite", path / ".noworkflow" / "db.sqlite"):
            if candidate.is_file():
                return candidate
        raise FormatError(f"{path} holds no noWorkflow database (db.sqlite or .noworkflow/db.sqlite)")
    if not path.is_file():
        raise FormatError(f"{path} does not exist")
    return path


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    try:
        with path.open("rb") as handle:
            while chunk := handle.read(1 << 20):
                digest.update(chunk)
    except OSError as exc:
        raise FormatError(f"cannot read {path} ({exc.strerror or exc})") from None
    return digest.hexdigest()


def _open(db: Path) -> sqlite3.Connection:
    try:
        conn = sqlite3.connect(f"{db.as_uri()}?mode=ro", uri=True, timeout=30.0)
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.DatabaseError as exc:
        raise FormatError(f"{db} is not an SQLite database ({exc})") from None
    return conn


def _check_schema(conn: sqlite3.Connection, db: Path) -> set[str]:
    """The tables of a noWorkflow 2.x database; FormatError for anything else."""
    tables = {name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if any(name in tables for name in NOWORKFLOW_1_TABLES) and "evaluation" not in tables:
        raise FormatError(f"{db} was written by noWorkflow 1.x; only noWorkflow 2.x databases can be imported")
    if "trial" not in tables or "evaluation" not in tables:
        raise FormatError(f"{db} is an SQLite database but not a noWorkflow database (no trial/evaluation tables)")
    for table, columns in {**REQUIRED, **OPTIONAL}.items():
        if table not in tables:
            if table in REQUIRED:
                raise FormatError(f"{db} has an unknown noWorkflow schema (no table {table}); "
                                  f"only noWorkflow {SUPPORTED_MAJOR}.x databases can be imported")
            continue
        have = {row[1] for row in conn.execute(f'PRAGMA table_info("{table}")')}
        lacking = [c for c in columns if c not in have]
        if lacking and table in REQUIRED:
            raise FormatError(f"{db} has an unknown noWorkflow schema (table {table} lacks {', '.join(lacking)}); "
                              f"only noWorkflow {SUPPORTED_MAJOR}.x databases can be imported")
        if lacking:
            tables.discard(table)
    return tables


def _import_trial(store: Store, conn: sqlite3.Connection, tables: set[str], db: Path, digest: str,
                  row: tuple[Any, ...]) -> int:
    number, original, script, start, finish, command, cwd, status, main_id = row
    where = f"{db}: noWorkflow trial {number}"
    try:
        env = _environment(conn, tables, original)
        made_by = next((value for kind, name, value in env if (kind, name) == ("noworkflow", "version")), None)
        if made_by and made_by.split(".")[0].isdigit() and int(made_by.split(".")[0]) > SUPPORTED_MAJOR:
            raise FormatError(f"{where} was recorded by noWorkflow {made_by}, newer than this import understands "
                              f"({SUPPORTED_MAJOR}.x)")
        started = _time(start) or datetime.now(timezone.utc)
        source = TrialSource(conn, original, tables=tables, main_block=main_id, cwd=cwd or str(db.parent.parent),
                             script=script or "", started=started.timestamp(), provenance=db.parent)
        converted = convert(source)
        tags = _tags(conn, tables, original)
        user = _user(conn, tables, original)
    except sqlite3.Error as exc:
        raise FormatError(f"{where} could not be read ({exc})") from None
    except (KeyError, ValueError, TypeError) as exc:
        raise FormatError(f"{where} is inconsistent ({type(exc).__name__}: {exc})") from None
    python = next((value for kind, name, value in env if (kind, name) == ("python", "version")), None)
    hostname = next((value for kind, name, value in env if (kind, name) == ("machine", "hostname")), None)
    main = str(Path(cwd or "", script or "")) if script else None
    ended = _time(finish)
    trial_row = (
        _uuid(store, original), None, "imported", STATUSES.get(status or "", "interrupted"),
        json.dumps(["now", *_split(command or "")]), main, cwd, hostname, user, 1 if converted.nested else 0,
        started.isoformat(), ended.isoformat() if ended else None, __version__, python or "unknown",
    )
    try:
        with store.conn:
            return _write(store.conn, trial_row, converted, env, tags, (str(db), digest, original))
    except sqlite3.Error as exc:
        raise StoreError(f"could not write {where} to {store.path} ({exc}); nothing was imported") from None


def _write(conn: sqlite3.Connection, trial_row: tuple[Any, ...], data: Converted, env: list[tuple[str, str, str]],
           tags: list[tuple[str, str, str, str]], source: tuple[str, str, str]) -> int:
    codes: dict[int, int] = {}
    for root, (sha, kind, path, text) in data.code.items():
        conn.execute("INSERT OR IGNORE INTO code (sha256, kind, path, source) VALUES (?,?,?,?)",
                     (sha, kind, path, text))
        codes[root] = conn.execute("SELECT id FROM code WHERE sha256 = ? AND kind = ? AND path = ?",
                                   (sha, kind, path)).fetchone()[0]
    stmts: dict[StmtKey, int] = {}
    for key, (lineno, col, end_lineno, end_col, kind, scope, text) in data.statements.items():
        code_id = codes[key.root]
        conn.execute("INSERT OR IGNORE INTO statements (code_id, lineno, col, end_lineno, end_col, kind, scope, text) "
                     "VALUES (?,?,?,?,?,?,?,?)", (code_id, lineno, col, end_lineno, end_col, kind, scope, text))
        stmts[key] = conn.execute("SELECT id FROM statements WHERE code_id = ? AND lineno = ? AND col = ? AND kind = ?",
                                  (code_id, lineno, col, kind)).fetchone()[0]
    main_code = codes.get(data.main_code) if data.main_code is not None else None
    cur = conn.execute(
        "INSERT INTO trials (uuid, name, kind, status, command, main, cwd, hostname, user, granularity, started_at, "
        "ended_at, provbridge_version, python_version, main_code_id) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        (*trial_row, main_code))
    tid = int(cur.lastrowid or 0)
    executions = []
    for eid, parent, kind, stmt, code, *rest in data.executions:
        executions.append((tid, eid, parent, kind, stmts.get(stmt) if stmt is not None else None,
                           codes.get(code) if code is not None else None, *rest))
    conn.executemany(TABLES["executions"], executions)
    conn.executemany(TABLES["versions"], [(tid, *row) for row in data.versions])
    conn.executemany(TABLES["derivations"], [(tid, *row) for row in sorted(data.derivations)])
    conn.executemany(TABLES["usages"], [(tid, *row) for row in sorted(data.usages)])
    conn.executemany(TABLES["file_accesses"], [(tid, *row) for row in data.file_accesses])
    conn.executemany(TABLES["environment"], [(tid, *row) for row in env])
    conn.executemany(TABLES["tags"], [(tid, *row) for row in tags])
    conn.execute("INSERT INTO imports (trial_id, source, sha256, format, original, imported_at) "
                 "VALUES (?,?,?,'noworkflow',?,?)", (tid, source[0], source[1], source[2], utcnow()))
    return tid


def _environment(conn: sqlite3.Connection, tables: set[str], trial: str) -> list[tuple[str, str, str]]:
    """noWorkflow's environment, arguments and modules as ``(kind, name, value)``; environment variables
    only when provbridge would record them (allow-listed, never secrets)."""
    rows: dict[tuple[str, str], str] = {}
    if "environment_attr" in tables:
        for name, value in conn.execute("SELECT name, value FROM environment_attr WHERE trial_id = ? ORDER BY id",
                                        (trial,)):
            name = str(name)
            if name in ENVIRONMENT:
                rows[ENVIRONMENT[name]] = str(value or "")
            elif name in ENV_ALLOW and not is_secret_name(name):  # sysconf values (SC_*, ...) are left out
                rows[("env", name)] = str(value or "")
        system = [rows.get(("os", key), "") for key in ("system", "release")]
        if any(system):
            rows[("os", "platform")] = "-".join(part for part in system if part)
    if "argument" in tables:
        for name, value in conn.execute("SELECT name, value FROM argument WHERE trial_id = ? ORDER BY id", (trial,)):
            if not is_secret_name(str(name)):
                rows[("noworkflow", f"argument.{name}")] = str(value or "")
    if "module" in tables:
        for name, version, path in conn.execute("SELECT name, version, path FROM module WHERE trial_id = ? ORDER BY id",
                                                (trial,)):
            rows[("module", str(name))] = str(version or path or "")
    return [(kind, name, value) for (kind, name), value in rows.items()]


def _tags(conn: sqlite3.Connection, tables: set[str], trial: str) -> list[tuple[str, str, str, str]]:
    tags: list[tuple[str, str, str, str]] = []
    if "tag" in tables:
        for kind, name in conn.execute("SELECT type, name FROM tag WHERE trial_id = ? ORDER BY id", (trial,)):
            tags.append(("trial", trial, "noworkflow-tag", f"{name} ({kind})" if kind else str(name)))
    if "stage_tags" in tables:
        for name, tag, _act, variable, value in conn.execute(
                "SELECT name, tag_name, activation_id, variable_name, variable_value FROM stage_tags "
                "WHERE trial_id = ? ORDER BY id", (trial,)):
            if variable:
                tags.append(("variable", str(variable), str(tag or name or "tag"), str(value or "")))
            elif name or tag:
                tags.append(("trial", trial, "stage", str(tag or name)))
    return list(dict.fromkeys(tags))


def _user(conn: sqlite3.Connection, tables: set[str], trial: str) -> str | None:
    row = conn.execute("SELECT user_id FROM trial WHERE id = ?", (trial,)).fetchone() \
        if _has_column(conn, "trial", "user_id") else None
    if not row or row[0] is None:
        return None
    if "user" in tables:
        login = conn.execute('SELECT "userLogin" FROM user WHERE id = ?', (row[0],)).fetchone()
        if login and login[0]:
            return str(login[0])
    return str(row[0])


def _has_column(conn: sqlite3.Connection, table: str, column: str) -> bool:
    return any(row[1] == column for row in conn.execute(f'PRAGMA table_info("{table}")'))


def _uuid(store: Store, original: str) -> str:
    """noWorkflow's trial id when it is a UUID not yet in the store, else a new one."""
    try:
        value = str(uuidlib.UUID(original))
    except ValueError:
        return str(uuidlib.uuid4())
    if store.conn.execute("SELECT 1 FROM trials WHERE uuid = ?", (value,)).fetchone():
        return str(uuidlib.uuid4())
    return value


def _time(text: Any) -> datetime | None:
    """noWorkflow's naive local timestamps as aware UTC datetimes."""
    if not text:
        return None
    try:
        value = datetime.fromisoformat(str(text))
    except ValueError:
        return None
    return (value if value.tzinfo else value.astimezone()).astimezone(timezone.utc)


def _split(command: str) -> list[str]:
    try:
        return shlex.split(command)
    except ValueError:
        return command.split()
