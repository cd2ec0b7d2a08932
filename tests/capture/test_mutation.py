"""In-place changes (user functions at any depth, method receivers anywhere, library functions) make new
versions of the caller-visible variables; calls of module functions never make the module a version."""

from __future__ import annotations

import pytest

from tests.conftest import Project, names

LEVELS = pytest.mark.parametrize("granularity", [0, 1])


def capture(project: Project, source: str, granularity: int) -> object:
    trial = project.capture(source, "--granularity", str(granularity))
    assert trial.status == "finished", trial.traceback
    return trial


def deps(trial: object, target: str) -> set[str]:
    return names(trial.backward(target, granularity=0))  # type: ignore[attr-defined]


def kinds(trial: object, name: str) -> list[str]:
    return [v.kind for v in trial.versions(name)]  # type: ignore[attr-defined]


@LEVELS
def test_user_function_changes_its_argument(project: Project, granularity: int) -> None:
    src = """
    factor = 3
    unused_global = 42
    def never_called():
        return unused_global
    def clean(frame):
        frame["c"] = frame["a"] * factor
        frame.update(seen=True)
    df = {"a": 2}
    decoy = {"a": 5}
    clean(df)
    out = df["c"]
    """
    trial = capture(project, src, granularity)
    assert deps(trial, "out") == {"df", "clean", "factor"}
    assert kinds(trial, "df") == ["assign", "mutate"]
    assert kinds(trial, "decoy") == ["assign"]
    assert trial.latest("df").summary["len"] == 3


@LEVELS
def test_change_passed_down_through_a_helper(project: Project, granularity: int) -> None:
    src = """
    tag = "z"
    weight = 7
    ignored = 1
    def add(reg, k, v):
        reg[k] = v
    def outer(x):
        add(x, tag, weight)
    def unrelated(y):
        return y + ignored
    registry = {}
    outer(registry)
    n = unrelated(2)
    out = len(registry)
    """
    trial = capture(project, src, granularity)
    assert deps(trial, "out") == {"registry", "outer", "add", "tag", "weight"}
    assert kinds(trial, "registry") == ["assign", "mutate"]


@LEVELS
def test_function_changes_module_names_in_place(project: Project, granularity: int) -> None:
    src = """
    log = []
    registry = {}
    key = "k"
    other = 5
    def record(v):
        log.append(v)
        registry[key] = v
    item = 4
    record(item)
    out_log = len(log)
    out_reg = registry["k"]
    """
    trial = capture(project, src, granularity)
    # level 0: the opaque call read every module name `record` reads; level 1: each statement its own
    opaque = {"registry", "key"} if granularity == 0 else set()
    assert deps(trial, "out_log") == {"log", "record", "item"} | opaque
    assert deps(trial, "out_reg") == {"registry", "record", "item", "key"} | ({"log"} if granularity == 0 else set())
    assert kinds(trial, "log")[-1] == "mutate" and kinds(trial, "registry")[-1] == "mutate"
    assert trial.latest("log").summary["len"] == 1


@LEVELS
def test_augmented_assignment_on_a_parameter(project: Project, granularity: int) -> None:
    pytest.importorskip("numpy")
    src = """
    import numpy as np
    k = 2.0
    n = 5
    def scale(arr, by):
        arr *= by
    def bump(count):
        count += 1
        return count
    a = np.ones(3)
    scale(a, k)
    m = bump(n)
    out = a.sum()
    """
    trial = capture(project, src, granularity)
    assert deps(trial, "out") == {"a", "np", "k", "scale"}
    assert kinds(trial, "a") == ["assign", "mutate"]
    assert kinds(trial, "n") == ["assign"]  # an int is never changed in place
    assert trial.latest("a").summary["stats"]["max"] == 2.0


@LEVELS
def test_parameter_rebound_to_a_copy_is_not_the_callers(project: Project, granularity: int) -> None:
    src = """
    def prepare(frame):
        frame = dict(frame)
        frame["x"] = 1
        return frame
    raw = {"a": 1}
    ready = prepare(raw)
    """
    trial = capture(project, src, granularity)
    assert kinds(trial, "raw") == ["assign"]


@LEVELS
def test_method_call_anywhere_in_a_statement_changes_its_receiver(project: Project, granularity: int) -> None:
    src = """
    class Scaler:
        def fit_transform(self, data):
            self.m = max(data)
            return [v / self.m for v in data]
        def transform(self, data):
            return [v / self.m for v in data]
    class Model:
        def fit(self, X, y):
            self.w = sum(y) / sum(X)
            return self
        def predict(self, X):
            return [self.w * x for x in X]
    train = [1, 2, 4]
    test = [3]
    sc = Scaler()
    z = sc.fit_transform(train)
    w = sc.transform(test)
    X = [1, 2]
    y = [2, 4]
    model = Model()
    pred = model.fit(X, y).predict(X)
    later = model.predict(test)
    """
    trial = capture(project, src, granularity)
    assert deps(trial, "w") == {"sc", "Scaler", "train", "test"}
    assert kinds(trial, "sc") == ["assign", "mutate"]  # transform is read-only: no third version
    assert deps(trial, "later") == {"model", "Model", "X", "y", "test"}
    assert kinds(trial, "model") == ["assign", "mutate"]


def test_read_only_and_inplace_methods(project: Project) -> None:
    pytest.importorskip("pandas")
    src = """
    import pandas as pd
    df = pd.DataFrame({"a": [1.0, None]})
    filled = df.fillna(0)
    m = df.mean()
    fill = 5
    df.fillna(fill, inplace=True)
    text = "a,b"
    parts = text.split(",")
    """
    trial = project.capture(src)
    assert kinds(trial, "df") == ["assign", "mutate"]
    assert "fill" in deps(trial, "df")
    assert kinds(trial, "text") == ["assign"]


def test_library_functions_that_change_an_argument(project: Project) -> None:
    pytest.importorskip("numpy")
    src = """
    import random
    import heapq
    import bisect
    import numpy as np
    from random import shuffle
    order = [3, 1, 2]
    random.shuffle(order)
    out_order = list(order)
    items = [5, 4]
    shuffle(items)
    out_items = items[0]
    a = np.arange(5)
    np.random.shuffle(a)
    out_a = a.sum()
    rng = np.random.default_rng(0)
    b = np.arange(4)
    rng.shuffle(b)
    out_b = b.sum()
    dst = np.zeros(3)
    src = np.ones(3)
    np.copyto(dst, src)
    out_dst = dst.sum()
    h = []
    x = 4
    heapq.heappush(h, x)
    out_h = h[0]
    sl = [1, 5]
    y = 3
    bisect.insort(sl, y)
    out_sl = sl[1]
    d = {}
    more = {"k": 1}
    dict.update(d, more)
    out_d = len(d)
    lst = []
    v = 8
    list.append(lst, v)
    out_lst = lst[0]
    z = np.zeros(3)
    ones = np.ones(3)
    np.add(ones, 1, out=z)
    out_z = z.sum()
    """
    trial = project.capture(src)
    expected = {
        "out_order": {"order", "random"}, "out_items": {"items", "shuffle"}, "out_a": {"a", "np"},
        "out_b": {"b", "rng", "np"}, "out_dst": {"dst", "src", "np"}, "out_h": {"h", "x", "heapq"},
        "out_sl": {"sl", "y", "bisect"}, "out_d": {"d", "more"}, "out_lst": {"lst", "v"},
        "out_z": {"z", "ones", "np"},
    }
    assert {name: deps(trial, name) for name in expected} == expected
    for name in ("order", "items", "a", "b", "dst", "h", "sl", "d", "lst", "z"):
        assert kinds(trial, name)[-1] == "mutate", name
    assert kinds(trial, "src") == ["assign"] and kinds(trial, "more") == ["assign"]


@LEVELS
def test_module_function_calls_never_change_the_module(project: Project, granularity: int) -> None:
    src = """
    import os
    import os.path as osp
    import json
    logdir = "logs"
    secret = "s3cr3t"
    os.makedirs(logdir, exist_ok=True)
    json.dumps(secret)
    for name in ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l"]:
        os.path.join(logdir, name)
    joined = os.path.join("x", "y")
    other = osp.join("x", "z")
    text = json.dumps({"a": 1})
    """
    trial = capture(project, src, granularity)
    assert deps(trial, "joined") == {"os"}
    assert deps(trial, "other") == {"osp"}
    assert deps(trial, "text") == {"json"}
    assert kinds(trial, "os") == ["import"] and kinds(trial, "json") == ["import"]


@LEVELS
def test_mutation_in_a_loop_is_folded(project: Project, granularity: int) -> None:
    src = """
    step = 2
    def push(acc, v):
        acc.append(v * step)
    acc = []
    for i in range(50):
        push(acc, i)
    total = sum(acc)
    """
    trial = project.capture(src, "--granularity", str(granularity), "--fold", "5")
    assert deps(trial, "total") == {"acc", "i", "push", "step"}
    module_acc = [v for v in trial.versions("acc") if v.scope == "<module>"]
    assert len(module_acc) <= 8
    assert module_acc[-1].summary["len"] == 50


@LEVELS
def test_method_deleting_its_own_receiver(project: Project, granularity: int) -> None:
    src = """
    class A:
        def go(self):
            global a
            del a
    a = A()
    a.go()
    print("alive", "a" in globals())
    """
    project.write("script.py", src)
    plain = project.python("script.py")
    captured = project.run("run", "-q", "--granularity", str(granularity), "script.py", check=False)
    assert (captured.returncode, captured.stdout, captured.stderr) == (0, "alive False\n", "")
    assert (plain.returncode, plain.stdout, plain.stderr) == (0, "alive False\n", "")


@LEVELS
def test_function_of_a_user_module_changes_its_argument(project: Project, granularity: int) -> None:
    project.write("helpers.py", """
        LIMIT = 10
        def clip(values):
            for i, v in enumerate(values):
                values[i] = min(v, LIMIT)
        def total(values):
            return sum(values)
    """)
    src = """
    from helpers import clip, total
    data = [5, 50]
    other = [1]
    clip(data)
    s = total(other)
    out = data[1]
    """
    trial = capture(project, src, granularity)
    assert kinds(trial, "data") == ["assign", "mutate"]
    assert kinds(trial, "other") == ["assign"]
    assert trial.latest("out").value == 10
    assert deps(trial, "out") == {"data", "clip"}
    if granularity:  # the module's own variable, read by the changing statement inside clip
        full = {(v.name, v.scope) for v in trial.backward("out", granularity=1)}  # type: ignore[attr-defined]
        assert ("LIMIT", "<module helpers>") in full and ("values", "helpers.clip") in full


@LEVELS
def test_finding_what_changes_runs_no_user_code(project: Project, granularity: int) -> None:
    src = """
    class Sneaky:
        def __getattr__(self, name):
            print("getattr", name)
            return lambda *a: None
        def __hash__(self):
            print("hash")
            return 1
        def __eq__(self, other):
            print("eq")
            return False
        def run(self, data):
            data.append(1)
    obj = Sneaky()
    data = []
    obj.run(data)
    obj.missing(data)
    fn = obj.run
    fn(data)
    print(len(data))
    """
    project.write("script.py", src)
    plain = project.python("script.py")
    captured = project.run("run", "-q", "--granularity", str(granularity), "script.py", check=False)
    assert (captured.returncode, captured.stdout, captured.stderr) == (plain.returncode, plain.stdout, plain.stderr)
    assert plain.stdout == "getattr missing\n2\n"
    trial = project.store().trial("last")
    assert kinds(trial, "data")[-1] == "mutate"
