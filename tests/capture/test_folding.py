"""Loop folding: bounded versions per statement per activation, dependencies kept as a union."""

from __future__ import annotations

from tests.conftest import Project, names


def test_loop_is_folded_with_union_of_dependencies(project: Project) -> None:
    src = """
    offset = 100
    late = 5
    acc = 0
    for i in range(1000):
        if i == 900:
            offset = late
        acc = acc + i + offset
    result = acc
    """
    trial = project.capture(src, "--fold", "10")
    acc = trial.versions("acc")
    assert len(acc) == 1 + 10 + 1  # the initial binding, 10 recorded, one folded
    folded = acc[-1]
    assert folded.count == 990
    assert folded.value == sum(range(1000)) + 100 * 900 + 5 * 100  # the final value, not a sample
    # `offset` was rebound inside the loop after folding: both versions are in the union
    offsets = {v.id for v in trial.versions("offset")}
    assert offsets <= {v.id for v in trial.backward(folded.id)}
    assert names(trial.backward("result")) == {"acc", "i", "offset", "late"}
    loop_execs = [e for e in trial.executions("statement") if e.text == "acc = acc + i + offset"]
    assert len(loop_execs) == 11 and loop_execs[-1].count == 990


def test_calls_from_a_loop_are_merged(project: Project) -> None:
    src = """
    def g(x):
        return x * 2 + 1
    def f(x):
        a = g(x)
        b = g(a)
        return a + b
    total = 0
    for i in range(5000):
        total += f(i)
    """
    trial = project.capture(src, "--granularity", "1", "--fold", "5")
    calls = trial.executions("call")
    assert len(calls) < 40  # bounded, not 15000
    assert sum(c.count for c in calls if c.name == "f") == 5000
    assert sum(c.count for c in calls if c.name == "g") == 10000
    assert trial.latest("total").value == sum(3 * (2 * i + 1) + 1 for i in range(5000))
    assert {"g", "f", "i", "total"} == names(trial.backward("total", granularity=0))
    assert trial.counts["versions"] < 200


def test_recursion_is_bounded(project: Project) -> None:
    src = """
    def fib(n):
        return n if n < 2 else fib(n - 1) + fib(n - 2)
    r = fib(18)
    """
    trial = project.capture(src, "--granularity", "1")
    assert trial.latest("r").value == 2584
    assert trial.counts["executions"] < 200
    assert sum(c.count for c in trial.executions("call")) == 8361
