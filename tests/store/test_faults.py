"""Faults of the data file: a full disk, damaged pages, a read-only store, hashes edited into the file.
Every command answers with one line and a non-zero status, never a traceback, and nothing stored before
is lost."""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from provbridge.errors import StoreError
from provbridge.manage.housekeeping import delete_trials
from provbridge.store.db import DB_NAME
from provbridge.store.store import open_store
from provbridge.store.writer import TrialWriter
from tests.conftest import Project

SCRIPT = "a = 1\nb = a + 1\nc = [a, b]\nprint(c)\n"
READING = [["trials"], ["show", "1"], ["export", "1", "-f", "json", "-o", "-"],
           ["query", "-e", "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"]]


def one_line_error(proc: subprocess.CompletedProcess[str]) -> str:
    """The single stderr line of a failed command (asserting there is exactly one, and no traceback)."""
    assert proc.returncode != 0, proc.stdout
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("provbridge: error: ")
    return lines[0]


# -- a flush that fails ----------------------------------------------------------------------------------
class FailingConnection:
    """A connection whose batch inserts fail as SQLite does on a full disk (everything else goes through)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.failing = True

    def executemany(self, sql: str, rows: Any) -> sqlite3.Cursor:
        if self.failing:
            raise sqlite3.OperationalError("database or disk is full")
        return self.conn.executemany(sql, rows)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.conn, name)

    def __enter__(self) -> sqlite3.Connection:
        return self.conn.__enter__()

    def __exit__(self, *exc: Any) -> Any:
        return self.conn.__exit__(*exc)


def test_failing_flush_ends_the_trial_incomplete(tmp_path: Path) -> None:
    store_dir = tmp_path / ".provbridge"
    before = TrialWriter(store_dir, kind="script", command=["x"], main="x.py", granularity=0)
    before.add_many("tags", [("trial", "", "stage", "one")])
    before.finish("finished", exit_code=0)
    writer = TrialWriter(store_dir, kind="script", command=["y"], main="y.py", granularity=0, interval=60)
    writer.conn = FailingConnection(writer.conn)  # type: ignore[assignment]
    writer.add_many("tags", [("trial", "", "k", str(i)) for i in range(5)])
    writer.add("environment", ("os", "name", "posix"))
    writer.flush()
    assert (writer.lost_records, writer.incomplete, writer.error) == (6, True, "database or disk is full")
    writer.add("tags", ("trial", "", "late", "1"))
    writer.finish("finished", exit_code=0)
    assert (writer.lost_records, writer.status) == (7, "incomplete")
    with open_store(store_dir) as store:
        first, second = store.trials()
        assert (first.status, second.status) == ("finished", "incomplete")
        assert first.tags() == [("trial", "", "stage", "one")]  # nothing stored before is lost
        assert second.tags() == [] and second.exit_code == 0


def test_flush_that_succeeds_again_keeps_counting(tmp_path: Path) -> None:
    writer = TrialWriter(tmp_path / ".provbridge", kind="script", command=["y"], main="y.py", granularity=0,
                         interval=60)
    failing = FailingConnection(writer.conn)
    writer.conn = failing  # type: ignore[assignment]
    writer.add("tags", ("trial", "", "lost", "1"))
    writer.flush()
    failing.failing = False
    writer.add("tags", ("trial", "", "kept", "1"))
    writer.finish("failed", exit_code=1)
    with open_store(tmp_path / ".provbridge") as store:
        trial = store.trial("last")
        assert (trial.status, trial.tags()) == ("incomplete", [("trial", "", "kept", "1")])


@contextlib.contextmanager
def tmpfs(where: Path, size: str) -> Iterator[Path]:
    """A small tmpfs mounted at ``where`` (root only; skips the test otherwise)."""
    if os.geteuid() != 0:
        pytest.skip("a full disk is tested on a small tmpfs, which only root can mount")
    where.mkdir()
    proc = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)],
                          capture_output=True, text=True)
    if proc.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {proc.stderr.strip()}")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)


def test_disk_full_on_a_small_tmpfs(project: Project) -> None:
    with tmpfs(project.root / "small", "400k") as disk:
        store = disk / ".provbridge"
        project.write("first.py", SCRIPT)
        project.run("--store", str(store), "run", "-q", "first.py")
        with open_store(store) as opened:
            (first,) = opened.trials()
            kept = (first.status, [v.name for v in first.versions()])
        lines = "".join(f"v{i} = 'x' * 60 + '{i}'\n" for i in range(3000))
        project.write("big.py", lines + "print('done')\n")
        proc = project.run("--store", str(store), "run", "-q", "big.py", check=False)
        assert proc.stdout == "done\n"  # the program ran to its end
        with open_store(store) as opened:
            first, second = opened.trials()
            assert (first.status, [v.name for v in first.versions()]) == kept == ("finished", ["a", "b", "c"])
            assert second.status == "incomplete"
            assert second.counts["versions"] < 3000


# -- damaged pages -----------------------------------------------------------------------------------------
def damage(path: Path, start: float, end: float) -> None:
    """Overwrite bytes ``start``..``end`` (fractions of the file) with garbage."""
    data = bytearray(path.read_bytes())
    for i in range(int(len(data) * start), int(len(data) * end)):
        data[i] = 0x5A
    path.write_bytes(bytes(data))


@pytest.fixture
def recorded(project: Project) -> Project:
    project.write("loop.py", "total = 0\nfor i in range(3000):\n    item = [i] * 40\n    total += i\n"
                             "name = 'n' * 500\nprint(total)\n")
    for _ in range(3):
        project.run("run", "-q", "loop.py")
    return project


@pytest.mark.parametrize("args", READING, ids=lambda a: a[0])
def test_damaged_pages_give_one_line(recorded: Project, args: list[str]) -> None:
    damage(recorded.root / ".provbridge" / DB_NAME, 0.3, 0.7)
    line = one_line_error(recorded.run(*args, check=False))
    assert line.endswith("is damaged (database disk image is malformed); restore it from a backup or move it away")


def test_writer_on_a_damaged_store_raises_store_error(recorded: Project) -> None:
    path = recorded.root / ".provbridge" / DB_NAME
    with sqlite3.connect(path) as conn:
        (root,) = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'trials'").fetchone()
        (page_size,) = conn.execute("PRAGMA page_size").fetchone()
    conn.close()
    size = path.stat().st_size
    damage(path, (root - 1) * page_size / size, root * page_size / size)
    with pytest.raises(StoreError, match=r"^cannot record into .*provbridge\.db: database disk image is malformed$"):
        TrialWriter(path.parent, kind="script", command=["x"], main="x.py", granularity=0)


def test_writer_on_a_garbage_file_raises_store_error(tmp_path: Path) -> None:
    (tmp_path / DB_NAME).write_bytes(b"x" * 8192)
    with pytest.raises(StoreError, match=r"is not a readable provbridge data file \(file is not a database\)$"):
        TrialWriter(tmp_path, kind="script", command=["x"], main="x.py", granularity=0)


# -- read-only store ---------------------------------------------------------------------------------------
@contextlib.contextmanager
def read_only(directory: Path) -> Iterator[Path]:
    """``directory`` as a read-only view: a read-only bind mount when root (root ignores permissions),
    else the same directory with the write permissions removed."""
    if os.geteuid() != 0:
        modes = {p: p.stat().st_mode for p in [directory, *directory.rglob("*")]}
        for path in modes:
            path.chmod(modes[path] & ~0o222)
        try:
            yield directory
        finally:
            for path, mode in modes.items():
                path.chmod(mode)
        return
    view = directory.parent / f"ro-{uuid.uuid4().hex[:8]}"
    view.mkdir()
    bind = subprocess.run(["mount", "--bind", str(directory), str(view)], capture_output=True, text=True)
    if bind.returncode != 0:
        pytest.skip(f"cannot bind-mount here: {bind.stderr.strip()}")
    try:
        remount = subprocess.run(["mount", "-o", "remount,ro,bind", str(view)], capture_output=True, text=True)
        if remount.returncode != 0:
            pytest.skip(f"cannot remount read-only here: {remount.stderr.strip()}")
        yield view
    finally:
        if subprocess.run(["umount", str(view)], capture_output=True).returncode != 0:
            subprocess.run(["umount", "-l", str(view)], check=False)  # busy: detach now, free when idle
        view.rmdir()


def run_in(project: Project, where: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "provbridge", *args], cwd=where, env=project.env(),
                          capture_output=True, text=True, timeout=240)


@pytest.mark.parametrize("wal", ["closed", "open"])
@pytest.mark.parametrize("args", READING[:3], ids=lambda a: a[0])
def test_read_only_store_can_be_read(project: Project, args: list[str], wal: str) -> None:
    """``closed``: no -wal/-shm next to the file (SQLite cannot create them: opened immutable);
    ``open``: a connection kept them (opened with mode=ro)."""
    project.write("script.py", SCRIPT)
    project.run("run", "-q", "script.py")
    (project.root / "sub").mkdir()
    shutil.move(project.root / ".provbridge", project.root / "sub" / ".provbridge")
    expected = run_in(project, project.root / "sub", *args)
    assert expected.returncode == 0 and expected.stdout
    keeper = sqlite3.connect(project.root / "sub" / ".provbridge" / DB_NAME) if wal == "open" else None
    if keeper is not None:
        keeper.execute("SELECT count(*) FROM trials").fetchone()
    assert (project.root / "sub" / ".provbridge" / f"{DB_NAME}-shm").exists() == (wal == "open")
    try:
        with read_only(project.root / "sub") as view:
            proc = run_in(project, view, *args)
            assert (proc.returncode, proc.stderr) == (0, "")
            assert proc.stdout.replace(str(view), "SUB") == expected.stdout.replace(str(project.root / "sub"), "SUB")
    finally:
        if keeper is not None:
            keeper.close()


def test_read_only_store_can_be_queried(project: Project) -> None:
    project.capture(SCRIPT)
    (project.root / "sub").mkdir()
    shutil.move(project.root / ".provbridge", project.root / "sub" / ".provbridge")
    with read_only(project.root / "sub") as view:
        proc = run_in(project, view, *READING[3])
        assert (proc.returncode, proc.stderr) == (0, "")
        assert proc.stdout.split()[0] == "n"


def test_writer_on_a_read_only_store_raises_store_error(project: Project) -> None:
    project.capture(SCRIPT)
    with read_only(project.root) as view:
        with pytest.raises(StoreError, match=r"^cannot record into .*provbridge\.db: it is read-only$"):
            TrialWriter(view / ".provbridge", kind="script", command=["x"], main="x.py", granularity=0)
        proc = run_in(project, view, "rename", "1", "renamed")
        assert "read-only" in one_line_error(proc)


# -- paths derived from stored data -------------------------------------------------------------------------
@pytest.mark.parametrize("kind", ["absolute", "relative", "not-hex"])
def test_crafted_artifact_hash_never_deletes_outside_the_store(project: Project, kind: str) -> None:
    trial = project.capture(SCRIPT)
    victim = project.root / "victim"
    victim.write_text("precious")
    # object_path puts sha[:2] / sha[2:] under objects/: ".." then an absolute or escaping path
    crafted = {"absolute": ".." + str(victim), "relative": "..objects/../../victim", "not-hex": "z" * 64}[kind]
    outside = project.root / ".provbridge" / "objects"
    outside.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(project.root / ".provbridge" / DB_NAME) as conn:
        conn.execute("INSERT INTO artifacts (trial_id, name, version_id, sha256, type, size, created_at) "
                     "VALUES (?, 'model', NULL, ?, 'bytes', 8, '2024-01-01T00:00:00+00:00')", (trial.id, crafted))
    conn.close()
    report = delete_trials([trial.id], store=project.root / ".provbridge")
    assert (report.trials, report.objects) == ([trial.id], 0)
    assert victim.read_text() == "precious"


def test_artifact_object_behind_a_symlink_is_not_deleted(project: Project) -> None:
    trial = project.capture(SCRIPT)
    sha = "ab" + "0" * 62
    victim_dir = project.root / "elsewhere"
    victim_dir.mkdir()
    (victim_dir / sha[2:]).write_text("precious")
    objects = project.root / ".provbridge" / "objects"
    objects.mkdir(parents=True, exist_ok=True)
    (objects / "ab").symlink_to(victim_dir)
    with sqlite3.connect(project.root / ".provbridge" / DB_NAME) as conn:
        conn.execute("INSERT INTO artifacts (trial_id, name, version_id, sha256, type, size, created_at) "
                     "VALUES (?, 'model', NULL, ?, 'bytes', 8, '2024-01-01T00:00:00+00:00')", (trial.id, sha))
    conn.close()
    delete_trials([trial.id], store=project.root / ".provbridge")
    assert (victim_dir / sha[2:]).read_text() == "precious"
