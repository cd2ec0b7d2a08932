"""provbridge.cli.main: warnings and missing optional modules met while a command runs are one line each."""

from __future__ import annotations

import argparse
import os
import sqlite3
import subprocess
import sys
import types
import warnings
from collections.abc import Callable
from pathlib import Path

import pytest

from provbridge.cli import main as cli_main
from provbridge.provdm.syntax import ConversionWarning
from provbridge.store.db import DB_NAME


def command(monkeypatch: pytest.MonkeyPatch, run: Callable[[argparse.Namespace], int]) -> None:
    """Register ``provbridge fake``, whose ``run`` is ``run``."""
    module = types.ModuleType("provbridge_fake_command")
    module.add_arguments = lambda parser: None  # type: ignore[attr-defined]
    module.run = run  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, module.__name__, module)
    monkeypatch.setitem(cli_main.COMMANDS, "fake", (module.__name__, "a command of the tests"))


def test_warnings_of_a_command_are_one_line(monkeypatch: pytest.MonkeyPatch,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    def run(args: argparse.Namespace) -> int:
        warnings.warn("PROV conversion: prov:value\n  dropped", ConversionWarning, stacklevel=1)
        warnings.warn_explicit("a library's note", UserWarning, "/elsewhere/lib.py", 3)
        print("done")
        return 0

    command(monkeypatch, run)
    before = warnings.showwarning
    with warnings.catch_warnings():
        warnings.simplefilter("always")
        assert cli_main.main(["fake"]) == 0
        assert warnings.showwarning is before  # installed by the command line only while it runs
    out, err = capsys.readouterr()
    assert out == "done\n"
    assert err.splitlines() == ["provbridge: warning: PROV conversion: prov:value dropped",
                                "provbridge: warning: a library's note"]


def test_under_run_only_provbridges_warnings_change(capsys: pytest.CaptureFixture[str]) -> None:
    """``run`` executes the user's program in this process: its warnings keep Python's own form."""
    with warnings.catch_warnings():
        warnings.simplefilter("always")
        warnings.showwarning = lambda message, category, filename, lineno, file=None, line=None: print(
            f"python: {filename}:{lineno}: {category.__name__}: {message}", file=sys.stderr)
        with cli_main.one_line_warnings(every_warning=False):
            warnings.warn_explicit("the user's", UserWarning, "/home/u/script.py", 7)
            warnings.warn_explicit("ours", UserWarning, cli_main.PACKAGE_DIR + "export/provmodel.py", 52)
            warnings.warn_explicit("our class", ConversionWarning, "/home/u/script.py", 8)
    assert capsys.readouterr().err.splitlines() == [
        "python: /home/u/script.py:7: UserWarning: the user's", "provbridge: warning: ours",
        "provbridge: warning: our class"]


def test_a_run_scripts_warning_is_pythons(tmp_path: Path) -> None:
    (tmp_path / "s.py").write_text('import warnings\nwarnings.warn("mine")\n')
    proc = subprocess.run([sys.executable, "-m", "provbridge", "run", "-q", "s.py"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.splitlines() == [f"{tmp_path / 's.py'}:2: UserWarning: mine", '  warnings.warn("mine")']


def test_a_missing_extra_imported_directly_is_one_line(monkeypatch: pytest.MonkeyPatch,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    """A command importing an extra's module without provbridge.extras.require still names the extra."""
    def run(args: argparse.Namespace) -> int:
        import jupyter_client.kernelspec  # noqa: F401

        return 0

    command(monkeypatch, run)
    monkeypatch.setitem(sys.modules, "jupyter_client", None)
    monkeypatch.setitem(sys.modules, "jupyter_client.kernelspec", None)
    assert cli_main.main(["fake"]) == 2
    assert capsys.readouterr().err == (
        "provbridge: error: provbridge fake needs jupyter_client: pip install 'provbridge[notebook]'\n")


def test_any_other_missing_module_is_an_internal_error(monkeypatch: pytest.MonkeyPatch,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    def run(args: argparse.Namespace) -> int:
        import no_such_module_pb  # noqa: F401

        return 0

    command(monkeypatch, run)
    monkeypatch.delenv(cli_main.DEBUG_ENV, raising=False)
    assert cli_main.main(["fake"]) == 70
    assert capsys.readouterr().err == ("provbridge: error: internal error: ModuleNotFoundError: No module named "
                                       f"'no_such_module_pb' (set {cli_main.DEBUG_ENV}=1 for the traceback)\n")


def test_help_names_the_formats_of_the_table(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        cli_main.main(["--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "export trials as W3C PROV or an RO-Crate (json, jsonld, ttl, trig, nq, nt, xml, provn, ro-crate)" in text
    assert ("convert a PROV document between syntaxes (from json, jsonld, ttl, trig, nq, nt, xml, provn, rdf; to "
            "json, jsonld, ttl, trig, nq, nt, xml, provn)") in text


def test_store_option_reaches_the_command_not_the_environment(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """``--store DIR`` is the command's ``args.store``; the process environment stays the user's own, and a
    data file error names the data file of that store."""
    monkeypatch.delenv("PROVBRIDGE_DIR", raising=False)
    seen: list[str | None] = []

    def run(args: argparse.Namespace) -> int:
        seen.append(args.store)
        raise sqlite3.DatabaseError("file is not a database")

    command(monkeypatch, run)
    store = tmp_path / "elsewhere" / ".provbridge"
    assert cli_main.main(["--store", str(store), "fake"]) != 0
    assert seen == [str(store)] and "PROVBRIDGE_DIR" not in os.environ
    err = capsys.readouterr().err
    assert err.startswith("provbridge: error: ") and str(store / DB_NAME) in err
    assert len(err.splitlines()) == 1
