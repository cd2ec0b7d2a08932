"""The runner under process-level events and store failures: fork, exec, _exit, Ctrl-C, a store that cannot
be written or fills up. The program always runs as in Python; the trial says what happened to it."""

from __future__ import annotations

import os
import resource
import shutil
import signal
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from provbridge.store.store import open_store
from tests.conftest import Project


def _names(project: Project) -> set[str]:
    trial = project.store().trial("last")
    return {v.name for v in trial.versions()}


def _only_trial(project: Project) -> tuple[str | None, int | None, int]:
    with project.store() as store:
        trials = store.trials()
        assert len(trials) == 1
        trial = trials[0]
        return trial.status, trial.exit_code, trial.counts["executions"]


@pytest.mark.parametrize("granularity", ["0", "1"])
def test_forked_child_is_not_recorded_and_leaves_the_parents_trial_alone(project: Project, granularity: str) -> None:
    project.write("fork.py", """
        import os
        import sys
        before = 1
        pid = os.fork()
        if pid == 0:
            in_child = 2
            with open("child.txt", "w") as handle:
                handle.write("child")
            sys.exit(0)  # the child goes back through the runner, as the parent will
        os.waitpid(pid, 0)
        after = 3
    """)
    proc = project.run("run", "-q", "--granularity", granularity, "fork.py")
    assert proc.stdout == proc.stderr == ""
    status, exit_code, executions = _only_trial(project)
    assert (status, exit_code) == ("finished", 0)
    assert executions >= 5
    names = _names(project)
    assert {"before", "pid", "after"} <= names
    assert "in_child" not in names
    assert (project.root / "child.txt").read_text() == "child"


def test_fork_flushes_the_parents_records_first(project: Project) -> None:
    """Rows queued before the fork are written by the parent, once: the child never writes them again."""
    project.write("fork2.py", """
        import os
        values = [i * i for i in range(3)]
        pid = os.fork()
        if pid == 0:
            os._exit(0)
        os.waitpid(pid, 0)
        done = True
    """)
    project.run("run", "-q", "fork2.py")
    trial = project.store().trial("last")
    assert [v.name for v in trial.versions("values")] == ["values"]
    assert trial.latest("done").repr == "True"


@pytest.mark.parametrize("granularity", ["0", "1"])
def test_exec_closes_the_trial_first(project: Project, granularity: str) -> None:
    project.write("exec.py", """
        import os
        import sys
        before = 41 + 1
        sys.stdout.flush()
        os.execv(sys.executable, [sys.executable, "-c", "print('replaced')"])
    """)
    proc = project.run("run", "-q", "--granularity", granularity, "exec.py")
    assert proc.stdout == "replaced\n"
    status, exit_code, executions = _only_trial(project)
    assert (status, exit_code) == ("finished", None)
    assert executions >= 3
    assert project.store().trial("last").latest("before").value == 42


def test_execvp_through_the_path(project: Project) -> None:
    project.write("execvp.py", """
        import os
        x = 1
        os.execvp("true", ["true"])
    """)
    proc = project.run("run", "-q", "execvp.py")
    assert proc.returncode == 0
    assert _only_trial(project)[:2] == ("finished", None)
    assert "x" in _names(project)


@pytest.mark.parametrize("granularity", ["0", "1"])
def test_os_exit_closes_the_trial_with_its_status(project: Project, granularity: str) -> None:
    project.write("quit.py", """
        import os
        kept = "value"
        os._exit(3)
    """)
    proc = project.run("run", "-q", "--granularity", granularity, "quit.py", check=False)
    assert proc.returncode == 3
    status, exit_code, executions = _only_trial(project)
    assert (status, exit_code) == ("failed", 3)
    assert executions >= 3
    assert project.store().trial("last").latest("kept").value == "value"


def test_ctrl_c_dies_of_sigint_after_atexit(project: Project) -> None:
    project.write("ctrlc.py", """
        import atexit
        import os
        import signal
        atexit.register(print, "atexit ran")
        x = 1
        os.kill(os.getpid(), signal.SIGINT)
    """)
    plain = project.python("ctrlc.py")
    captured = project.run("run", "-q", "ctrlc.py", check=False)
    assert plain.returncode == captured.returncode == -signal.SIGINT
    assert captured.stdout == plain.stdout == "atexit ran\n"
    assert captured.stderr == plain.stderr
    assert captured.stderr.endswith("KeyboardInterrupt\n")
    status, exit_code, _ = _only_trial(project)
    assert (status, exit_code) == ("failed", -2)


# -- stores that cannot be written ----------------------------------------------------------------------
SCRIPT = """
    import sys
    total = sum(range(10))
    print("total", total)
    print("err line", file=sys.stderr)
"""


def _not_recording(proc: subprocess.CompletedProcess[str]) -> None:
    assert proc.returncode == 0
    assert proc.stdout == "total 45\n"
    lines = proc.stderr.splitlines()
    assert len(lines) == 2 and lines[0].startswith("provbridge: not recording: "), proc.stderr
    assert lines[1] == "err line"  # the warning comes before the program runs


def test_store_path_is_a_file(project: Project) -> None:
    project.write("s.py", SCRIPT)
    (project.root / ".provbridge").write_text("not a directory")
    _not_recording(project.run("run", "s.py"))
    strict = project.run("run", "--strict", "s.py", check=False)
    assert strict.returncode == 3 and strict.stdout == "total 45\n"


def test_corrupt_data_file(project: Project) -> None:
    project.write("s.py", SCRIPT)
    store = project.root / ".provbridge"
    store.mkdir()
    (store / "provbridge.db").write_bytes(b"this is not SQLite " * 500)
    _not_recording(project.run("run", "s.py"))
    assert (store / "provbridge.db").read_bytes() == b"this is not SQLite " * 500  # left as it was


def test_failing_program_keeps_its_own_status_when_not_recording(project: Project) -> None:
    project.write("f.py", "import sys\nsys.exit(5)\n")
    (project.root / ".provbridge").write_text("x")
    proc = project.run("run", "--strict", "f.py", check=False)
    assert proc.returncode == 5
    assert proc.stderr.startswith("provbridge: not recording: ")


FILL = """
    import sys
    rows = []
    for i in range(30000):
        rows.append(str(i) * 20)
        last = i
    print("done", last)
"""


def _disk_full_outcome(project: Project, proc: subprocess.CompletedProcess[str], store: Path) -> None:
    assert proc.stdout == "done 29999\n"
    lines = proc.stderr.splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("provbridge: trial 1 is incomplete"), proc.stderr
    with open_store(store / "provbridge.db") as opened:
        assert [t.status for t in opened.trials()] in (["incomplete"], ["interrupted"])


def test_file_size_limit_makes_an_incomplete_trial(project: Project) -> None:
    """Writes beyond RLIMIT_FSIZE fail (Python ignores SIGXFSZ): the store cannot grow, as on a full disk."""
    project.write("fill.py", FILL)
    store = project.root / "st"
    project.run("run", "-q", "--store", str(store), "--fold", "1", "fill.py")  # create the store first
    size = (store / "provbridge.db").stat().st_size

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (size + 64 * 1024, size + 64 * 1024))

    command = [sys.executable, "-m", "provbridge", "run", "--store", str(store), "--granularity", "1",
               "--fold", "100000", "fill.py"]
    proc = subprocess.run(command, cwd=project.root, env=project.env(), capture_output=True, text=True,
                          preexec_fn=limit, timeout=240)
    assert proc.returncode == 0
    lines = proc.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("provbridge: trial 2 is incomplete"), proc.stderr
    strict = subprocess.run([*command[:4], "--strict", *command[4:]], cwd=project.root, env=project.env(),
                            capture_output=True, text=True, preexec_fn=limit, timeout=240)
    assert strict.returncode == 3 and strict.stdout == "done 29999\n"
    with open_store(store / "provbridge.db") as opened:
        statuses = [t.status for t in opened.trials()]
    assert statuses[0] == "finished"  # nothing stored before is lost
    assert all(s in ("incomplete", "interrupted") for s in statuses[1:])


def test_disk_full_on_a_small_tmpfs(project: Project) -> None:
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("needs root to mount a small tmpfs")
    mount = Path(f"/tmp/pb-full-{uuid.uuid4().hex[:8]}")
    mount.mkdir()
    made = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=400k", "tmpfs", str(mount)], capture_output=True)
    if made.returncode != 0:
        mount.rmdir()
        pytest.skip(f"cannot mount a tmpfs here: {made.stderr.decode().strip()}")
    try:
        project.write("fill.py", FILL)
        store = mount / ".provbridge"
        proc = project.run("run", "--store", str(store), "--granularity", "1", "--fold", "100000", "fill.py")
        _disk_full_outcome(project, proc, store)
    finally:
        subprocess.run(["umount", str(mount)], check=False)
        mount.rmdir()
