"""Tests of provbridge.capture.recorder: activations entered and left from several threads."""

from __future__ import annotations

from collections import Counter

from tests.conftest import Project


def test_merged_calls_from_several_threads_keep_each_threads_stack(project: Project) -> None:
    # exit finds the stack of a call's thread through the activation; a merged activation entered from a
    # second thread goes back to the thread-local lookup. The figures are those recorded before that change.
    src = """
    import sys, threading
    sys.setswitchinterval(1e-6)

    def g(x):
        y = x + 1
        return y * 2

    def f(x):
        a = g(x)
        return a + g(a)

    def work(n, out):
        total = 0
        for k in range(n):
            total += f(k)
        out.append(total)

    results = []
    threads = [threading.Thread(target=work, args=(2000, results)) for _ in range(2)]
    for t in threads:
        t.start()
    work(300, results)
    for t in threads:
        t.join()
    after = f(7)
    """
    trial = project.capture(src, "--granularity", "1")
    calls = trial.executions("call")
    assert sum(c.count for c in calls if c.name == "f") == 2 * 2000 + 300 + 1
    assert sum(c.count for c in calls if c.name == "g") == 2 * (2 * 2000 + 300 + 1)
    by_id = {e.id: e for e in trial.executions()}
    parents = Counter((c.name, by_id[c.parent].kind, by_id[c.parent].text) for c in calls if c.parent)
    assert parents == {
        ("f", "call", "def work(n, out): …"): 1, ("f", "statement", "after = f(7)"): 1,
        ("f", "statement", "total += f(k)"): 9,
        ("g", "call", "def f(x): …"): 1, ("g", "statement", "a = g(x)"): 5,
        ("g", "statement", "return a + g(a)"): 4,
        ("work", "module", None): 2, ("work", "statement", "work(300, results)"): 1,
    }
    assert trial.latest("after").value == 50
