"""Command-line behaviour: listings, one-line errors and exit codes."""

from __future__ import annotations

import json

from tests.conftest import Project


def test_trials_and_show(project: Project) -> None:
    project.write("data.txt", "1 2 3\n")
    project.write("a.py", """
        with open("data.txt") as f:
            nums = [int(x) for x in f.read().split()]
        total = sum(nums)
    """)
    project.run("run", "-q", "--name", "first", "a.py")
    listing = json.loads(project.run("trials", "--json").stdout)
    assert [(t["number"], t["name"], t["status"]) for t in listing] == [(1, "first", "finished")]
    assert listing[0]["file_accesses"] == 1 and listing[0]["versions"] >= 3
    table = project.run("trials").stdout.splitlines()
    assert table[0].split()[:4] == ["#", "id", "name", "script"] and "first" in table[2]
    shown = json.loads(project.run("show", "first", "--json").stdout)
    assert shown["files"][0]["path"].endswith("data.txt")
    total = next(d for d in shown["dataflow"] if d["name"] == "total")
    assert total["value"] == "6" and total["from"] == ["nums@" + total["from"][0].split("@")[1]]
    assert "python" in shown["environment"] and "package" in shown["environment"]
    text = project.run("show").stdout
    assert "dataflow (top level)" in text and "total@" in text


def test_errors_are_one_line(project: Project) -> None:
    cases = {
        ("run", "missing.py"): "can't open file",
        ("show", "7"): "no trial '7'",
    }
    project.write("a.py", "x = 1\n")
    project.run("run", "-q", "a.py")
    for args, message in cases.items():
        proc = project.run(*args, check=False)
        assert proc.returncode == 2, args
        assert proc.stderr.startswith("provbridge: error:") and message in proc.stderr, proc.stderr
        assert proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr


def test_syntax_error_reported_as_python_does(project: Project) -> None:
    project.write("bad.py", "x = (1,\ny = 2\n")
    plain = project.python("bad.py")
    captured = project.run("run", "-q", "bad.py", check=False)
    assert captured.returncode == plain.returncode == 1
    assert captured.stderr == plain.stderr
    assert "SyntaxError" in captured.stderr and "Traceback" not in captured.stderr


def test_python_dash_m_entry_point(project: Project) -> None:
    proc = project.run("--version")
    assert proc.stdout.startswith("provbridge ")
