"""Runs a script or module under capture exactly as Python would, and records it as a trial."""

from __future__ import annotations

import builtins
import io
import os
import sys
import threading
import time
import traceback
import types
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from provbridge.capture.instrument import SCOPE
from provbridge.capture.namespace import Target, Unrunnable, main_module, resolve, runpy_code
from provbridge.capture.recorder import DEFAULT_FOLD
from provbridge.store.db import find_store_dir

if TYPE_CHECKING:
    from provbridge.capture.environment import Probe
    from provbridge.capture.files import FileHooks
    from provbridge.capture.importer import UserModuleFinder
    from provbridge.capture.process import ProcessGuard
    from provbridge.capture.recorder import Recorder
    from provbridge.store.writer import TrialWriter

__all__ = ["Outcome", "RunOptions", "Unrunnable", "run"]

_PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep
# Python's own startup modules (builtin or frozen, plus these) are never shadowed by a local file
_NOT_SHADOWED = frozenset({"__main__", "encodings", "site", "sitecustomize", "usercustomize", "_distutils_hack"})


@dataclass
class RunOptions:
    """What to run and how to record it."""

    target: str  # script path, directory, zip application, or module name when ``module`` is true
    args: list[str] = field(default_factory=list)
    module: bool = False
    granularity: int = 0
    name: str | None = None
    quiet: bool = False
    fold: int = DEFAULT_FOLD
    store_dir: Path | None = None
    command: list[str] = field(default_factory=list)
    strict: bool = False


@dataclass
class Outcome:
    """How the captured program ended, and which trial recorded it (``None`` when nothing was recorded)."""

    exit_code: int
    trial_id: int | None
    trial_uuid: str | None
    status: str  # the trial's final status, or "not recorded"
    system_exit: BaseException | None = None
    interrupted: bool = False  # an unhandled KeyboardInterrupt: the process must die of SIGINT
    records: int = 0  # executions and versions recorded (ids used): whether the trial is worth indexing


def _warn(message: str) -> None:
    try:
        sys.stderr.write(f"provbridge: {message}\n")
        sys.stderr.flush()
    except (OSError, ValueError, AttributeError):
        pass


class Capture:
    """The recording side of one run: writer, recorder, file/import/process hooks; every step is
    guarded so that a store that fails only loses records, never the program's run."""

    def __init__(self, options: RunOptions, target: Target, writer: TrialWriter, probe: Probe | None = None) -> None:
        from provbridge.capture.recorder import Recorder

        self.options = options
        self.probe = probe
        self.target = target
        self.writer = writer
        self.recorder: Recorder = Recorder(writer, options.granularity, options.fold)
        self.files: FileHooks | None = None
        self.finder: UserModuleFinder | None = None
        self.guard: ProcessGuard | None = None
        self.wrappers: dict[str, Any] = {}
        self.closed = False
        self.forked = False

    @classmethod
    def open(cls, options: RunOptions, target: Target, store_dir: Path) -> Capture | None:
        """A capture for the run, or None (after one warning line) when the store cannot be written."""
        from provbridge.capture.environment import Probe
        from provbridge.capture.values.secrets import redact_argv
        from provbridge.store.writer import TrialWriter

        probe = Probe(target.filename if target.kind == "script" else None)  # read while the program runs
        try:
            writer = TrialWriter(
                store_dir, kind="script" if target.kind == "script" else "module",
                command=redact_argv(options.command or [options.target, *options.args]),
                main=target.name if target.kind == "module" else os.path.abspath(target.name),
                granularity=options.granularity, name=options.name,
            )
        except Exception as exc:  # StoreError, or anything the store raises: run the program anyway
            _warn(f"not recording: {_one_line(exc)}")
            return None
        return cls(options, target, writer, probe)

    def compile(self) -> types.CodeType:
        code, code_id = self.recorder.compile(
            self.target.source, self.target.filename, "script" if self.target.kind == "script" else "module",
            path=self.target.filename,
        )
        self.writer.set_trial(main_code_id=code_id)
        self.recorder.root.code_id = code_id
        return code

    def start(self, ns: dict[str, Any], path0: str) -> None:
        from provbridge.capture import arguments
        from provbridge.capture.files import FileHooks
        from provbridge.capture.process import ProcessGuard

        rec = self.recorder
        rec.root.ns = ns
        setattr(builtins, SCOPE, rec.root)  # the main module's code finds its scope here, not in its globals
        self.files = FileHooks(rec, exclude=(str(self.writer.store_dir),))
        if self.options.granularity >= 1:  # imported only then: importlib.abc and sysconfig cost start-up
            from provbridge.capture.importer import UserModuleFinder

            self.finder = UserModuleFinder(rec, [path0])
        self.guard = ProcessGuard(self.writer.flush, self.forget, self.close_early)
        rec.install()
        self.files.install()
        self.wrappers = _hooked_functions()
        if self.finder:
            self.finder.install()
        self.guard.install()
        arguments.install()
        rec.push(rec.root)

    def stop_hooks(self) -> None:
        """Take the hooks out, keeping whatever the program itself installed in their place since."""
        rec = self.recorder
        rec.pop(rec.root)
        rec.uninstall()
        if self.files is not None:
            current = _hooked_functions()
            self.files.uninstall()
            for name, value in current.items():
                if value is not self.wrappers.get(name):  # the program replaced our hook: keep its own
                    _set_hooked_function(name, value)
        if self.finder:
            self.finder.uninstall()
        if self.guard is not None:
            self.guard.uninstall()
        from provbridge.capture import arguments

        arguments.uninstall()

    def forget(self) -> None:
        """In a forked child: record nothing, and never touch the parent's trial or store connection."""
        self.forked = True
        self.closed = True
        self.recorder.enabled = False
        self.recorder.uninstall()
        for rows in self.writer.buffers.values():
            rows.clear()
        _leak(self.writer.conn)

    def close_early(self, exit_code: int | None) -> None:
        """``os.exec*`` or ``os._exit``: the process ends without returning to the runner; close the trial now."""
        status = "finished" if not exit_code else "failed"
        self.close(status, exit_code, f"os._exit({exit_code})" if exit_code else None, None)
        self.summary(status, exit_code or 0)

    def close(self, status: str, exit_code: int | None, exc_text: str | None, tb_text: str | None) -> None:
        """Finish the trial once: the recorder's open activations, the environment, the trial row."""
        if self.closed:
            return
        self.closed = True
        self.started_saving = time.perf_counter()
        try:
            self.stop_hooks()
            _prepare_final(self.recorder)
            self.recorder.finish("ok" if status == "finished" else "error")
        except Exception as exc:  # pragma: no cover - defensive: the trial row must still be closed
            _warn(f"recording stopped after an internal error ({_one_line(exc)})")
        try:
            from provbridge.capture.environment import collect_environment

            script = self.target.filename if self.target.kind == "script" else None
            self.writer.add_many("environment", collect_environment(script, self.probe))
        except Exception as exc:  # the trial itself must still be saved
            _warn(f"could not record the environment ({_one_line(exc)})")
        try:
            self.writer.finish(status, exit_code=exit_code, exception=exc_text, traceback=tb_text)
        except Exception as exc:  # a writer that raises anyway: the records are lost, the program is not
            self.writer.error = getattr(self.writer, "error", None) or _one_line(exc)

    @property
    def status(self) -> str:
        """The status the trial was closed with (``incomplete`` when records were lost)."""
        if getattr(self.writer, "incomplete", False) or self.recorder.error:
            return "incomplete"
        return str(getattr(self.writer, "status", None) or "incomplete")

    def summary(self, status: str, exit_code: int) -> None:
        """The summary line (on a terminal only, unless quiet), and one line when records were lost."""
        if self.forked:
            return
        writer = self.writer
        if self.status == "incomplete":
            reason = getattr(writer, "error", None) or self.recorder.error or "records could not be written"
            lost = getattr(writer, "lost_records", 0)
            _warn(f"trial {writer.trial_id} is incomplete: {lost} records lost ({reason})" if lost
                  else f"trial {writer.trial_id} is incomplete ({reason})")
            status = "incomplete"
        if self.options.quiet or not _is_terminal(sys.stderr):
            return
        saving = time.perf_counter() - getattr(self, "started_saving", time.perf_counter())
        _warn(f"trial {writer.trial_id} ({writer.uuid[:8]}) {status}"
              f"{'' if not exit_code else f' with exit code {exit_code}'}: {_counts(writer)} "
              f"[{saving:.2f}s to save]")


def _prepare_final(recorder: Recorder) -> None:
    """The final values of the module scopes are summarized next, hashed in full: the large arrays among
    them are hashed first, two at a time (values.prepare_final)."""
    from provbridge.capture.values import prepare_final

    try:  # only a head start: whatever fails here, the recorder's own end-of-run pass does it
        values = [scope.ns[name] for scope in recorder.scopes if scope.ns is not None
                  for name in scope.vars if name in scope.ns]
    except Exception:
        return
    prepare_final(values)


def _counts(writer: TrialWriter) -> str:
    from provbridge.store.store import open_store

    try:
        with open_store(writer.store_dir) as store:
            counts = store.trial(writer.trial_id).counts
    except Exception:
        return ""
    return (f"{counts['executions']} executions, {counts['versions']} versions, "
            f"{counts['file_accesses']} file accesses")


def _is_terminal(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError, OSError):
        return False


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


def _leak(obj: object) -> None:
    """Keep ``obj`` alive until the process ends (a forked child must never close the parent's SQLite
    connection: closing may checkpoint or delete the parent's write-ahead log)."""
    try:
        import ctypes

        ctypes.pythonapi.Py_IncRef(ctypes.py_object(obj))
    except Exception:  # pragma: no cover - no ctypes: the connection is closed at exit as before
        pass


_HOOKED: dict[str, tuple[Any, str]] = {"open": (builtins, "open"), "io.open": (io, "open"),
                                       "os.open": (os, "open")}


def _hooked_functions() -> dict[str, Any]:
    return {key: getattr(owner, attr, None) for key, (owner, attr) in _HOOKED.items()}


def _set_hooked_function(key: str, value: Any) -> None:
    owner, attr = _HOOKED[key]
    setattr(owner, attr, value)


def run(options: RunOptions) -> Outcome:
    """Run the target under capture. Raises Unrunnable (Python's message) before anything runs when it
    cannot be found, and SyntaxError when it does not compile (after recording the failed trial)."""
    target = resolve(options.target, options.module)
    store_dir = options.store_dir or find_store_dir()
    capture = Capture.open(options, target, store_dir)
    code: types.CodeType | None = None
    if capture is not None:
        try:
            code = capture.compile()
        except SyntaxError:
            capture.close("failed", 1, "SyntaxError", None)
            raise
        except Exception as exc:  # the store failed while the code was being registered
            _warn(f"not recording: {_one_line(exc)}")
            capture.close("failed", None, None, None)
            capture = None
    if code is None:
        code = compile(target.source, target.filename, "exec", dont_inherit=True)
    return _execute(options, target, code, capture)


def _execute(options: RunOptions, target: Target, code: types.CodeType, capture: Capture | None) -> Outcome:
    main = main_module(target)
    ns = main.__dict__
    saved_main, saved_argv, saved_path = sys.modules.get("__main__"), sys.argv, list(sys.path)
    if capture is not None and capture.probe is not None:
        capture.probe.imported()  # its modules come from Python's path, not the program's directory
    sys.modules["__main__"] = main
    sys.argv = [target.argv0 if target.kind != "module" else "-m", *options.args]
    if sys.path:
        sys.path[0] = target.path0
    else:
        sys.path.append(target.path0)
    shadowed = _unshadow(target.path0)
    recursion = _RecursionOffset(_stack_used(target.runpy) + (HOOK_HEADROOM if options.granularity else 0))
    if capture is not None:
        capture.start(ns, target.path0)
    status, exit_code, exc_text, tb_text, system_exit, interrupted = "finished", 0, None, None, None, False
    recursion.install()
    try:
        if target.runpy:
            with runpy_code(target, code) as run_module:
                run_module()
        else:
            exec(code, ns)
    except SystemExit as exc:
        exit_code = _exit_code(exc.code)
        system_exit = exc
        if exit_code:
            status, exc_text = "failed", f"SystemExit: {exc.code}"
        if exc.code is not None and not isinstance(exc.code, int):
            _print_exit_message(exc.code)  # as Python does, before waiting for the program's threads
            system_exit = None
    except BaseException as exc:  # the program's own uncaught exception: report it as Python would
        interrupted = isinstance(exc, KeyboardInterrupt)
        status, exit_code = "failed", -2 if interrupted else 1
        exc_text = f"{type(exc).__name__}: {exc}"
        tb = _strip_own_frames(exc.__traceback__)
        tb_text = "".join(traceback.format_exception(type(exc), exc, tb))
        _report_uncaught(exc, tb)
    finally:
        recursion.uninstall()
    _shutdown_threads()
    if capture is not None and not capture.forked:
        capture.close(status, exit_code, exc_text, tb_text)
        capture.summary(status, exit_code)
    sys.argv = saved_argv
    sys.path[:] = saved_path
    sys.modules.update(shadowed)
    del saved_main  # the program's __main__ stays in sys.modules for its atexit handlers, as in Python
    final_status = capture.status if capture is not None and not capture.forked else "not recorded"
    trial_id = capture.writer.trial_id if capture is not None else None
    uuid = capture.writer.uuid if capture is not None else None
    records = capture.recorder.ids_used() if capture is not None else 0
    return Outcome(exit_code, trial_id, uuid, final_status, system_exit, interrupted, records)


def _exit_code(code: object) -> int:
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    return 1


def _print_exit_message(code: object) -> None:
    try:
        sys.stderr.write(f"{code}\n")
        sys.stderr.flush()
    except Exception:  # pragma: no cover - as Python, a message that cannot be printed is skipped
        pass


def _report_uncaught(exc: BaseException, tb: types.TracebackType | None) -> None:
    """Print an uncaught exception through ``sys.excepthook`` as the interpreter does at the top level."""
    exc = exc.with_traceback(tb)
    sys.last_type, sys.last_value, sys.last_traceback = type(exc), exc, tb
    try:
        sys.excepthook(type(exc), exc, tb)
    except BaseException as hook_error:  # Python reports a failing hook, then the error
        sys.stderr.write("Error in sys.excepthook:\n")
        sys.__excepthook__(type(hook_error), hook_error, hook_error.__traceback__)
        sys.stderr.write("\nOriginal exception was:\n")
        sys.__excepthook__(type(exc), exc, tb)
    try:
        sys.stderr.flush()
    except (OSError, ValueError, AttributeError):
        pass


def _shutdown_threads() -> None:
    """What the interpreter does when the main module ends: threading's exit callbacks (executors), then
    wait for the non-daemon threads. Done before the trial is closed, so their work is recorded."""
    shutdown = getattr(threading, "_shutdown", None)
    if shutdown is not None:
        shutdown()
        return
    current = threading.current_thread()  # pragma: no cover - other interpreters
    for thread in threading.enumerate():
        if thread is not current and not thread.daemon and thread.is_alive():
            thread.join()


def _unshadow(path0: str) -> dict[str, types.ModuleType]:
    """Take out of ``sys.modules`` the modules provbridge imported that a file next to the program would
    shadow in plain Python (a local ``json.py``), so the program imports its own; returned for restoring."""
    try:
        local = set(os.listdir(path0)) if os.path.isdir(path0) else set()
    except OSError:
        return {}
    names = {name[:-3] for name in local if name.endswith(".py")}
    names |= {name for name in local if os.path.isfile(os.path.join(path0, name, "__init__.py"))}
    removed: dict[str, types.ModuleType] = {}
    for name in names:
        module = sys.modules.get(name)
        if module is None or name in _NOT_SHADOWED or name in sys.builtin_module_names:
            continue
        spec = getattr(module, "__spec__", None)
        if spec is None or spec.origin in ("frozen", "built-in") or name == "provbridge":
            continue
        for key in [k for k in sys.modules if k == name or k.startswith(name + ".")]:
            removed[key] = sys.modules.pop(key)
    return removed


# Granularity 1 calls hooks inside the program's functions: near the recursion limit they need room of
# their own, so there a runaway recursion goes this many frames deeper than in Python before it fails.
HOOK_HEADROOM = 50

_PROBE = compile(
    "def probe(n):\n    try:\n        return probe(n + 1)\n    except RecursionError:\n        return n\n"
    "reached = probe(1)\n", "<provbridge recursion probe>", "exec", dont_inherit=True)


def _probe(n: int) -> int:
    try:
        return _probe(n + 1)
    except RecursionError:
        return n


def _stack_used(runpy: bool) -> int:
    """How much more of the recursion limit is used under the program's first frame than in plain Python,
    measured (C-level entries count too): a probe run as the program will be (``exec`` from this frame
    for a script; a call for runpy, which adds its own frames in both cases) against Python's figures.
    The final ``- 1`` is an empirical correction (entering code through ``exec`` costs one more than the
    probe shows), checked against plain Python by the
    recursion cases of the transparency suite."""
    limit = sys.getrecursionlimit()
    if runpy:
        # plain Python enters runpy from C: its first frame uses 1; here, _execute -> run -> runpy
        return limit - _probe(1)
    probe_ns: dict[str, Any] = {}
    exec(_PROBE, probe_ns)
    # plain Python: the script's frame uses 1, so a recursion from it reaches limit - 1
    return (limit - 1) - int(probe_ns["reached"]) - 1


class _RecursionOffset:
    """The program gets Python's recursion headroom: the limit is raised by the frames provbridge runs it
    under, and ``sys.getrecursionlimit``/``setrecursionlimit`` show and take the program's own numbers."""

    def __init__(self, offset: int) -> None:
        self.offset = offset
        self.real_get: Callable[[], int] = sys.getrecursionlimit
        self.real_set: Callable[[int], None] = sys.setrecursionlimit

    def install(self) -> None:
        real_get, real_set, offset = self.real_get, self.real_set, self.offset

        def getrecursionlimit() -> int:
            return real_get() - offset

        def setrecursionlimit(limit: int) -> None:
            if not isinstance(limit, int):
                real_set(limit)  # Python's own TypeError
            if limit < 1:
                raise ValueError("recursion limit must be greater or equal than 1")
            real_set(limit + offset)

        getrecursionlimit.__doc__, setrecursionlimit.__doc__ = real_get.__doc__, real_set.__doc__
        real_set(real_get() + offset)
        sys.getrecursionlimit, sys.setrecursionlimit = getrecursionlimit, setrecursionlimit

    def uninstall(self) -> None:
        limit = sys.getrecursionlimit()
        sys.getrecursionlimit, sys.setrecursionlimit = self.real_get, self.real_set
        self.real_set(max(limit, 1))


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
