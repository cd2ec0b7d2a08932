"""`diff` and `values` answer in one schema whether the local records, the embedded engine or a real Oxigraph
remote answers (provbridge.remote.views, provbridge.manage.diff.sparql_diff, provbridge.frames)."""

from __future__ import annotations

import json

import pytest

import provbridge
from provbridge.frames import VALUE_COLUMNS
from provbridge.manage.diff import COLUMNS, SECTIONS, diff
from provbridge.query.api import values_across
from provbridge.remote.views import remote_diff, remote_values
from tests.conftest import Project
from tests.remote.conftest import Server, share

SOURCE = 'import provbridge\nrate = provbridge.tag("rate", {rate}, "hyperparameter")\nscore = 1 - rate\nonly{n} = 1\n'


@pytest.fixture
def two(project: Project, oxigraph: Server, monkeypatch: pytest.MonkeyPatch) -> Project:
    """Trials 2 and 3 (besides the seed trial 1), pushed to Oxigraph."""
    shared = share(project, oxigraph.query_url, monkeypatch)
    shared.capture(SOURCE.format(rate=0.5, n=1))
    shared.capture(SOURCE.format(rate=0.25, n=2))
    shared.run("push", "--all")
    return shared


def test_values_frames_have_one_schema(two: Project) -> None:
    with two.store() as store:
        local = provbridge.values("score", store=store)
        remote = values_across("score", store=store, remote="origin")
        rows = remote_values(store, "score", "origin")
    assert list(local.columns) == list(remote.columns) == list(VALUE_COLUMNS) == list(rows[0])
    for column in ("trial", "uuid", "trial_name", "version", "type", "value", "started_at"):
        assert list(remote[column]) == list(local[column]), column
    assert list(remote["version"]) == [v for v in local["version"]] and list(remote["value"]) == [0.5, 0.75]
    cli = json.loads(two.run("values", "score", "--remote", "origin", "--json").stdout)
    here = json.loads(two.run("values", "score", "--json").stdout)
    assert [list(row) for row in cli] == [list(row) for row in here] == [list(VALUE_COLUMNS)] * 2
    assert [(r["trial"], r["version"], r["value"]) for r in cli] == [(r["trial"], r["version"], r["value"])
                                                                       for r in here]


def test_diff_has_one_schema(two: Project) -> None:
    with two.store() as store:
        local = diff(2, 3, store=store)
        remote = remote_diff(store, "2", "3", "origin")
    for section in SECTIONS:
        assert list(getattr(local, section).columns) == list(getattr(remote, section).columns) == COLUMNS[section]
    for found in (local, remote):
        assert [(r["name"], r["a"], r["b"], r["status"]) for r in found.variables.to_dict("records")] == [
            ("rate", 0.5, 0.25, "different"), ("score", 0.5, 0.75, "different")]
        assert [(r["name"], r["trial"]) for r in found.only.to_dict("records")] == [("only1", 2), ("only2", 3)]
    cli = json.loads(two.run("diff", "2", "3", "--remote", "origin", "--json").stdout)
    here = json.loads(two.run("diff", "2", "3", "--json").stdout)
    assert list(cli) == list(here)
    for section in SECTIONS:
        assert all(list(row) == COLUMNS[section] for row in cli[section] + here[section])
    assert cli["remote"] == "origin" and here["remote"] is None
    assert two.run("diff", "2", "3", "--remote", "origin").stdout.splitlines()[0] == (
        "trial 2 (script.py) → trial 3 (script.py) on remote origin")
