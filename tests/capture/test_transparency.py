"""The captured program behaves exactly as without capture: same stdout, stderr, exit status, tracebacks."""

from __future__ import annotations

import pytest

from tests.conftest import Project

SCRIPTS: dict[str, str] = {
    "decorators": """
        import functools
        def logged(fn):
            @functools.wraps(fn)
            def wrapper(*args, **kwargs):
                print("calling", fn.__name__)
                return fn(*args, **kwargs)
            return wrapper
        @logged
        def add(a, b):
            '''Add two numbers.'''
            return a + b
        print(add(2, 3), add.__name__, add.__doc__, add.__wrapped__.__name__)
    """,
    "generators_and_async": """
        import asyncio
        def gen(n):
            for i in range(n):
                yield i * i
        def delegating():
            yield from gen(3)
            return "done"
        print(list(gen(5)), list(delegating()))
        async def work(x):
            await asyncio.sleep(0)
            return x + 1
        async def main():
            results = await asyncio.gather(*(work(i) for i in range(3)))
            async for v in agen():
                results.append(v)
            return results
        async def agen():
            for i in range(2):
                yield i
        print(asyncio.run(main()))
    """,
    "match_and_classes": """
        from dataclasses import dataclass
        @dataclass
        class Point:
            x: int
            y: int
            def norm1(self):
                return abs(self.x) + abs(self.y)
        class Counter:
            total = 0
            def __init__(self):
                self.items = []
            def add(self, item):
                self.items.append(item)
                Counter.total += 1
                return self
        def describe(obj):
            match obj:
                case Point(x=0, y=0):
                    return "origin"
                case Point(x=px, y=py) if px == py:
                    return f"diagonal {px}"
                case [first, *rest]:
                    return f"list {first} {rest}"
                case {"k": value}:
                    return f"dict {value}"
                case _:
                    return "other"
        c = Counter().add(1).add(2)
        print([describe(o) for o in (Point(0, 0), Point(2, 2), [1, 2, 3], {"k": 5}, 3.5)])
        print(c.items, Counter.total, Point(3, -4).norm1(), repr(Point(1, 2)))
    """,
    "threads_and_closures": """
        import threading
        results = []
        lock = threading.Lock()
        def worker(n):
            total = 0
            for i in range(n):
                total += i
            with lock:
                results.append(total)
        threads = [threading.Thread(target=worker, args=(k * 100,)) for k in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        def make_adder(k):
            def adder(v):
                nonlocal k
                k += 1
                return v + k
            return adder
        add = make_adder(10)
        print(sorted(results), add(1), add(1))
    """,
    "globals_walrus_comprehension": """
        import sys
        counter = 0
        def bump():
            global counter
            counter += 1
            return counter
        values = [y for x in range(5) if (y := x * x) % 2 == 0]
        squares = {k: k * k for k in range(4)}
        bump(); bump()
        print(values, squares, counter, y, file=sys.stdout)
        print("to stderr", file=sys.stderr)
    """,
    "argv_stdin_and_name": """
        import os
        import sys
        line = sys.stdin.readline().strip()
        print(sys.argv, __name__, os.path.basename(__file__), os.path.basename(sys.path[0]), line)
        if __name__ == "__main__":
            print("main guard ran")
    """,
    "sys_exit": """
        import sys
        print("before exit")
        sys.exit(3)
    """,
    "sys_exit_message": """
        import sys
        sys.exit("fatal: bad input")
    """,
    "uncaught_exception": """
        def inner(d):
            return d["missing"]
        def outer():
            data = {"present": 1}
            return inner(data)
        print("start")
        outer()
    """,
    "exception_in_import_and_open": """
        try:
            import no_such_module_here
        except ImportError as exc:
            print("caught", type(exc).__name__)
        open("definitely/not/here.txt")
    """,
}


@pytest.mark.parametrize("granularity", ["0", "1"])
@pytest.mark.parametrize("name", sorted(SCRIPTS))
def test_same_output_and_status(project: Project, name: str, granularity: str) -> None:
    project.write(f"{name}.py", SCRIPTS[name])
    plain = project.python(f"{name}.py", "arg1", "--flag", input="input line\n")
    captured = project.run("run", "-q", "--granularity", granularity, f"{name}.py", "arg1", "--flag",
                           check=False, input="input line\n")
    assert captured.stdout == plain.stdout
    assert captured.stderr == plain.stderr
    assert captured.returncode == plain.returncode
    trial = project.store().trial("last")
    expected = "finished" if plain.returncode == 0 else "failed"
    assert trial.status == expected
    assert trial.exit_code == plain.returncode


def test_failed_trial_records_the_exception(project: Project) -> None:
    project.write("boom.py", SCRIPTS["uncaught_exception"])
    proc = project.run("run", "boom.py", check=False)
    assert proc.returncode == 1
    assert 'line 2, in inner' in proc.stderr and "KeyError: 'missing'" in proc.stderr
    assert "provbridge: trial 1" in proc.stderr  # the summary line, without -q
    trial = project.store().trial("last")
    assert trial.status == "failed"
    assert trial.exception == "KeyError: 'missing'"
    assert trial.traceback is not None and "in outer" in trial.traceback
    assert trial.latest("outer").kind == "def"  # what ran before the failure is kept


def test_module_mode(project: Project) -> None:
    project.write("pkg/__init__.py", "")
    project.write("pkg/tool.py", """
        import sys
        value = 6 * 7
        print(__name__, sys.argv[1:], value)
    """)
    plain = project.python("-m", "pkg.tool", "x")
    captured = project.run("run", "-q", "-m", "pkg.tool", "x")
    assert captured.stdout == plain.stdout == "__main__ ['x'] 42\n"
    trial = project.store().trial("last")
    assert trial.kind == "module" and trial.latest("value").value == 42
