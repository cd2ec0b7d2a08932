"""Exports of a trial captured from a real script (examples/regression.py) pass every validator."""

from __future__ import annotations

import io
import shutil
import subprocess
import sys
import warnings
from pathlib import Path

import prov
import pytest
import rdflib

from provbridge.export import export, to_prov
from provbridge.export.validation import validate
from provbridge.store.store import Store, open_store

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "regression.py"
FORMATS = ("json", "jsonld", "ttl", "trig", "nq", "nt", "xml", "provn")


@pytest.fixture(scope="module")
def captured(tmp_path_factory: pytest.TempPathFactory) -> Store:
    pytest.importorskip("sklearn")
    work = tmp_path_factory.mktemp("captured")
    shutil.copy(EXAMPLE, work / "regression.py")
    done = subprocess.run([sys.executable, "-m", "provbridge", "--store", str(work / ".provbridge"), "run",
                           "regression.py", "0.25"], cwd=work, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return open_store(work / ".provbridge")


@pytest.mark.parametrize("fmt", FORMATS)
def test_captured_trial_exports_validate(captured: Store, tmp_path: Path, fmt: str) -> None:
    path = tmp_path / f"trial.{fmt}"
    export(captured.trial("last"), path)
    chosen, problems = validate(path)
    assert chosen.name == fmt
    assert problems == []


def test_captured_trial_round_trips_and_keeps_dataflow(captured: Store, tmp_path: Path) -> None:
    trial = captured.trial("last")
    path = tmp_path / "trial.json"
    export(trial, path)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        read = prov.read(io.BytesIO(path.read_bytes()), format="json")
    built = to_prov(trial)
    assert read == built and built == read
    nt = tmp_path / "trial.nt"
    export(trial, nt)
    graph = rdflib.Graph().parse(nt, format="nt")
    pb = rdflib.Namespace("https://w3id.org/provbridge/ns#")
    prov_ns = rdflib.Namespace("http://www.w3.org/ns/prov#")
    names = {str(graph.value(v, pb.name)): v for v in graph.subjects(rdflib.RDF.type, pb.VariableVersion)}
    assert {"regr", "xtrain", "ytrain", "mse", "r2"} <= set(names)
    # the fitted model depends on the training data (DESIGN §3: mutations create versions)
    regr_versions = [v for v in graph.subjects(rdflib.RDF.type, pb.VariableVersion)
                     if str(graph.value(v, pb.name)) == "regr"]
    sources = {str(graph.value(s, pb.name)) for v in regr_versions for s in graph.transitive_objects(
        v, prov_ns.wasDerivedFrom)}
    assert {"xtrain", "ytrain"} <= sources
    files = [str(graph.value(f, pb.path)) for f in graph.subjects(rdflib.RDF.type, pb.FileVersion)]
    assert any(p.endswith("metrics.json") for p in files)
