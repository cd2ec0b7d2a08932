"""Opening the data file: private modes for a new store, one-line errors for what is not a store, the
read-only fallback, and the statuses a trial can end with."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from provbridge.errors import StoreError
from provbridge.schemas import schema_file
from provbridge.store.db import DB_NAME, connect, connect_for_reading, ensure_store_dir, problem
from provbridge.store.writer import STATUSES, TrialWriter
from tests.conftest import Project


@pytest.fixture
def umask_022() -> Iterator[None]:
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_new_store_is_private(project: Project, umask_022: None) -> None:
    project.write("a.py", "x = 1\n")
    project.run("run", "-q", "a.py")
    store = project.root / ".provbridge"
    assert (mode(store), mode(store / DB_NAME)) == (0o700, 0o600)
    assert sorted(p.name for p in store.iterdir()) == [DB_NAME]


def test_writer_creates_private_store(tmp_path: Path, umask_022: None) -> None:
    writer = TrialWriter(tmp_path / "deep" / ".provbridge", kind="script", command=["x"], main="x.py",
                         granularity=0)
    try:
        assert (mode(tmp_path / "deep"), mode(tmp_path / "deep" / ".provbridge")) == (0o755, 0o700)
        assert {p.name: mode(p) for p in (tmp_path / "deep" / ".provbridge").iterdir()} == {
            DB_NAME: 0o600, f"{DB_NAME}-wal": 0o600, f"{DB_NAME}-shm": 0o600}
    finally:
        writer.finish("finished")


def test_existing_store_keeps_its_modes(tmp_path: Path, umask_022: None) -> None:
    store = tmp_path / ".provbridge"
    store.mkdir(mode=0o755)
    connect(store / DB_NAME).close()
    (store / DB_NAME).chmod(0o644)
    connect(store / DB_NAME).close()
    assert (mode(store), mode(store / DB_NAME)) == (0o755, 0o644)


def test_store_dir_that_is_a_file(tmp_path: Path) -> None:
    (tmp_path / ".provbridge").write_text("not a directory")
    message = f"^{tmp_path / '.provbridge'} is not a directory; move it away or choose a store with --store$"
    with pytest.raises(StoreError, match=message):
        ensure_store_dir(tmp_path / ".provbridge")
    with pytest.raises(StoreError, match=message):
        TrialWriter(tmp_path / ".provbridge", kind="script", command=["x"], main="x.py", granularity=0)


def test_connect_for_reading_falls_back_to_read_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = tmp_path / ".provbridge"
    connect(store / DB_NAME).close()
    conn, readonly = connect_for_reading(store / DB_NAME)
    assert readonly is False
    conn.close()
    monkeypatch.setattr("provbridge.store.db.writable", lambda path: False)
    conn, readonly = connect_for_reading(store / DB_NAME)
    assert readonly is True
    with pytest.raises(Exception, match="readonly"):
        conn.execute("INSERT INTO meta (key, value) VALUES ('x', 'y')")
    conn.close()


def test_problem_messages() -> None:
    import sqlite3

    assert problem("f.db", sqlite3.DatabaseError("database disk image is malformed")) == (
        "f.db is damaged (database disk image is malformed); restore it from a backup or move it away")
    assert problem("f.db", sqlite3.OperationalError("attempt to write a readonly database")) == (
        "f.db is read-only: this command needs to write to it (attempt to write a readonly database)")
    assert problem("f.db", sqlite3.DatabaseError("file is not a database")) == (
        "f.db is not a readable provbridge data file (file is not a database)")


def test_incomplete_is_a_known_status() -> None:
    assert STATUSES == ("running", "finished", "failed", "interrupted", "incomplete")
    shapes = schema_file("provbridge-shapes.ttl").read_text(encoding="utf-8")
    assert 'sh:in ( "running" "finished" "failed" "interrupted" "incomplete" )' in shapes
    assert "running | finished | failed | interrupted | incomplete" in schema_file("store.sql").read_text()
