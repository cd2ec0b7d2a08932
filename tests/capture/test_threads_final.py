"""The end of a run: exact final values whatever thread changed them, generators finalized at exit or in
another thread, and module headers (docstring, future imports) left as Python requires them."""

from __future__ import annotations

import pytest

from tests.conftest import Project, names

LEVELS = pytest.mark.parametrize("granularity", [0, 1])


def same_as_python(project: Project, source: str, granularity: int) -> None:
    """Run ``source`` plainly and under capture: identical stdout, stderr and exit status."""
    project.write("script.py", source)
    plain = project.python("script.py")
    captured = project.run("run", "-q", "--granularity", str(granularity), "script.py", check=False)
    assert (captured.returncode, captured.stdout, captured.stderr) == (
        plain.returncode, plain.stdout, plain.stderr)


@LEVELS
def test_global_changed_by_threads_has_its_final_value(project: Project, granularity: int) -> None:
    src = """
    import threading
    counter = 0
    step = 1
    lock = threading.Lock()
    def work():
        global counter
        for _ in range(3):
            with lock:
                counter += step
    threads = [threading.Thread(target=work) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    items = []
    def fill():
        items.append(1)
    worker = threading.Thread(target=fill)
    worker.start()
    worker.join()
    """
    trial = project.capture(src, "--granularity", str(granularity))
    assert trial.status == "finished", trial.traceback
    assert trial.latest("counter").value == 6
    assert trial.latest("items").summary["len"] == 1
    # level 0: the opaque call site (the Thread creation) read what `work` reads; level 1: its statements
    expected = {"counter", "step", "work", "threading", "lock"} if granularity == 0 else {"counter", "step"}
    assert names(trial.backward("counter", granularity=0)) == expected


def test_unchanged_values_get_no_final_version(project: Project) -> None:
    src = """
    big = list(range(1000))
    n = 5
    s = "text"
    """
    trial = project.capture(src)
    assert [v.kind for v in trial.versions()] == ["assign", "assign", "assign"]


@LEVELS
def test_two_future_imports_after_a_docstring(project: Project, granularity: int) -> None:
    same_as_python(project, '''
    """Module docstring."""
    from __future__ import annotations
    from __future__ import division
    x: int = 3
    print(__doc__, x / 2)
    ''', granularity)


@LEVELS
def test_generator_alive_at_exit(project: Project, granularity: int) -> None:
    same_as_python(project, """
    def gen():
        try:
            yield 1
            yield 2
        finally:
            print("finalized")
    it = gen()
    print(next(it))
    """, granularity)


@LEVELS
def test_generator_closed_from_another_thread(project: Project, granularity: int) -> None:
    same_as_python(project, """
    import threading
    def gen():
        yield 1
        yield 2
    it = gen()
    print(next(it))
    worker = threading.Thread(target=it.close)
    worker.start()
    worker.join()
    print("closed")
    """, granularity)
