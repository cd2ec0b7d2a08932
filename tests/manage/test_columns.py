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


def test_query_frames_and_remote_rows_use_the_same_names(project: Project) -> None:
    """values_across, tagged_values, compare_trials and the remote views (run here on the embedded engine)
    name the trial, its start, versions and the comparison sides as manage's frames do."""
    from provbridge.manage.diff import SECTIONS, diff
    from provbridge.manage.housekeeping import rename_trial
    from provbridge.query.api import compare_trials, tagged_values, values_across
    from provbridge.remote.views import remote_diff, remote_values

    source = 'import provbridge\nrate = provbridge.tag("rate", {rate}, "hyperparameter")\nonly{n} = 1\n'
    first = project.capture(source.format(rate=0.5, n=1))
    second = project.capture(source.format(rate=0.25, n=2))
    with project.store() as store:
        rename_trial(first.id, "fast", store=store)
        local = provbridge.values("rate", store=store)
        across = values_across("rate", store=store)
        tagged = tagged_values("hyperparameter", store=store)
        comparison = compare_trials(first.id, second.id, store=store)
        rows = remote_values(store, "rate", None)
        found = remote_diff(store, str(first.id), str(second.id), None)
        local_diff = diff(first.id, second.id, store=store)
    assert list(across.columns) == list(local.columns) == list(VALUE_COLUMNS)  # one schema, local or SPARQL
    assert list(across["version"]) == list(local["version"]) and list(across["value"]) == list(local["value"])
    assert list(across["started_at"]) == list(local["started_at"]) and list(across["uuid"]) == list(local["uuid"])
    assert list(tagged.columns) == ["trial", "uuid", "trial_name", "started_at", "name", "scope", "tag", "version",
                                    "type", "value"]
    assert [(r["trial"], r["name"], r["value"]) for r in tagged.to_dict("records")] == [
        (first.id, "rate", 0.5), (second.id, "rate", 0.25)]
    # the trial's name (None when it has none), as the local values frame says
    for names in (across["trial_name"], local["trial_name"], tagged["trial_name"], [r["trial_name"] for r in rows]):
        assert [name if isinstance(name, str) else None for name in names] == ["fast", None]
    assert [(r["trial"], r["value"]) for r in rows] == [(first.id, 0.5), (second.id, 0.25)]
    assert list(rows[0]) == list(across.columns)
    assert list(comparison.variables.columns) == ["name", "scope", "version_a", "type_a", "value_a", "version_b",
                                                  "type_b", "value_b", "differs"]
    rate = comparison.variables.set_index("name").loc["rate"]
    assert (rate["value_a"], rate["value_b"], bool(rate["differs"])) == (0.5, 0.25, True)
    assert [tuple(r) for r in comparison.only[["side", "trial", "name"]].itertuples(index=False)] == [
        ("a", first.id, "only1"), ("b", second.id, "only2")]
    assert list(comparison.operations.columns)[:2] == ["side", "trial"]
    assert set(comparison.operations["side"]) == {"a", "b"}
    # the diff: one schema, local or SPARQL (the remote's diff is the embedded engine's here)
    assert (found.a, found.b) == (local_diff.a, local_diff.b) == (first.id, second.id)
    for section in SECTIONS:
        assert list(getattr(found, section).columns) == list(getattr(local_diff, section).columns)
    assert list(found.to_dict()) == list(local_diff.to_dict())
    for one in (found, local_diff):
        assert [(v["name"], v["a"], v["b"], v["status"]) for v in one.variables.to_dict("records")] == [
            ("rate", 0.5, 0.25, "different")]
        assert [(r["name"], r["trial"]) for r in one.only.to_dict("records")] == [
            ("only1", first.id), ("only2", second.id)]
    assert found.text().splitlines()[0] == f"trial {first.id} (fast) → trial {second.id} (script.py)"
    for frame in (across, tagged, comparison.variables, comparison.only, comparison.files):
        assert not VARIANTS & set(frame.columns)


def test_lineage_frames_use_the_agreed_names() -> None:
    from provbridge.query.lineage import IMPACT_COLUMNS, LINEAGE_COLUMNS

    for columns in (LINEAGE_COLUMNS, IMPACT_COLUMNS):
        assert {"trial", "uuid", "trial_name", "version"} <= set(columns) and not VARIANTS & set(columns)
