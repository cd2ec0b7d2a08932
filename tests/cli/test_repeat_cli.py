"""``provbridge repeat``: the report, its exit status (0 repeatable, 1 not, 2 bad input) and ``--json``."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import Project
from tests.manage.repeat_scripts import NOISE, SEEDED, SPLIT_LINE, UNSEEDED, diabetes_project, sha256


def test_seeded_script_is_repeatable(project: Project, tmp_path: Path) -> None:
    diabetes_project(project, SEEDED, "2")
    where = tmp_path / "rerun"
    proc = project.run("repeat", "1", "--in", str(where), check=False)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[:3] == [f"trial 2 repeats trial 1 in {where}: repeatable",
                         "output files: 1 of 1 identical",
                         "variables: 11 of 11 final values equal"]
    assert sha256(where / "metric.json") == sha256(project.root / "metric.json")
    listing = json.loads(project.run("trials", "--json").stdout)
    assert [row.get("tags.repeat-of") for row in listing] == [None, listing[0]["id"]]


def test_unseeded_split_exits_1_naming_the_variable(project: Project) -> None:
    diabetes_project(project, UNSEEDED, "2")
    proc = project.run("repeat", "last", check=False)
    assert proc.returncode == 1, proc.stderr
    assert ": NOT repeatable" in proc.stdout.splitlines()[0]
    divergence = [line for line in proc.stdout.splitlines() if line.startswith("first divergence:")]
    assert len(divergence) == 1
    assert divergence[0].startswith(f"first divergence: X_train at line {SPLIT_LINE}: "
                                    "X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=None) (")
    assert "  metric.json: changed (" in proc.stdout


def test_json_report(project: Project) -> None:
    project.capture(NOISE)
    proc = project.run("repeat", "1", "--json", check=False)
    assert proc.returncode == 1
    data = json.loads(proc.stdout)
    assert (data["original"], data["repeat"], data["repeatable"]) == (1, 2, False)
    assert data["first_divergence"]["name"] == "noise" and data["first_divergence"]["lineno"] == 3
    assert {row["name"]: row["status"] for row in data["variables"]} == {
        "a": "equal", "noise": "different", "total": "different"}
    assert data["files"] == [] and data["inputs"] == [] and data["tolerance"] == 0.0


def test_changed_input_is_one_line_error(project: Project) -> None:
    offset = diabetes_project(project, SEEDED, "2")
    recorded = sha256(offset)
    offset.write_text("9\n")
    proc = project.run("repeat", "1", check=False)
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr == (f"provbridge: error: input data/offset.txt of trial 1 changed since it was recorded "
                           f"(sha256 {recorded[:12]} recorded, {sha256(offset)[:12]} now)\n")


def test_missing_input_is_one_line_error(project: Project) -> None:
    offset = diabetes_project(project, SEEDED, "2")
    offset.unlink()
    proc = project.run("repeat", "1", check=False)
    assert proc.returncode == 2
    assert proc.stderr.startswith("provbridge: error: input data/offset.txt of trial 1 is missing (")
    assert proc.stderr.count("\n") == 1


def test_bad_tolerance_and_unknown_trial(project: Project) -> None:
    project.capture("x = 1\n")
    bad = project.run("repeat", "1", "--tolerance", "-1", check=False)
    assert bad.returncode == 2 and "must be a non-negative number, not '-1'" in bad.stderr
    missing = project.run("repeat", "7", check=False)
    assert missing.returncode != 0 and missing.stderr.startswith("provbridge: error: no trial '7'")
    assert missing.stderr.count("\n") == 1
