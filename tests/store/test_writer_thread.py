"""The writer's flush thread is invisible to the program (not in ``threading.enumerate()``), yet flushes
every ``interval`` seconds and is waited for when the trial is finished."""

from __future__ import annotations

import shutil
import sqlite3
import threading
import time
from pathlib import Path

import pytest

from provbridge.store.db import DB_NAME
from provbridge.store.writer import TrialWriter
from tests.conftest import Project

THREADS = """
import threading
print(threading.active_count(), [t.name for t in threading.enumerate()])
worker = threading.Thread(target=lambda: None, name="mine")
worker.start()
worker.join()
print(threading.active_count(), [t.name for t in threading.enumerate()], threading.main_thread().name)
"""


@pytest.mark.parametrize("granularity", ["0", "1"])
def test_the_program_sees_the_threads_it_sees_in_python(project: Project, granularity: str) -> None:
    project.write("threads.py", THREADS)
    plain = project.python("threads.py")
    captured = project.run("run", "-q", "--granularity", granularity, "threads.py")
    assert plain.stdout == "1 ['MainThread']\n1 ['MainThread'] MainThread\n"
    assert (captured.stdout, captured.stderr) == (plain.stdout, plain.stderr)


def _rows(store: Path) -> int:
    with sqlite3.connect(store / DB_NAME) as conn:
        return int(conn.execute("SELECT count(*) FROM tags").fetchone()[0])


def test_flushes_periodically_from_a_hidden_thread_and_stops_on_finish(tmp_path: Path) -> None:
    before = threading.enumerate()
    writer = TrialWriter(tmp_path / ".provbridge", kind="script", command=["x"], main="x.py", granularity=0,
                         interval=0.05)
    assert threading.enumerate() == before
    writer.add("tags", ("trial", "1", "a", "1"))
    deadline = time.monotonic() + 10
    while _rows(tmp_path / ".provbridge") == 0 and time.monotonic() < deadline:
        time.sleep(0.02)
    assert _rows(tmp_path / ".provbridge") == 1  # written by the thread, nobody called flush()
    writer.add("tags", ("trial", "1", "b", "2"))
    writer.finish("finished")
    assert not writer.running
    assert _rows(tmp_path / ".provbridge") == 2
    assert threading.enumerate() == before


def _synced_writer(store: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[TrialWriter, list[tuple[str, bool]]]:
    """A new writer on ``store``, once its thread has made the first commits durable (or after 10 s), and
    the (directory name, on the main thread) of each directory it synced through a descriptor."""
    from provbridge.store import writer as module

    synced: list[tuple[str, bool]] = []
    real = module._sync_dir

    def spy(path: Path) -> None:
        synced.append((path.name, threading.get_ident() == threading.main_thread().ident))
        real(path)

    monkeypatch.setattr(module, "_sync_dir", spy)
    writer = TrialWriter(store, kind="script", command=["x"], main="x.py", granularity=0, interval=0.05)
    deadline = time.monotonic() + 10
    while not writer._durable and time.monotonic() < deadline:
        time.sleep(0.01)
    with writer.lock:  # the durability step has returned
        assert writer._durable
    return writer, synced


def _in_data_file(store: Path, tmp_path: Path) -> list[str]:
    """The trial UUIDs in the data file alone (a copy without its WAL): what a checkpoint has written."""
    copy = tmp_path / "copy.sqlite"
    shutil.copyfile(store / DB_NAME, copy)
    with sqlite3.connect(copy) as conn:
        return [row[0] for row in conn.execute("SELECT uuid FROM trials ORDER BY id")]


def test_the_first_commit_is_synced_from_the_writer_thread(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The store is created and the trial's first row committed without an fdatasync on the program's
    start-up path: the flush thread restores synchronous=NORMAL, which the closing checkpoint relies on, and
    checkpoints, so the row is in the synced data file. Only the store's directory is synced through a
    descriptor of our own: closing one on the data file or the WAL drops SQLite's POSIX locks of this
    process (parallel runs then lost a trial's records after its first commit)."""
    store = tmp_path / ".provbridge"
    writer, synced = _synced_writer(store, monkeypatch)
    assert synced == [(".provbridge", False)]  # a store this writer created: its directory entry
    with writer.lock:
        assert writer.conn.execute("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL
    assert _in_data_file(store, tmp_path) == [writer.uuid]
    writer.add("tags", ("trial", "1", "a", "1"))
    writer.finish("finished")
    assert _rows(store) == 1
    assert writer.status == "finished" and writer.error is None


def test_an_existing_store_syncs_no_descriptor_of_its_own(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = tmp_path / ".provbridge"
    first = TrialWriter(store, kind="script", command=["x"], main="x.py", granularity=0)
    first.finish("finished")
    writer, synced = _synced_writer(store, monkeypatch)
    assert synced == []
    assert _in_data_file(store, tmp_path) == [first.uuid, writer.uuid]
    writer.finish("finished")
    assert _rows(store) == 0
