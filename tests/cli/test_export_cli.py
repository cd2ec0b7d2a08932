"""``provbridge export`` and ``provbridge validate`` from the command line."""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

from provbridge.errors import FormatError, ProvbridgeError, TrialNotFoundError

FIXTURES = Path(__file__).resolve().parents[1] / "export" / "export_fixtures.py"


def _synthetic():  # type: ignore[no-untyped-def]
    if "export_fixtures" in sys.modules:
        return sys.modules["export_fixtures"]
    spec = importlib.util.spec_from_file_location("export_fixtures", FIXTURES)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["export_fixtures"] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _synthetic().build_store(tmp_path_factory.mktemp("cli"))


def cli(*argv: str) -> int:
    """Run one of our subcommands as provbridge.cli.main would, without needing the other commands."""
    parser = argparse.ArgumentParser(prog="provbridge")
    parser.add_argument("--store")
    sub = parser.add_subparsers(dest="command")
    for name in ("export", "validate"):
        importlib.import_module(f"provbridge.cli.{name}").add_arguments(sub.add_parser(name))
    args = parser.parse_args(argv)
    return int(importlib.import_module(f"provbridge.cli.{args.command}").run(args))


def test_export_last_trial_to_stdout(store_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli("--store", str(store_dir), "export") == 0
    document = json.loads(capsys.readouterr().out)
    assert len(document["bundle"]) == 1
    (bundle,) = document["bundle"].values()
    trial = next(v for k, v in bundle["activity"].items() if k.endswith(":trial"))
    assert trial["pb:status"] == "failed"


def test_export_all_and_validate_every_format(store_dir: Path, tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    files = []
    for ext in ("json", "jsonld", "ttl", "trig", "nq", "nt", "xml", "provn"):
        path = tmp_path / f"all.{ext}"
        assert cli("--store", str(store_dir), "export", "--all", "-o", str(path)) == 0
        files.append(str(path))
    capsys.readouterr()
    assert cli("validate", *files) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 8 and all(": valid " in line for line in lines)
    assert json.loads(Path(files[0]).read_text())["bundle"].__len__() == 3


def test_export_selected_trials_with_format(store_dir: Path, tmp_path: Path) -> None:
    path = tmp_path / "two.data"
    assert cli("--store", str(store_dir), "export", "1", "train model", "2", "--format", "trig",
               "-o", str(path), "--base", "urn:pb:{uuid}:") == 0
    text = path.read_text()
    assert text.count(" {\n") == 2  # trial 1 named twice, trial 2: two graphs
    assert "<urn:pb:" in text or "@prefix t" in text


def test_export_errors(store_dir: Path, tmp_path: Path) -> None:
    with pytest.raises(FormatError, match="unknown format"):
        cli("--store", str(store_dir), "export", "--format", "yaml")
    with pytest.raises(FormatError, match="extension"):
        cli("--store", str(store_dir), "export", "-o", str(tmp_path / "x.yaml"))
    with pytest.raises(TrialNotFoundError):
        cli("--store", str(store_dir), "export", "99")
    with pytest.raises(TrialNotFoundError):
        cli("--store", str(store_dir), "export", "1", "--all")
    assert list(tmp_path.iterdir()) == []


def test_export_help_and_errors_list_the_written_formats(store_dir: Path, tmp_path: Path,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    """The formats ``export`` names come from provbridge.formats: the ones written to streams and the RO-Crate."""
    with pytest.raises(SystemExit):
        cli("export", "--help")
    text = " ".join(capsys.readouterr().out.split())
    for entry in ("json: PROV-JSON;", "ttl: PROV-O as Turtle;", "provn: PROV-N;",
                  "ro-crate: Workflow Run RO-Crate (Process Run Crate 0.5), written as a directory (default: from "
                  "the output file's extension, else json)", "the directory for ro-crate"):
        assert entry in text
    assert "rdf:" not in text  # read, never written
    with pytest.raises(FormatError, match=r"^unknown format 'rdf' \(choose from json, jsonld, ttl, trig, nq, nt, "
                                          r"xml, provn, ro-crate\)$"):
        cli("--store", str(store_dir), "export", "--format", "rdf")
    with pytest.raises(FormatError, match=r"^ro-crate packages one trial: give a single TRIAL$"):
        cli("--store", str(store_dir), "export", "--all", "--format", "RO_Crate", "-o", str(tmp_path / "c"))
    assert list(tmp_path.iterdir()) == []


def test_validate_help_lists_the_validated_formats(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        cli("validate", "--help")
    assert ("the documents' format: json, jsonld, ttl, trig, nq, nt, xml, provn, rdf (default: from the extension, "
            "else guessed)") in " ".join(capsys.readouterr().out.split())


def test_validate_reports_problems(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"entity": {"ex:a": {"prov:label": null}}, "wasEndedby": {}}')
    assert cli("validate", str(bad)) == 1
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) >= 2 and all(line.startswith(f"{bad}: ") for line in lines)
    with pytest.raises(ProvbridgeError):
        cli("validate", str(tmp_path / "missing.json"))


def test_through_the_provbridge_command(store_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "t.provn"
    done = subprocess.run([sys.executable, "-m", "provbridge", "--store", str(store_dir), "export", "1",
                           "-o", str(out)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert out.read_text().startswith("document")
    done = subprocess.run([sys.executable, "-m", "provbridge", "--store", str(store_dir), "export", "--format",
                           "nope"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and done.stderr.strip().startswith("provbridge: error: unknown format")
    done = subprocess.run([sys.executable, "-m", "provbridge", "validate", str(out)], capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0 and "valid PROV-N" in done.stdout
