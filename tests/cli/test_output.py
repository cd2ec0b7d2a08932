"""Every row-printing command gives the same --json, --csv and --md, parsed back to the exact rows."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from provbridge.cli import pull as pull_cli
from provbridge.cli import push as push_cli
from provbridge.cli.main import main
from provbridge.remote.pull import Pulled
from provbridge.remote.push import Pushed
from tests.conftest import Project

SCRIPT = """
import provbridge
with open("data.txt") as f:
    numbers = [int(x) for x in f.read().split()]
total = sum(numbers)
provbridge.save_artifact({"n": numbers}, "model")
"""
SEPARATOR = re.compile(r"^\|( --- \|)+$")


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = Project(tmp_path_factory.mktemp("output"))
    project.write("data.txt", "1 2 3\n")
    project.write("a.py", SCRIPT)
    project.run("run", "-q", "--name", "first", "a.py")
    project.run("run", "-q", "--name", "two|x", "a.py")
    project.run("remote", "add", "origin", "http://localhost:1/query")
    project.run("export", "1", "-o", "doc.json")
    return project.root


@pytest.fixture
def cwd(store: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.chdir(store)
    monkeypatch.delenv("PROVBRIDGE_DIR", raising=False)
    yield store


def run(capsys: pytest.CaptureFixture[str], *args: str, code: int = 0) -> str:
    assert main(list(args)) == code
    return capsys.readouterr().out


def parse(fmt: str, text: str) -> list[dict[str, Any]]:
    """The rows of a --csv or --md output, as dicts of strings."""
    if fmt == "csv":
        return list(csv.DictReader(io.StringIO(text)))
    lines = text.splitlines()
    assert SEPARATOR.match(lines[1]), lines[1]
    cells = [re.split(r"(?<!\\) \| ", line[2:-2]) for line in [lines[0], *lines[2:]]]
    return [dict(zip(cells[0], (c.replace("\\|", "|").replace("<br>", "\n") for c in row))) for row in cells[1:]]


def as_text(row: dict[str, Any]) -> dict[str, str]:
    return {k: "" if v is None else str(v) for k, v in row.items()}


def same_rows(capsys: pytest.CaptureFixture[str], rows: list[dict[str, Any]], *args: str, code: int = 0) -> None:
    for fmt in ("csv", "md"):
        assert parse(fmt, run(capsys, *args, f"--{fmt}", code=code)) == [as_text(r) for r in rows], fmt


def test_trials(cwd: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rows = json.loads(run(capsys, "trials", "--json"))
    assert [(r["number"], r["name"], r["status"], r["params"]) for r in rows] == [
        (1, "first", "finished", {}), (2, "two|x", "finished", {})]
    same_rows(capsys, [{k: v for k, v in r.items() if k != "params"} for r in rows], "trials")


def test_values(cwd: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rows = json.loads(run(capsys, "values", "total", "--json"))
    assert [(r["trial"], r["trial_name"], r["version"].split("@")[0], r["value"]) for r in rows] == [
        (1, "first", "total", 6), (2, "two|x", "total", 6)]
    same_rows(capsys, rows, "values", "total")


def test_artifacts(cwd: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rows = json.loads(run(capsys, "artifacts", "--json"))
    assert [(r["trial"], r["name"], r["type"], r["intact"]) for r in rows] == [
        (1, "model", "dict", True), (2, "model", "dict", True)]
    assert list(rows[0]) == ["trial", "name", "version", "type", "size", "sha256", "created_at", "intact"]
    same_rows(capsys, rows, "artifacts")


def test_verify(cwd: Path, capsys: pytest.CaptureFixture[str]) -> None:
    document = json.loads(run(capsys, "verify", "--all", "--json"))
    assert document["ok"] is True
    assert [(f["trial"], Path(f["path"]).name, f["access"], f["status"]) for f in document["files"]
            if f["access"] != "artifact"] == [(1, "data.txt", "read", "ok"), (2, "data.txt", "read", "ok")]
    same_rows(capsys, document["files"], "verify", "--all")


def test_deps_and_impact(cwd: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for args in (["deps", "total", "-t", "1"], ["impact", "data.txt", "-t", "1"]):
        rows = json.loads(run(capsys, *args, "--json"))["versions"]
        assert rows and all(r["trial"] == 1 for r in rows)
        same_rows(capsys, rows, *args)
    names = [r["name"] for r in json.loads(run(capsys, "deps", "total", "-t", "1", "--json"))["versions"]]
    assert names[1:] == ["f", "numbers"] and names[0].endswith("data.txt")


def test_remote_list(cwd: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rows = json.loads(run(capsys, "remote", "list", "--json"))
    assert rows == [{"name": "origin", "url": "http://localhost:1/query", "graph_store": "http://localhost:1/store",
                     "update": "http://localhost:1/update"}]
    same_rows(capsys, rows, "remote", "list")
    assert run(capsys, "remote", "list").splitlines()[0].split() == ["name", "url", "graph_store", "update"]


def test_validate(cwd: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (cwd / "bad.json").write_text('{"entity": {"e": 3}}', encoding="utf-8")
    rows = json.loads(run(capsys, "validate", "doc.json", "bad.json", "--json", code=1))
    assert [(r["file"], r["format"], r["valid"]) for r in rows] == [("doc.json", "json", True),
                                                                   ("bad.json", "json", False)]
    assert rows[0]["problems"] == [] and len(rows[1]["problems"]) >= 1
    same_rows(capsys, [{**r, "problems": "\n".join(r["problems"])} for r in rows], "validate", "doc.json",
              "bad.json", code=1)
    assert run(capsys, "validate", "doc.json") == "doc.json: valid PROV-JSON\n"


def test_import(tmp_path: Path, store: Path, monkeypatch: pytest.MonkeyPatch,
                capsys: pytest.CaptureFixture[str]) -> None:
    for fmt in ("json", "csv", "md"):
        where = tmp_path / fmt
        where.mkdir()
        monkeypatch.chdir(where)
        out = run(capsys, "import", str(store / "doc.json"), f"--{fmt}")
        rows = json.loads(out) if fmt == "json" else parse(fmt, out)
        assert len(rows) == 1
        row = as_text(rows[0])
        assert (row["file"], row["trial"], row["trial_name"]) == (str(store / "doc.json"), "1", "doc")
        assert int(row["triples"]) > int(row["prov"]) > 0 and row["graph"].endswith("/bundle>")


def test_push_and_pull(cwd: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    outcomes = [Pushed(1, "u1", "pushed", 10, 100, 1, 0.5), Pushed(2, "u2", "unchanged")]

    def fake_push(store: Any, remote: Any, trials: Any, *, report: Any, **_: Any) -> None:
        for outcome in outcomes:
            report(outcome)

    monkeypatch.setattr(push_cli, "push_trials", fake_push)
    rows = json.loads(run(capsys, "push", "--all", "--json"))
    assert rows == [{"trial": 1, "uuid": "u1", "status": "pushed", "triples": 10, "bytes": 100, "batches": 1,
                     "seconds": 0.5},
                    {"trial": 2, "uuid": "u2", "status": "unchanged", "triples": 0, "bytes": 0, "batches": 0,
                     "seconds": 0.0}]
    same_rows(capsys, rows, "push", "--all")
    assert run(capsys, "push", "--all") == ("trial 1: pushed 10 triples in 1 request(s), 0.50 s\n"
                                            "trial 2: unchanged\n")

    pulled = [Pulled("<g1>", "pulled", [3], 7), Pulled("<g2>", "local", [1, 2])]
    monkeypatch.setattr(pull_cli, "pull_trials", lambda *a, **k: pulled)
    rows = json.loads(run(capsys, "pull", "--json"))
    assert rows == [{"graph": "<g1>", "status": "pulled", "trials": [3], "triples": 7},
                    {"graph": "<g2>", "status": "local", "trials": [1, 2], "triples": 0}]
    same_rows(capsys, [{**r, "trials": " ".join(map(str, r["trials"]))} for r in rows], "pull")
    assert run(capsys, "pull") == "<g1>: pulled 7 triples as trial 3\n<g2>: recorded here (trial 1, 2)\n"


def test_query(cwd: Path, capsys: pytest.CaptureFixture[str]) -> None:
    query = 'SELECT (1 + 1 AS ?x) ("a|b" AS ?y) ?z {}'
    for fmt in ("csv", "md"):
        expected = [{"x": "2", "y": "a|b", "z": ""}]
        assert parse(fmt, run(capsys, "query", "-e", query, f"--{fmt}")) == expected
        assert run(capsys, "query", "-e", query, f"--{fmt}") == run(capsys, "query", "-e", query, "-f", fmt)
    assert json.loads(run(capsys, "query", "-e", query, "--json"))["head"]["vars"] == ["x", "y", "z"]
