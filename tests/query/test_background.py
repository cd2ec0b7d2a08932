"""Loading a finished trial into the query index when its run ends: `run --index` in the foreground, a
detached background loader otherwise (switched off by PROVBRIDGE_BACKGROUND_INDEX=0, skipped for small
trials), and queries waiting for that loader instead of loading the trial again."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from provbridge import indexpolicy
from provbridge.export.rdfwrite import write_nquads
from provbridge.query import background
from provbridge.query.index import LOADING, QueryIndex, loader_running
from provbridge.query.loading import LOADS
from provbridge.translate import translate
from tests.conftest import Project

SCRIPT = "a = 1\nb = a + 1\nc = b * 2\nprint(c)\n"


def _indexed(project: Project) -> dict[str, dict[str, object]]:
    path = project.root / ".provbridge" / "query" / "index.json"
    return json.loads(path.read_text())["trials"] if path.exists() else {}


def _run(project: Project, *args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "provbridge", "run", "-q", *args], cwd=project.root,
                          env={**project.env(), **env}, capture_output=True, text=True, timeout=240)


def test_run_index_loads_the_trial_in_the_foreground(project: Project) -> None:
    project.write("script.py", SCRIPT)
    proc = _run(project, "--index", "script.py", env={background.ENV: "0"})
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, "4\n", "")
    trial = project.store().trial("last")
    entry = _indexed(project)[trial.uuid]
    assert (entry["trial"], entry["loads"], entry["status"]) == (trial.id, 1, "finished")
    with project.store() as store:  # the first query finds it loaded: nothing is loaded again
        index = QueryIndex(store)
        with index.open() as target:
            assert index.sync(target, [store.trial("last")]) == []


def test_run_spawns_the_background_loader_and_does_not_wait(project: Project) -> None:
    project.write("script.py", SCRIPT)
    proc = _run(project, "script.py", env={background.ENV: "always"})
    assert (proc.returncode, proc.stdout) == (0, "4\n")
    uuid = project.store().trial("last").uuid
    deadline = time.monotonic() + 60
    markers = (project.root / ".provbridge" / "query").glob
    while (uuid not in _indexed(project) or list(markers(f"{LOADING}.*"))) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _indexed(project)[uuid]["loads"] == 1
    assert list((project.root / ".provbridge" / "query").glob(f"{LOADING}.*")) == []


@pytest.mark.parametrize("setting", ["0", "off"])
def test_switched_off_nothing_is_indexed(project: Project, setting: str) -> None:
    project.write("script.py", SCRIPT)
    _run(project, "script.py", env={background.ENV: setting})
    time.sleep(0.5)
    assert _indexed(project) == {}


def test_small_trials_are_left_to_the_first_query(project: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    trial = project.capture(SCRIPT)
    monkeypatch.delenv(background.ENV, raising=False)
    assert background.spawn(project.root / ".provbridge", trial.uuid) is None
    with project.store() as store:
        assert background.worth_loading(store, store.trial(trial.uuid), min_rows=1)
        assert not background.worth_loading(store, store.trial(trial.uuid))


@pytest.mark.parametrize(("setting", "imported"), [("1", False), ("always", True)])
def test_a_small_run_decides_without_the_query_layer(project: Project, setting: str, imported: bool) -> None:
    """``run`` tells a small trial from its id count alone: the query layer (pyoxigraph, pandas) is not
    imported at the end of a small run unless loading is asked for whatever the size."""
    project.write("script.py", SCRIPT)
    proc = subprocess.run([sys.executable, "-X", "importtime", "-m", "provbridge", "run", "-q", "script.py"],
                          cwd=project.root, env={**project.env(), background.ENV: setting}, capture_output=True,
                          text=True, timeout=240)
    assert (proc.returncode, proc.stdout) == (0, "4\n")
    assert ("provbridge.query.background" in proc.stderr) is imported
    assert "provbridge.indexpolicy" in proc.stderr  # the decision was taken, from the id count


def test_the_id_count_bound(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(background.ENV, raising=False)
    least = (background.MIN_ROWS + 1) // 2  # executions and versions share the count: at most 2x rows
    assert not indexpolicy.may_be_worth_it(least - 1) and indexpolicy.may_be_worth_it(least)
    monkeypatch.setenv(background.ENV, "always")
    assert indexpolicy.may_be_worth_it(0)
    monkeypatch.setenv(background.ENV, "off")
    assert not indexpolicy.may_be_worth_it(10**9)


def test_the_loader_loads_once_and_reports_progress(project: Project) -> None:
    trial = project.capture(SCRIPT)
    seen: list[tuple[str, int, int | None]] = []
    with project.store() as store:
        before = LOADS[trial.uuid]
        assert background.load(store, [store.trial(trial.uuid)], meter=lambda *a: seen.append(a)) == [trial.uuid]
        assert background.load(store, [store.trial(trial.uuid)]) == []
    assert LOADS[trial.uuid] == before + 1
    phases = [phase for phase, _, _ in seen]
    assert phases[0] == "translating" and phases[-1] == "loading"
    size = _indexed(project)[trial.uuid]["bytes"]
    assert seen[-1] == ("loading", size, size)  # every lean byte kept was read back into the store
    with project.store() as store:  # translating counts the whole translation, of which the lean index keeps part
        whole = io.BytesIO()
        write_nquads(translate(store.trial(trial.uuid)), whole)
    assert max(done for phase, done, _ in seen if phase == "translating") == len(whole.getvalue()) > size


def test_a_query_waits_for_the_background_loader(project: Project) -> None:
    """The index lock is held by a live loader: a query waits past its lock timeout rather than falling back
    to loading the trial in memory; with no loader, the same wait gives up."""
    trial = project.capture(SCRIPT)
    directory = project.root / ".provbridge" / "query"
    directory.mkdir(parents=True, exist_ok=True)
    holder = subprocess.Popen([sys.executable, "-c", (
        "import fcntl, sys, time\n"
        f"h = open({str(directory / 'lock')!r}, 'a+b'); fcntl.flock(h, fcntl.LOCK_EX)\n"
        f"import os; marker = {str(directory / LOADING)!r} + f'.{{os.getpid()}}'\n"
        "open(marker, 'w').close(); print('held', flush=True); time.sleep(1.5)\n"
        "h.close(); os.unlink(marker)\n")],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "held\n"
        with project.store() as store:
            started = time.monotonic()
            with QueryIndex(store, lock_timeout=0.2).open() as target:
                assert QueryIndex(store).sync(target, [store.trial(trial.uuid)]) == [trial.uuid]
            assert time.monotonic() - started >= 1.0
    finally:
        holder.wait()


def test_loader_running_needs_a_live_process(tmp_path: Path) -> None:
    assert not loader_running(tmp_path)
    (tmp_path / f"{LOADING}.x").touch()
    assert not loader_running(tmp_path)
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    (tmp_path / f"{LOADING}.{int(dead.stdout)}").touch()
    assert not loader_running(tmp_path)
    (tmp_path / f"{LOADING}.{os.getpid()}").touch()
    assert loader_running(tmp_path)
