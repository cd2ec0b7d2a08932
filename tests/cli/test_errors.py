"""Bad input through the command line: exactly one line on stderr, a non-zero status, never a traceback."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from provbridge.cli.main import main
from tests.conftest import Project

NOTEBOOK = {
    "cells": [
        {"cell_type": "code", "execution_count": None, "id": "p1", "metadata": {"tags": ["parameters"]},
         "outputs": [], "source": "x = 1"},
        {"cell_type": "code", "execution_count": None, "id": "p2", "metadata": {}, "outputs": [],
         "source": "print(repr(x))"},
    ],
    "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
    "nbformat": 4, "nbformat_minor": 5,
}


def error_line(proc: subprocess.CompletedProcess[str]) -> str:
    """The one stderr line of a failed command."""
    assert proc.returncode != 0, proc.stdout
    assert "Traceback" not in proc.stderr
    assert len(proc.stderr.splitlines()) == 1, proc.stderr
    return proc.stderr.rstrip("\n")


def test_store_directory_that_is_a_file(project: Project) -> None:
    (project.root / ".provbridge").write_text("oops")
    project.write("a.py", "print('ran')\n")
    assert error_line(project.run("trials", check=False)) == (
        f"provbridge: error: {project.root / '.provbridge'} is not a directory; move it away or choose a store "
        "with --store")
    proc = project.run("run", "a.py", check=False)
    assert proc.stdout == "ran\n" and "Traceback" not in proc.stderr
    assert f"{project.root / '.provbridge'} is not a directory" in proc.stderr
    assert len(proc.stderr.splitlines()) == 1
    assert (project.root / ".provbridge").read_text() == "oops"


@pytest.mark.parametrize(("content", "reason"), [
    ({"cells": [{"cell_type": "code", "id": "a", "metadata": {}, "outputs": [], "source": 5}], "metadata": {},
      "nbformat": 4, "nbformat_minor": 5}, "'execution_count' is a required property"),
    ({"nbformat": 4, "nbformat_minor": 5}, "The notebook is invalid and is missing an expected key: cells"),
    ([1, 2], "it does not have the notebook structure (AttributeError)"),
])
def test_schema_invalid_notebook(project: Project, content: object, reason: str) -> None:
    (project.root / "bad.ipynb").write_text(json.dumps(content))
    assert error_line(project.run("run", "bad.ipynb", check=False)) == (
        f"provbridge: error: 'bad.ipynb' is not a valid notebook: {reason}")
    assert not (project.root / "bad.out.ipynb").exists()


def test_keyword_parameter(project: Project) -> None:
    (project.root / "nb.ipynb").write_text(json.dumps(NOTEBOOK))
    assert error_line(project.run("run", "nb.ipynb", "-p", "class", "1", check=False)) == (
        "provbridge: error: parameter name 'class' is a Python keyword")


def test_infinite_parameter_is_injected_as_a_float(project: Project) -> None:
    (project.root / "nb.ipynb").write_text(json.dumps(NOTEBOOK))
    proc = project.run("run", "nb.ipynb", "-p", "x", "1e999", check=False)
    assert proc.returncode == 0, proc.stderr
    executed = json.loads((project.root / "nb.out.ipynb").read_text())
    injected = next(c for c in executed["cells"] if "injected-parameters" in c["metadata"].get("tags", []))
    assert "".join(injected["source"]) == "# Parameters injected by provbridge run\nx = float('inf')\n"
    printed = [o for c in executed["cells"] for o in c.get("outputs", []) if o.get("name") == "stdout"]
    assert ["".join(o["text"]) for o in printed] == ["inf\n"]


def test_validate_refuses_entities(project: Project) -> None:
    project.write("xxe.xml", """
        <?xml version="1.0"?>
        <!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
        <prov:document xmlns:prov="http://www.w3.org/ns/prov#"><prov:entity prov:id="a">&xxe;</prov:entity>
        </prov:document>
        """)
    assert error_line(project.run("validate", "xxe.xml", check=False)) == (
        "provbridge: error: xxe.xml: it declares XML entities in its DOCTYPE (entity expansion is refused); "
        "remove the DOCTYPE")


@pytest.mark.parametrize("ref", ["99999999999999999999", "last~99999999999999999999"])
def test_huge_trial_number(project: Project, ref: str) -> None:
    project.capture("x = 1\n")
    line = error_line(project.run("show", ref, check=False))
    assert line.startswith(f"provbridge: error: no trial {ref!r}")


def test_prefix_named_like_an_update_keyword(project: Project) -> None:
    project.capture("x = 1\n")
    query = ("PREFIX add: <https://w3id.org/provbridge/ns#> PREFIX copy: <http://www.w3.org/ns/prov#> "
             "SELECT ?name WHERE { ?v a add:VariableVersion ; add:name ?name ; copy:wasGeneratedBy ?e }")
    proc = project.run("query", "-e", query, "--format", "csv", check=False)
    assert (proc.returncode, proc.stderr) == (0, "")
    assert proc.stdout.split() == ["name", "x"]
    proc = project.run("query", "-e", "PREFIX ex: <http://x/> ADD ex:a TO ex:b", check=False)
    assert error_line(proc) == ("provbridge: error: ADD is a SPARQL update; updates are refused unless allowed "
                                "(--allow-update)")


def test_damaged_store_via_main(project: Project, capsys: pytest.CaptureFixture[str],
                                monkeypatch: pytest.MonkeyPatch) -> None:
    store = project.root / ".provbridge"
    store.mkdir()
    (store / "provbridge.db").write_bytes(b"SQLite format 3\x00" + b"\xff" * 4000)
    monkeypatch.chdir(project.root)
    monkeypatch.delenv("PROVBRIDGE_DIR", raising=False)
    assert main(["trials"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith(f"provbridge: error: {store / 'provbridge.db'} ")


def test_unexpected_exception_is_one_line(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
                                          tmp_path: Path) -> None:
    def broken(args: object) -> int:
        raise KeyError("boom")

    monkeypatch.setattr("provbridge.cli.trials.run", broken)
    monkeypatch.delenv("PROVBRIDGE_DEBUG", raising=False)
    assert main(["trials"]) == 70
    assert capsys.readouterr().err == (
        "provbridge: error: internal error: KeyError: 'boom' (set PROVBRIDGE_DEBUG=1 for the traceback)\n")
