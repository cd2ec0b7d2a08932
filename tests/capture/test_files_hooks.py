"""The file hooks leave imports and path-like objects as python has them: warnings and tracebacks raised
while a module is imported point where they do without capture, and ``__fspath__`` is called once per open."""

from __future__ import annotations

import pytest

from tests.conftest import Project

GRANULARITIES = ("0", "1")

OLDLIB = """
import warnings
warnings.warn("oldlib is deprecated", DeprecationWarning, stacklevel=2)
NAME = "oldlib"
"""


def same_as_python(project: Project, script: str, granularity: str) -> tuple[str, str, int]:
    """Run ``script`` plainly and under capture; assert the same stdout, stderr and exit status, and
    return them."""
    plain = project.python(script)
    captured = project.run("run", "-q", "--granularity", granularity, script, check=False)
    assert (captured.stdout, captured.stderr, captured.returncode) == \
        (plain.stdout, plain.stderr, plain.returncode)
    return plain.stdout, plain.stderr, plain.returncode


@pytest.mark.parametrize("granularity", GRANULARITIES)
def test_import_time_deprecation_warning_points_at_the_importing_line(project: Project, granularity: str) -> None:
    project.write("oldlib.py", OLDLIB)
    project.write("main.py", """
    import oldlib
    print(oldlib.NAME)
    """)
    _, stderr, status = same_as_python(project, "main.py", granularity)
    assert status == 0
    assert stderr == (f"{project.root / 'main.py'}:1: DeprecationWarning: oldlib is deprecated\n"
                      "  import oldlib\n")


@pytest.mark.parametrize("granularity", GRANULARITIES)
def test_warning_through_importlib_import_module_and_a_nested_import(project: Project, granularity: str) -> None:
    project.write("oldlib.py", OLDLIB)
    project.write("middle.py", "import oldlib\n")
    project.write("main.py", """
    import importlib
    import warnings
    warnings.simplefilter("always")
    importlib.import_module("middle")
    """)
    _, stderr, _ = same_as_python(project, "main.py", granularity)
    assert stderr == (f"{project.root / 'middle.py'}:1: DeprecationWarning: oldlib is deprecated\n"
                      "  import oldlib\n")


@pytest.mark.parametrize("granularity", GRANULARITIES)
def test_traceback_printed_by_the_program_through_an_import(project: Project, granularity: str) -> None:
    project.write("broken.py", "x = 1\nraise ValueError('boom')\n")
    project.write("outer.py", "import broken\n")
    project.write("main.py", """
    import traceback
    try:
        import outer
    except ValueError:
        traceback.print_exc()
    try:
        import no_such_module_here
    except ImportError:
        traceback.print_exc()
    import outer
    """)
    _, stderr, status = same_as_python(project, "main.py", granularity)
    assert status == 1
    assert stderr.count('File "') == 3 + 1 + 3  # main, outer, broken; main; main, outer, broken
    assert "provbridge" not in stderr and "frozen" not in stderr


@pytest.mark.parametrize("granularity", GRANULARITIES)
def test_builtins_import_is_pythons_own(project: Project, granularity: str) -> None:
    project.write("main.py", """
    import builtins
    print(type(builtins.__import__).__name__, builtins.__import__.__module__)
    """)
    stdout, _, _ = same_as_python(project, "main.py", granularity)
    assert stdout == "builtin_function_or_method builtins\n"


FSPATH = """
import os
calls = []

class Moving:
    def __init__(self):
        self.calls = 0

    def __fspath__(self):
        self.calls += 1
        calls.append(1)
        return "data.txt" if self.calls == 1 else "other.txt"

with open(Moving()) as handle:
    print(len(calls), handle.read(), handle.name)
fd = os.open(Moving(), os.O_RDONLY)
print(len(calls), os.read(fd, 100).decode())
os.close(fd)
with open(Moving(), "w") as handle:
    handle.write("written")
print(len(calls), open("data.txt").read(), open("other.txt").read())
"""


@pytest.mark.parametrize("granularity", GRANULARITIES)
def test_fspath_is_called_once_per_open(project: Project, granularity: str) -> None:
    project.write("main.py", FSPATH)
    (project.root / "data.txt").write_text("data")
    (project.root / "other.txt").write_text("other")
    plain = project.python("main.py")
    (project.root / "data.txt").write_text("data")
    (project.root / "other.txt").write_text("other")
    captured = project.run("run", "-q", "--granularity", granularity, "main.py", check=False)
    assert (captured.stdout, captured.stderr, captured.returncode) == \
        (plain.stdout, plain.stderr, plain.returncode)
    assert plain.stdout == "1 data data.txt\n2 data\n3 written other\n"
    accesses = project.store().trial("last").file_accesses()
    assert [(a.path.rsplit("/", 1)[-1], a.mode) for a in accesses] == \
        [("data.txt", "r"), ("data.txt", "r"), ("data.txt", "w"), ("data.txt", "r"), ("other.txt", "r")]


BAD_PATHS = """
import os

class Raises:
    def __fspath__(self):
        raise RuntimeError("no path today")

class Wrong:
    def __fspath__(self):
        return 42

for opener in (open, lambda p: os.open(p, os.O_RDONLY)):
    for bad in (Raises(), Wrong(), 3.5, None, "missing.txt"):
        try:
            opener(bad)
        except Exception as exc:
            print(type(exc).__name__, exc)
"""


@pytest.mark.parametrize("granularity", GRANULARITIES)
def test_bad_path_like_objects_fail_as_in_python(project: Project, granularity: str) -> None:
    project.write("main.py", BAD_PATHS)
    stdout, _, status = same_as_python(project, "main.py", granularity)
    assert status == 0
    assert stdout.splitlines()[:2] == ["RuntimeError no path today",
                                       "TypeError expected Wrong.__fspath__() to return str or bytes, not int"]
