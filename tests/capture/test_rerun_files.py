"""Rewritten files: a truncating open does not depend on the old content, versions are numbered in the order
of access, and the dependencies of a file rewritten by a re-run are those of the run that wrote it."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from tests.conftest import Project

OLD = "old content\n"
RERUN = """
import sys
n = int(sys.argv[1])
base = 10
unused = 99
data = [base * n, n]
with open("out.txt", "w") as f:
    f.write(repr(data))
"""


def sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def test_rerun_overwriting_its_output_gives_the_written_version_and_its_sources(project: Project) -> None:
    project.write("make.py", RERUN)
    project.run("run", "-q", "make.py", "1")
    project.run("run", "-q", "make.py", "2")
    out = str(project.root / "out.txt")
    assert Path(out).read_text() == "[20, 2]"
    store = project.store()
    for number, content in ((1, "[10, 1]"), (2, "[20, 2]")):
        trial = store.trial(number)
        # one version of the file per trial: the one written (the content overwritten is no version)
        (version,) = trial.versions(out)
        assert version.value == sha(content)
        (access,) = trial.file_accesses()
        assert (access.mode, access.write_version) == ("w", version.id)
        assert access.sha256_before == (None if number == 1 else sha("[10, 1]"))
        back = trial.backward(out)
        assert {v.name for v in back} == {"sys", "n", "base", "data", "f"}
        assert [v.value for v in back if v.name == "n"] == [number]
    proc = project.run("deps", out, "--trial", "2", "--json")
    answer = json.loads(proc.stdout)
    assert {(v["name"], v["version"]) for v in answer["versions"]} == \
        {(v.name, v.id) for v in store.trial(2).backward(out)}
    assert [v["value"] for v in answer["versions"] if v["name"] == "n"] == [2]


def test_read_then_overwrite_numbers_the_written_version_last(project: Project) -> None:
    project.write("count.txt", "41\n")
    trial = project.capture("""
    with open("count.txt") as f:
        count = int(f.read())
    step = 1
    with open("count.txt", "w") as f:
        f.write(f"{count + step}\\n")
    """)
    path = str(project.root / "count.txt")
    read, written = trial.versions(path)
    assert (read.value, written.value) == (sha("41\n"), sha("42\n"))
    assert read.id < written.id
    # the new count depends on the old one through `count`, not because the file was overwritten
    assert {v.name for v in trial.sources(written.id)} == {"count", "step", "f"}
    assert {v.value for v in trial.backward(path) if v.kind == "file"} == {sha("41\n")}


MODES = """
import os
payload = "new"
with open("w.txt", "w") as f:
    f.write(payload)
with open("wb.txt", "wb") as f:
    f.write(payload.encode())
with open("wplus.txt", "w+") as f:
    f.write(payload)
    f.seek(0)
    echo = f.read()
with open("x.txt", "x") as f:
    f.write(payload)
fd = os.open("trunc.txt", os.O_WRONLY | os.O_TRUNC)
os.write(fd, payload.encode())
os.close(fd)
fd = os.open("excl.txt", os.O_WRONLY | os.O_CREAT | os.O_EXCL)
os.write(fd, payload.encode())
os.close(fd)
with open("a.txt", "a") as f:
    f.write(payload)
with open("rplus.txt", "r+") as f:
    f.write(payload)
fd = os.open("inplace.txt", os.O_WRONLY)
os.write(fd, payload.encode())
os.close(fd)
fd = os.open("append.txt", os.O_WRONLY | os.O_APPEND)
os.write(fd, payload.encode())
os.close(fd)
"""
EXISTING = ("w.txt", "wb.txt", "wplus.txt", "trunc.txt", "a.txt", "rplus.txt", "inplace.txt", "append.txt")


@pytest.mark.parametrize("granularity", ["0", "1"])
def test_truncating_writes_do_not_depend_on_the_old_content(project: Project, granularity: str) -> None:
    for name in EXISTING:
        project.write(name, OLD)
    trial = project.capture(MODES, "--granularity", granularity)
    modes = {Path(a.path).name: a.mode for a in trial.file_accesses()}
    assert modes == {"w.txt": "w", "wb.txt": "wb", "wplus.txt": "w+", "x.txt": "x", "trunc.txt": "w",
                     "excl.txt": "x", "a.txt": "a", "rplus.txt": "r+", "inplace.txt": "r+", "append.txt": "a"}
    contents = {"w.txt": "new", "wb.txt": "new", "wplus.txt": "new", "x.txt": "new", "trunc.txt": "new",
                "excl.txt": "new", "a.txt": OLD + "new", "rplus.txt": "new" + OLD[3:],
                "inplace.txt": "new" + OLD[3:], "append.txt": OLD + "new"}
    for name, mode in modes.items():
        path = str(project.root / name)
        assert (project.root / name).read_text() == contents[name]
        (access,) = [a for a in trial.file_accesses() if a.path == path]
        assert access.sha256_before == (None if name in ("x.txt", "excl.txt") else sha(OLD)), name
        versions = trial.versions(path)
        assert versions[-1].id == access.write_version and versions[-1].value == sha(contents[name]), name
        file_sources = [v for v in trial.sources(access.write_version) if v.kind == "file"]
        if mode[0] in "wx":  # the old content is neither a version nor a source
            assert [v.value for v in versions] == [sha(contents[name])], name
            assert file_sources == [] and access.read_version is None, name
        else:  # appended or written in place: derived from the version it had when opened, numbered first
            old, new = versions
            assert (old.value, old.id == access.read_version, old.id < new.id) == (sha(OLD), True, True), name
            assert file_sources == [old], name
