"""What Python would run for ``python TARGET`` / ``python -m NAME``: source, ``__main__`` module, argv, path[0]."""

from __future__ import annotations

import builtins
import importlib.machinery
import os
import runpy
import sys
import tokenize
import types
import zipimport
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from provbridge.errors import ScriptError


class Unrunnable(ScriptError):
    """The target cannot be run: Python's own message (as a one-line provbridge error) and exit status."""

    def __init__(self, message: str, exit_code: int) -> None:
        super().__init__(message)
        self.exit_code = exit_code


@dataclass
class Target:
    """A resolved program: how Python would find it, and the source to instrument."""

    kind: str  # "script", "module" (-m) or "main" (a directory or zip file with __main__.py)
    name: str  # the path as given, or the module name
    source: str
    filename: str  # the code's file name (what tracebacks show)
    argv0: str  # sys.argv[0] while the program runs
    path0: str  # sys.path[0] while the program runs
    spec: Any = None  # the module spec (module and main kinds)
    mod_name: str = ""  # the module actually run (``pkg.__main__`` for ``-m pkg``)

    @property
    def runpy(self) -> bool:
        """Whether Python runs it through runpy (modules, directories and zip applications)."""
        return self.kind != "script"


def _python_error(message: str, exit_code: int) -> Unrunnable:
    return Unrunnable(message, exit_code)


def _is_importer_path(path: str) -> bool:
    """What Python checks before running a path as a script: a directory or a zip file runs its __main__."""
    if os.path.isdir(path):
        return True
    try:
        zipimport.zipimporter(path)
    except (zipimport.ZipImportError, OSError):
        return False
    return True


def resolve(target: str, module: bool) -> Target:
    """The program Python would run; raises Unrunnable with Python's message, or SyntaxError."""
    if module:
        return _resolve_module(target)
    if _is_importer_path(target):
        return _resolve_main(target)
    path = os.path.abspath(target)
    try:
        with tokenize.open(target) as handle:
            source = handle.read()
    except OSError as exc:
        raise _python_error(f"can't open file {path!r}: [Errno {exc.errno}] {exc.strerror}", 2) from None
    except (SyntaxError, UnicodeDecodeError) as exc:
        raise SyntaxError(f"{exc} ({target})") from None
    return Target("script", target, source, path, target, os.path.dirname(os.path.realpath(target)))


@contextmanager
def _search_path(path0: str, argv0: str) -> Iterator[None]:
    saved_path, saved_argv = list(sys.path), sys.argv
    sys.path.insert(0, path0)
    sys.argv = [argv0]
    try:
        yield
    finally:
        sys.path[:], sys.argv = saved_path, saved_argv


def _source_of(spec: Any, mod_name: str) -> str:
    get_source = getattr(spec.loader, "get_source", None)
    source = get_source(mod_name) if get_source is not None else None
    if source is None:
        raise _python_error(f"no Python source to record for module {mod_name!r}", 1)
    return str(source)


def _resolve_module(name: str) -> Target:
    """``-m NAME``: found as runpy finds it (importing its parent packages), with the working directory first."""
    cwd = os.getcwd()
    with _search_path(cwd, "-m"):
        try:
            mod_name, spec, _code = runpy._get_module_details(name, runpy._Error)  # type: ignore[attr-defined]
        except runpy._Error as exc:  # type: ignore[attr-defined]
            raise _python_error(str(exc), 1) from None
    return Target("module", name, _source_of(spec, mod_name), spec.origin, "-m", cwd, spec, mod_name)


def _resolve_main(path: str) -> Target:
    """A directory or zip application: its ``__main__`` module, found on the path first as Python does."""
    path0 = os.path.abspath(path)
    saved_main = sys.modules.get("__main__")
    with _search_path(path0, path):
        try:
            mod_name, spec, _code = runpy._get_main_module_details(runpy._Error)  # type: ignore[attr-defined]
        except runpy._Error as exc:  # type: ignore[attr-defined]
            raise _python_error(str(exc), 1) from None
        finally:
            if saved_main is not None:
                sys.modules["__main__"] = saved_main
    return Target("main", path, _source_of(spec, mod_name), spec.origin, path, path0, spec, mod_name)


def main_module(target: Target) -> types.ModuleType:
    """A fresh ``__main__`` module holding exactly what Python puts there before the program's first line
    (runpy adds the rest for modules, directories and zip applications)."""
    main = types.ModuleType("__main__")
    ns = main.__dict__
    ns["__annotations__"] = {}
    ns["__builtins__"] = builtins
    if not target.runpy:
        ns["__loader__"] = importlib.machinery.SourceFileLoader("__main__", target.filename)
        ns["__file__"] = target.filename
        ns["__cached__"] = None
    return main


@contextmanager
def runpy_code(target: Target, code: types.CodeType) -> Iterator[Callable[[], Any]]:
    """A call that runs ``code`` through runpy exactly as ``python -m`` (or ``python DIR``) would, with
    runpy's own frames and messages; runpy finds the instrumented code instead of compiling the source."""
    found = (target.mod_name, target.spec, code)
    saved = runpy._get_module_details, runpy._get_main_module_details  # type: ignore[attr-defined]

    def details(*_args: Any, **_kwargs: Any) -> tuple[str, Any, types.CodeType]:
        runpy._get_module_details, runpy._get_main_module_details = saved  # type: ignore[attr-defined]
        return found

    def run() -> Any:
        runpy._get_module_details = runpy._get_main_module_details = details  # type: ignore[attr-defined]
        return runpy._run_module_as_main(  # type: ignore[attr-defined]
            target.mod_name if target.kind == "module" else "__main__", alter_argv=target.kind == "module")

    try:
        yield run
    finally:
        runpy._get_module_details, runpy._get_main_module_details = saved  # type: ignore[attr-defined]
