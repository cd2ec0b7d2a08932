"""Artifacts round-trip and refuse tampering; `verify` finds edited and vanished files."""

from __future__ import annotations

import json

import pytest

import provbridge
from provbridge.errors import ProvbridgeError
from provbridge.manage.artifacts import ArtifactError, object_path
from tests.conftest import Project

SCRIPT = """
import provbridge
with open("data.txt") as f:
    numbers = [int(x) for x in f.read().split()]
model = {"weights": numbers, "bias": 0.5}
info = provbridge.save_artifact(model, "model")
model["bias"] = 1.5
with open("out.txt", "w") as f:
    f.write(str(sum(numbers)))
"""


def test_artifact_round_trip_and_tampering(project: Project) -> None:
    project.write("data.txt", "1 2 3\n")
    trial = project.capture(SCRIPT)
    with project.store() as store:
        restored = provbridge.load_artifact(trial.id, "model", store=store)
        assert restored == {"weights": [1, 2, 3], "bias": 0.5}
        (row,) = provbridge.artifacts(store=store).to_dict("records")
        assert row["trial"] == trial.id and row["name"] == "model" and row["intact"]
        linked = store.trial(trial.id).version(row["version"])  # the column was `version_id` (issue 17)
        assert linked.name == "model" and linked.kind == "assign"  # the version current when it was saved
        path = object_path(store.directory, row["sha256"])
        assert path.parent.name == row["sha256"][:2] and path.name == row["sha256"][2:]
        path.write_bytes(path.read_bytes().replace(b"weights", b"weighTs"))
        with pytest.raises(ArtifactError, match="refusing to unpickle"):
            provbridge.load_artifact(trial.id, "model", store=store)
        with pytest.raises(ProvbridgeError, match="has no artifact 'other'"):
            provbridge.load_artifact(trial.id, "other", store=store)
    listing = project.run("artifacts").stdout
    assert "model" in listing and "NO" in listing
    proc = project.run("verify", check=False)
    assert proc.returncode == 1 and "artifact model" in proc.stdout


def test_save_artifact_outside_a_run_links_the_last_trial(project: Project) -> None:
    project.write("data.txt", "4 5\n")
    trial = project.capture(SCRIPT)
    store_dir = project.root / ".provbridge"
    info = provbridge.save_artifact([1, 2], "numbers", store=store_dir)
    assert info.trial == trial.id and info.version_id is not None
    assert provbridge.load_artifact("last", "numbers", store=store_dir) == [1, 2]


def test_verify_edited_and_vanished_files(project: Project) -> None:
    project.write("data.txt", "1 2 3\n")
    project.capture(SCRIPT)
    ok = project.run("verify")
    assert ok.returncode == 0 and ok.stdout.startswith("ok:")
    (project.root / "data.txt").write_text("1 2 4\n")
    proc = project.run("verify", check=False)
    assert proc.returncode == 1
    assert "changed" in proc.stdout and "data.txt" in proc.stdout and "out.txt" not in proc.stdout
    (project.root / "out.txt").unlink()
    report = json.loads(project.run("verify", "--json", check=False).stdout)
    problems = {f["path"].rsplit("/", 1)[-1]: f["status"] for f in report["files"] if f["status"] != "ok"}
    assert report["ok"] is False and problems == {"data.txt": "changed", "out.txt": "vanished"}
    with project.store() as store:
        result = provbridge.verify("last", store=store)
    assert not result and {p.access for p in result.problems} == {"read", "write"}


def test_verify_every_trial(project: Project) -> None:
    project.write("data.txt", "1\n")
    project.capture(SCRIPT)
    project.write("data.txt", "2\n")
    project.capture(SCRIPT)
    proc = project.run("verify", "--all", check=False)
    # trial 1 read the old data.txt and wrote an out.txt that trial 2 overwrote
    rows = [line.split() for line in proc.stdout.splitlines()[2:-1]]
    assert proc.returncode == 1 and rows == [["1", "changed", "read", "data.txt"], ["1", "changed", "write", "out.txt"]]
    assert project.run("verify", "2").returncode == 0


def test_verify_reports_a_crafted_artifact_hash_as_invalid(project: Project) -> None:
    """A sha256 in the artifacts table that is not one (a path) is reported, never followed or hashed."""
    project.write("data.txt", "1 2 3\n")
    trial = project.capture(SCRIPT)
    with project.store() as store:
        store.conn.execute("UPDATE artifacts SET sha256 = '../../../etc/passwd' WHERE trial_id = ?", (trial.id,))
        store.conn.commit()
    proc = project.run("verify", "--json", check=False)
    assert proc.returncode == 1, proc.stderr
    output = json.loads(proc.stdout)
    assert output["ok"] is False
    rows = [r for r in output["files"] if r["access"] == "artifact"]
    assert [(r["path"], r["status"], r["actual"]) for r in rows] == [("artifact model", "invalid", None)]
