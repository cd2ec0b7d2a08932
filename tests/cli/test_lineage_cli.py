"""``provbridge lineage`` and ``provbridge impact --all-trials`` on a recorded pipeline (issue 19)."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator

import pytest

from tests.conftest import Project
from tests.query import lineage_pipeline


@pytest.fixture(scope="module")
def pipeline(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Project, dict[str, str]]]:
    project = Project(tmp_path_factory.mktemp("lineage_cli"))
    yield project, lineage_pipeline.build(project)


def test_lineage_table(pipeline: tuple[Project, dict[str, str]]) -> None:
    project, hashes = pipeline
    out = project.run("lineage", "metric").stdout.splitlines()
    assert out[0] == "lineage of metric in trial 4: 3 trials, 6 file versions"
    assert out[1].split() == ["depth", "trial", "role", "version", "content"]
    rows = [line.split() for line in out[3:]]
    assert [(r[0], r[2], r[4], r[5].rpartition("@")[0]) for r in rows] == [
        ("0", "4:", "target", "metric"),
        ("0", "4:", "read", f"{project.root}/clean.csv"),
        ("0", "4:", "read", f"{project.root}/model.json"),
        ("1", "1:", "read", f"{project.root}/raw.csv"),
        ("1", "1:", "wrote", f"{project.root}/clean.csv"),
        ("1", "2:", "read", f"{project.root}/clean.csv"),
        ("1", "2:", "wrote", f"{project.root}/model.json"),
    ]
    assert all(r[5].rpartition("@")[2].isdigit() for r in rows)
    assert rows[3][6] == f"sha256:{hashes['raw.csv'][:12]}"


def test_lineage_json(pipeline: tuple[Project, dict[str, str]]) -> None:
    project, hashes = pipeline
    doc = json.loads(project.run("lineage", "metric", "--trial", "4", "--json").stdout)
    assert doc["query"] == "lineage" and doc["target"] == "metric" and doc["trial"]["id"] == 4
    nodes = {(n["trial"], n["role"], os.path.basename(n["name"])) for n in doc["nodes"]}
    assert nodes == {(4, "target", "metric"), (4, "read", "clean.csv"), (4, "read", "model.json"),
                     (2, "read", "clean.csv"), (2, "wrote", "model.json"), (1, "read", "raw.csv"),
                     (1, "wrote", "clean.csv")}
    raw = next(n for n in doc["nodes"] if n["name"].endswith("raw.csv"))
    assert raw == {"depth": 1, "trial": 1, "uuid": raw["uuid"], "trial_name": None, "role": "read",
                   "name": str(project.root / "raw.csv"), "version": raw["version"], "sha256": hashes["raw.csv"],
                   "iri": f"https://w3id.org/provbridge/trial/{raw['uuid']}/v{raw['version']}"}
    assert isinstance(raw["version"], int) and doc["labels"][raw["uuid"]] == "prepare.py"
    kinds = [e["kind"] for e in doc["edges"]]
    assert sorted(kinds) == ["content"] * 3 + ["derived"] * 4


def test_lineage_csv_and_markdown(pipeline: tuple[Project, dict[str, str]]) -> None:
    project, _ = pipeline
    csv_lines = project.run("lineage", "model.json", "--trial", "2", "--csv").stdout.splitlines()
    assert csv_lines[0] == "depth,trial,uuid,trial_name,role,name,version,sha256,iri"
    assert [line.split(",")[4] for line in csv_lines[1:]] == ["target", "read", "read", "wrote"]
    md = project.run("lineage", "model.json", "--trial", "2", "--md").stdout.splitlines()
    assert md[0] == "| depth | trial | uuid | trial_name | role | name | version | sha256 | iri |"
    assert len(md) == 2 + 4


def test_lineage_dot_file(pipeline: tuple[Project, dict[str, str]]) -> None:
    project, _ = pipeline
    project.run("lineage", "metric", "--dot", "lineage.dot")
    source = (project.root / "lineage.dot").read_text()
    assert source.count("subgraph cluster_") == 3
    for title in ("trial 1: prepare.py", "trial 2: train.py", "trial 4: evaluate.ipynb"):
        assert f'label="{title}"' in source
    assert "decoy" not in source


def test_impact_all_trials_reaches_the_notebook_metric(pipeline: tuple[Project, dict[str, str]]) -> None:
    project, _ = pipeline
    doc = json.loads(project.run("impact", "raw.csv", "--all-trials", "--json").stdout)
    assert doc["all_trials"] is True and doc["trial"]["id"] == 1  # the last trial that recorded raw.csv
    assert {v["trial"] for v in doc["versions"]} == {1, 2, 4}
    metric = [v for v in doc["versions"] if v["name"] == "metric"]
    assert [(m["trial"], doc["labels"][m["uuid"]], m["trial_name"], m["kind"], m["value"]) for m in metric] == [
        (4, "evaluate.ipynb", None, "assign", 1.5)]
    text = project.run("impact", "raw.csv", "--all-trials").stdout.splitlines()
    assert text[0] == ("forward impact of raw.csv from trial 1 across trials (query granularity 0, trial "
                       f"recorded at granularity 0): 3 trials, {len(doc['versions'])} versions")
    assert not any(line.split()[0] == "3" for line in text[3:])


def test_impact_all_trials_without_the_flag_stays_in_the_trial(pipeline: tuple[Project, dict[str, str]]) -> None:
    project, _ = pipeline
    doc = json.loads(project.run("impact", "raw.csv", "--trial", "1", "--json").stdout)
    assert {v["trial"] for v in doc["versions"]} == {1}


def test_bad_targets_are_one_line_errors(pipeline: tuple[Project, dict[str, str]]) -> None:
    project, _ = pipeline
    proc = project.run("lineage", "nope", check=False)
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr == "provbridge: error: no variable or file 'nope' in trial 4\n"
    proc = project.run("impact", "nope.csv", "--all-trials", check=False)
    assert proc.returncode == 2
    assert proc.stderr == "provbridge: error: no trial recorded a variable or file 'nope.csv'\n"
    proc = project.run("lineage", "metric", "--dot", "out.xyz", check=False)
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1 and "out.xyz" in proc.stderr


def test_lineage_and_impact_on_a_remote_store(pipeline: tuple[Project, dict[str, str]],
                                              tmp_path_factory: pytest.TempPathFactory,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.remote.conftest import Server, free_port, oxigraph_binary

    binary = oxigraph_binary()
    if binary is None:
        pytest.skip("the oxigraph server is not installed (pip install oxigraph; it is in the [test] extra)")
    project, _ = pipeline
    for key in [k for k in os.environ if k.startswith("PROVBRIDGE_REMOTE_")]:
        monkeypatch.delenv(key)
    monkeypatch.setenv("NETRC", str(project.root / "no-netrc"))
    server = Server(binary, tmp_path_factory.mktemp("lineage_remote") / "data", free_port())
    server.start()
    try:
        project.run("remote", "add", "lineage-origin", server.query_url)
        project.run("push", "--all", "--to", "lineage-origin", "-q")
        local = json.loads(project.run("lineage", "metric", "--json").stdout)
        far = json.loads(project.run("lineage", "metric", "--json", "--remote", "lineage-origin").stdout)
        assert far["nodes"] == local["nodes"] and far["edges"] == local["edges"]
        local_impact = json.loads(project.run("impact", "raw.csv", "--all-trials", "--json").stdout)
        far_impact = json.loads(project.run("impact", "raw.csv", "--all-trials", "--json", "--remote",
                                            "lineage-origin").stdout)
        assert far_impact["versions"] == local_impact["versions"]
        assert any(v["name"] == "metric" and v["trial"] == 4 for v in far_impact["versions"])
    finally:
        project.run("remote", "remove", "lineage-origin", check=False)
        server.stop()
