"""Experiment-management commands: housekeeping, deletion under a concurrent run, one-line errors."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time

import pytest

import provbridge
from tests.conftest import Project

SAVE = """
import provbridge
label = "{label}"
shared = [1, 2, 3]
provbridge.save_artifact(shared, "shared")
mine = label * 2
provbridge.save_artifact(mine, "mine")
"""


def _objects(project: Project) -> set[str]:
    root = project.root / ".provbridge" / "objects"
    return {p.parent.name + p.name for p in root.glob("*/*")} if root.exists() else set()


def test_rename_note_tag(project: Project) -> None:
    project.capture("x = 1\n")
    project.capture("x = 2\n")
    assert project.run("rename", "1", "baseline").stdout.strip() == "trial 1 is now named 'baseline'"
    project.run("note", "baseline", "first try")
    project.run("note", "baseline", "second line", "--append")
    project.run("tag", "2", "stage", "tuning")
    listing = json.loads(project.run("trials", "--json").stdout)
    assert listing[0]["name"] == "baseline" and listing[0]["note"] == "first try\nsecond line"
    assert [t["tags.stage"] for t in listing] == [None, "tuning"]
    assert project.run("show", "baseline", "--json").stdout.count('"x"') >= 1
    project.run("tag", "2", "stage", "--remove")
    assert "tags.stage" not in json.loads(project.run("trials", "--json").stdout)[1]
    assert provbridge.store_operations(2, "best", "kept", store=project.root / ".provbridge") == 2
    with project.store() as store:
        assert (store.trial("best").id, store.trial("best").note) == (2, "kept")


def test_delete_removes_records_code_and_orphaned_objects(project: Project) -> None:
    project.write("a.py", SAVE.format(label="a"))
    project.write("b.py", SAVE.format(label="b"))
    project.run("run", "-q", "a.py")
    project.run("run", "-q", "b.py")
    assert len(_objects(project)) == 3  # shared once, mine twice
    with project.store() as store:
        a_code = store.trial(1).main_code_id
    out = project.run("delete", "1").stdout
    assert out.startswith("deleted trial 1 (1 orphaned code components, 1 objects)")
    with project.store() as store:
        assert [t.id for t in store.trials()] == [2]
        for table in ("versions", "executions", "artifacts", "environment", "tags", "file_accesses"):
            assert store.conn.execute(f"SELECT count(*) FROM {table} WHERE trial_id = 1").fetchone()[0] == 0
        assert store.conn.execute("SELECT count(*) FROM code WHERE id = ?", (a_code,)).fetchone()[0] == 0
        assert store.conn.execute("SELECT count(*) FROM statements WHERE code_id = ?", (a_code,)).fetchone()[0] == 0
    assert len(_objects(project)) == 2
    assert provbridge.load_artifact(2, "shared", store=project.root / ".provbridge") == [1, 2, 3]
    assert project.run("verify", "2").returncode == 0


def test_delete_refuses_a_running_trial_without_force(project: Project) -> None:
    project.capture("x = 1\n")
    with project.store() as store, store.conn:
        store.conn.execute("UPDATE trials SET status = 'running', pid = ?, hostname = ? WHERE id = 1",
                           (os.getpid(), socket.gethostname()))
    proc = project.run("delete", "1", check=False)
    assert proc.returncode == 2 and proc.stderr.strip() == (
        "provbridge: error: trial 1 is still running; use --force (force=True) to delete it anyway")
    project.run("delete", "1", "--force")
    assert json.loads(project.run("trials", "--json").stdout) == []


def test_delete_while_another_trial_runs(project: Project) -> None:
    project.capture("y = [1, 2]\n", name="old.py")
    project.write("slow.py", """
        import os, time
        first = 1
        while not os.path.exists("go"):
            time.sleep(0.05)
        second = first + 1
        def f(v):
            return v * 2
        third = f(second)
    """)
    env = project.env()
    runner = subprocess.Popen([sys.executable, "-m", "provbridge", "run", "-q", "slow.py"], cwd=project.root,
                              env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.time() + 60
        while time.time() < deadline:
            listing = json.loads(project.run("trials", "--json").stdout)
            if len(listing) == 2 and listing[1]["executions"] > 0:
                break
            time.sleep(0.1)
        out = project.run("delete", "1").stdout
        assert "kept while another trial is running" in out
        (project.root / "go").write_text("")
        _, err = runner.communicate(timeout=120)
    finally:
        runner.kill() if runner.poll() is None else None
    assert runner.returncode == 0 and err == ""
    with project.store() as store:
        (trial,) = store.trials()
        assert trial.status == "finished" and trial.latest("third").value == 4
    # old.py's code, kept while slow.py ran, goes now with slow.py's
    assert project.run("delete", "2").stdout.startswith("deleted trial 2 (2 orphaned code components")
    with project.store() as store:
        assert store.conn.execute("SELECT count(*) FROM code").fetchone()[0] == 0


@pytest.mark.parametrize(("args", "message"), [
    (("diff", "1", "9"), "no trial '9'"),
    (("values", "nothing"), "no trial has a variable 'nothing'"),
    (("plot", "name", "-o", "x.png"), "'name' has no numeric value or statistics to plot"),
    (("rename", "1", "12"), "cannot be a trial name"),
    (("verify", "7"), "no trial '7'"),
    (("delete", "last~5"), "no trial 'last~5'"),
    (("artifacts", "nope"), "no trial 'nope'"),
])
def test_errors_are_one_line(project: Project, args: tuple[str, ...], message: str) -> None:
    project.capture("name = 'text'\n")
    proc = project.run(*args, check=False)
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.startswith("provbridge: error:") and message in proc.stderr, proc.stderr
    assert proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr


def test_rename_to_a_taken_name(project: Project) -> None:
    project.capture("x = 1\n")
    project.capture("x = 2\n")
    project.run("rename", "1", "alpha")
    proc = project.run("rename", "2", "alpha", check=False)
    assert proc.returncode == 2 and "trial 1 is already named 'alpha'" in proc.stderr
