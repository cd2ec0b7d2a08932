"""The DataFrames of manage (and the remote values rows) name the trial, its start and versions alike."""

from __future__ import annotations

import provbridge
from provbridge.manage.artifacts import ARTIFACT_COLUMNS
from provbridge.manage.values import COLUMNS as VALUE_COLUMNS
from tests.conftest import Project

AGREED = {"trial", "trial_name", "started_at", "version"}
VARIANTS = {"trial_id", "trial_label", "started", "start", "version_id", "number_of_trial"}


def test_agreed_column_names(project: Project) -> None:
    trial = project.capture('import provbridge\nx = 1\nprovbridge.save_artifact(x, "x")\n')
    with project.store() as store:
        values = provbridge.values("x", store=store)
        artifacts = provbridge.artifacts(store=store)
        trials = provbridge.trials(store=store)
    assert list(values.columns) == list(VALUE_COLUMNS) and AGREED <= set(values.columns)
    assert list(artifacts.columns) == list(ARTIFACT_COLUMNS)
    assert {"trial", "version"} <= set(artifacts.columns) and "version_id" not in artifacts.columns
    assert int(artifacts["version"][0]) == trial.version(int(artifacts["version"][0])).id
    assert "started_at" in trials.columns  # the trials table: one row per trial, so `number` and `name`
    for frame in (values, artifacts, trials):
        assert not VARIANTS & set(frame.columns)
