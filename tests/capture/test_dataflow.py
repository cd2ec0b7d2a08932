"""Exact backward dependencies of scripts captured with `provbridge run`, construct by construct."""

from __future__ import annotations

import pytest

from tests.conftest import Project, names


def deps(project: Project, source: str, target: str, granularity: int = 0) -> set[str]:
    trial = project.capture(source, "--granularity", str(granularity))
    assert trial.status == "finished", trial.traceback
    return names(trial.backward(target, granularity=0))


@pytest.mark.parametrize("granularity", [0, 1])
def test_arithmetic_chain_excludes_unrelated(project: Project, granularity: int) -> None:
    src = """
    a = 1
    b = 2
    unrelated = 99
    c = a + b
    d = c * 2
    """
    assert deps(project, src, "d", granularity) == {"a", "b", "c"}


def test_method_call_statement_mutates_receiver(project: Project) -> None:
    src = """
    lst = []
    x = 5
    other = 7
    lst.append(x)
    y = len(lst)
    """
    trial = project.capture(src)
    assert names(trial.backward("y")) == {"lst", "x"}
    lst = trial.versions("lst")
    assert [v.kind for v in lst] == ["assign", "mutate"]
    assert {s.id for s in trial.sources(lst[1].id)} == {lst[0].id, trial.latest("x").id}


def test_item_attribute_augmented_and_del(project: Project) -> None:
    src = """
    class Box:
        pass
    d = {}
    k = "a"
    v = 3
    d[k] = v
    o = Box()
    val = 7
    o.attr = val
    t = 1
    s = 2
    t += s
    e = {"a": 1, "b": 2}
    del e["a"]
    out_d = d["a"]
    out_o = o.attr
    out_t = t
    out_e = len(e)
    """
    trial = project.capture(src)
    assert names(trial.backward("out_d")) == {"d", "k", "v"}
    assert names(trial.backward("out_o")) == {"o", "Box", "val"}
    assert names(trial.backward("out_t")) == {"t", "s"}
    assert names(trial.backward("out_e")) == {"e"}
    assert [v.kind for v in trial.versions("e")] == ["assign", "mutate"]


def test_for_with_import_bindings(project: Project) -> None:
    project.write("input.txt", "hello\n")
    src = """
    import math
    xs = [1, 4, 9]
    acc = 0
    for x in xs:
        acc = acc + math.sqrt(x)
    with open("input.txt") as f:
        content = f.read()
    """
    trial = project.capture(src)
    assert names(trial.backward("acc")) == {"acc", "x", "xs", "math"}
    back = trial.backward("content")
    assert names(back) == {"f"}
    files = [v for v in back if v.kind == "file"]
    assert [f.name for f in files] == [str(project.root / "input.txt")]


def test_comprehension_scope_and_walrus(project: Project) -> None:
    src = """
    i = 99
    n = 10
    ys = [n * i for i in range(3)]
    data = [1, 2, 3]
    if (m := len(data)) > 2:
        big = m
    """
    trial = project.capture(src)
    assert names(trial.backward("ys")) == {"n"}
    assert names(trial.backward("big")) == {"m", "data"}
    assert trial.latest("m").kind == "walrus"


def test_tuple_unpacking_and_starred(project: Project) -> None:
    src = """
    a, b, c = 1, 2, 3
    p, *rest = [a, b, c]
    (q, r), s = (a, b), c
    u = rest
    """
    trial = project.capture(src)
    assert names(trial.backward("u")) == {"rest", "a", "b", "c"}
    assert trial.latest("rest").summary["len"] == 2
    assert names(trial.backward("q")) == {"a", "b", "c"}


@pytest.mark.parametrize("granularity", [0, 1])
def test_function_globals_reach_callers(project: Project, granularity: int) -> None:
    src = """
    counter = 0
    k = 3
    def inc():
        global counter
        counter = counter + k
    inc()
    inc()
    final = counter
    """
    trial = project.capture(src, "--granularity", str(granularity))
    assert trial.latest("final").value == 6
    assert {"counter", "k"} <= names(trial.backward("final", granularity=0))
    assert [v.value for v in trial.versions("counter")] == [0, 3, 6]


def test_granularity_one_records_calls_inside_functions(project: Project) -> None:
    src = """
    def g(x):
        y = x * 2
        return y
    def f(x):
        a = g(x)
        return a + 1
    seed = 4
    r = f(seed)
    """
    trial = project.capture(src, "--granularity", "1")
    calls = trial.executions("call")
    assert [c.name for c in calls] == ["f", "g"]  # in the order they started
    assert trial.latest("r").value == 9
    full = {(v.name, v.scope) for v in trial.backward("r", granularity=1)}
    assert {
        ("seed", "<module>"),
        ("f", "<module>"),
        ("x", "f"),
        ("a", "f"),
        ("return", "f"),
        ("x", "g"),
        ("y", "g"),
        ("return", "g"),
        ("g", "<module>"),
    } <= full
    assert names(trial.backward("r", granularity=0)) == {"seed", "f", "g"}
    # the call of f is part of the statement that made it
    stmt = {e.id: e for e in trial.executions("statement")}
    f_call = next(c for c in calls if c.name == "f")
    assert stmt[f_call.parent].text == "r = f(seed)"


def test_lambda_class_body_exception_and_match(project: Project) -> None:
    src = """
    k2 = 5
    fn = lambda v: v + k2
    w = fn(1)
    base = 1
    class K:
        attr = base
    try:
        1 / 0
    except ZeroDivisionError as err:
        msg = str(err)
    point = (1, 2)
    match point:
        case (px, py):
            total = px + py
    """
    trial = project.capture(src)
    assert names(trial.backward("w")) == {"fn", "k2"}
    assert names(trial.backward("K")) == {"base"}
    assert names(trial.backward("msg")) == {"err"}
    assert names(trial.backward("total")) == {"px", "py", "point"}
    assert trial.latest("total").value == 3


def test_linear_regression_closure(project: Project) -> None:
    pytest.importorskip("sklearn")
    project.write("data.csv", "\n".join(f"{i},{i % 7},{i * 0.5},{2 * i + 1}" for i in range(60)) + "\n")
    src = """
    import numpy as np
    from sklearn.linear_model import LinearRegression
    from sklearn.model_selection import train_test_split
    data = np.loadtxt("data.csv", delimiter=",")
    y = data[:, 3]
    X = data[:, 2:3]
    noise = np.ones(3)
    xtrain, xtest, ytrain, ytest = train_test_split(X, y, test_size=0.33, random_state=32)
    regr = LinearRegression()
    regr.fit(xtrain, ytrain)
    pred = regr.predict(xtest)
    """
    trial = project.capture(src)
    back = trial.backward("pred")
    assert names(back) == {
        "xtest",
        "regr",
        "xtrain",
        "ytrain",
        "X",
        "y",
        "data",
        "np",
        "LinearRegression",
        "train_test_split",
    }
    assert "noise" not in names(back) and "ytest" not in names(back)
    files = [v for v in back if v.kind == "file"]
    assert [f.name for f in files] == [str(project.root / "data.csv")]
    regr = trial.versions("regr")
    assert [v.kind for v in regr] == ["assign", "mutate"]
    assert regr[1].summary["params"]["fit_intercept"] is True
    assert trial.latest("pred").summary["shape"] == [20]


def test_user_modules_are_instrumented_at_level_one_only(project: Project) -> None:
    project.write("helpers.py", """
        FACTOR = 10
        def scale(v):
            scaled = v * FACTOR
            return scaled
    """)
    src = """
    import json
    from helpers import scale
    base = 4
    out = scale(base)
    text = json.dumps(out)
    """
    trial = project.capture(src, "--granularity", "1")
    assert trial.latest("out").value == 40
    inner = {(v.name, v.scope) for v in trial.backward("out", granularity=1)}
    assert {("v", "helpers.scale"), ("scaled", "helpers.scale"), ("FACTOR", "<module helpers>"),
            ("base", "<module>")} <= inner
    assert [c.name for c in trial.executions("call")] == ["helpers.scale"]  # json's internals never
    modules = [e.name for e in trial.executions("module")]
    assert modules == ["__main__", "helpers"]
    level0 = project.capture(src)
    assert level0.executions("call") == [] and [e.name for e in level0.executions("module")] == ["__main__"]


def test_large_values_sampled_while_recording_and_final_values_hashed_in_full(project: Project) -> None:
    np = pytest.importorskip("numpy")
    src = """
    import numpy as np
    big = np.arange(500_000, dtype=np.float64)
    doubled = big * 2
    big = big + 1
    for k in range(30):
        acc = doubled + k
    """
    trial = project.capture(src)
    first, last = trial.versions("big")
    assert first.summary["hash_kind"] == "sampled" and first.summary["shape"] == [500_000]
    assert last.summary["hash_kind"] == "full"
    assert last.summary["sha256"] == __import__("hashlib").sha256((np.arange(500_000.0) + 1).tobytes()).hexdigest()
    folded = trial.latest("acc")
    assert folded.count == 20 and folded.summary["hash_kind"] == "full"
    assert folded.summary["stats"]["max"] == 2 * 499_999 + 29
    # the final arrays are hashed in full two at a time before their summaries are written: same hashes
    sha = __import__("hashlib").sha256
    assert folded.summary["sha256"] == sha((np.arange(500_000.0) * 2 + 29).tobytes()).hexdigest()
    assert trial.latest("doubled").summary["sha256"] == sha((np.arange(500_000.0) * 2).tobytes()).hexdigest()
