"""File capture never reads special files (pipes, stdin, /proc) and judges a path by its resolved target."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from tests.conftest import Project

TIMEOUT = 15  # a regression blocks forever on the pipe; the child is killed and the test fails

FIFO_READ = """
import os
import threading
os.mkfifo("pipe")
def feed():
    with open("pipe", "w") as w:
        w.write("one\\ntwo\\n")
t = threading.Thread(target=feed)
t.start()
with open("pipe") as r:
    lines = r.read().splitlines()
t.join()
print(lines)
"""

FIFO_NONBLOCKING = """
import os
import select
import threading
os.mkfifo("pipe")
fd = os.open("pipe", os.O_RDONLY | os.O_NONBLOCK)
def feed():
    wfd = os.open("pipe", os.O_WRONLY)
    os.write(wfd, b"data over a pipe")
    os.close(wfd)
t = threading.Thread(target=feed)
t.start()
received = b""
while True:
    ready, _, _ = select.select([fd], [], [], 10)
    if not ready:
        break
    try:
        chunk = os.read(fd, 4)
    except BlockingIOError:
        continue
    if not chunk:
        break
    received += chunk
os.close(fd)
t.join()
print(received.decode())
"""


def run_both(project: Project, name: str, source: str, granularity: str,
             input: str | None = None) -> tuple[subprocess.CompletedProcess[str], subprocess.CompletedProcess[str]]:
    """The script run plain, then captured (from a clean directory each time: the scripts make a fifo)."""
    project.write(name, source)
    for leftover in ("pipe",):
        (project.root / leftover).unlink(missing_ok=True)
    plain = project.python(name, input=input)
    (project.root / "pipe").unlink(missing_ok=True)
    try:
        captured = project.run("run", "-q", "--granularity", granularity, name, input=input, timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        pytest.fail(f"the captured script hung for {TIMEOUT} s (the special file was opened by the file hooks)")
    return plain, captured


@pytest.mark.parametrize("granularity", ["0", "1"])
@pytest.mark.parametrize("source", [FIFO_READ, FIFO_NONBLOCKING], ids=["open", "os_open_nonblocking"])
def test_reading_a_fifo_is_transparent_and_not_recorded(project: Project, source: str, granularity: str) -> None:
    plain, captured = run_both(project, "fifo.py", source, granularity)
    assert plain.returncode == 0, plain.stderr
    assert (captured.stdout, captured.stderr, captured.returncode) == (plain.stdout, plain.stderr, 0)
    assert plain.stdout in ("['one', 'two']\n", "data over a pipe\n")
    assert project.store().trial("last").file_accesses() == []


@pytest.mark.parametrize("granularity", ["0", "1"])
def test_symlink_to_stdin_is_not_consumed(project: Project, granularity: str) -> None:
    (project.root / "in.txt").symlink_to("/dev/stdin")
    source = """
    with open("in.txt") as f:
        data = f.read()
    print(len(data), data.upper(), end="")
    """
    plain, captured = run_both(project, "stdin_link.py", source, granularity, input="hello\nworld\n")
    assert plain.stdout == "12 HELLO\nWORLD\n"
    assert (captured.stdout, captured.stderr, captured.returncode) == (plain.stdout, plain.stderr, 0)
    assert project.store().trial("last").file_accesses() == []


def test_symlink_into_proc_is_excluded_by_its_target(project: Project) -> None:
    (project.root / "status.lnk").symlink_to("/proc/self/status")
    trial = project.capture("""
    with open("status.lnk") as f:
        first = f.readline().split(":")[0]
    print(first)
    """)
    assert trial.file_accesses() == []


def test_symlink_into_the_store_is_excluded_by_its_target(project: Project) -> None:
    project.capture("x = 1\n")  # creates the store
    (project.root / "db.lnk").symlink_to(project.root / ".provbridge" / "provbridge.db")
    trial = project.capture("head = open('db.lnk', 'rb').read(4)\n")
    assert trial.file_accesses() == []


def test_symlink_to_a_regular_file_is_hashed_by_target_and_recorded_under_the_given_name(project: Project) -> None:
    project.write("data/real.txt", "1\n2\n")
    (project.root / "link.txt").symlink_to(project.root / "data" / "real.txt")
    trial = project.capture("""
    with open("link.txt") as f:
        total = sum(int(x) for x in f)
    """)
    (access,) = trial.file_accesses()
    expected = subprocess.run(["sha256sum", str(project.root / "data" / "real.txt")], capture_output=True,
                              text=True, check=True).stdout.split()[0]
    assert (Path(access.path).name, access.mode, access.sha256_before, access.size_before) == \
        ("link.txt", "r", expected, 4)
    assert access.read_version is not None
    version = trial.version(access.read_version)
    assert version.name == os.path.join(str(project.root), "link.txt") and version.value == expected
    assert version.summary == {"kind": "file", "size": 4, "resolved": str(project.root / "data" / "real.txt")}


def test_a_directory_or_missing_file_still_fails_as_in_python(project: Project) -> None:
    (project.root / "adir").mkdir()
    source = """
    for name in ("adir", "missing.txt"):
        try:
            open(name)
        except OSError as exc:
            print(type(exc).__name__)
    """
    project.write("dirs.py", source)
    plain = project.python("dirs.py")
    captured = project.run("run", "-q", "dirs.py")
    assert (captured.stdout, captured.returncode) == (plain.stdout, 0) == ("IsADirectoryError\nFileNotFoundError\n", 0)
    assert project.store().trial("last").file_accesses() == []
