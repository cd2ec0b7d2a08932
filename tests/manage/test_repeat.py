"""provbridge.manage.repeat: re-running a recorded trial from its stored source, arguments and inputs."""

from __future__ import annotations

import importlib.metadata
import platform
from pathlib import Path

import pytest

from provbridge.manage.common import ManageError
from provbridge.manage.repeat import REPEAT_TAG, Input, repeat
from tests.conftest import Project
from tests.manage.repeat_scripts import NOISE, SEEDED, SPLIT_LINE, TINY, UNSEEDED, diabetes_project, sha256


def test_seeded_diabetes_script_repeats(project: Project, tmp_path: Path) -> None:
    offset = diabetes_project(project, SEEDED, "2")
    where = tmp_path / "again"
    with project.store() as store:
        report = repeat(1, directory=where, store=store)
        rerun = store.trial(2)
        original = store.trial(1)
        assert rerun.tags() == [("trial", rerun.uuid, REPEAT_TAG, original.uuid)]
        assert rerun.environment()["argv"] == {"argv": '["train.py", "2"]'}
        assert rerun.main == str(where / "train.py") and rerun.cwd == str(where)
    assert report.repeatable and (report.original, report.repeat) == (1, 2)
    assert (report.exit_original, report.exit_repeat) == (0, 0)
    # the input was copied from the project, hash-checked; the script was written from the store
    assert report.inputs == [Input("data/offset.txt", sha256(offset), "copied")]
    assert (where / "data" / "offset.txt").read_text() == "0.5\n"
    assert (where / "train.py").read_text() == (project.root / "train.py").read_text()
    digest = sha256(project.root / "metric.json")
    assert report.files == [{"path": "metric.json", "original": digest, "repeat": digest, "status": "same"}]
    assert sha256(where / "metric.json") == digest
    assert {row["name"]: row["status"] for row in report.variables} == {
        name: "equal" for name in ("X", "X_test", "X_train", "f", "mse", "model", "offset", "scale", "y",
                                   "y_test", "y_train")}
    assert report.divergence is None
    compared = {(row["kind"], row["name"]) for row in report.environment}
    assert not compared & {("package", "scikit-learn"), ("package", "numpy"), ("python", "version")}
    assert report.text().splitlines()[0] == f"trial 2 repeats trial 1 in {where}: repeatable"


def test_unseeded_split_names_the_first_diverged_variable(project: Project) -> None:
    diabetes_project(project, UNSEEDED, "2")
    report = repeat(1, store=project.root / ".provbridge")
    assert not report.repeatable
    assert report.divergence is not None
    assert (report.divergence.name, report.divergence.lineno) == ("X_train", SPLIT_LINE)
    assert report.divergence.text == "X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=None)"
    different = {row["name"] for row in report.variables if row["status"] == "different"}
    assert different == {"X_train", "X_test", "y_train", "y_test", "model", "mse"}
    assert [(row["path"], row["status"]) for row in report.files] == [("metric.json", "changed")]
    assert f"first divergence: X_train at line {SPLIT_LINE}: X_train, X_test" in report.text()


def test_unseeded_numpy_noise_diverges_first_at_noise(project: Project) -> None:
    project.capture(NOISE)
    report = repeat(1, store=project.root / ".provbridge")
    assert not report.repeatable
    assert report.divergence is not None
    assert (report.divergence.name, report.divergence.lineno) == ("noise", 3)
    assert report.divergence.text == "noise = np.random.normal(size=5)"
    assert {row["name"]: row["status"] for row in report.variables} == {
        "a": "equal", "noise": "different", "total": "different"}


def test_relative_tolerance_makes_tiny_numeric_differences_equal(project: Project) -> None:
    project.capture(TINY)
    strict = repeat(1, store=project.root / ".provbridge")
    assert not strict.repeatable and strict.divergence is not None and strict.divergence.name == "value"
    loose = repeat(1, store=project.root / ".provbridge", tolerance=1e-6)
    assert loose.repeatable and loose.divergence is None
    assert {row["name"]: row["status"] for row in loose.variables} == {"base": "equal", "value": "equal"}


def test_changed_package_version_is_named(project: Project) -> None:
    diabetes_project(project, SEEDED, "2")
    with project.store() as store:
        with store.conn:
            store.conn.execute("UPDATE environment SET value = '0.0.1' WHERE trial_id = 1 AND kind = 'package' "
                               "AND name = 'scikit-learn'")
        report = repeat(1, store=store)
    installed = importlib.metadata.version("scikit-learn")
    assert {"kind": "package", "name": "scikit-learn", "original": "0.0.1", "repeat": installed} in report.environment
    assert report.repeatable  # same outputs: the environment difference is reported, not a failure
    assert f"  package scikit-learn: 0.0.1 -> {installed}" in report.text().splitlines()


def test_changed_python_version_is_named(project: Project) -> None:
    project.capture("x = 1\n")
    with project.store() as store:
        with store.conn:
            store.conn.execute("UPDATE trials SET python_version = '3.0.1' WHERE id = 1")
        report = repeat(1, store=store)
    assert {"kind": "python", "name": "version", "original": "3.0.1",
            "repeat": platform.python_version()} in report.environment


def test_changed_input_is_named_and_nothing_runs(project: Project, tmp_path: Path) -> None:
    offset = diabetes_project(project, SEEDED, "2")
    recorded = sha256(offset)
    offset.write_text("0.7\n")
    where = tmp_path / "never"
    with pytest.raises(ManageError) as info:
        repeat(1, directory=where, store=project.root / ".provbridge")
    assert str(info.value) == (f"input data/offset.txt of trial 1 changed since it was recorded "
                               f"(sha256 {recorded[:12]} recorded, {sha256(offset)[:12]} now)")
    assert not where.exists()
    with project.store() as store:
        assert [t.id for t in store.trials()] == [1]


def test_missing_input_is_named(project: Project) -> None:
    offset = diabetes_project(project, SEEDED, "2")
    recorded = sha256(offset)
    offset.unlink()
    with pytest.raises(ManageError) as info:
        repeat(1, store=project.root / ".provbridge")
    assert str(info.value) == (f"input data/offset.txt of trial 1 is missing ({offset} does not exist; "
                               f"recorded sha256 {recorded[:12]})")


def test_a_file_written_before_it_is_read_is_not_an_input(project: Project) -> None:
    project.capture("with open('tmp.txt', 'w') as f:\n    f.write('x')\nwith open('tmp.txt') as f:\n    t = f.read()\n")
    (project.root / "tmp.txt").unlink()
    report = repeat(1, store=project.root / ".provbridge")
    assert report.inputs == [] and report.repeatable


def test_redacted_argument_cannot_be_repeated(project: Project) -> None:
    project.write("s.py", "import sys\nn = len(sys.argv)\n")
    project.run("run", "-q", "s.py", "--token", "hunter2")
    with pytest.raises(ManageError, match="redacted"):
        repeat(1, store=project.root / ".provbridge")


def test_in_directory_must_be_new_or_empty(project: Project, tmp_path: Path) -> None:
    project.capture("x = 1\n")
    (tmp_path / "busy").mkdir()
    (tmp_path / "busy" / "keep.txt").write_text("mine")
    with pytest.raises(ManageError, match="is not an empty directory"):
        repeat(1, directory=tmp_path / "busy", store=project.root / ".provbridge")
    assert (tmp_path / "busy" / "keep.txt").read_text() == "mine"


def test_notebook_repeats_with_its_parameters(project: Project) -> None:
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("alpha = 1.0", metadata={"tags": ["parameters"]}),
                nbformat.v4.new_code_cell("y = 3 * alpha")]
    nbformat.write(nb, str(project.root / "nb.ipynb"))
    project.run("run", "-q", "nb.ipynb", "-p", "alpha", "2", "--output", "done.ipynb")
    with project.store() as store:
        report = repeat(1, store=store)
        rerun = store.trial(2)
        assert rerun.kind == "notebook" and rerun.command == ["provbridge", "run", "nb.ipynb", "-p", "alpha", "2"]
        assert rerun.latest("y").value == 6
    assert report.repeatable and (report.exit_original, report.exit_repeat) == (0, 0)
    assert {row["name"]: row["status"] for row in report.variables} == {"alpha": "equal", "y": "equal"}


def test_a_rerun_that_records_nothing_is_not_repeatable(project: Project, tmp_path: Path) -> None:
    import os

    fake = tmp_path / "fake" / "provbridge"
    fake.mkdir(parents=True)
    (fake / "__init__.py").write_text("")
    (fake / "__main__.py").write_text("")  # a `python -m provbridge` that records nothing
    project.capture("x = 1\n")
    env = {**os.environ, "PYTHONPATH": str(fake.parent)}
    report = repeat(1, store=project.root / ".provbridge", env=env)
    assert report.repeat is None and (report.exit_original, report.exit_repeat) == (0, 0)
    assert not report.repeatable
    head = f"the re-run of trial 1 was not recorded in {report.directory}: NOT repeatable"
    assert report.text().splitlines()[0] == head
