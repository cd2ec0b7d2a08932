"""Experiment management over notebook trials: cells as code, values across a script and notebooks."""

from __future__ import annotations

import nbformat

import provbridge
from tests.conftest import Project


def _notebook(project: Project, name: str, cells: list[str]) -> None:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(src) for src in cells]
    nbformat.write(nb, str(project.root / name))


def test_notebook_trials(project: Project) -> None:
    project.capture("import provbridge\nscore = provbridge.tag('score', 0.25, 'metric')\n")
    _notebook(project, "a.ipynb", ["import provbridge\nk = 3", "score = provbridge.tag('score', k / 4, 'metric')"])
    _notebook(project, "b.ipynb", ["import provbridge\nk = 2", "k = k + 0",
                                   "score = provbridge.tag('score', k / 4, 'metric')"])
    project.run("run", "-q", "a.ipynb")
    project.run("run", "-q", "b.ipynb")
    store_dir = project.root / ".provbridge"
    values = provbridge.values("score", store=store_dir)
    assert list(values["trial"]) == [1, 2, 3] and list(values["value"]) == [0.25, 0.75, 0.5]
    table = provbridge.trials(store=store_dir)
    assert list(table["metrics.score"]) == [0.25, 0.75, 0.5]
    assert list(table["kind"]) == ["script", "notebook", "notebook"]
    result = provbridge.diff(2, 3, store=store_dir)
    code = [line for line in result.code.splitlines() if line[:1] in "+-" and line[1:2] not in "+-"]
    assert "-k = 3" in code and "+k = 2" in code and "+k = k + 0" in code
    assert "# In[1]" in result.code
    ops = [line for line in result.operations.splitlines() if line[:1] in "+-" and line[1:2] not in "+-"]
    assert ops == ["-k = 3", "+k = 2", "+k = k + 0"]
    assert result.metrics.to_dict("records") == [{"name": "score", "a": 0.75, "b": 0.5, "delta": -0.25,
                                                  "status": "changed"}]
