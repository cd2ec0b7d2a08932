"""Optional dependencies: a missing one is one line naming the extra, never an ImportError traceback."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest

from provbridge.extras import EXTRA_OF, MissingExtraError, require


def test_present_module_is_returned() -> None:
    assert require("json").dumps([1]) == "[1]"


def test_missing_module_names_its_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import of it now raises ImportError
    monkeypatch.setitem(sys.modules, "matplotlib.figure", None)  # even when an earlier test imported it
    with pytest.raises(MissingExtraError) as err:
        require("matplotlib.figure", "provbridge plot")
    assert str(err.value) == "provbridge plot needs matplotlib: pip install 'provbridge[plot]'"


def test_unknown_module_names_itself() -> None:
    with pytest.raises(MissingExtraError, match=r"^no_such_mod_pb is not installed: pip install no_such_mod_pb$"):
        require("no_such_mod_pb")


def test_every_extra_is_named() -> None:
    """EXTRA_OF names every distribution of every extra of provbridge (as its import name), and no other."""
    extras: dict[str, set[str]] = {}
    for requirement in metadata.requires("provbridge") or []:
        found = re.match(r'([A-Za-z0-9_.-]+).*; extra == "(\w+)"$', requirement)
        if found and found[2] != "test":
            extras.setdefault(found[2], set()).add(found[1].lower().replace("-", "_"))
    named: dict[str, set[str]] = {}
    for module, extra in EXTRA_OF.items():
        named.setdefault(extra, set()).add(module.lower())
    assert named == extras


@pytest.mark.parametrize(("blocked", "args", "extra"), [
    ("matplotlib", ["plot", "x", "-o", "x.png"], "plot"),
    ("nbclient", ["run", "nb.ipynb"], "notebook"),
    ("jupyter_client", ["run", "nb.ipynb"], "notebook"),
    ("jupyter_client", ["kernel", "install", "--prefix", "kernels"], "notebook"),
    ("pyshacl", ["validate", "doc.ttl"], "validate"),
    ("jsonschema", ["validate", "doc.json"], "validate"),
    ("rocrate", ["export", "--format", "ro-crate", "-o", "crate"], "rocrate"),
])
def test_cli_without_an_extra_says_which(tmp_path: Path, blocked: str, args: list[str], extra: str) -> None:
    """A command run with the extra's module hidden exits 2 with one line naming the extra."""
    code = (
        f"import sys; sys.modules[{blocked!r}] = None\n"
        "from provbridge.cli.main import main\n"
        f"sys.exit(main({args!r}))\n"
    )
    (tmp_path / "nb.ipynb").write_text('{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}')
    (tmp_path / "doc.ttl").write_text("<urn:a> <urn:b> <urn:c> .\n")
    (tmp_path / "doc.json").write_text("{}")
    (tmp_path / "s.py").write_text("x = 1\n")
    subprocess.run([sys.executable, "-m", "provbridge", "run", "-q", "s.py"], cwd=tmp_path, check=True)
    proc = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True)
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and f"provbridge[{extra}]" in lines[0], proc.stderr


def test_dot_without_graphviz_says_how_to_install_it(tmp_path: Path) -> None:
    """pydot is a dependency (pure Python); the Graphviz program is not a Python package: without `dot` on the
    PATH, `provbridge dot` exits with one line saying how to install it."""
    (tmp_path / "s.py").write_text("x = 1\ny = x + 1\n")
    subprocess.run([sys.executable, "-m", "provbridge", "run", "-q", "s.py"], cwd=tmp_path, check=True)
    env = {**os.environ, "PATH": str(tmp_path / "empty-bin")}
    proc = subprocess.run([sys.executable, "-m", "provbridge", "dot", "last", "-o", "d.svg"], cwd=tmp_path,
                          capture_output=True, text=True, env=env)
    assert proc.returncode != 0 and "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "graphviz" in lines[0].lower(), proc.stderr
    assert not (tmp_path / "d.svg").exists()
