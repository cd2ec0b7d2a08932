"""File hooks: records opens through open/io.open/os.open/pathlib as accesses and file versions with sha256."""

from __future__ import annotations

import builtins
import importlib._bootstrap as _bootstrap
import importlib._bootstrap_external as _bootstrap_external
import io
import json
import os
import pathlib
import sys
import threading
import time
import types
import weakref
from typing import TYPE_CHECKING, Any

from provbridge.capture.filehash import FileHasher, Snapshot, regular_stat, resolve

if TYPE_CHECKING:
    from provbridge.capture.recorder import Recorder, Scope

_ORIGINAL_OPEN = io.open
_ORIGINAL_OS_OPEN = os.open
_ORIGINAL_OS_CLOSE = os.close
# Files opened while a module is imported are the library's business. An import is seen by importlib's own
# frames on the opening thread's stack, not by wrapping ``__import__``: a wrapper's frame would show in
# tracebacks and take the place of the importing line in warnings (``stacklevel=2``), and it would miss
# ``importlib.import_module``.
_IMPORT_FILES = frozenset({
    _bootstrap._find_and_load.__code__.co_filename,  # type: ignore[attr-defined]
    _bootstrap_external.SourceLoader.get_code.__code__.co_filename,
    "<frozen zipimport>",
})
_EXCLUDED_PREFIXES = ("/dev/", "/proc/", "/sys/")
# Package metadata and code are the interpreter's business, not the program's data.
_EXCLUDED_SUFFIXES = (".py", ".pyc", ".pyi", ".pth", ".so", ".pyd")
_EXCLUDED_PARTS = (".dist-info" + os.sep, ".egg-info" + os.sep, os.sep + "__pycache__" + os.sep)
# provbridge's own package files (its canned queries, schemas) are read when a program asks provbridge
# something (``display(trial)`` in a cell): the tool's business, not the program's data.
_OWN_PACKAGE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class Before:
    """A path worth recording, seen just before the program opens it: given and resolved path, content."""

    __slots__ = ("exists", "path", "real", "snap")

    def __init__(self, path: str, real: str, exists: bool, snap: Snapshot | None) -> None:
        self.path = path
        self.real = real
        self.exists = exists
        self.snap = snap


class FileEntry:
    """A file access waiting to be attached to the statement that opened it (and, for writes, closed)."""

    __slots__ = ("access", "at", "base", "before", "chain", "deps", "done", "eid", "fd", "fed", "gen", "hooks",
                 "mode", "path", "read_vid", "real", "ref", "size_before", "write")

    def __init__(self, access: int, path: str, mode: str, before: str | None, size_before: int | None,
                 write: bool, ref: Any) -> None:
        self.access = access
        self.path = path
        self.mode = mode
        self.before = before
        self.size_before = size_before
        self.write = write
        self.ref = ref
        self.read_vid: int | None = None
        self.deps: set[int] = set()
        self.eid: int | None = None
        self.fed = False
        self.at = time.time()
        self.hooks: FileHooks | None = None
        self.real = path
        self.base: Snapshot | None = None  # the content when a write handle was opened
        self.gen = 0  # the file's in-place write opens up to this one (see FileHasher)
        self.chain = False  # an append handle opened while no in-place writer was open
        self.done = False  # finished (its version recorded)
        self.fd: int | None = None  # the descriptor from os.open, until os.close closes it (then -1)


def truncates(mode: str) -> bool:
    """Whether an open in ``mode`` discards (or creates) the content: the written file does not depend
    on what was there before."""
    return mode[:1] in ("w", "x")


def _mode_of_flags(flags: int, exists: bool) -> str:
    """The ``open()`` mode with the same effect on a file's content as ``os.open`` flags: ``w``/``x`` only
    when the old content is discarded (O_TRUNC, O_EXCL, or a file created), ``r+`` for writing in place."""
    acc = flags & (os.O_RDONLY | os.O_WRONLY | os.O_RDWR)
    if acc == os.O_RDONLY:
        return "r"
    plus = "+" if acc == os.O_RDWR else ""
    if flags & os.O_APPEND:
        return "a" + plus
    if flags & os.O_CREAT and flags & os.O_EXCL:
        return "x" + plus
    if flags & os.O_TRUNC or (flags & os.O_CREAT and not exists):
        return "w" + plus
    return "r+"


class FileVersion:
    """The latest version of one path in a trial: id, content, and whether a write made it and not read yet."""

    __slots__ = ("read", "sha", "vid", "written")

    def __init__(self, vid: int, sha: str, written: bool) -> None:
        self.vid = vid
        self.sha = sha
        self.written = written
        self.read = False


class FileHooks:
    """Replaces ``builtins.open``/``io.open``/``os.open`` while a trial records, and restores them after."""

    def __init__(self, recorder: Recorder, exclude: tuple[str, ...] = ()) -> None:
        self.recorder = recorder
        self.exclude = tuple(os.path.abspath(p) + os.sep for p in (*exclude, _OWN_PACKAGE))
        self.exclude += tuple(p for p in (resolve(e[:-1]) + os.sep for e in self.exclude) if p not in self.exclude)
        self.active = False
        self.hasher = FileHasher()
        self.latest: dict[str, FileVersion] = {}  # path -> its latest version in this trial
        self.pending: dict[str, list[FileEntry]] = {}  # resolved path -> write accesses not finished yet
        self.fds: dict[int, FileEntry] = {}  # descriptor -> write access opened by os.open, until os.close
        self.lock = threading.RLock()

    def install(self) -> None:
        hooks = self

        def open(file: Any, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
            if not isinstance(file, (str, bytes, int)) and hasattr(type(file), "__fspath__"):
                file = os.fspath(file)  # once: a path-like object may name another file on a second call
            before = hooks._before(file)
            handle = _ORIGINAL_OPEN(file, mode, *args, **kwargs)
            if before is not None:
                hooks._record(before, mode, handle)
            return handle

        def os_open(path: Any, flags: int, mode: int = 0o777, *, dir_fd: int | None = None) -> int:
            if not isinstance(path, (str, bytes)) and hasattr(type(path), "__fspath__"):
                path = os.fspath(path)
            before = hooks._before(path) if dir_fd is None else None
            fd = _ORIGINAL_OS_OPEN(path, flags, mode, dir_fd=dir_fd)
            if before is not None:
                hooks._record(before, _mode_of_flags(flags, before.exists), None, fd)
            return fd

        def os_close(fd: int) -> None:
            entry = hooks.fds.pop(fd, None) if hooks.fds else None
            if entry is not None:
                entry.fd = -1
            _ORIGINAL_OS_CLOSE(fd)

        open.__doc__ = _ORIGINAL_OPEN.__doc__
        os_open.__doc__ = _ORIGINAL_OS_OPEN.__doc__
        os_close.__doc__ = _ORIGINAL_OS_CLOSE.__doc__
        builtins.open = open
        io.open = open
        os.open = os_open
        os.close = os_close
        accessor = getattr(pathlib, "_NormalAccessor", None)  # Python 3.10's pathlib bound io.open early
        if accessor is not None and accessor.__dict__.get("open") is _ORIGINAL_OPEN:
            accessor.open = staticmethod(open)
        shell = sys.modules.get("IPython.core.interactiveshell")  # a notebook's `open` wraps IPython's io_open
        if shell is not None and getattr(shell, "io_open", None) is _ORIGINAL_OPEN:
            setattr(shell, "io_open", open)  # noqa: B010 (a module attribute mypy does not know)
        self.active = True

    def uninstall(self) -> None:
        builtins.open = _ORIGINAL_OPEN
        io.open = _ORIGINAL_OPEN
        os.open = _ORIGINAL_OS_OPEN
        os.close = _ORIGINAL_OS_CLOSE
        accessor = getattr(pathlib, "_NormalAccessor", None)
        if accessor is not None and "open" in accessor.__dict__ and accessor.__dict__["open"] is not _ORIGINAL_OPEN:
            accessor.open = _ORIGINAL_OPEN
        shell = sys.modules.get("IPython.core.interactiveshell")
        if shell is not None and getattr(shell, "io_open", _ORIGINAL_OPEN) is not _ORIGINAL_OPEN:
            setattr(shell, "io_open", _ORIGINAL_OPEN)  # noqa: B010
        self.active = False

    def _excluded(self, path: str) -> bool:
        return (path.startswith(_EXCLUDED_PREFIXES) or path.startswith(self.exclude)
                or path.endswith(_EXCLUDED_SUFFIXES) or any(part in path for part in _EXCLUDED_PARTS))

    def _before(self, file: Any) -> Before | None:
        """The path and its content before the open, for regular files worth recording; None to ignore.
        Special files (pipes, sockets, devices, directories) are never opened here, and a path is judged
        by its resolved target as well as by its name."""
        if not self.recorder.enabled or isinstance(file, int) or _importing():
            return None
        try:
            path = os.path.abspath(os.fsdecode(file))
        except (TypeError, ValueError):
            return None
        try:
            return self._look(path)
        except Exception as exc:  # pragma: no cover - defensive: never break the program's open
            self.recorder._fail(exc)
            return None

    def _look(self, path: str) -> Before | None:
        """``_before`` for an absolute path."""
        if self._excluded(path):
            return None
        real = resolve(path)
        if real != path and self._excluded(real):
            return None
        st, special = regular_stat(path)
        if special:
            return None
        snap = None
        if st is not None:
            self._settle(real)
            snap = self.hasher.current(path, real, st, quiet=not self._writing(real, None, in_place=False))
        return Before(path, real, st is not None, snap)

    def _writing(self, real: str, but: FileEntry | None, in_place: bool) -> bool:
        """Whether a hooked write handle (other than ``but``; ``in_place``: one that may write anywhere, not
        only append) is open on ``real``. Descriptors from ``os.open`` count as open until ``os.close``."""
        return any(e is not but and not _is_closed(e) and (not in_place or not e.mode.startswith("a"))
                   for e in self.pending.get(real, ()))

    def _settle(self, real: str) -> None:
        """Finish the write accesses of ``real`` already closed and attached to their statement, before it
        is opened again: their versions come first, and their digest can be reused or continued."""
        with self.lock:
            ready = [e for e in self.pending.get(real, ()) if e.fed and _is_closed(e)]
        for entry in ready:
            _finish_write(self.recorder, entry)

    def _record(self, before: Before, mode: str, handle: Any, fd: int | None = None) -> None:
        rec = self.recorder
        try:
            snap = before.snap
            sha, size = (snap.digest, snap.size) if snap is not None else (None, None)
            write = any(c in mode for c in "wax+")
            entry = FileEntry(next(rec.ids), before.path, mode, sha, size, write,
                              weakref.ref(handle) if handle is not None else None)
            entry.hooks, entry.real, entry.base = self, before.real, snap
            if write:
                appends = mode.startswith("a")
                entry.chain = appends and not self._writing(before.real, None, in_place=True)
                entry.gen = self.hasher.opened_for_writing(before.real, in_place=not appends)
                with self.lock:
                    self.pending.setdefault(before.real, []).append(entry)
                    if fd is not None:
                        entry.fd = fd
                        self.fds[fd] = entry
            if sha is not None and not truncates(mode):
                entry.read_vid = self.read_version(before.path, before.real, sha, size)
            rec.current().writers.append(entry)
        except Exception as exc:  # pragma: no cover - defensive
            rec._fail(exc)

    def read_version(self, path: str, real: str, sha: str, size: int | None) -> int:
        """The version of ``path`` with content ``sha`` that an open sees: the latest one when it has that
        content, else a new one (numbered after every version recorded so far)."""
        with self.lock:
            latest = self.latest.get(path)
            if latest is not None and latest.sha == sha:
                latest.read = True
                return latest.vid
            vid = self._new_version(path, real, sha, size, None, written=False)
            self.latest[path].read = True
            return vid

    def write_version(self, entry: FileEntry, sha: str, size: int | None) -> tuple[int, bool]:
        """The version a finished write made, and whether it is new. A write that changed nothing reuses the
        version it opened; a write repeating the latest written content that nobody read since reuses it
        too; every other write makes a new version, so the newest version is the one written last."""
        with self.lock:
            latest = self.latest.get(entry.path)
            if latest is not None and latest.sha == sha:
                if latest.vid == entry.read_vid or (latest.written and not latest.read):
                    return latest.vid, False
            return self._new_version(entry.path, entry.real, sha, size, entry.eid, written=True), True

    def _new_version(self, path: str, real: str, sha: str, size: int | None, eid: int | None,
                     written: bool) -> int:
        rec = self.recorder
        vid = next(rec.ids)
        rec.file_versions[(path, sha)] = vid
        self.latest[path] = FileVersion(vid, sha, written)
        summary: dict[str, Any] = {"kind": "file", "size": size}
        if real != path:
            summary["resolved"] = real
        rec.b_ver.append((rec.tid, vid, path, "file", "file", eid, "file", sha, os.path.basename(path),
                          json.dumps(summary, separators=(",", ":")), 1))
        return vid


def _importing() -> bool:
    """Whether the calling thread is importing a module (an importlib frame is on its stack)."""
    frame: types.FrameType | None = sys._getframe(2)
    files = _IMPORT_FILES
    while frame is not None:
        if frame.f_code.co_filename in files:
            return True
        frame = frame.f_back
    return False


def _is_closed(entry: FileEntry) -> bool:
    if entry.ref is None:
        return entry.fd == -1
    handle = entry.ref()
    return handle is None or bool(getattr(handle, "closed", True))


def feed_writers(rec: Recorder, s: Scope, eid: int, reads: list[int]) -> None:
    """Attach pending file accesses of scope ``s`` to the statement execution ``eid`` that just ran:
    files read become reads of the statement; files being written collect the statement's reads until
    they are closed, then become file versions generated by the last statement that wrote them."""
    keep = []
    for entry in s.writers:
        if entry.done:
            continue
        if entry.read_vid is not None and entry.eid is None:
            if entry.read_vid not in reads:
                reads.append(entry.read_vid)
        if not entry.write:
            entry.eid = eid
            _write_access(rec, entry, None)
            continue
        if entry.fed and _is_closed(entry):
            _finish_write(rec, entry)
            continue
        entry.fed = True
        entry.eid = eid
        entry.deps.update(reads)
        if _is_closed(entry):
            _finish_write(rec, entry)
        else:
            keep.append(entry)
    s.writers[:] = keep


def finish_writers(rec: Recorder, s: Scope, eid: int, final: bool = True) -> None:
    """Close out every pending access of a scope that ends (the scope's activation stands in)."""
    for entry in s.writers:
        if entry.done:
            continue
        if entry.eid is None:
            entry.eid = eid
        if entry.write:
            _finish_write(rec, entry)
        else:
            _write_access(rec, entry, None)
    s.writers.clear()


def _finish_write(rec: Recorder, entry: FileEntry) -> None:
    """Hash the written file and record its new version, derived from what the writing statements read
    and, unless the open truncated the file, from the version it had when opened."""
    hooks = entry.hooks
    if hooks is None:  # pragma: no cover - entries are made by FileHooks
        return
    with hooks.lock:
        if entry.done:
            return
        entry.done = True
        pending = hooks.pending.get(entry.real, [])
        if entry in pending:
            pending.remove(entry)
        own = _is_closed(entry) and not hooks._writing(entry.real, entry, in_place=False)
    snap, size = hooks.hasher.after_write(entry.path, entry.real, entry.base, entry.gen, entry.chain, own)
    sha = snap.digest if snap is not None else None
    write_vid = None
    if sha is not None:
        write_vid, new = hooks.write_version(entry, sha, size)
        if new or write_vid != entry.read_vid:
            sources = set(entry.deps)
            if entry.read_vid is not None:
                sources.add(entry.read_vid)
            sources.discard(write_vid)
            rec.b_der.extend([(rec.tid, write_vid, src) for src in sorted(sources)])
    _write_access(rec, entry, write_vid, sha, size)


def _write_access(rec: Recorder, entry: FileEntry, write_vid: int | None, sha: str | None = None,
                  size: int | None = None) -> None:
    rec.writer.add("file_accesses", (
        entry.access, entry.eid, entry.path, entry.mode, entry.before, entry.size_before, sha, size,
        entry.read_vid, write_vid, entry.at,
    ))
