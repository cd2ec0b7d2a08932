"""File hooks: records opens through open/io.open/os.open/pathlib as accesses and file versions with sha256."""

from __future__ import annotations

import builtins
import hashlib
import io
import os
import pathlib
import threading
import time
import weakref
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from provbridge.capture.recorder import Recorder, Scope

_ORIGINAL_OPEN = io.open
_ORIGINAL_OS_OPEN = os.open
_ORIGINAL_IMPORT = builtins.__import__
_importing = threading.local()  # files opened while a module is being imported are the library's business
_EXCLUDED_PREFIXES = ("/dev/", "/proc/", "/sys/")
# Package metadata and code are the interpreter's business, not the program's data.
_EXCLUDED_SUFFIXES = (".py", ".pyc", ".pyi", ".pth", ".so", ".pyd")
_EXCLUDED_PARTS = (".dist-info" + os.sep, ".egg-info" + os.sep, os.sep + "__pycache__" + os.sep)
_CHUNK = 1 << 20

# (path, size, mtime_ns, inode) -> sha256, so files read again unchanged are not hashed again
_hash_cache: dict[tuple[str, int, int, int], str] = {}


def sha256_file(path: str) -> tuple[str | None, int | None]:
    """The sha256 and size of a file, or (None, None) if it does not exist or cannot be read."""
    try:
        st = os.stat(path)
    except OSError:
        return None, None
    key = (path, st.st_size, st.st_mtime_ns, st.st_ino)
    cached = _hash_cache.get(key)
    if cached is not None:
        return cached, st.st_size
    digest = hashlib.sha256()
    try:
        with _ORIGINAL_OPEN(path, "rb") as handle:
            while chunk := handle.read(_CHUNK):
                digest.update(chunk)
    except OSError:
        return None, st.st_size
    value = digest.hexdigest()
    # a file modified within the mtime granularity could be missed; only cache settled files
    if time.time_ns() - st.st_mtime_ns > 10_000_000:
        _hash_cache[key] = value
    return value, st.st_size


class FileEntry:
    """A file access waiting to be attached to the statement that opened it (and, for writes, closed)."""

    __slots__ = ("access", "at", "before", "deps", "eid", "fed", "mode", "path", "read_vid", "ref",
                 "size_before", "write")

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


def _mode_of_flags(flags: int) -> str:
    acc = flags & (os.O_RDONLY | os.O_WRONLY | os.O_RDWR)
    if acc == os.O_RDONLY:
        return "r"
    if flags & os.O_APPEND:
        return "a" if acc == os.O_WRONLY else "a+"
    return "w" if acc == os.O_WRONLY else "r+"


class FileHooks:
    """Replaces ``builtins.open``/``io.open``/``os.open`` while a trial records, and restores them after."""

    def __init__(self, recorder: Recorder, exclude: tuple[str, ...] = ()) -> None:
        self.recorder = recorder
        self.exclude = tuple(os.path.abspath(p) + os.sep for p in exclude)
        self.active = False

    def install(self) -> None:
        hooks = self

        def open(file: Any, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
            before = hooks._before(file, mode)
            handle = _ORIGINAL_OPEN(file, mode, *args, **kwargs)
            if before is not None:
                hooks._record(before, mode, handle)
            return handle

        def os_open(path: Any, flags: int, mode: int = 0o777, *, dir_fd: int | None = None) -> int:
            text_mode = _mode_of_flags(flags)
            before = hooks._before(path, text_mode) if dir_fd is None else None
            fd = _ORIGINAL_OS_OPEN(path, flags, mode, dir_fd=dir_fd)
            if before is not None:
                hooks._record(before, text_mode, None)
            return fd

        def import_(name: str, globals: Any = None, locals: Any = None, fromlist: Any = (),
                    level: int = 0) -> Any:
            _importing.depth = getattr(_importing, "depth", 0) + 1
            try:
                return _ORIGINAL_IMPORT(name, globals, locals, fromlist, level)
            finally:
                _importing.depth -= 1

        open.__doc__ = _ORIGINAL_OPEN.__doc__
        os_open.__doc__ = _ORIGINAL_OS_OPEN.__doc__
        import_.__doc__ = _ORIGINAL_IMPORT.__doc__
        builtins.open = open
        io.open = open
        os.open = os_open
        builtins.__import__ = import_
        accessor = getattr(pathlib, "_NormalAccessor", None)  # Python 3.10's pathlib bound io.open early
        if accessor is not None and accessor.__dict__.get("open") is _ORIGINAL_OPEN:
            accessor.open = staticmethod(open)
        self.active = True

    def uninstall(self) -> None:
        builtins.open = _ORIGINAL_OPEN
        io.open = _ORIGINAL_OPEN
        os.open = _ORIGINAL_OS_OPEN
        builtins.__import__ = _ORIGINAL_IMPORT
        accessor = getattr(pathlib, "_NormalAccessor", None)
        if accessor is not None and "open" in accessor.__dict__ and accessor.__dict__["open"] is not _ORIGINAL_OPEN:
            accessor.open = _ORIGINAL_OPEN
        self.active = False

    def _before(self, file: Any, mode: str) -> tuple[str, str | None, int | None] | None:
        """Path and content hash before the open, for paths worth recording; None to ignore."""
        if not self.recorder.enabled or isinstance(file, int) or _importing.__dict__.get("depth", 0):
            return None
        try:
            path = os.path.abspath(os.fsdecode(file))
        except (TypeError, ValueError):
            return None
        if path.startswith(_EXCLUDED_PREFIXES) or path.startswith(self.exclude) or path.endswith(_EXCLUDED_SUFFIXES):
            return None
        if any(part in path for part in _EXCLUDED_PARTS):
            return None
        sha, size = sha256_file(path)
        return path, sha, size

    def _record(self, before: tuple[str, str | None, int | None], mode: str, handle: Any) -> None:
        try:
            rec = self.recorder
            path, sha, size = before
            write = any(c in mode for c in "wax+")
            entry = FileEntry(next(rec.ids), path, mode, sha, size, write,
                              weakref.ref(handle) if handle is not None else None)
            reads = not any(c in mode for c in "wx") or "+" in mode
            if reads and sha is not None:
                entry.read_vid = file_version(rec, path, sha, size, None)
            rec.current().writers.append(entry)
        except Exception as exc:  # pragma: no cover - defensive
            rec._fail(exc)


def file_version(rec: Recorder, path: str, sha: str, size: int | None, eid: int | None) -> int:
    """The version id of file ``path`` with content ``sha`` in this trial, created on first sight."""
    key = (path, sha)
    vid = rec.file_versions.get(key)
    if vid is None:
        vid = next(rec.ids)
        rec.file_versions[key] = vid
        summary = f'{{"kind":"file","size":{size if size is not None else "null"}}}'
        rec.b_ver.append((rec.tid, vid, path, "file", "file", eid, "file", sha, os.path.basename(path), summary, 1))
    return vid


def _is_closed(entry: FileEntry) -> bool:
    if entry.ref is None:
        return False
    handle = entry.ref()
    return handle is None or bool(getattr(handle, "closed", True))


def feed_writers(rec: Recorder, s: Scope, eid: int, reads: list[int]) -> None:
    """Attach pending file accesses of scope ``s`` to the statement execution ``eid`` that just ran:
    files read become reads of the statement; files being written collect the statement's reads until
    they are closed, then become file versions generated by the last statement that wrote them."""
    keep = []
    for entry in s.writers:
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
        if entry.eid is None:
            entry.eid = eid
        if entry.write:
            _finish_write(rec, entry)
        else:
            _write_access(rec, entry, None)
    s.writers.clear()


def _finish_write(rec: Recorder, entry: FileEntry) -> None:
    sha, size = sha256_file(entry.path)
    write_vid = None
    if sha is not None:
        write_vid = file_version(rec, entry.path, sha, size, entry.eid)
        tid = rec.tid
        sources = set(entry.deps)
        sources.discard(write_vid)
        if entry.before is not None and entry.before != sha:
            previous = file_version(rec, entry.path, entry.before, entry.size_before, None)
            sources.add(previous)
        rec.b_der.extend([(tid, write_vid, src) for src in sorted(sources)])
    _write_access(rec, entry, write_vid, sha, size)


def _write_access(rec: Recorder, entry: FileEntry, write_vid: int | None, sha: str | None = None,
                  size: int | None = None) -> None:
    rec.writer.add("file_accesses", (
        entry.access, entry.eid, entry.path, entry.mode, entry.before, entry.size_before, sha, size,
        entry.read_vid, write_vid, entry.at,
    ))
