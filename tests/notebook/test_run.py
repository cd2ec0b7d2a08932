"""``provbridge run NOTEBOOK.ipynb``: parameters, cell ids and tags, failures, and comparing two runs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from provbridge.notebook.params import inject_parameters, parse_value
from provbridge.notebook.runner import default_output, parse_args
from tests.notebook.conftest import TIMEOUT, open_test_store

pytestmark = pytest.mark.timeout(300)


def write_notebook(path: Path, *extra: str) -> Path:
    nb = new_notebook()
    nb.cells = [
        new_markdown_cell("# Scaling experiment"),
        new_code_cell("alpha = 0.01\nsteps = 4", metadata={"tags": ["parameters"]}),
        new_code_cell("from provbridge.notebook import tag\ndata = [i * alpha for i in range(steps)]",
                      metadata={"tags": ["data"]}),
        new_code_cell("unused = 'not an input of the score'"),
        new_code_cell("score = tag('score', round(sum(data) * 10, 6), 'metric')\nscore",
                      metadata={"tags": ["evaluation"]}),
        *[new_code_cell(code) for code in extra],
    ]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, str(path))
    return path


def provbridge_run(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "provbridge", "run", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=TIMEOUT)


def test_two_runs_with_parameters_differ_in_parameter_and_metric(tmp_path: Path, store_dir: Path) -> None:
    nb_path = write_notebook(tmp_path / "exp.ipynb")
    first = provbridge_run(tmp_path, "exp.ipynb", "-p", "alpha", "0.1", "--output", "run1.ipynb")
    assert first.returncode == 0, first.stderr
    second = provbridge_run(tmp_path, "exp.ipynb", "-p", "alpha", "0.5", "-p", "label", "fast")
    assert second.returncode == 0, second.stderr
    assert "Kernel is running over TCP" not in second.stderr

    executed = nbformat.read(str(tmp_path / "run1.ipynb"), as_version=4)
    assert executed.cells[2].metadata.tags == ["injected-parameters"]  # right after the parameters cell
    assert executed.cells[2].source.splitlines()[1:] == ["alpha = 0.1"]
    assert executed.cells[-1].outputs[0]["data"]["text/plain"] == "6.0"
    assert default_output(nb_path).is_file()  # exp.out.ipynb, without --output

    with open_test_store(store_dir) as store:
        one, two = store.trials()
        assert one.status == two.status == "finished"
        assert one.kind == "notebook" and one.main == str(nb_path)
        assert one.command == ["provbridge", "run", "exp.ipynb", "-p", "alpha", "0.1", "--output", "run1.ipynb"]
        assert store.code(one.main_code_id).kind == "notebook"
        assert (one.latest("alpha").value, two.latest("alpha").value) == (0.1, 0.5)
        assert (one.latest("score").value, two.latest("score").value) == (6.0, 30.0)
        assert two.latest("label").value == "fast"
        assert ("variable", "alpha", "hyperparameter", "0.1") in one.tags()
        assert ("variable", "alpha", "hyperparameter", "0.5") in two.tags()
        assert ("variable", "steps", "hyperparameter", "4") in two.tags()
        assert not any(t[1] == "alpha" and t[3] == "0.01" for t in one.tags())  # the default was overridden
        assert ("variable", "score", "metric", "6.0") in one.tags()
        assert ("variable", "score", "metric", "30.0") in two.tags()
        ids = [c.id for c in executed.cells if c.cell_type == "code"]
        runs = one.executions(kind="cell")
        assert [e.cell_id for e in runs] == ids
        assert [e.exec_count for e in runs] == [1, 2, 3, 4, 5]
        tags = set(one.tags())
        assert {("cell", ids[0], "parameters", ""), ("cell", ids[1], "injected-parameters", ""),
                ("cell", ids[2], "data", ""), ("cell", ids[4], "evaluation", "")} <= tags
        back = one.backward("score")
        assert {v.name for v in back} == {"alpha", "steps", "data", "tag"}
        assert [v.value for v in back if v.name == "alpha"] == [0.1]


def test_a_failing_cell_fails_the_run_and_the_trial(tmp_path: Path, store_dir: Path) -> None:
    write_notebook(tmp_path / "bad.ipynb", "ratio = 1 / 0", "never = 1")
    proc = provbridge_run(tmp_path, "-q", "bad.ipynb")
    assert proc.returncode == 1
    errors = [line for line in proc.stderr.splitlines() if line.startswith("provbridge: error:")]
    assert errors == ["provbridge: error: cell 6 (In [5]) raised ZeroDivisionError: division by zero"]
    executed = nbformat.read(str(tmp_path / "bad.out.ipynb"), as_version=4)
    assert executed.cells[5].outputs[0]["output_type"] == "error"
    with open_test_store(store_dir) as store:
        trial = store.trial("last")
        assert trial.status == "failed" and trial.exit_code == 1
        assert trial.exception == "ZeroDivisionError: division by zero"
        assert [e.status for e in trial.executions(kind="cell")] == ["ok"] * 4 + ["error"]


def test_bad_invocations(tmp_path: Path, store_dir: Path) -> None:
    missing = provbridge_run(tmp_path, "nope.ipynb")
    assert missing.returncode == 2 and "nope.ipynb" in missing.stderr
    write_notebook(tmp_path / "ok.ipynb")
    bad = provbridge_run(tmp_path, "ok.ipynb", "-p", "alpha")
    assert bad.returncode == 2 and "-p needs a NAME and a VALUE" in bad.stderr


def test_parameter_parsing_and_injection() -> None:
    assert [parse_value(v) for v in ("0.1", "3", "True", "None", "[1, 2]", "'q'", "text", "1e-3")] == \
        [0.1, 3, True, None, [1, 2], "q", "text", 0.001]
    run = parse_args("n.ipynb", ["-p", "a", "1", "-r", "b", "2", "--output=o.ipynb", "--timeout", "30"])
    assert (run.parameters, str(run.output), run.timeout) == ({"a": 1, "b": "2"}, "o.ipynb", 30)
    nb = new_notebook(cells=[new_code_cell("x = 1")])
    assert inject_parameters(nb, {"x": 2}) == 0  # no parameters cell: at the top, like papermill
    assert inject_parameters(nb, {"x": 3}) == 0  # a second injection replaces the first
    assert [c.source.splitlines()[-1] for c in nb.cells] == ["x = 3", "x = 1"]
    assert inject_parameters(nb, {}) is None


def test_the_tag_api_also_works_in_a_script_run(tmp_path: Path, store_dir: Path) -> None:
    (tmp_path / "train.py").write_text(
        "from provbridge.notebook import tag, tag_cell\n"
        "lr = tag('lr', 0.1, 'hyperparameter')\n"
        "tag_cell('training')\n"
        "acc = tag('acc', lr * 4, 'metric')\n", encoding="utf-8")
    proc = provbridge_run(tmp_path, "-q", "train.py")
    assert proc.returncode == 0, proc.stderr
    with open_test_store(store_dir) as store:
        trial = store.trial("last")
        assert {("variable", "lr", "hyperparameter", "0.1"), ("variable", "acc", "metric", "0.4")} <= set(trial.tags())
        assert any(t[0] == "execution" and t[2:] == ("stage", "training") for t in trial.tags())


def test_plain_open_in_a_notebook_is_recorded(tmp_path: Path, store_dir: Path) -> None:
    """A notebook's `open` is IPython's wrapper around io.open: reads and writes through it are file accesses
    (they were not recorded at all before)."""
    (tmp_path / "data.csv").write_text("1,2,3\n")
    nb = new_notebook()
    nb.cells = [new_code_cell("with open('data.csv') as f:\n    text = f.read()"),
                new_code_cell("with open('out.txt', 'w') as f:\n    f.write(text.upper())")]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, str(tmp_path / "io.ipynb"))
    proc = provbridge_run(tmp_path, "io.ipynb")
    assert proc.returncode == 0, proc.stderr
    with open_test_store(store_dir) as store:
        (trial,) = store.trials()
        accesses = [(Path(a.path).name, a.mode) for a in trial.file_accesses()
                    if Path(a.path).name in ("data.csv", "out.txt")]
    assert accesses == [("data.csv", "r"), ("out.txt", "w")]
