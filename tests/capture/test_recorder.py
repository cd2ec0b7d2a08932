"""Tests of provbridge.capture.recorder: activations entered and left from several threads."""

from __future__ import annotations

from collections import Counter

from tests.conftest import Project


def test_merged_calls_from_several_threads_keep_each_threads_stack(project: Project) -> None:
    # exit finds the stack of a call's thread through the activation; a merged activation entered from a
    # second thread goes back to the thread-local lookup
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
    # which of the first calls the other threads made is scheduling (the same before this change); the call
    # made once every thread is done hangs from its statement: the main thread's stack is intact
    assert set(parents) == {
        ("f", "call", "def work(n, out): …"), ("f", "statement", "after = f(7)"), ("f", "statement", "total += f(k)"),
        ("g", "call", "def f(x): …"), ("g", "statement", "a = g(x)"), ("g", "statement", "return a + g(a)"),
        ("work", "module", None), ("work", "statement", "work(300, results)"),
    }
    assert parents[("f", "statement", "after = f(7)")] == 1 and parents[("work", "module", None)] == 2
    assert trial.latest("after").value == 50


def test_files_written_by_folded_statements_and_merged_calls(project: Project) -> None:
    # a file opened by a statement makes its activation busy (its writers), so the folded hooks that follow
    # take the slow path that attaches the access; the figures are those recorded before activations kept
    # a `quiet` flag for that check
    src = """
    def save(path, text):
        with open(path, "w") as fh:
            fh.write(text)
        n = len(text)
        return n

    def load(path):
        f = open(path)
        data = f.read()
        f.close()
        return data

    total = 0
    for k in range(30):
        total += save(f"out{k % 3}.txt", str(k) * k)
        data = load(f"out{k % 3}.txt")
        total += len(data)
        fh = open("log.txt", "a")
        fh.write(data)
        fh.close()
        size = total
    """
    trial = project.capture(src, "--granularity", "1", "--fold", "3")
    accesses = trial.file_accesses()
    assert Counter(a.mode for a in accesses) == {"a": 30, "r": 30, "w": 30}
    assert all(a.exec_id is not None for a in accesses)
    assert all((a.write_version is not None) == (a.mode != "r") for a in accesses)
    folded = {(e.text, e.count) for e in trial.executions("statement") if e.count > 1}
    assert folded == {
        ("for k in range(30): …", 27), ('total += save(f"out{k % 3}.txt", str(k) * k)', 27),
        ('data = load(f"out{k % 3}.txt")', 27), ("total += len(data)", 27), ('fh = open("log.txt", "a")', 27),
        ("fh.write(data)", 27), ("fh.close()", 27), ("size = total", 27),
        ('with open(path, "w") as fh: …', 25), ("fh.write(text)", 25), ("n = len(text)", 25),
        ("return n", 25), ("f = open(path)", 25), ("data = f.read()", 25), ("f.close()", 25),
        ("return data", 25),
    }
    expected = sum(2 * len(str(k) * k) for k in range(30))
    assert trial.latest("size").value == expected
