"""The data file: schema versioning, trial references, crash safety and parallel runs."""

from __future__ import annotations

import multiprocessing
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from provbridge.errors import SchemaTooNewError, StoreError, TrialNotFoundError
from provbridge.store.db import SCHEMA_VERSION, connect, schema_sql
from provbridge.store.store import open_store
from tests.conftest import Project


def test_schema_file_is_written_out() -> None:
    """The store's schema is schemas/store.sql, and a fresh data file is built from it."""
    assert (Path(__file__).parents[2] / "schemas" / "store.sql").read_text() == schema_sql()
    assert "CREATE TABLE IF NOT EXISTS versions" in schema_sql()


def test_trial_references(project: Project) -> None:
    project.write("a.py", "x = 1\n")
    project.run("run", "-q", "--name", "baseline", "a.py")
    project.run("run", "-q", "a.py")
    store = project.store()
    first, second = store.trials()
    assert store.resolve("1") == 1 and store.resolve("last") == 2 and store.resolve("last~1") == 1
    assert store.resolve("baseline") == 1
    assert store.resolve(second.uuid[:8]) == 2
    with pytest.raises(TrialNotFoundError, match="no trial 'nope'"):
        store.resolve("nope")
    with pytest.raises(TrialNotFoundError):
        store.resolve("99")
    assert first.name == "baseline" and first.command[-1] == "a.py"


def test_newer_schema_is_refused(project: Project) -> None:
    project.write("a.py", "x = 1\n")
    project.run("run", "-q", "a.py")
    db = project.root / ".provbridge" / "provbridge.db"
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", (str(SCHEMA_VERSION + 1),))
    with pytest.raises(SchemaTooNewError, match="newer than this provbridge"):
        open_store(db)
    proc = project.run("trials", check=False)
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and "upgrade provbridge" in proc.stderr and "Traceback" not in proc.stderr


def test_version_1_file_is_migrated_keeping_its_trials(project: Project) -> None:
    project.write("a.py", "x = 1\n")
    project.run("run", "-q", "a.py")
    db = project.root / ".provbridge" / "provbridge.db"
    with sqlite3.connect(db) as conn:  # what a version-1 file looked like
        conn.execute("DROP TABLE imports")
        conn.execute("UPDATE meta SET value = '1' WHERE key = 'schema_version'")
    with open_store(db) as store:
        tables = {name for (name,) in store.conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        version = store.conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()[0]
        assert "imports" in tables and version == str(SCHEMA_VERSION) == "2"
        assert [t.main for t in store.trials()] == [str(project.root / "a.py")]
        assert [v.name for v in store.trial(1).versions()] == ["x"]


def test_corrupt_file_gives_one_line_and_keeps_the_file(project: Project) -> None:
    store_dir = project.root / ".provbridge"
    store_dir.mkdir()
    db = store_dir / "provbridge.db"
    db.write_bytes(b"this is not sqlite at all" * 100)
    original = db.read_bytes()
    with pytest.raises(StoreError):
        open_store(db)
    project.write("a.py", "print('ran')\n")
    for args in (("trials",), ("show", "1")):
        proc = project.run(*args, check=False)
        assert proc.returncode == 2, args
        assert proc.stderr.startswith("provbridge: error:") and proc.stderr.count("\n") == 1, proc.stderr
    # issue 16: `run` still runs the script, without recording, and says so on one line
    proc = project.run("run", "a.py", check=False)
    assert (proc.returncode, proc.stdout) == (0, "ran\n")
    assert proc.stderr.count("\n") == 1 and "is not a readable provbridge data file" in proc.stderr, proc.stderr
    assert db.read_bytes() == original


def test_sigkill_leaves_earlier_trials_and_a_readable_interrupted_one(project: Project) -> None:
    project.write("ok.py", "x = 1\n")
    project.run("run", "-q", "ok.py")
    project.write("slow.py", """
        import time
        values = []
        for i in range(50):
            values.append(i)
        print("ready", flush=True)
        time.sleep(60)
    """)
    proc = subprocess.Popen([sys.executable, "-m", "provbridge", "run", "-q", "slow.py"], cwd=project.root,
                            env=project.env(), stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stdout.readline() == "ready\n"
    time.sleep(1.2)  # let the writer thread flush once
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    store = project.store()
    first, killed = store.trials()
    assert first.status == "finished" and first.latest("x").value == 1
    assert killed.status == "interrupted"
    assert killed.versions("values")[0].kind == "assign"  # the partial trial is readable


def test_eight_parallel_runs_all_land(project: Project) -> None:
    project.write("work.py", """
        import sys
        n = int(sys.argv[1])
        acc = 0
        for i in range(2000):
            acc += i * n
        with open(f"out{n}.txt", "w") as f:
            f.write(str(acc))
    """)
    procs = [subprocess.Popen([sys.executable, "-m", "provbridge", "run", "-q", "work.py", str(n)],
                              cwd=project.root, env=project.env()) for n in range(8)]
    assert [p.wait(timeout=240) for p in procs] == [0] * 8
    trials = project.store().trials()
    assert len(trials) == 8 and {t.status for t in trials} == {"finished"}
    assert sorted(t.latest("n").value for t in trials) == list(range(8))
    for t in trials:
        n = t.latest("n").value
        assert t.latest("acc").value == sum(i * n for i in range(2000))
        assert len(t.file_accesses()) == 1


def _open_fresh(path: str) -> str:
    try:
        connect(Path(path)).close()
        return "ok"
    except StoreError as exc:
        return str(exc)


def test_processes_creating_the_same_file_at_once_all_succeed(tmp_path: Path) -> None:
    """The schema is created in one transaction: no process sees half a schema (which used to read as
    "not a provbridge data file") or gives up on the lock."""
    with multiprocessing.get_context("spawn").Pool(8) as pool:  # not fork: the test process has threads
        for round_ in range(8):
            path = str(tmp_path / f"fresh{round_}.db")
            assert pool.map(_open_fresh, [path] * 8, chunksize=1) == ["ok"] * 8
            with sqlite3.connect(path) as conn:
                assert conn.execute("SELECT value FROM meta").fetchall() == [(str(SCHEMA_VERSION),)]
