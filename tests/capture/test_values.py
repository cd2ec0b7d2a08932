"""Tests of provbridge.capture.values: exact summaries, hashing policy, safety with hostile objects."""

from __future__ import annotations

import datetime
import decimal
import enum
import fractions
import hashlib
import json
import math
import os
import pathlib
import sys
import time
import types
import uuid
from typing import Any

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LinearRegression

from provbridge.capture import values
from provbridge.capture.values import FULL_HASH_LIMIT, REPR_LIMIT, short_repr, summarize


def js(value: object) -> dict[str, Any]:
    """The parsed summary JSON of ``value`` (which must have one), checked to be strict JSON."""
    text = summarize(value)[3]
    assert text is not None
    return json.loads(text, parse_constant=lambda c: pytest.fail(f"non-standard JSON constant {c}"))


# ------------------------------------------------------------------------------------------ scalars


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (42, ("int", 42, "42", None)),
        (-(2**63), ("int", -(2**63), repr(-(2**63)), None)),
        (3.14, ("float", 3.14, "3.14", None)),
        (True, ("bool", True, "True", None)),
        (False, ("bool", False, "False", None)),
        (None, ("NoneType", None, "None", None)),
        ("abc", ("str", "abc", "'abc'", None)),
        ("", ("str", "", "''", None)),
    ],
)
def test_plain_scalars_exact(value: object, expected: tuple[object, ...]) -> None:
    result = summarize(value)
    assert result == expected
    assert type(result[1]) is type(expected[1])


def test_non_finite_floats_kept_as_python_floats() -> None:
    tn, scalar, text, summary = summarize(float("nan"))
    assert (tn, text, summary) == ("float", "nan", None)
    assert isinstance(scalar, float) and math.isnan(scalar)
    assert summarize(float("inf")) == ("float", math.inf, "inf", None)
    assert summarize(float("-inf")) == ("float", -math.inf, "-inf", None)


def test_int_outside_int64_has_no_scalar() -> None:
    tn, scalar, text, _ = summarize(2**63)
    assert (tn, scalar, text) == ("int", None, str(2**63))
    summary = js(2**63)
    assert summary["kind"] == "scalar" and summary["bits"] == 64
    assert js(2**63)["sha256"] == js(2**63)["sha256"] != js(2**63 + 1)["sha256"]
    # huge ints: no int->str conversion (would raise ValueError beyond 4300 digits)
    tn, scalar, text, _ = summarize(10**10000)
    assert (tn, scalar) == ("int", None) and text.startswith("int (") and "bits" in text


def test_short_string_repr_clipped_but_scalar_exact() -> None:
    s = "é" * 200
    tn, scalar, text, summary = summarize(s)
    assert (tn, scalar, summary) == ("str", s, None)
    assert len(text) == REPR_LIMIT and text.endswith("…")


def test_long_string() -> None:
    s = "x" * 201
    tn, scalar, text, _ = summarize(s)
    assert (tn, scalar) == ("str", None)
    assert len(text) <= REPR_LIMIT and text.startswith("'xxx")
    summary = js(s)
    assert summary == {
        "kind": "str",
        "len": 201,
        "sha256": hashlib.sha256(s.encode()).hexdigest(),
        "hash_kind": "full",
    }


def test_huge_string_sampled_hash() -> None:
    s = "a" * (3 * 1024 * 1024)
    summary = js(s)
    assert summary["hash_kind"] == "sampled" and summary["len"] == len(s)
    changed_head = "b" + s[1:]
    assert js(changed_head)["sha256"] != summary["sha256"]
    assert js("a" * (3 * 1024 * 1024))["sha256"] == summary["sha256"]


def test_bytes() -> None:
    tn, scalar, text, _ = summarize(b"ab\x00")
    assert (tn, scalar, text) == ("bytes", None, "b'ab\\x00'")
    assert js(b"ab\x00") == {
        "kind": "bytes",
        "len": 3,
        "sha256": hashlib.sha256(b"ab\x00").hexdigest(),
        "hash_kind": "full",
    }
    assert summarize(bytearray(b"xy"))[0] == "bytearray"
    assert js(bytearray(b"xy"))["kind"] == "bytes"


def test_known_types_use_repr() -> None:
    assert summarize(1 + 2j) == ("complex", None, "(1+2j)", None)
    assert summarize(datetime.date(2020, 1, 2)) == ("datetime.date", None, "datetime.date(2020, 1, 2)", None)
    assert summarize(decimal.Decimal("1.5")) == ("decimal.Decimal", None, "Decimal('1.5')", None)
    assert summarize(fractions.Fraction(1, 3)) == ("fractions.Fraction", None, "Fraction(1, 3)", None)
    u = uuid.UUID(int=5)
    assert summarize(u) == ("uuid.UUID", None, repr(u), None)
    path = pathlib.PurePosixPath("/tmp/x")
    assert summarize(path)[2] == "PurePosixPath('/tmp/x')"
    assert summarize(datetime.timedelta(days=1))[2] == "datetime.timedelta(days=1)"
    assert summarize(range(3)) == ("range", None, "range(0, 3)", None)


def test_enum_member() -> None:
    class Color(enum.Enum):
        RED = 1

        def __repr__(self) -> str:  # never used
            raise AssertionError("repr called")

    tn, scalar, text, _ = summarize(Color.RED)
    assert tn.endswith("test_enum_member.<locals>.Color")
    assert (scalar, text) == (None, "<Color.RED: 1>")
    assert js(Color.RED) == {"kind": "scalar", "name": "RED", "value": 1}


# ------------------------------------------------------------------------------------------- numpy


def test_numpy_scalars_become_python_values() -> None:
    for value, expected_type, expected in [
        (np.float64(2.5), float, 2.5),
        (np.float32(0.5), float, 0.5),
        (np.int64(3), int, 3),
        (np.uint8(7), int, 7),
        (np.bool_(True), bool, True),
        (np.str_("hi"), str, "hi"),
    ]:
        tn, scalar, text, _ = summarize(value)
        assert tn == f"numpy.{type(value).__name__}"
        assert type(scalar) is expected_type and scalar == expected
        assert text == repr(expected)
    assert js(np.float64(2.5)) == {"kind": "scalar", "dtype": "float64"}
    tn, scalar, text, _ = summarize(np.float64("nan"))
    assert type(scalar) is float and math.isnan(scalar)
    assert summarize(np.datetime64("2020-01-01"))[1:3] == (None, "2020-01-01")


def test_ndarray_summary() -> None:
    a = np.arange(6, dtype=np.float64).reshape(2, 3)
    tn, scalar, text, _ = summarize(a)
    assert (tn, scalar, text) == ("numpy.ndarray", None, "ndarray float64 (2, 3)")
    summary = js(a)
    assert summary["kind"] == "ndarray"
    assert summary["shape"] == [2, 3]
    assert summary["dtype"] == "float64"
    assert summary["nbytes"] == 48
    assert summary["sha256"] == hashlib.sha256(a.tobytes()).hexdigest()
    assert summary["hash_kind"] == "full"
    assert summary["stats"] == {"min": 0.0, "max": 5.0, "mean": 2.5, "std": pytest.approx(np.std(a)), "nan_count": 0}
    assert summary["preview"] == ["0.0", "1.0", "2.0", "3.0", "4.0"]


def test_ndarray_hash_equality() -> None:
    a = np.random.default_rng(0).random((50, 4))
    b = a.copy()
    assert js(a)["sha256"] == js(b)["sha256"]
    # same values in a different memory layout hash the same
    assert js(np.asfortranarray(a))["sha256"] == js(a)["sha256"]
    b[10, 2] += 1.0
    assert js(a)["sha256"] != js(b)["sha256"]


def test_ndarray_int_stats_and_nan() -> None:
    stats = js(np.array([3, -1, 10], dtype=np.int32))["stats"]
    assert stats["min"] == -1 and stats["max"] == 10 and isinstance(stats["min"], int)
    assert stats["mean"] == pytest.approx(4.0)
    stats = js(np.array([1.0, np.nan, 3.0]))["stats"]
    assert stats == {"min": 1.0, "max": 3.0, "mean": 2.0, "std": 1.0, "nan_count": 1}


def test_numeric_stats_are_numpys_mean_and_std_exactly() -> None:
    from provbridge.capture.values.arrays import numeric_stats
    from provbridge.capture.values.text import jfloat

    rng = np.random.default_rng(7)
    cases = [
        rng.standard_normal(1000) * 1e6 + 3.3, rng.standard_normal((30, 40)).T,
        rng.standard_normal((7, 9, 11))[:, ::2, 1:],
        rng.standard_normal(50_000).astype(np.float32), rng.standard_normal(999).astype(np.float16),
        rng.integers(-5, 5, 1001), rng.integers(0, 2**62, 999).astype(np.uint64), np.array([2**63 - 1, 2**63 - 2]),
        np.array([1.0, np.nan, 3.0, np.nan]), np.array([np.inf, 1.0, np.nan]), np.array([1e308, 1e308]),
    ]
    for x in cases:
        y = x[~np.isnan(x)] if x.dtype.kind == "f" and np.isnan(x).any() else x  # as numpy, on x itself
        with np.errstate(all="ignore"):
            expected = {
                "min": jfloat(float(y.min())) if x.dtype.kind == "f" else int(y.min()),
                "max": jfloat(float(y.max())) if x.dtype.kind == "f" else int(y.max()),
                "mean": jfloat(float(np.mean(y, dtype=np.float64))),
                "std": jfloat(float(np.std(y, dtype=np.float64))),
                "nan_count": int(x.size - y.size),
            }
        assert repr(numeric_stats(np, x)) == repr(expected), x.dtype  # repr: nan == nan, -0.0 != 0.0


def test_non_finite_values_produce_valid_json() -> None:
    summary = js(np.array([1.0, np.inf, -np.inf]))
    assert summary["stats"]["max"] == "inf" and summary["stats"]["min"] == "-inf"
    assert summary["stats"]["mean"] == "nan"
    assert summary["preview"] == ["1.0", "inf", "-inf"]
    summary = js(np.array([np.nan, np.nan]))
    assert summary["stats"]["nan_count"] == 2 and summary["stats"]["min"] is None
    assert js([float("nan"), 1])["preview"] == ["nan", "1"]
    est = js(LinearRegression(tol=float("inf")))
    assert est["params"]["tol"] == "inf"


def test_ndarray_object_and_strings() -> None:
    summary = js(np.array(["a", "bc"]))
    assert summary["dtype"] == "<U2" and "sha256" in summary and "stats" not in summary
    assert summary["preview"] == ["'a'", "'bc'"]

    class Thing:
        pass

    summary = js(np.array([Thing(), 1], dtype=object))
    assert summary["dtype"] == "object" and "sha256" not in summary
    assert summary["preview"][0].endswith("Thing>")


def test_huge_array_sampled_fast() -> None:
    big = np.zeros(200_000_000, dtype=np.uint8)
    start = time.perf_counter()
    tn, scalar, text, _ = summarize(big)
    elapsed = time.perf_counter() - start
    assert (tn, scalar, text) == ("numpy.ndarray", None, "ndarray uint8 (200000000,)")
    summary = js(big)
    assert summary["hash_kind"] == "sampled"
    assert summary["nbytes"] == 200_000_000
    assert summary["stats"]["max"] == 0
    assert elapsed < 5.0  # about 3 ms in practice; generous for slow CI
    # the sample covers the tail, middle blocks and head; deterministic
    assert js(big)["sha256"] == summary["sha256"]
    big[-1] = 1
    assert js(big)["sha256"] != summary["sha256"]
    big[-1] = 0
    big[0] = 1
    assert js(big)["sha256"] != summary["sha256"]


def test_large_non_contiguous_array_sampled_same_as_contiguous() -> None:
    a = np.arange(FULL_HASH_LIMIT // 8 * 2, dtype=np.float64).reshape(2, -1)
    f = np.asfortranarray(a)
    assert not f.flags.c_contiguous
    sa, sf = js(a), js(f)
    assert sa["hash_kind"] == sf["hash_kind"] == "sampled"
    assert sa["sha256"] == sf["sha256"]
    assert sa["stats"] == sf["stats"]


def test_ndarray_subclass() -> None:
    m = np.ma.masked_array([1.0, 2.0], mask=[False, True])
    tn, _, text, _ = summarize(m)
    assert tn == "numpy.ma.MaskedArray"
    assert text == "MaskedArray float64 (2,)"
    assert js(m)["kind"] == "ndarray"


# ------------------------------------------------------------------------------------------ pandas


def test_dataframe() -> None:
    df = pd.DataFrame({"a": [1, 2, 3], "b": [0.5, np.nan, 1.5], "c": ["x", "y", "z"]})
    tn, scalar, text, _ = summarize(df)
    assert tn == f"{type(df).__module__}.DataFrame"
    assert (scalar, text) == (None, "DataFrame (3, 3)")
    summary = js(df)
    assert summary["kind"] == "dataframe"
    assert summary["shape"] == [3, 3]
    assert summary["columns"] == ["a", "b", "c"]
    assert summary["dtypes"] == [str(d) for d in df.dtypes]
    assert summary["nbytes"] == int(df.memory_usage(index=True, deep=False).sum())
    assert summary["hash_kind"] == "full"
    assert summary["stats"]["a"] == {
        "min": 1,
        "max": 3,
        "mean": 2.0,
        "std": pytest.approx(np.std([1, 2, 3])),
        "nan_count": 0,
    }
    assert summary["stats"]["b"]["nan_count"] == 1 and summary["stats"]["b"]["max"] == 1.5
    assert "c" not in summary["stats"]
    assert js(df.copy())["sha256"] == summary["sha256"]
    changed = df.copy()
    changed.loc[1, "c"] = "q"
    assert js(changed)["sha256"] != summary["sha256"]
    renamed = df.rename(columns={"a": "A"})
    assert js(renamed)["sha256"] != summary["sha256"]


def test_dataframe_columns_bounded() -> None:
    df = pd.DataFrame(np.zeros((2, 80)), columns=[f"c{i}" for i in range(80)])
    summary = js(df)
    assert len(summary["columns"]) == 50 and len(summary["dtypes"]) == 50 and len(summary["stats"]) == 50
    assert summary["shape"] == [2, 80]


def test_large_dataframe_sampled() -> None:
    df = pd.DataFrame(np.zeros((1_200_000, 2)), columns=["x", "y"])
    summary = js(df)
    assert summary["hash_kind"] == "sampled" and summary["shape"] == [1_200_000, 2]
    df.iloc[-1, 0] = 1.0
    assert js(df)["sha256"] != summary["sha256"]


def test_dataframe_with_user_objects_not_hashed_and_str_not_called() -> None:
    calls: list[str] = []

    class Obj:
        def __str__(self) -> str:
            calls.append("str")
            return "obj"

        def __repr__(self) -> str:
            calls.append("repr")
            return "obj"

    df = pd.DataFrame({"o": [Obj(), Obj()]})
    categorical = pd.DataFrame({"c": pd.Categorical([Obj(), Obj()])})
    by_index = pd.Series([1, 2], index=[Obj(), Obj()])
    multi = pd.DataFrame({"x": [1, 2]}, index=pd.MultiIndex.from_tuples([(Obj(), 1), (Obj(), 2)]))
    calls.clear()
    summary = js(df)
    assert "sha256" not in summary and summary["shape"] == [2, 1]
    assert js(df["o"])["kind"] == "series"
    for frame in (categorical, by_index, multi):
        summary = js(frame)
        assert "sha256" not in summary and summary["kind"] in ("dataframe", "series")
    assert calls == []
    # the safe cases are hashed
    assert "sha256" in js(pd.DataFrame({"x": [1]}, index=pd.MultiIndex.from_tuples([("a", 1)])))
    assert "sha256" in js(pd.DataFrame({"c": pd.Categorical(["a", "b"])}))
    assert "sha256" in js(pd.Series(["a", None, 1.5], dtype=object))


def test_series() -> None:
    s = pd.Series([1.0, 2.0, 4.0], name="w")
    tn, scalar, text, _ = summarize(s)
    assert tn == f"{type(s).__module__}.Series"
    assert (scalar, text) == (None, "Series 'w' float64 (3,)")
    summary = js(s)
    assert summary["kind"] == "series" and summary["len"] == 3 and summary["dtype"] == "float64"
    assert summary["name"] == "w"
    assert summary["preview"] == ["1.0", "2.0", "4.0"]
    assert summary["stats"]["max"] == 4.0
    assert js(s.copy())["sha256"] == summary["sha256"]
    assert js(s * 2)["sha256"] != summary["sha256"]


def test_pandas_scalars() -> None:
    ts = pd.Timestamp("2020-01-01")
    assert summarize(ts)[2] == "Timestamp('2020-01-01 00:00:00')"
    assert summarize(pd.NA)[2] == "<NA>"


# -------------------------------------------------------------------------------------- estimators


def test_sklearn_estimator_params() -> None:
    est = LinearRegression(fit_intercept=False)
    tn, scalar, text, _ = summarize(est)
    assert tn == "sklearn.linear_model._base.LinearRegression"
    assert scalar is None
    assert text.startswith("LinearRegression(") and "fit_intercept=False" in text
    summary = js(est)
    assert summary["kind"] == "estimator"
    assert summary["params"] == {k: v for k, v in est.get_params(deep=False).items()}
    assert summary["fitted"] == {}


def test_sklearn_fitted_estimator() -> None:
    x = np.arange(20, dtype=float).reshape(10, 2)
    y = x @ np.array([1.0, 2.0]) + 3.0
    est = LinearRegression().fit(x, y)
    summary = js(est)
    assert summary["fitted"]["coef_"] == "ndarray float64 (2,)"
    assert summary["fitted"]["intercept_"] == pytest.approx(est.intercept_)
    assert summary["fitted"]["n_features_in_"] == 2
    again = js(LinearRegression().fit(x, y))
    assert again["sha256"] == summary["sha256"]
    assert js(LinearRegression().fit(x, y + 1))["sha256"] != summary["sha256"]
    assert js(LinearRegression())["sha256"] != summary["sha256"]


# -------------------------------------------------------------------------------------- containers


def test_list_summary_and_repr() -> None:
    lst = list(range(1, 11))
    tn, scalar, text, _ = summarize(lst)
    assert (tn, scalar) == ("list", None)
    assert text == "list len=10 [1, 2, 3, 4, 5, …]"
    summary = js(lst)
    assert summary["kind"] == "container" and summary["len"] == 10
    assert summary["preview"] == ["1", "2", "3", "4", "5"]
    assert summary["hash_kind"] == "full"
    assert js(list(range(1, 11)))["sha256"] == summary["sha256"]
    assert js([*range(1, 10), 11])["sha256"] != summary["sha256"]
    assert js(tuple(lst))["sha256"] != summary["sha256"]


def test_container_hash_types_distinguished() -> None:
    assert js([1])["sha256"] != js([1.0])["sha256"] != js([True])["sha256"]
    assert js(["1"])["sha256"] != js([1])["sha256"]
    assert js([[1, 2], 3])["sha256"] != js([[1], 2, 3])["sha256"]


def test_sets_and_dicts_hash_order_independent() -> None:
    words = [f"w{i}" for i in range(200)]
    a = set(words)
    b = set(reversed(words))
    assert js(a)["sha256"] == js(b)["sha256"]
    assert js(frozenset(words))["sha256"] != js(a)["sha256"]
    assert js({"x": 1, "y": [1, 2]})["sha256"] == js({"y": [1, 2], "x": 1})["sha256"]
    assert js({"x": 1})["sha256"] != js({"x": 2})["sha256"]
    assert summarize({"a": 1, "b": 2})[2] == "dict len=2 {'a': 1, 'b': 2}"


def test_large_or_non_scalar_containers_not_hashed() -> None:
    assert "sha256" not in js(list(range(2000)))
    assert js(list(range(2000)))["len"] == 2000

    class Thing:
        pass

    summary = js([Thing()])
    assert "sha256" not in summary and summary["preview"][0].endswith("Thing>")


def test_recursive_container_does_not_loop() -> None:
    lst: list[object] = [1]
    lst.append(lst)
    tn, _, text, _ = summarize(lst)
    assert tn == "list" and text.startswith("list len=2 [1, ")


def test_nested_preview_bounded() -> None:
    summary = js([["x" * 100] * 3, np.zeros((2, 2))])
    assert all(len(p) <= values.PREVIEW_REPR_LIMIT for p in summary["preview"])
    assert summary["preview"][1] == "ndarray float64 (2, 2)"


# ------------------------------------------------------------------------- user objects: no user code


class Recorder:
    """Every special method records its call; summarize must trigger none of them."""

    calls: list[str] = []

    def __init__(self) -> None:
        self.x = 1
        self.name = "n"
        self.items = [1, 2]

    def __repr__(self) -> str:
        Recorder.calls.append("repr")
        raise RuntimeError("repr")

    def __str__(self) -> str:
        Recorder.calls.append("str")
        raise RuntimeError("str")

    def __eq__(self, other: object) -> bool:
        Recorder.calls.append("eq")
        print("eq called")
        raise RuntimeError("eq")

    def __hash__(self) -> int:
        Recorder.calls.append("hash")
        raise RuntimeError("hash")

    def __len__(self) -> int:
        Recorder.calls.append("len")
        raise RuntimeError("len")

    def __bool__(self) -> bool:
        Recorder.calls.append("bool")
        raise RuntimeError("bool")

    def __iter__(self) -> Any:
        Recorder.calls.append("iter")
        raise RuntimeError("iter")

    def __getattr__(self, name: str) -> Any:
        Recorder.calls.append(f"getattr {name}")
        raise AttributeError(name)

    def __getattribute__(self, name: str) -> Any:
        Recorder.calls.append(f"getattribute {name}")
        return object.__getattribute__(self, name)

    @property
    def __class__(self) -> type:  # type: ignore[override]
        Recorder.calls.append("__class__")
        return int


class RecorderList(list):  # type: ignore[type-arg]
    def __repr__(self) -> str:
        Recorder.calls.append("list repr")
        raise RuntimeError

    def __len__(self) -> int:
        Recorder.calls.append("list len")
        raise RuntimeError

    def __iter__(self) -> Any:
        Recorder.calls.append("list iter")
        raise RuntimeError


def test_user_object_never_runs_user_code(capsys: pytest.CaptureFixture[str]) -> None:
    Recorder.calls.clear()
    obj = object.__new__(Recorder)
    object.__setattr__(obj, "x", 1)
    object.__setattr__(obj, "name", "n")
    object.__setattr__(obj, "items", [1, 2])
    tn, scalar, text, summary_text = summarize(obj)
    assert Recorder.calls == []
    assert tn == f"{__name__}.Recorder"
    assert scalar is None
    assert text == f"<{tn} x=1, name='n', items=list len=2 [1, 2]>"
    assert summary_text is not None
    summary = json.loads(summary_text)
    assert summary["kind"] == "object"
    assert summary["attrs"] == {"x": 1, "name": "n", "items": {"type": "list", "repr": "list len=2 [1, 2]"}}
    # inside containers, arrays, frames, exceptions too (built first: numpy/pandas probe the objects)
    others = [[obj, 1], (obj,), {"k": obj}, {1: [obj]}, ValueError(obj)]
    others += [np.array([obj, obj], dtype=object), pd.Series([obj, obj]), pd.DataFrame({"o": [obj]})]
    Recorder.calls.clear()
    for other in others:
        assert summarize(other)[2] != f"<{summarize(other)[0]}>"  # described, not a fallback
    assert short_repr(obj) == f"<{tn}>"
    assert Recorder.calls == []
    assert capsys.readouterr() == ("", "")


def test_builtin_container_subclass_uses_base_methods() -> None:
    Recorder.calls.clear()
    lst = RecorderList([1, 2, 3])
    tn, scalar, text, _ = summarize(lst)
    assert Recorder.calls == []
    assert tn == f"{__name__}.RecorderList" and scalar is None
    assert text == "RecorderList len=3 [1, 2, 3]"
    assert js(lst)["len"] == 3


def test_user_subclass_of_int_and_str() -> None:
    class MyInt(int):
        def __repr__(self) -> str:
            raise AssertionError

        def __int__(self) -> int:
            raise AssertionError

    class MyStr(str):
        def __str__(self) -> str:
            raise AssertionError

    assert summarize(MyInt(5))[1:3] == (5, "5")
    assert type(summarize(MyInt(5))[1]) is int
    assert summarize(MyStr("ab"))[1:3] == ("ab", "'ab'")


def test_slots_object_and_attrs_bounded() -> None:
    class Point:
        __slots__ = ("x", "y")

        def __init__(self) -> None:
            self.x = 1.5
            self.y = None

    summary = js(Point())
    assert summary["attrs"] == {"x": 1.5, "y": None}
    assert js(Point())["sha256"] == summary["sha256"]

    class Many:
        def __init__(self) -> None:
            for i in range(30):
                setattr(self, f"a{i}", i)

    summary = js(Many())
    assert len(summary["attrs"]) == values.MAX_ATTRS and "sha256" not in summary


def test_duck_typed_estimator_is_a_plain_object() -> None:
    """A user class with get_params/fit is not scikit-learn's: its get_params is never called (issue 16;
    this test used to expect the call and a fallback when it raised)."""

    class Broken:
        def get_params(self, deep: bool = True) -> dict[str, object]:
            raise RuntimeError("boom")

        def fit(self) -> None:
            pass

    tn, scalar, text, summary = summarize(Broken())
    assert tn.endswith("Broken") and scalar is None and text == f"<{tn}>"
    assert summary is not None and json.loads(summary)["kind"] == "object"


def test_never_raises_on_exotic_objects() -> None:
    class Meta(type):
        def __getattribute__(cls, name: str) -> Any:
            raise RuntimeError("meta")

    class Weird(metaclass=Meta):
        pass

    for value in (Weird(), Weird, types.SimpleNamespace(a=1), object(), sys, len, print, iter([1]), (i for i in ())):
        result = summarize(value)
        assert isinstance(result[0], str) and isinstance(result[2], str) and len(result[2]) <= REPR_LIMIT


def test_module_function_class() -> None:
    assert summarize(math)[0:3] == ("module", None, "<module 'math'>")
    assert js(math)["kind"] == "module"
    assert js(np)["version"] == np.__version__
    assert summarize(test_module_function_class)[2] == f"<function {__name__}.test_module_function_class>"
    assert js(len) == {"kind": "function", "name": "len"}
    assert js(Recorder) == {"kind": "class", "name": f"{__name__}.Recorder"}


def test_file_object(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "f.txt"
    with open(path, "w") as handle:
        summary = js(handle)
        assert summary == {"kind": "file", "name": str(path), "mode": "w", "closed": False}


# ------------------------------------------------------------------------------------------- torch


def test_torch_tensor_detected_by_module(monkeypatch: pytest.MonkeyPatch) -> None:
    """A stand-in ``torch`` module: tensors are recognised by module name and summarized via numpy."""

    class Tensor:
        def __init__(self, data: np.ndarray) -> None:
            self.data = data
            self.shape = data.shape
            self.dtype = "torch.float32"
            self.device = "cpu"
            self.requires_grad = False

        def element_size(self) -> int:
            return int(self.data.itemsize)

        def nelement(self) -> int:
            return int(self.data.size)

        def detach(self) -> Tensor:
            return self

        def cpu(self) -> Tensor:
            return self

        def numpy(self) -> np.ndarray:
            return self.data

    Tensor.__module__ = "torch"
    Tensor.__qualname__ = "Tensor"
    fake = types.ModuleType("torch")
    fake.Tensor = Tensor  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "torch", fake)
    t = Tensor(np.ones((2, 3), dtype=np.float32))
    tn, scalar, text, _ = summarize(t)
    assert (tn, scalar, text) == ("torch.Tensor", None, "Tensor float32 (2, 3)")
    summary = js(t)
    assert summary["kind"] == "tensor" and summary["shape"] == [2, 3] and summary["dtype"] == "float32"
    assert summary["sha256"] == hashlib.sha256(np.ones((2, 3), dtype=np.float32).tobytes()).hexdigest()
    assert summary["stats"]["mean"] == 1.0


# ----------------------------------------------------------------------------------------- general


def test_no_heavy_imports() -> None:
    import subprocess

    code = (
        "import sys; from provbridge.capture.values import summarize; "
        "summarize([1, {'a': 2}]); summarize(object()); "
        "print(sorted(m for m in ('numpy', 'pandas', 'torch', 'sklearn') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_short_repr() -> None:
    assert short_repr("abc") == "'abc'"
    assert len(short_repr("x" * 500)) == values.PREVIEW_REPR_LIMIT
    assert short_repr(np.zeros(3)) == "ndarray float64 (3,)"


def test_fast_path_speed() -> None:
    n = 20000
    start = time.perf_counter()
    for _ in range(n):
        summarize(12345)
        summarize(1.5)
        summarize("abc")
    per_call = (time.perf_counter() - start) / (3 * n)
    assert per_call < 20e-6  # ~0.3 us in practice; loose bound for slow machines


def test_dataframe_full_hash_independent_of_block_layout() -> None:
    at_once = pd.DataFrame({"a": np.arange(1000.0), "b": np.ones(1000), "s": ["x"] * 1000})
    one_by_one = pd.DataFrame({"a": np.arange(1000.0)})
    one_by_one["b"] = np.ones(1000)
    one_by_one["s"] = ["x"] * 1000
    assert len(one_by_one._mgr.blocks) != len(at_once._mgr.blocks)
    assert js(one_by_one)["sha256"] == js(at_once)["sha256"]
    assert js(at_once)["hash_kind"] == "full"
    changed = at_once.copy()
    changed.iloc[500, 1] = 2.0
    assert js(changed)["sha256"] != js(at_once)["sha256"]
    reindexed = at_once.set_axis(np.arange(1, 1001))
    assert js(reindexed)["sha256"] != js(at_once)["sha256"]


def test_final_summary_of_large_values_keeps_sample_stats() -> None:
    from provbridge.capture.values import summarize_final

    a = np.random.default_rng(1).random(FULL_HASH_LIMIT // 4)
    df = pd.DataFrame({"a": a})
    for value in (a, df):
        recorded, final = js(value), json.loads(summarize_final(value)[3] or "")
        assert (recorded["hash_kind"], final["hash_kind"]) == ("sampled", "full")
        assert final["stats"] == recorded["stats"]  # the exact hash does not change the stats
    assert json.loads(summarize_final(a)[3] or "")["sha256"] == hashlib.sha256(a.tobytes()).hexdigest()


def test_decimal_items_are_plain_data_without_importing_decimal_at_start_up(tmp_path: pathlib.Path) -> None:
    import subprocess

    frame = pd.DataFrame({"d": [decimal.Decimal("1.5"), decimal.Decimal("2")] * 3})
    assert "sha256" in js(frame)  # Decimal items are hashed (safe_item_types: decimal is imported)
    script = tmp_path / "script.py"
    script.write_text("import sys\nprint(sorted(m for m in ('decimal', 'getpass') if m in sys.modules))\n")
    out = subprocess.run([sys.executable, "-m", "provbridge", "run", "-q", str(script)], cwd=tmp_path,
                         capture_output=True, text=True, check=True, env={**os.environ, "USER": "someone"}).stdout
    assert out.strip() == "[]"  # neither is imported by a run before the program
