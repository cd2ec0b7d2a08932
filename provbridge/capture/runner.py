"""Runs a script or module under capture exactly as Python would, and records it as a trial."""

from __future__ import annotations

import importlib.util
import os
import sys
import threading
import time
import tokenize
import traceback
import types
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from provbridge.capture.files import FileHooks
from provbridge.capture.importer import UserModuleFinder
from provbridge.capture.recorder import DEFAULT_FOLD, Recorder
from provbridge.errors import ScriptError
from provbridge.store.db import find_store_dir
from provbridge.store.writer import TrialWriter

_PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep


@dataclass
class RunOptions:
    """What to run and how to record it."""

    target: str  # script path, or module name when ``module`` is true
    args: list[str] = field(default_factory=list)
    module: bool = False
    granularity: int = 0
    name: str | None = None
    quiet: bool = False
    fold: int = DEFAULT_FOLD
    store_dir: Path | None = None
    command: list[str] = field(default_factory=list)


@dataclass
class Outcome:
    """How the captured program ended, and which trial recorded it."""

    exit_code: int
    trial_id: int
    trial_uuid: str
    status: str
    system_exit: BaseException | None = None


def _read_script(path: str) -> str:
    try:
        with tokenize.open(path) as handle:
            return handle.read()
    except FileNotFoundError:
        raise ScriptError(f"can't open file {os.path.abspath(path)!r}: [Errno 2] No such file or directory") from None
    except IsADirectoryError:
        raise ScriptError(f"can't run {path!r}: it is a directory") from None
    except (OSError, SyntaxError, UnicodeDecodeError) as exc:
        raise ScriptError(f"can't read {path!r}: {exc}") from None


def _module_target(name: str) -> tuple[str, str, Any]:
    """(source, file, spec) of a module run with -m, resolving packages to their __main__."""
    sys.path.insert(0, os.getcwd())
    try:
        spec = importlib.util.find_spec(name)
        if spec is not None and spec.submodule_search_locations is not None:
            name = f"{name}.__main__"
            spec = importlib.util.find_spec(name)
    except (ImportError, ValueError) as exc:
        raise ScriptError(
            f"Error while finding module specification for {name!r} ({type(exc).__name__}: {exc})"
        ) from None
    finally:
        sys.path.pop(0)
    if spec is None or spec.origin is None or spec.loader is None:
        raise ScriptError(f"No module named {name!r}")
    source = spec.loader.get_source(name)  # type: ignore[attr-defined]
    if source is None:
        raise ScriptError(f"no Python source for module {name!r}")
    return source, spec.origin, spec


def run(options: RunOptions) -> Outcome:
    """Run the target under capture. Raises ScriptError before anything runs if it cannot be found or
    compiled (SyntaxError is re-raised as is, for Python's own report)."""
    if options.module:
        source, filename, spec = _module_target(options.target)
        path0 = os.getcwd()
    else:
        source = _read_script(options.target)
        filename = os.path.abspath(options.target)
        spec = None
        path0 = os.path.dirname(os.path.abspath(options.target))
    store_dir = options.store_dir or find_store_dir()
    writer = TrialWriter(
        store_dir, kind="module" if options.module else "script",
        command=options.command or [options.target, *options.args],
        main=options.target if options.module else os.path.abspath(options.target),
        granularity=options.granularity, name=options.name,
    )
    recorder = Recorder(writer, options.granularity, options.fold)
    try:
        code, code_id = recorder.compile(source, filename, "script" if not options.module else "module",
                                         path=os.path.abspath(filename))
    except SyntaxError:
        writer.finish("failed", exit_code=1, exception="SyntaxError")
        raise
    writer.set_trial(main_code_id=code_id)
    recorder.root.code_id = code_id
    return _execute(options, recorder, writer, code, filename, spec, path0, store_dir)


def _execute(options: RunOptions, recorder: Recorder, writer: TrialWriter, code: Any, filename: str,
             spec: Any, path0: str, store_dir: Path) -> Outcome:
    main = types.ModuleType("__main__")
    ns = main.__dict__
    ns.update(__file__=filename if spec is None else spec.origin, __builtins__=__builtins__, __cached__=None,
              __spec__=spec, __loader__=spec.loader if spec else None,
              __package__=(spec.name.rpartition(".")[0] if spec else None))
    ns["__pb_s__"] = recorder.root
    recorder.root.ns = ns
    saved_main, saved_argv, saved_path0 = sys.modules.get("__main__"), sys.argv, sys.path[0] if sys.path else None
    sys.modules["__main__"] = main
    sys.argv = [ns["__file__"] if options.module else options.target, *options.args]
    if sys.path:
        sys.path[0] = path0
    else:
        sys.path.append(path0)
    files = FileHooks(recorder, exclude=(str(store_dir),))
    finder = UserModuleFinder(recorder, [path0]) if options.granularity >= 1 else None
    recorder.install()
    files.install()
    if finder:
        finder.install()
    recorder.push(recorder.root)
    status, exit_code, exc_text, tb_text, system_exit = "finished", 0, None, None, None
    try:
        exec(code, ns)
    except SystemExit as exc:
        system_exit = exc
        exit_code = _exit_code(exc.code)
        if exit_code:
            status, exc_text = "failed", f"SystemExit: {exc.code}"
    except BaseException as exc:  # the program's own uncaught exception: report it as Python would
        status, exit_code = "failed", 130 if isinstance(exc, KeyboardInterrupt) else 1
        exc_text = f"{type(exc).__name__}: {exc}"
        tb = _strip_own_frames(exc.__traceback__)
        tb_text = "".join(traceback.format_exception(type(exc), exc, tb))
        _wait_threads()
        _finish(recorder, writer, files, finder, status, exit_code, exc_text, tb_text, options, saved_main)
        sys.excepthook(type(exc), exc.with_traceback(tb), tb)
        return Outcome(exit_code, writer.trial_id, writer.uuid, status)
    finally:
        sys.argv = saved_argv
        if saved_path0 is not None and sys.path:
            sys.path[0] = saved_path0
    _wait_threads()
    _finish(recorder, writer, files, finder, status, exit_code, exc_text, tb_text, options, saved_main)
    return Outcome(exit_code, writer.trial_id, writer.uuid, status, system_exit)


def _finish(recorder: Recorder, writer: TrialWriter, files: FileHooks, finder: UserModuleFinder | None,
            status: str, exit_code: int, exc_text: str | None, tb_text: str | None, options: RunOptions,
            saved_main: types.ModuleType | None) -> None:
    recorder.pop(recorder.root)
    recorder.finish("ok" if status == "finished" else "error")
    recorder.uninstall()
    files.uninstall()
    if finder:
        finder.uninstall()
    started = time.perf_counter()
    try:
        from provbridge.capture.environment import collect_environment

        writer.add_many("environment", collect_environment(None if options.module else options.target))
    except Exception as exc:  # the trial itself must still be saved
        print(f"provbridge: could not record the environment ({exc})", file=sys.stderr)
    writer.finish(status, exit_code=exit_code, exception=exc_text, traceback=tb_text)
    if not options.quiet:
        counts = _counts(writer)
        print(
            f"provbridge: trial {writer.trial_id} ({writer.uuid[:8]}) {status}"
            f"{'' if not exit_code else f' with exit code {exit_code}'}: {counts} "
            f"[{time.perf_counter() - started:.2f}s to save]",
            file=sys.stderr,
        )
    if recorder.error:
        print(f"provbridge: the trial is incomplete ({recorder.error})", file=sys.stderr)


def _counts(writer: TrialWriter) -> str:
    from provbridge.store.store import open_store

    try:
        with open_store(writer.store_dir) as store:
            counts = store.trial(writer.trial_id).counts
    except Exception:
        return ""
    return (f"{counts['executions']} executions, {counts['versions']} versions, "
            f"{counts['file_accesses']} file accesses")


def _exit_code(code: object) -> int:
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    return 1


def _strip_own_frames(tb: types.TracebackType | None) -> types.TracebackType | None:
    """Drop provbridge's own frames (the runner, file and import hooks), so the traceback shows only
    the user's program, as without capture."""
    while tb is not None and tb.tb_frame.f_code.co_filename.startswith(_PACKAGE_DIR):
        tb = tb.tb_next
    current = tb
    while current is not None:
        following = current.tb_next
        while following is not None and following.tb_frame.f_code.co_filename.startswith(_PACKAGE_DIR):
            following = following.tb_next
        current.tb_next = following
        current = following
    return tb


def _wait_threads() -> None:
    """Python waits for non-daemon threads before exiting; so do we, before closing the trial."""
    current = threading.current_thread()
    for thread in threading.enumerate():
        if thread is not current and not thread.daemon and thread.is_alive():
            thread.join()
