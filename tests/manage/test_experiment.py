"""The trials table, diffs, values and plots of a real scikit-learn experiment run five times."""

from __future__ import annotations

import csv
import json

import pytest

import provbridge
from tests.manage.conftest import MSE_LINE, R2_LINE, Experiment, expected_metrics

PNG = b"\x89PNG\r\n\x1a\n"


def test_trials_table(experiment: Experiment) -> None:
    with experiment.project.store() as store:
        frame = provbridge.trials(store)
    assert list(frame["number"]) == [1, 2, 3, 4, 5]
    # the script reads sys.argv[1]: argv is a parameter too (issue 15)
    assert [c for c in frame.columns if c.startswith(("params.", "metrics.", "tags."))] == [
        "params.alpha", "params.argv", "metrics.mse", "metrics.r2"]
    assert list(frame["params.argv"]) == [["exp.py", "0.1"]] + [["exp.py", "1.0"]] * 4
    assert list(frame["params.alpha"]) == [0.1, 1.0, 1.0, 1.0, 1.0]
    assert frame["params.alpha"].dtype == float and frame["metrics.mse"].dtype == float
    expected = [expected_metrics(0.1), expected_metrics(1.0), expected_metrics(1.0),
                expected_metrics(1.0, fit_intercept=False), expected_metrics(1.0, scale=2.0)]
    assert list(frame["metrics.mse"]) == pytest.approx([m for m, _ in expected], rel=1e-12)
    assert list(frame["metrics.r2"]) == pytest.approx([r for _, r in expected], rel=1e-12)
    assert set(frame["status"]) == {"finished"} and str(frame["started_at"].dtype).startswith("datetime64")


def test_trials_cli_json_csv_only_changed(experiment: Experiment) -> None:
    project = experiment.project
    listing = json.loads(project.run("trials", "--json").stdout)
    assert [t["number"] for t in listing] == [1, 2, 3, 4, 5]
    assert {"number", "name", "status", "file_accesses", "versions"} <= set(listing[0])
    assert [t["params.alpha"] for t in listing] == [0.1, 1.0, 1.0, 1.0, 1.0]
    assert listing[0]["metrics.mse"] == pytest.approx(expected_metrics(0.1)[0], rel=1e-12)
    changed = json.loads(project.run("trials", "--json", "--only-changed").stdout)
    assert list(changed[0]) == ["number", "name", "params.alpha", "params.argv", "metrics.mse", "metrics.r2",
                                "params"]
    assert changed[0]["params"] == {"alpha": 0.1, "argv": ["exp.py", "0.1"]}
    csv_lines = project.run("trials", "--csv").stdout.splitlines()
    assert csv_lines[0].startswith("number,id,name,") and csv_lines[0].endswith(
        "params.alpha,params.argv,metrics.mse,metrics.r2")
    assert len(csv_lines) == 6 and next(csv.reader(csv_lines[1:2]))[-4:-2] == ["0.1", "['exp.py', '0.1']"]
    header = project.run("trials").stdout.splitlines()[0].split()
    assert header[:4] == ["#", "id", "name", "script"] and header[-3:] == ["params.argv", "metrics.mse", "metrics.r2"]


def test_diff_parameters_metrics_and_values(experiment: Experiment) -> None:
    with experiment.project.store() as store:
        result = provbridge.diff(1, 2, store=store)
    assert result.parameters.to_dict("records") == [
        {"name": "alpha", "a": 0.1, "b": 1.0, "status": "changed"},
        {"name": "argv", "a": ["exp.py", "0.1"], "b": ["exp.py", "1.0"], "status": "changed"}]
    (m1, _), (m2, r2) = expected_metrics(0.1), expected_metrics(1.0)
    metrics = {row["name"]: row for row in result.metrics.to_dict("records")}
    assert set(metrics) == {"mse", "r2"}
    assert metrics["mse"]["a"] == pytest.approx(m1, rel=1e-12) and metrics["mse"]["b"] == pytest.approx(m2, rel=1e-12)
    assert metrics["mse"]["delta"] == pytest.approx(m2 - m1, rel=1e-9)
    assert metrics["r2"]["b"] == pytest.approx(r2, rel=1e-12)
    variables = result.variables.set_index("name")
    assert set(variables.index) == {"alpha", "model", "pred", "mse", "r2"}  # what differs, nothing else
    assert "alpha: 0.1 → 1.0" in variables.loc["model", "detail"]
    assert variables.loc["pred", "status"] == "different" and not variables.loc["pred", "exact"]
    assert "mean" in variables.loc["pred", "detail"] and "summary statistics" in variables.loc["pred", "detail"]
    assert result.code == "" and result.operations == "" and result.files.empty and result.only.empty
    everything = provbridge.diff(1, 2, all=True, store=experiment.project.root / ".provbridge")
    assert everything.variables.set_index("name").loc["X", "status"] == "equal"
    assert everything.files.set_index("path").loc["scale.txt", "status"] == "same"


def test_diff_code_and_order_of_operations(experiment: Experiment) -> None:
    with experiment.project.store() as store:
        swapped = provbridge.diff(2, 3, store=store)
        edited = provbridge.diff(2, 4, store=store)
    assert swapped.parameters.empty and swapped.metrics.empty  # same values, other order
    removed = [line[1:] for line in swapped.code.splitlines() if line.startswith("-") and not line.startswith("---")]
    added = [line[1:] for line in swapped.code.splitlines() if line.startswith("+") and not line.startswith("+++")]
    assert (removed == [R2_LINE] and added == [R2_LINE]) or (removed == [MSE_LINE] and added == [MSE_LINE])
    moved = [line for line in swapped.operations.splitlines() if line[:1] in "+-" and line[1:2] not in "+-"]
    assert sorted(moved) in (sorted([f"-{R2_LINE}", f"+{R2_LINE}"]), sorted([f"-{MSE_LINE}", f"+{MSE_LINE}"]))
    code_changes = [line for line in edited.code.splitlines() if line[:1] in "+-" and line[1:2] not in "+-"]
    assert code_changes == ["-model = Ridge(alpha=alpha)", "+model = Ridge(alpha=alpha, fit_intercept=False)"]
    assert edited.parameters.empty and set(edited.metrics["name"]) == {"mse", "r2"}
    model = edited.variables.set_index("name").loc["model"]
    assert model["status"] == "different" and "fit_intercept: True → False" in model["detail"]


def test_diff_data_file_and_cli(experiment: Experiment) -> None:
    with experiment.project.store() as store:
        result = provbridge.diff(2, 5, store=store)
    files = result.files.to_dict("records")
    assert [(f["path"], f["status"]) for f in files] == [("scale.txt", "changed")]
    x_row = result.variables.set_index("name").loc["X"]
    assert x_row["status"] == "different" and "max" in x_row["detail"]
    assert result.environment.empty
    text = experiment.project.run("diff", "2", "5").stdout
    assert "files" in text and "scale.txt" in text and "changed" in text
    data = json.loads(experiment.project.run("diff", "1", "2", "--json").stdout)
    assert data["parameters"] == [{"name": "alpha", "a": 0.1, "b": 1.0, "status": "changed"},
                                  {"name": "argv", "a": ["exp.py", "0.1"], "b": ["exp.py", "1.0"], "status": "changed"}]
    assert data["code"] == "" and {m["name"] for m in data["metrics"]} == {"mse", "r2"}
    full = json.loads(experiment.project.run("diff", "1", "2", "--json", "--all").stdout)
    assert any(e["kind"] == "python" and e["status"] == "equal" for e in full["environment"])


def test_diff_with_artifacts_compares_exactly(experiment: Experiment) -> None:
    with experiment.project.store() as store:
        result = provbridge.diff(1, 2, artifacts=True, store=store)
    model = result.variables.set_index("name").loc["model"]
    assert model["exact"] and "fitted coef_: 10 of 10 elements differ" in model["detail"]


def test_values(experiment: Experiment) -> None:
    with experiment.project.store() as store:
        mse = provbridge.values("mse", store=store)
        pred = provbridge.values("pred", store=store)
    assert list(mse["trial"]) == [1, 2, 3, 4, 5] and set(mse["role"]) == {"metrics"}
    assert mse["value"].dtype == float
    assert mse["value"].iloc[0] == pytest.approx(expected_metrics(0.1)[0], rel=1e-12)
    assert list(pred["shape"]) == [(111,)] * 5 and set(pred["dtype"]) == {"float64"}
    assert pred["mean"].notna().all() and pred["mean"].iloc[0] != pred["mean"].iloc[1]
    rows = json.loads(experiment.project.run("values", "alpha", "--json").stdout)
    assert [(r["trial"], r["value"], r["role"]) for r in rows] == [
        (1, 0.1, "params"), (2, 1.0, "params"), (3, 1.0, "params"), (4, 1.0, "params"), (5, 1.0, "params")]
    csv_lines = experiment.project.run("values", "r2", "--csv").stdout.splitlines()
    assert csv_lines[0].startswith("trial,") and len(csv_lines) == 6


def test_plot(experiment: Experiment) -> None:
    project = experiment.project
    out = project.root / "mse.png"
    project.run("plot", "mse", "-o", str(out))
    assert out.read_bytes()[:8] == PNG
    with project.store() as store:
        fig = provbridge.plot("mse", store=store)
        (line,) = fig.axes[0].get_lines()
        assert [tuple(p) for p in line.get_xydata()] == [
            (float(n), pytest.approx(m, rel=1e-12)) for n, m in zip([1, 2, 3, 4, 5], provbridge.values(
                "mse", store=store)["value"])]
        bars = provbridge.plot("r2", project.root / "r2.png", kind="bar", store=store)
        assert len(bars.axes[0].patches) == 5 and (project.root / "r2.png").read_bytes()[:8] == PNG
        stats = provbridge.plot("pred", store=store)
        assert len(stats.axes[0].get_lines()[0].get_xdata()) == 5  # one mean per trial, with ±std bars


def test_aliases(experiment: Experiment) -> None:
    store = experiment.project.root / ".provbridge"
    assert str(provbridge.trial_diff(1, 2, store=store)).count("alpha") >= 1
    both = provbridge.trial_intersection_diff(1, 2, store=store).set_index("name")
    assert both.loc["X", "status"] == "equal" and both.loc["pred", "status"] == "different"
    assert list(provbridge.var_tag_values("alpha", store=store)["value"]) == [0.1, 1.0, 1.0, 1.0, 1.0]
    assert len(provbridge.var_tag_plot("r2", store=store).axes[0].get_lines()[0].get_xdata()) == 5
    assert list(provbridge.resume_trials(store=store)["number"]) == [1, 2, 3, 4, 5]
