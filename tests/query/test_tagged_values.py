"""Tags are queryable: cell tags, %pb_stage and provbridge.tag in a real notebook run and a script run give
exact rows in tagged_values (and its canned query, checked on rdflib), ``values NAME --tag T`` and the
``role`` column of ``values``."""

from __future__ import annotations

import json

import nbformat
import pytest

import provbridge
from provbridge.errors import VariableNotFoundError
from provbridge.query import canned, tagged_values
from tests.conftest import Project
from tests.query.helpers import assert_same_rows

CELLS = [
    ("import provbridge\nraw = [3, 1, 2]", ["data"]),
    ("%pb_stage training\nmodel = sorted(raw)", []),
    ("score = model[0] / 4", ["evaluation"]),
    ('%pb_stage evaluation\nreport = f"{score:.2f}"', []),
    ('best = provbridge.tag("best", max(raw), "metric")', []),
]
SCRIPT = """
import provbridge
provbridge.tag_cell("evaluation")
acc = provbridge.tag("acc", 0.75, "metric")
"""


@pytest.fixture(scope="module")
def tagged(tmp_path_factory: pytest.TempPathFactory) -> Project:
    """Trial 1: the notebook (run by `provbridge run`, as nbclient executes it); trial 2: the script."""
    project = Project(tmp_path_factory.mktemp("tags"))
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(src, metadata={"tags": tags}) for src, tags in CELLS]
    nbformat.write(nb, str(project.root / "exp.ipynb"))
    project.run("run", "-q", "exp.ipynb")
    project.capture(SCRIPT)
    return project


def rows(tag: str, project: Project) -> list[tuple[object, ...]]:
    """(trial, name, tag, value) rows; a module's value (its display text) as ``module``."""
    frame = tagged_values(tag, store=project.root / ".provbridge")
    return [(t, n, g, "module" if k == "module" else v)
            for t, n, g, k, v in frame[["trial", "name", "tag", "type", "value"]].itertuples(index=False)]


def test_tagged_values_of_cells_stages_and_variables(tagged: Project) -> None:
    assert rows("evaluation", tagged) == [
        (1, "report", "stage=evaluation", "0.25"), (1, "score", "evaluation", 0.25),
        (2, "acc", "stage=evaluation", 0.75), (2, "provbridge", "stage=evaluation", "module")]
    assert rows("training", tagged) == [(1, "model", "stage=training", "list len=3 [1, 2, 3]")]
    assert rows("stage", tagged)[:2] == [(1, "model", "stage=training", "list len=3 [1, 2, 3]"),
                                         (1, "report", "stage=evaluation", "0.25")]
    assert rows("data", tagged) == [(1, "provbridge", "data", "module"),
                                    (1, "raw", "data", "list len=3 [3, 1, 2]")]
    assert rows("metric", tagged) == [(1, "best", "metric=3", 3), (2, "acc", "metric=0.75", 0.75)]
    assert rows("stage=evaluation", tagged) == [r for r in rows("evaluation", tagged) if r[2] == "stage=evaluation"]
    assert rows("features", tagged) == []
    with tagged.store() as store:
        assert provbridge.tagged_values("evaluation", store=store)["name"].tolist() == [
            "report", "score", "acc", "provbridge"]
        for tag in ("evaluation", "data", "metric", "stage"):
            assert_same_rows(store.trials(), canned("tagged_values").bind({"tag": tag}))


def test_values_role_and_tag_filter(tagged: Project) -> None:
    document = json.loads(tagged.run("values", "score", "--json").stdout)
    assert [(r["trial"], r["role"], r["value"]) for r in document] == [(1, "evaluation", 0.25)]
    both = json.loads(tagged.run("values", "acc", "--tag", "evaluation", "--json").stdout)
    assert [(r["trial"], r["role"], r["value"]) for r in both] == [(2, "metrics, evaluation", 0.75)]
    assert [r["role"] for r in json.loads(tagged.run("values", "best", "--json").stdout)] == ["metrics"]
    assert [r["role"] for r in json.loads(tagged.run("values", "model", "--json").stdout)] == ["training"]
    assert [r["role"] for r in json.loads(tagged.run("values", "raw", "--tag", "data", "--json").stdout)] == ["data"]
    failed = tagged.run("values", "score", "--tag", "training", check=False)
    assert failed.returncode != 0
    assert failed.stderr.strip() == "provbridge: error: no trial has a variable 'score' tagged 'training'"
    with tagged.store() as store:
        frame = provbridge.values("report", tag="stage", store=store)
        assert frame[["trial", "role", "value"]].values.tolist() == [[1, "evaluation", "0.25"]]
        with pytest.raises(VariableNotFoundError):
            provbridge.values("raw", tag="evaluation", store=store)
        from provbridge.manage.common import variable_tags

        assert variable_tags(store.trial(1)) == {
            "best": ["metric=3"], "provbridge": ["data"], "raw": ["data"], "model": ["stage=training"],
            "score": ["evaluation"], "report": ["stage=evaluation"]}


def test_tag_rules() -> None:
    from provbridge.manage.common import role_of, tag_matches

    assert [tag_matches("metric=0.9", w) for w in ("metric", "metric=0.9", "0.9", "metr")] == [
        True, True, False, False]
    assert [tag_matches("stage=evaluation", w) for w in ("stage", "evaluation", "eval")] == [True, True, False]
    assert role_of(["hyperparameter=0.1", "stage=training", "data"]) == "params, training, data"
    assert role_of(["other=3"]) == ""
