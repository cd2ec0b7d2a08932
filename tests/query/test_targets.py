"""File paths given to deps, impact, dot --var and verify resolve like a shell: relative to the directory
the command runs in (here a subdirectory of the project, ``../data/out.txt``)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from provbridge.query.api import deps, impact

SCRIPT = """
with open("data/in.txt") as src:
    text = src.read()
n = len(text)
with open("data/out.txt", "w") as dst:
    dst.write(str(n))
"""


@pytest.fixture
def layout(project):  # type: ignore[no-untyped-def]
    project.write("data/in.txt", "hello\n")
    (project.root / "sub").mkdir()
    project.capture(SCRIPT, name="main.py")
    return project


def run_in(project, cwd: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:  # type: ignore[no-untyped-def]
    proc = subprocess.run([sys.executable, "-m", "provbridge", *args], cwd=cwd, env=project.env(),
                          capture_output=True, text=True, timeout=240)
    if check:
        assert proc.returncode == 0, proc.stderr
    return proc


def names(document: dict) -> list[str]:  # type: ignore[type-arg]
    return [v["name"] for v in document["versions"]]


def test_deps_relative_to_the_current_directory(layout) -> None:  # type: ignore[no-untyped-def]
    root, sub = layout.root, layout.root / "sub"
    document = json.loads(run_in(layout, sub, "deps", "../data/out.txt", "--json").stdout)
    assert names(document) == [str(root / "data/in.txt"), "src", "text", "n", "dst"]
    first_line = run_in(layout, sub, "deps", "../data/out.txt").stdout.splitlines()[0]
    assert first_line == ("backward dependencies of ../data/out.txt in trial 1 "
                          "(query granularity 0, trial recorded at granularity 0): 5 versions")
    # from the project root, the same file by the path relative to it; from sub/, out.txt is no file
    assert names(json.loads(run_in(layout, root, "deps", "data/out.txt", "--json").stdout)) == names(document)
    failed = run_in(layout, sub, "deps", "out.txt", check=False)
    assert failed.returncode != 0 and failed.stderr.strip().endswith("no variable or file 'out.txt' in trial 1")


def test_impact_relative_to_the_current_directory(layout) -> None:  # type: ignore[no-untyped-def]
    root, sub = layout.root, layout.root / "sub"
    document = json.loads(run_in(layout, sub, "impact", "../data/in.txt", "--json").stdout)
    assert names(document) == ["src", "text", "n", "dst", str(root / "data/out.txt")]
    # a file of the same name in the working directory that the trial never touched is not the trial's
    (sub / "data").mkdir()
    (sub / "data" / "in.txt").write_text("other\n")
    failed = run_in(layout, sub, "impact", "data/in.txt", check=False)
    assert failed.returncode != 0 and "no variable or file 'data/in.txt'" in failed.stderr


def test_dot_var_relative_to_the_current_directory(layout) -> None:  # type: ignore[no-untyped-def]
    sub = layout.root / "sub"
    source = run_in(layout, sub, "dot", "--var", "../data/out.txt").stdout
    title = next(line for line in source.splitlines() if line.startswith("label="))
    assert "backward dependencies of " + str(layout.root / "data/out.txt") in title
    assert "query granularity 0, trial recorded at granularity 0" in title
    for label in ("text = src.read()", "n = len(text)"):
        assert label in source


def test_verify_file_relative_to_the_current_directory(layout) -> None:  # type: ignore[no-untyped-def]
    sub = layout.root / "sub"
    assert run_in(layout, sub, "verify", "--file", "../data/out.txt").stdout == "ok: 1 file unchanged\n"
    (layout.root / "data/out.txt").write_text("changed\n")
    changed = run_in(layout, sub, "verify", "-f", "../data/out.txt", "-f", "../data/in.txt", "--json", check=False)
    assert changed.returncode == 1
    report = json.loads(changed.stdout)
    assert sorted((f["path"], f["status"]) for f in report["files"]) == [
        (str(layout.root / "data/in.txt"), "ok"), (str(layout.root / "data/out.txt"), "changed")]
    missing = run_in(layout, sub, "verify", "--file", "data/out.txt", check=False)
    assert missing.returncode != 0
    assert missing.stderr.strip() == (f"provbridge: error: trial 1 did not read or write {sub / 'data/out.txt'} "
                                      "(or it did not exist afterwards)")


def test_api_resolves_against_the_working_directory(layout, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from provbridge.query.targets import path_candidates, resolve_name

    root = layout.root
    trial = layout.store().trial("last")
    monkeypatch.chdir(root / "sub")
    out = str(root / "data/out.txt")
    assert resolve_name(trial, "../data/out.txt") == out
    assert resolve_name(trial, "n") == "n"
    assert path_candidates(trial, os.path.join("..", "data", "in.txt")) == [str(root / "data/in.txt")]
    assert list(deps("../data/out.txt", trial=trial)["name"]) == [str(root / "data/in.txt"), "src", "text", "n",
                                                                   "dst"]
    assert list(impact("../data/in.txt", trial=trial)["name"])[-1] == out
