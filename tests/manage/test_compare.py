"""Array, DataFrame, tensor-like and estimator comparison on known inputs, live and from stored summaries."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import provbridge
from provbridge.manage.compare import compare_values
from tests.conftest import Project


def test_arrays() -> None:
    a = np.arange(10.0)
    b = a.copy()
    b[3] += 0.5
    b[7] += 2.0
    result = compare_values(a, b)
    assert (result.status, result.n_different, result.n_total, result.max_abs_diff) == ("different", 2, 10, 2.0)
    assert result.detail == "2 of 10 elements differ (max abs diff 2)"
    assert compare_values(a, b, tol=0.5).n_different == 1
    assert compare_values(a, b, tol=2.0).status == "equal"
    assert compare_values(a, a.reshape(2, 5)).changes == ["shape (10,) → (2, 5)"]
    dtype = compare_values(a, a.astype(np.float32))
    assert dtype.status == "different" and dtype.changes == ["dtype float64 → float32"] and dtype.n_different == 0
    nan = np.array([1.0, np.nan, 3.0])
    assert compare_values(nan, nan.copy()).status == "equal"
    other = compare_values(nan, np.array([1.0, 2.0, 3.0]))
    assert other.n_different == 1 and other.changes == ["1 NaN where the other has a number"]
    words = compare_values(np.array(["a", "b"]), np.array(["a", "c"]))
    assert words.n_different == 1 and words.max_abs_diff is None


def test_dataframes_and_series() -> None:
    a = pd.DataFrame({"x": [1, 2, 3], "y": [0.5, 1.5, 2.5], "s": ["p", "q", "r"]})
    b = a.copy()
    b.loc[1, "y"] = 1.75
    b.loc[2, "s"] = "z"
    result = compare_values(a, b)
    assert (result.status, result.n_different, result.n_total, result.max_abs_diff) == ("different", 2, 9, 0.25)
    assert "column y: 1 values differ, max abs diff 0.25" in result.changes
    assert "column s: 1 values differ" in result.changes
    c = a.drop(columns="s").assign(z=1)
    columns = compare_values(a, c)
    assert "columns removed: s" in columns.changes and "columns added: z" in columns.changes
    assert compare_values(a, a.copy()).status == "equal"
    assert "column x dtype int64 → float64" in compare_values(a, a.astype({"x": float})).changes
    series = compare_values(pd.Series([1.0, 2.0, 3.0]), pd.Series([1.0, 2.0, 3.5]))
    assert (series.kind, series.n_different, series.max_abs_diff) == ("series", 1, 0.5)


def test_estimators_scalars_and_containers() -> None:
    from sklearn.linear_model import Ridge

    rng = np.random.RandomState(0)
    x, y = rng.rand(30, 3), rng.rand(30)
    same = compare_values(Ridge(alpha=1.0).fit(x, y), Ridge(alpha=1.0).fit(x, y))
    assert same.status == "equal"
    other = compare_values(Ridge(alpha=1.0).fit(x, y), Ridge(alpha=3.0).fit(x, y))
    assert other.changes[0] == "alpha: 1.0 → 3.0" and any(c.startswith("fitted coef_: 3 of 3") for c in other.changes)
    unfitted = compare_values(Ridge(alpha=1.0), Ridge(alpha=2.0))
    assert unfitted.changes == ["alpha: 1.0 → 2.0"]
    assert compare_values(1.0, 1.25).detail == "1.0 → 1.25" and compare_values(1.0, 1.25, tol=0.5).equal
    assert compare_values([1, 2, 3], [1, 2, 4]).n_different == 1
    assert compare_values({"a": 1}, {"a": 1}).equal and compare_values("a", 1).changes == ["type str → int"]


def test_stored_summaries(project: Project) -> None:
    """Two runs of a script whose arrays and frames differ in known ways, compared from the store."""
    source = """
        import sys
        import numpy as np
        import pandas as pd
        k = int(sys.argv[1])
        same = np.arange(12.0).reshape(3, 4)
        arr = np.arange(12.0).reshape(3, 4)
        arr[0, 0] = 100.0 * k
        reshaped = np.zeros((2, 3) if k == 1 else (3, 2))
        frame = pd.DataFrame({"a": [1, 2, 3], "b": [0.5, 1.5, 2.5]})
        if k == 2:
            frame["c"] = frame["a"] * 2
        values = pd.Series([1.0, 2.0, 3.0 * k])
        count = 10 + k
        if k == 2:
            extra = [1, 2]
    """
    project.write("s.py", source)
    project.run("run", "-q", "s.py", "1")
    project.run("run", "-q", "s.py", "2")
    with project.store() as store:
        result = provbridge.diff(1, 2, all=True, store=store)
    rows = result.variables.set_index("name")
    assert rows.loc["same", "status"] == "equal" and rows.loc["same", "exact"]
    assert rows.loc["arr", "status"] == "different" and not rows.loc["arr", "exact"]
    assert rows.loc["arr", "detail"].startswith(
        "mean 13.8333 → 22.1667; std 26.156 → 53.7042; max 100 → 200; only hashes")
    assert rows.loc["reshaped", "detail"] == "shape (2, 3) → (3, 2)"
    assert rows.loc["frame", "detail"].startswith("shape (3, 2) → (3, 3); columns added: c")
    assert "mean 2 → 3" in rows.loc["values", "detail"]
    assert (rows.loc["count", "a"], rows.loc["count", "b"], rows.loc["count", "max_abs_diff"]) == (11, 12, 1.0)
    assert rows.loc["k", "status"] == "different" and rows.loc["np", "status"] == "equal"
    assert not result.empty
    only = result.only.to_dict("records")
    assert only == [{"name": "extra", "trial": 2, "type": "list", "value": "list len=2 [1, 2]"}]
    with project.store() as store, store.conn:
        store.conn.execute("UPDATE environment SET value = '0.0.1' WHERE trial_id = 2 AND kind = 'package' "
                           "AND name = 'numpy'")
        store.conn.execute("DELETE FROM environment WHERE trial_id = 1 AND kind = 'package' AND name = 'pandas'")
    with project.store() as store:
        env = provbridge.diff(1, 2, store=store).environment
        assert provbridge.diff(1, 1, store=store).empty
    assert [(r["kind"], r["name"], r["b"], r["status"]) for r in env.to_dict("records")] == [
        ("package", "numpy", "0.0.1", "changed"), ("package", "pandas", pd.__version__, "added")]


@pytest.mark.parametrize("bad", ["x", None])
def test_compare_values_never_raises_on_odd_values(bad: object) -> None:
    class Weird:
        def __eq__(self, other: object) -> bool:
            raise RuntimeError("no")

    assert compare_values(Weird(), Weird()).status == "unknown"
    assert compare_values(bad, bad).status == "equal"
