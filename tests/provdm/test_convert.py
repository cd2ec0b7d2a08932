"""``provbridge convert IN OUT``: any PROV document between syntaxes without a store; one-line errors."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from provbridge.cli.main import main
from provbridge.provdm.syntax import SYNTAXES, read
from tests.provdm.documents import CORPUS, CWLPROV_TRIG, same

EXTENSIONS = {"json": ".json", "xml": ".xml", "provn": ".provn", "ttl": ".ttl", "trig": ".trig", "nq": ".nq",
              "nt": ".nt", "jsonld": ".jsonld"}


def test_converts_through_every_syntax_by_extension(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "run.trig"
    source.write_text(CWLPROV_TRIG, encoding="utf-8")
    original = read(source.read_bytes(), SYNTAXES["trig"])
    for name in ("json", "xml", "provn", "nq", "jsonld"):
        middle = tmp_path / f"run{EXTENSIONS[name]}"
        assert main(["convert", str(source), str(middle)]) == 0
        back = tmp_path / f"back-{name}.trig"
        assert main(["convert", str(middle), str(back)]) == 0
        assert same(read(back.read_bytes(), SYNTAXES["trig"]), original), name
    assert capsys.readouterr().err == ""  # nothing to warn about


def test_formats_given_explicitly_and_stdout(tmp_path: Path) -> None:
    source = tmp_path / "doc.data"
    source.write_bytes((CORPUS / "json" / "bundle1.json").read_bytes())
    done = subprocess.run([sys.executable, "-m", "provbridge", "convert", str(source), "-", "--from", "json",
                           "--to", "provn"], capture_output=True, check=True)
    assert done.stdout.startswith(b"document\n  prefix ex <http://example.org/>\n  entity(ex:bundle1, [prov:type=")
    again = subprocess.run([sys.executable, "-m", "provbridge", "convert", str(source), "-", "--from", "json",
                            "--to", "provn"], capture_output=True, check=True)
    assert again.stdout == done.stdout


def test_warnings_name_what_the_target_cannot_hold(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "run.trig"
    source.write_text(CWLPROV_TRIG, encoding="utf-8")
    assert main(["convert", str(source), str(tmp_path / "flat.ttl")]) == 0
    assert capsys.readouterr().err == (f"provbridge: warning: {source}: Turtle has no named graphs: the records of 2 "
                                       "bundle(s) are merged into the default graph\n")
    assert main(["convert", "-q", str(source), str(tmp_path / "flat.nt")]) == 0
    assert capsys.readouterr().err == ""


@pytest.mark.parametrize(("args", "message"), [
    (["missing.json", "out.xml"], "provbridge: error: missing.json: no such file\n"),
    (["in.json", "out.pdf"], "provbridge: error: cannot tell the format of 'out.pdf' from its extension; give --to "
                             "(json, jsonld, ttl, trig, nq, nt, xml, provn)\n"),
    (["in.json", "out.xml", "--from", "yaml"], "provbridge: error: unknown format 'yaml' (choose from json, jsonld, "
                                               "ttl, trig, nq, nt, xml, provn, rdf)\n"),
    (["bad.json", "out.xml"], "provbridge: error: bad.json: not valid JSON (invalid literal, expected 'null': line 1 "
                              "column 1 (char 0))\n"),
    (["empty.json", "out.xml"], "provbridge: error: empty.json: holds no PROV records (read as PROV-JSON)\n"),
    (["bad.provn", "out.xml"], None),
])
def test_bad_input_is_one_line_and_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                          monkeypatch: pytest.MonkeyPatch, args: list[str],
                                          message: str | None) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "in.json").write_bytes((CORPUS / "json" / "entity1.json").read_bytes())
    (tmp_path / "bad.json").write_bytes(b"not json")
    (tmp_path / "empty.json").write_bytes(b"{}")
    (tmp_path / "bad.provn").write_bytes(b"document\n  entity(ex:e\nendDocument\n")
    assert main(["convert", *args]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("provbridge: error: ")
    if message is not None:
        assert err == message
    assert not (tmp_path / "out.xml").exists()
