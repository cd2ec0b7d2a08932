"""Summaries never run user-defined Python code (issue 16): one test per observed case, each counting calls."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sklearn.linear_model import LinearRegression

from provbridge.capture.values import short_repr, summarize, summarize_final

calls: list[str] = []


def everything(value: object) -> None:
    """Summarize ``value`` every way the recorder and the notebook do, alone and nested."""
    for v in (value, [value], {"k": value}, (value, 1)):
        summarize(v)
        summarize_final(v)
        short_repr(v)


# ------------------------------------------------------------------------------- metaclass __getattr__


class Meta(type):
    def __getattr__(cls, name: str) -> Any:
        calls.append(f"meta getattr {name}")
        raise AttributeError(name)


class WithMeta(metaclass=Meta):
    def __init__(self) -> None:
        self.x = 1


def test_metaclass_getattr_never_called() -> None:
    calls.clear()
    everything(WithMeta())
    everything(WithMeta)
    assert calls == []
    tn, _, text, _ = summarize(WithMeta())
    assert text == f"<{tn} x=1>"


# ------------------------------------------------------------------------ exception `args` property


class LoudError(Exception):
    @property  # type: ignore[override]
    def args(self) -> tuple[Any, ...]:  # type: ignore[override]
        calls.append("args")
        return ("from the property",)


def test_exception_args_property_never_called() -> None:
    calls.clear()
    err = LoudError("real", 2)
    everything(err)
    assert calls == []
    assert summarize(err)[2] == "LoudError('real', 2)"


# --------------------------------------------------------------------------- pandas subclass methods


class MyFrame(pd.DataFrame):
    @property
    def _constructor(self) -> Any:
        calls.append("_constructor")
        return MyFrame

    def memory_usage(self, *args: Any, **kwargs: Any) -> Any:
        calls.append("memory_usage")
        return super().memory_usage(*args, **kwargs)

    def __getitem__(self, key: Any) -> Any:
        calls.append("getitem")
        return super().__getitem__(key)

    @property
    def shape(self) -> tuple[int, int]:  # type: ignore[override]
        calls.append("shape")
        return (0, 0)


class MySeries(pd.Series):  # type: ignore[type-arg]
    @property
    def _constructor(self) -> Any:
        calls.append("series _constructor")
        return MySeries

    def tolist(self) -> list[Any]:
        calls.append("tolist")
        return []

    def __len__(self) -> int:
        calls.append("len")
        return 0


def test_pandas_subclass_methods_never_called() -> None:
    frame = MyFrame({"a": [1, 2, 3], "b": [0.5, 1.5, 2.5]})
    series = MySeries([1.0, 2.0], name="s")
    calls.clear()
    everything(frame)
    everything(series)
    assert calls == []
    summary = json.loads(summarize(frame)[3] or "")
    plain = json.loads(summarize(pd.DataFrame({"a": [1, 2, 3], "b": [0.5, 1.5, 2.5]}))[3] or "")
    assert summary["shape"] == [3, 2] and summary["sha256"] == plain["sha256"]
    assert summarize(frame)[2] == "MyFrame (3, 2)"
    s_summary = json.loads(summarize(series)[3] or "")
    assert s_summary["len"] == 2 and s_summary["preview"] == ["1.0", "2.0"] and s_summary["name"] == "s"
    assert calls == []


class MyArray(np.ndarray):  # type: ignore[type-arg]
    @property
    def dtype(self) -> Any:  # type: ignore[override]
        calls.append("dtype")
        return np.dtype("int8")


def test_ndarray_subclass_properties_never_called() -> None:
    arr = np.arange(4.0).view(MyArray)
    calls.clear()
    everything(arr)
    assert calls == []
    assert summarize(arr)[2] == "MyArray float64 (4,)"


# ------------------------------------------------------------------------------------------- fspath


class LoudPath:
    def __init__(self, path: str) -> None:
        self.path = path

    def __fspath__(self) -> str:
        calls.append("fspath")
        return self.path


def test_fspath_never_called_by_summaries(tmp_path: Path) -> None:
    calls.clear()
    everything(LoudPath(str(tmp_path / "a.txt")))
    assert calls == []


# --------------------------------------------------------------------------------------- get_params


class TunedRegression(LinearRegression):
    def get_params(self, deep: bool = True) -> dict[str, Any]:
        calls.append("get_params")
        return super().get_params(deep=deep)


class DuckEstimator:
    def __init__(self) -> None:
        self.alpha = 0.5

    def get_params(self, deep: bool = True) -> dict[str, Any]:
        calls.append("duck get_params")
        return {"alpha": self.alpha}

    def fit(self, x: Any, y: Any) -> DuckEstimator:
        return self


def test_get_params_of_user_classes_never_called() -> None:
    x = np.arange(20, dtype=float).reshape(10, 2)
    est = TunedRegression(fit_intercept=False).fit(x, x @ np.array([1.0, 2.0]))
    calls.clear()
    everything(est)
    everything(DuckEstimator())
    assert calls == []
    summary = json.loads(summarize(est)[3] or "")
    assert summary["kind"] == "estimator"
    assert summary["params"]["fit_intercept"] is False
    assert summary["fitted"]["coef_"] == "ndarray float64 (2,)"
    assert summarize(est)[2].startswith("TunedRegression(") and "fit_intercept=False" in summarize(est)[2]


class SneakyDict:
    """An instance whose ``__dict__`` and ``__class__`` are properties: neither may be consulted."""

    def __init__(self) -> None:
        object.__setattr__(self, "value", 3)

    @property  # type: ignore[misc]
    def __dict__(self) -> dict[str, Any]:  # type: ignore[override]
        calls.append("__dict__")
        return {"fake": 1}

    @property  # type: ignore[misc]
    def __class__(self) -> type:  # type: ignore[override]
        calls.append("__class__")
        return int


def test_instance_dict_property_never_called() -> None:
    obj = SneakyDict.__new__(SneakyDict)
    calls.clear()
    everything(obj)
    assert calls == []
    tn, scalar, text, summary = summarize(obj)
    assert (scalar, text) == (None, f"<{tn}>") and tn.endswith("SneakyDict")
    assert json.loads(summary or "")["attrs"] == {}


# ------------------------------------------------------------------------ through `provbridge run`

SCRIPT = '''
import sys
import numpy as np
import pandas as pd
from sklearn.linear_model import LinearRegression

calls = []

class Meta(type):
    def __getattr__(cls, name):
        calls.append("meta " + name)
        raise AttributeError(name)

class Thing(metaclass=Meta):
    pass

class LoudError(Exception):
    @property
    def args(self):
        calls.append("args")
        return ()

class MyFrame(pd.DataFrame):
    @property
    def _constructor(self):
        calls.append("_constructor")
        return MyFrame

    def memory_usage(self, *args, **kwargs):
        calls.append("memory_usage")
        return super().memory_usage(*args, **kwargs)

class Tuned(LinearRegression):
    def get_params(self, deep=True):
        calls.append("get_params")
        return super().get_params(deep=deep)

def step(model, frame, thing, err):
    local_model = model
    local_frame = frame
    return local_model, local_frame, thing, err

x = np.arange(20, dtype=float).reshape(10, 2)
model = Tuned().fit(x, x @ np.array([1.0, 2.0]))
frame = MyFrame({"a": range(5)})
thing = Thing()
err = LoudError("e")
for i in range(30):
    out = step(model, frame, thing, err)
import collections
print(sorted(collections.Counter(calls).items()))
'''


def test_no_user_code_through_provbridge_run(tmp_path: Path) -> None:
    (tmp_path / "script.py").write_text(SCRIPT)
    plain = subprocess.run([sys.executable, "script.py"], cwd=tmp_path, capture_output=True, text=True)
    assert plain.returncode == 0, plain.stderr
    assert plain.stdout.startswith("[")  # the calls the script's own code (and sklearn's fit) makes
    env = {**os.environ, "PROVBRIDGE_DIR": str(tmp_path / ".provbridge")}
    for level in ("0", "1"):
        run = subprocess.run(
            [sys.executable, "-m", "provbridge", "run", "-q", "--granularity", level, "script.py"],
            cwd=tmp_path, capture_output=True, text=True, env=env,
        )
        assert run.returncode == 0, run.stderr
        assert run.stdout == plain.stdout, f"level {level}: the capture called user code"


FSPATH_SCRIPT = '''
import os
calls = []

class LoudPath:
    def __fspath__(self):
        calls.append("fspath")
        return "data.txt" if len(calls) == 1 else "other.txt"

p = LoudPath()
with open(p) as handle:
    text = handle.read()
print(len(calls), text)
'''


def test_fspath_called_once_by_open_through_provbridge_run(tmp_path: Path) -> None:
    (tmp_path / "script.py").write_text(FSPATH_SCRIPT)
    (tmp_path / "data.txt").write_text("data")
    (tmp_path / "other.txt").write_text("other")
    plain = subprocess.run([sys.executable, "script.py"], cwd=tmp_path, capture_output=True, text=True)
    assert plain.stdout == "1 data\n"
    env = {**os.environ, "PROVBRIDGE_DIR": str(tmp_path / ".provbridge")}
    run = subprocess.run([sys.executable, "-m", "provbridge", "run", "-q", "script.py"], cwd=tmp_path,
                         capture_output=True, text=True, env=env)
    assert (run.returncode, run.stdout) == (0, "1 data\n")
