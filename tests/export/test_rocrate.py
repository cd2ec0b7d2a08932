"""provbridge.export.rocrate: a trial as a Process Run Crate that roc-validator accepts, files by sha256."""

from __future__ import annotations

import hashlib
import json
import platform
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import rdflib

from provbridge.export.rocrate import PROCESS_RUN_CRATE, write_crate
from provbridge.extras import MissingExtraError
from tests.conftest import Project

SCRIPT = """
with open("data/in.csv") as f:
    rows = f.read().split()
total = sum(int(r) for r in rows)
with open("result.txt", "w") as f:
    f.write(str(total))
"""
VALIDATE = Path(__file__).with_name("rocrate_validate.py")
PROV = rdflib.Namespace("http://www.w3.org/ns/prov#")


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def entities(crate: Path) -> dict[str, dict[str, Any]]:
    data = json.loads((crate / "ro-crate-metadata.json").read_text())
    return {e["@id"]: e for e in data["@graph"]}


def ids(value: Any) -> list[str]:
    return [v["@id"] for v in (value if isinstance(value, list) else [value])]


def validate(crate: Path, tmp_path: Path) -> dict[str, Any]:
    proc = subprocess.run([sys.executable, str(VALIDATE), str(crate), str(tmp_path / "validator-cache")],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


@pytest.fixture
def recorded(project: Project) -> Project:
    project.write("data/in.csv", "1\n2\n3\n")
    project.write("script.py", SCRIPT)
    project.run("run", "-q", "script.py")
    return project


def test_crate_has_prov_code_and_files_by_hash(recorded: Project, tmp_path: Path) -> None:
    proc = recorded.run("export", "1", "--format", "ro-crate", "-o", "crate")
    assert proc.stdout == "" and proc.stderr == ""
    crate = recorded.root / "crate"
    graph = entities(crate)
    root = graph["./"]
    assert ids(root["conformsTo"]) == [PROCESS_RUN_CRATE]
    assert graph[PROCESS_RUN_CRATE]["@type"] == "CreativeWork"
    assert set(ids(root["hasPart"])) == {"script.py", "data/in.csv", "result.txt", "prov.json", "prov.ttl"}
    [action] = [e for e in graph.values() if e["@type"] == "CreateAction"]
    assert ids(action["object"]) == ["data/in.csv"] and ids(action["result"]) == ["result.txt"]
    python = f"https://www.python.org/downloads/release/python-{platform.python_version().replace('.', '')}/"
    assert ids(action["instrument"]) == ["script.py", python]
    assert ids(root["mentions"]) == [action["@id"]]
    for name in ("data/in.csv", "result.txt", "script.py"):
        # the hash property is the sha256 of the file in the crate and of the file the trial used
        assert graph[name]["sha256"] == sha256(crate / name) == sha256(recorded.root / name)
    assert (crate / "result.txt").read_text() == "6"
    assert graph["script.py"]["@type"] == ["File", "SoftwareSourceCode"]
    assert graph[python] == {"@id": python, "@type": "SoftwareApplication", "name": "Python",
                             "softwareVersion": platform.python_version(), "url": "https://www.python.org/"}
    assert graph["data/in.csv"]["encodingFormat"] == "text/csv"
    with recorded.store() as store:
        trial = store.trial(1)
        assert action["identifier"] == trial.uuid
        assert trial.started_at is not None
        assert action["startTime"] == trial.started_at.isoformat(timespec="milliseconds")
    assert action["actionStatus"] == "http://schema.org/CompletedActionStatus"
    # the PROV graph: PROV-JSON with the trial's bundle, and Turtle in which the action's sameAs is the trial
    prov_json = json.loads((crate / "prov.json").read_text())
    [bundle] = prov_json["bundle"]
    prefix = bundle.split(":")[0]
    assert prov_json["prefix"][prefix] + "trial" == action["sameAs"]["@id"]
    assert prefix + ":trial" in prov_json["bundle"][bundle]["activity"]
    turtle = rdflib.Graph().parse(crate / "prov.ttl", format="turtle")
    assert (rdflib.URIRef(action["sameAs"]["@id"]), rdflib.RDF.type, PROV.Activity) in turtle
    assert {graph[f]["about"]["@id"] for f in ("prov.json", "prov.ttl")} == {action["@id"]}
    described = {f: (graph[f]["name"], graph[f]["encodingFormat"], graph[f]["conformsTo"])
                 for f in ("prov.json", "prov.ttl")}
    assert described == {
        "prov.json": ("W3C PROV graph of the run (PROV-JSON)", "application/json",
                      {"@id": "https://www.w3.org/submissions/prov-json/"}),
        "prov.ttl": ("W3C PROV graph of the run (PROV-O as Turtle)", "text/turtle",
                     {"@id": "http://www.w3.org/TR/prov-o/"})}
    assert validate(crate, tmp_path) == {"passed": True, "issues": []}


def test_changed_input_is_described_by_hash_only(recorded: Project, tmp_path: Path) -> None:
    recorded_hash = sha256(recorded.root / "data" / "in.csv")
    (recorded.root / "data" / "in.csv").write_text("5\n")
    with recorded.store() as store:
        crate = write_crate(store.trial(1), tmp_path / "crate")
    graph = entities(crate)
    [action] = [e for e in graph.values() if e["@type"] == "CreateAction"]
    urn = f"urn:sha256:{recorded_hash}"
    assert ids(action["object"]) == [urn]
    assert graph[urn]["sha256"] == recorded_hash and graph[urn]["alternateName"] == "data/in.csv"
    assert urn in ids(graph["./"]["hasPart"])
    assert not (crate / "data").exists()  # the changed content is not shipped as if it were the input
    assert validate(crate, tmp_path) == {"passed": True, "issues": []}


def test_export_replaces_an_existing_crate(recorded: Project) -> None:
    recorded.run("export", "1", "--format", "ro-crate", "-o", "crate")
    (recorded.root / "crate" / "stale.txt").write_text("old")
    recorded.run("export", "last", "--format", "rocrate", "-o", "crate")
    assert not (recorded.root / "crate" / "stale.txt").exists()
    assert (recorded.root / "crate" / "ro-crate-metadata.json").is_file()


@pytest.mark.parametrize(("args", "message"), [
    (["1", "--format", "ro-crate"], "ro-crate is written into a directory: give it with -o DIR"),
    (["1", "1", "--format", "ro-crate", "-o", "c"], "ro-crate packages one trial: give a single TRIAL"),
    (["1", "--format", "ro-crate", "-o", "data"], "data is not empty and not an RO-Crate; give a new or empty "
                                                  "directory"),
    (["1", "--format", "ro-crate", "-o", "script.py"], "script.py is a file; an RO-Crate is written into a "
                                                       "directory"),
])
def test_bad_requests_are_one_line_errors(recorded: Project, args: list[str], message: str) -> None:
    proc = recorded.run("export", *args, check=False)
    assert proc.returncode == 2
    assert proc.stderr == f"provbridge: error: {message}\n"


def test_missing_rocrate_names_the_package(recorded: Project, monkeypatch: pytest.MonkeyPatch,
                                           tmp_path: Path) -> None:
    for name in [m for m in sys.modules if m == "rocrate" or m.startswith("rocrate.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "rocrate", None)
    with recorded.store() as store, pytest.raises(MissingExtraError) as info:
        write_crate(store.trial(1), tmp_path / "crate")
    assert str(info.value).startswith("RO-Crate export needs rocrate: pip install ")
    assert not (tmp_path / "crate").exists()
