"""SQLite connection, schema versioning and forward migrations of the provbridge data file."""

from __future__ import annotations

import errno
import os
import sqlite3
import time
from pathlib import Path

from provbridge.errors import SchemaTooNewError, StoreError

SCHEMA_VERSION = 2
STORE_DIR = ".provbridge"
DB_NAME = "provbridge.db"
OPEN_ATTEMPTS = 6  # opening a file another process is creating: retries on "database is locked"
DIR_MODE = 0o700  # a new .provbridge directory: recorded values and sources are private by default
FILE_MODE = 0o600  # a new data file (SQLite gives its -wal and -shm files the same mode)

# Forward migrations: MIGRATIONS[n] upgrades a file from version n to n + 1.
# None marks an additive step: the current schema's CREATE ... IF NOT EXISTS statements add what is missing.
MIGRATIONS: dict[int, str | None] = {
    # 2 added the imports table, the derivations_by_source index, and import_graphs/import_chunks (imported graphs)
    1: None,
}


def schema_sql() -> str:
    """The DDL of the current schema: ``resources/store.sql``, read next to the package when it is
    installed as files (every run that creates a store reads it: importlib.resources costs more than the
    read), else through :func:`provbridge.schemas.schema_file`."""
    local = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "resources", "store.sql")
    try:
        with open(local, encoding="utf-8") as handle:
            return handle.read()
    except OSError:
        from provbridge.schemas import schema_file

        return schema_file("store.sql").read_text(encoding="utf-8")


def find_store_dir(start: str | os.PathLike[str] | None = None) -> Path:
    """The ``.provbridge`` directory for ``start``: ``$PROVBRIDGE_DIR``, else the nearest one walking up
    from ``start`` (default: the working directory), else ``start/.provbridge`` (created on first write)."""
    env = os.environ.get("PROVBRIDGE_DIR")
    if env:
        return Path(env).resolve()
    here = Path(start or os.getcwd()).resolve()
    for directory in (here, *here.parents):
        candidate = directory / STORE_DIR
        if (candidate / DB_NAME).is_file():
            return candidate
    return here / STORE_DIR


def connect(path: Path, *, create: bool = True, readonly: bool = False, synced: bool = True) -> sqlite3.Connection:
    """Open the data file at ``path``, creating or migrating its schema; raise StoreError when it is
    corrupt, not a provbridge file, or newer than this version of provbridge. ``synced=False`` opens it
    with ``synchronous = OFF`` (creating the file, its switch to WAL and its schema wait for no disk): the
    caller must set ``synchronous = NORMAL`` and sync the files itself (the trial writer does it from its
    thread)."""
    if not path.exists():
        if not create or readonly:
            raise StoreError(f"no provbridge data file at {path}")
        create_file(path)
    for attempt in range(OPEN_ATTEMPTS):
        try:
            return _open(path, readonly, synced)
        except sqlite3.OperationalError as exc:
            # a fresh file being set up by another process can refuse the switch to WAL without waiting
            if "locked" not in str(exc) or attempt == OPEN_ATTEMPTS - 1:
                raise StoreError(problem(path, exc)) from None
            time.sleep(0.05 * (attempt + 1))
        except sqlite3.DatabaseError as exc:
            raise StoreError(problem(path, exc)) from None
    raise AssertionError("unreachable")


def problem(path: Path | str, exc: sqlite3.Error) -> str:
    """The one-line message for an SQLite error met reading or writing the data file at ``path``."""
    reason = " ".join(str(exc).split()) or type(exc).__name__
    if "malformed" in reason or "corrupt" in reason:
        return f"{path} is damaged ({reason}); restore it from a backup or move it away"
    if "readonly" in reason:
        return f"{path} is read-only: this command needs to write to it ({reason})"
    return f"{path} is not a readable provbridge data file ({reason})"


def connect_for_reading(path: Path) -> tuple[sqlite3.Connection, bool]:
    """Open an existing data file for a command that mostly reads: read-write when possible (so that
    killed trials can be marked and old schemas migrated), else read-only. Returns the connection and
    whether it is read-only. A file or directory we may not write to (permissions, a read-only mount)
    is opened with ``mode=ro``, or ``immutable=1`` when SQLite cannot create the WAL index next to it."""
    if not writable(path):
        return _connect_readonly(path), True
    try:
        return connect(path, create=False), False
    except StoreError as exc:
        if "readonly" not in str(exc) and "unable to open" not in str(exc):
            raise
        return _connect_readonly(path, exc), True


def _connect_readonly(path: Path, first: StoreError | None = None) -> sqlite3.Connection:
    if not path.exists():
        raise StoreError(f"no provbridge data file at {path}")
    try:
        return connect(path, create=False, readonly=True)
    except StoreError as exc:
        if "unable to open" not in str(exc) and "readonly" not in str(exc):
            raise
    try:
        conn = sqlite3.connect(f"{path.absolute().as_uri()}?immutable=1", uri=True, check_same_thread=False)
        _ensure_schema(conn, path, True)
        return conn
    except sqlite3.DatabaseError as exc:
        raise first or StoreError(f"{path} is not a readable provbridge data file ({exc})") from None


def writable(path: Path) -> bool:
    """Whether this process may write ``path`` (a file, or a directory to create files in) and create
    files next to it (SQLite's -wal and -shm)."""
    if path.is_dir():
        return os.access(path, os.W_OK | os.X_OK)
    return os.access(path, os.W_OK) and os.access(path.parent, os.W_OK | os.X_OK)


def ensure_store_dir(directory: Path) -> Path:
    """Create the ``.provbridge`` directory (mode 0700, parents as the umask says) or check that it is
    one; a file in its place is a one-line StoreError."""
    if directory.exists() and not directory.is_dir():
        raise StoreError(f"{directory} is not a directory; move it away or choose a store with --store")
    try:
        directory.parent.mkdir(parents=True, exist_ok=True)
        directory.mkdir(mode=DIR_MODE, exist_ok=True)
    except FileExistsError:
        raise StoreError(f"{directory} is not a directory; move it away or choose a store with --store") from None
    except OSError as exc:
        raise StoreError(f"cannot create the store directory {directory}: {exc.strerror or exc}") from None
    return directory


def create_file(path: Path) -> None:
    """Create an empty data file with mode 0600 (unless another process just did)."""
    ensure_store_dir(path.parent)
    try:
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, FILE_MODE))
    except FileExistsError:
        pass
    except OSError as exc:
        reason = "read-only file system" if exc.errno == errno.EROFS else exc.strerror or str(exc)
        raise StoreError(f"cannot create the data file {path}: {reason}") from None


def _open(path: Path, readonly: bool, synced: bool = True) -> sqlite3.Connection:
    if readonly:
        conn = sqlite3.connect(f"{path.absolute().as_uri()}?mode=ro", uri=True, timeout=30.0,
                               check_same_thread=False)
    else:
        conn = sqlite3.connect(path, timeout=30.0, check_same_thread=False)
    try:
        conn.execute("PRAGMA busy_timeout = 30000")
        conn.execute("PRAGMA foreign_keys = ON")
        if not readonly:
            if not synced:
                conn.execute("PRAGMA synchronous = OFF")
            mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()
            if mode is None:
                raise sqlite3.DatabaseError("cannot set journal mode")
            if synced:
                conn.execute("PRAGMA synchronous = NORMAL")
        _ensure_schema(conn, path, readonly)
    except BaseException:
        conn.close()
        raise
    return conn


def _ensure_schema(conn: sqlite3.Connection, path: Path, readonly: bool) -> None:
    tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if "meta" not in tables:
        if tables:
            raise StoreError(f"{path} is an SQLite file but not a provbridge data file")
        if readonly:
            raise StoreError(f"{path} has no provbridge schema")
        _script(conn, schema_sql() + f"\nINSERT OR IGNORE INTO meta (key, value) VALUES ('schema_version', "
                f"'{SCHEMA_VERSION}');")
        return
    row = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    if row is None:
        raise StoreError(f"{path} has no schema version; it is not a provbridge data file")
    try:
        version = int(row[0])
    except ValueError:
        raise StoreError(f"{path} has an unreadable schema version {row[0]!r}") from None
    if version > SCHEMA_VERSION:
        raise SchemaTooNewError(
            f"{path} has schema version {version}, newer than this provbridge understands "
            f"({SCHEMA_VERSION}); upgrade provbridge"
        )
    if version < SCHEMA_VERSION and not readonly:
        migrate(conn, version)


def migrate(conn: sqlite3.Connection, version: int) -> None:
    """Apply the forward migrations from ``version`` to SCHEMA_VERSION in one transaction."""
    steps = [MIGRATIONS[step] or schema_sql() for step in range(version, SCHEMA_VERSION)]
    _script(conn, "\n".join(steps) + f"\nUPDATE meta SET value = '{SCHEMA_VERSION}' WHERE key = 'schema_version';")


def _script(conn: sqlite3.Connection, script: str) -> None:
    """Run DDL ``script`` in one write transaction: other processes see all of it or none of it, and one
    that starts the same creation or migration at the same time waits, then finds nothing left to do (every
    step is idempotent: CREATE ... IF NOT EXISTS, INSERT OR IGNORE)."""
    try:
        conn.executescript(f"BEGIN IMMEDIATE;\n{script}\nCOMMIT;")
    except BaseException:
        if conn.in_transaction:
            conn.rollback()
        raise
