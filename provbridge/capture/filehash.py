"""Content hashes for file capture: sha256 of regular files only, cached per run, continued across appends."""

from __future__ import annotations

import hashlib
import os
import stat
import threading
import time
from typing import Any

_ORIGINAL_OS_OPEN = os.open
_READ_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)
CHUNK = 1 << 20
TAIL = 4096  # bytes at the end of a hashed prefix checked again before the digest is continued
SETTLED_NS = 10_000_000  # a file whose mtime is older than this when hashed cannot change unseen


class HashStats:
    """What hashing cost in this process (tests count bytes instead of timing)."""

    __slots__ = ("bytes_read", "continued", "full")

    def __init__(self) -> None:
        self.bytes_read = 0
        self.full = 0  # files hashed from their first byte
        self.continued = 0  # digests continued from a prefix already hashed


STATS = HashStats()


class Snapshot:
    """The content of one regular file as hashed: identity, size, mtime, digest, and the sha256 state."""

    __slots__ = ("dev", "digest", "ino", "mtime_ns", "size", "state", "tail", "trusted")

    def __init__(self, st: os.stat_result, size: int, state: Any, tail: bytes, trusted: bool) -> None:
        self.dev = st.st_dev
        self.ino = st.st_ino
        self.mtime_ns = st.st_mtime_ns
        self.size = size
        self.state = state  # hashlib object fed with exactly ``size`` bytes; never updated in place
        self.digest: str = state.hexdigest()
        self.tail = tail
        self.trusted = trusted

    def matches(self, st: os.stat_result) -> bool:
        return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns) == (self.dev, self.ino, self.size, self.mtime_ns)


def regular_stat(path: str) -> tuple[os.stat_result | None, bool]:
    """``(stat, special)`` of ``path`` following symlinks: stat is None when it does not exist; special is
    True for anything but a regular file (pipe, socket, device, directory), which must never be opened."""
    try:
        st = os.stat(path)
    except (OSError, ValueError):
        return None, False
    return st, not stat.S_ISREG(st.st_mode)


def resolve(path: str) -> str:
    """The path with every symlink resolved (as far as it exists)."""
    try:
        return os.path.realpath(path)
    except (OSError, ValueError):
        return path


class FileHasher:
    """Hashes regular files for one run: each (resolved path, size, mtime, inode) at most once while it
    can be trusted, and a file that only grew through append handles from where its last digest stopped.

    A snapshot is reused only if it is trusted: hashed right after our own write handle was closed, or
    when the file had settled (mtime older than SETTLED_NS) and no hooked write handle was open on it.
    Any write open through the hooks forgets the path's snapshot; one that may write in place (not an
    append) also breaks the append chain of handles opened before it.
    """

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.latest: dict[str, Snapshot] = {}  # resolved path -> last snapshot
        self.generation: dict[str, int] = {}  # resolved path -> opens that may write in place so far
        self.opens: dict[str, int] = {}  # resolved path -> write opens so far

    def current(self, path: str, real: str, st: os.stat_result, quiet: bool) -> Snapshot | None:
        """The file's content now (``st`` just taken; ``quiet``: no hooked write handle is open on it):
        a trusted snapshot, else a fresh full hash."""
        snap = self.latest.get(real)
        if snap is not None and snap.trusted and snap.matches(st):
            return snap
        return self._read(path, real, st, hashlib.sha256(), 0, b"", own=False, quiet=quiet)

    def opened_for_writing(self, real: str, in_place: bool) -> int:
        """A write handle was opened (``in_place``: it may write anywhere, not only append): forget the
        snapshot; returns the path's in-place generation, to tell at the end whether another came."""
        with self.lock:
            self.latest.pop(real, None)
            self.opens[real] = self.opens.get(real, 0) + 1
            gen = self.generation.get(real, 0) + (1 if in_place else 0)
            self.generation[real] = gen
        return gen

    def after_write(self, path: str, real: str, base: Snapshot | None, gen: int, chain: bool,
                    own: bool) -> tuple[Snapshot | None, int | None]:
        """The content once a write handle is finished. ``chain``: it only appended and no in-place
        writer was open when it was opened, so unless one was opened since (``gen``), the digest of
        ``base`` (the content at its open) is continued. ``own``: the handle is closed and no other
        hooked writer is open, so the result can be trusted. Returns the snapshot and the size."""
        st, special = regular_stat(path)
        if st is None:
            return None, None
        if special:
            return None, st.st_size
        snap = None
        if (chain and base is not None and self.generation.get(real, 0) == gen
                and (st.st_dev, st.st_ino) == (base.dev, base.ino) and st.st_size >= base.size):
            snap = self._continue(path, real, st, base, own)
        if snap is None:
            snap = self._read(path, real, st, hashlib.sha256(), 0, b"", own=own, quiet=own)
        return snap, (snap.size if snap is not None else st.st_size)

    def _continue(self, path: str, real: str, st: os.stat_result, base: Snapshot, own: bool) -> Snapshot | None:
        """Continue ``base``'s digest over the bytes appended since, after checking that the bytes before
        the point it stopped at are still there (a truncate-and-rewrite would not leave them)."""
        fd = self._open(path, st)
        if fd is None:
            return None
        try:
            if _pread_all(fd, len(base.tail), base.size - len(base.tail)) != base.tail:
                return None
        finally:
            os.close(fd)
        STATS.continued += 1
        return self._read(path, real, st, base.state.copy(), base.size, base.tail, own=own, quiet=own)

    def _open(self, path: str, st: os.stat_result) -> int | None:
        """A non-blocking read descriptor on ``path`` if it is still the regular file ``st`` describes."""
        try:
            fd = _ORIGINAL_OS_OPEN(path, _READ_FLAGS)
        except OSError:
            return None
        try:
            now = os.fstat(fd)
        except OSError:
            now = None
        if now is None or not stat.S_ISREG(now.st_mode) or (now.st_dev, now.st_ino) != (st.st_dev, st.st_ino):
            os.close(fd)
            return None
        return fd

    def _read(self, path: str, real: str, st: os.stat_result, state: Any, offset: int, tail: bytes, *,
              own: bool, quiet: bool) -> Snapshot | None:
        """Feed ``state`` (which has seen ``offset`` bytes) with the rest of the file."""
        fd = self._open(path, st)
        if fd is None:
            return None
        opens = self.opens.get(real, 0)
        size = offset
        try:
            if offset == 0:
                STATS.full += 1
            while chunk := os.pread(fd, CHUNK, size):
                STATS.bytes_read += len(chunk)
                state.update(chunk)
                size += len(chunk)
                tail = (tail + chunk)[-TAIL:] if len(chunk) < TAIL else chunk[-TAIL:]
            after = os.fstat(fd)
        except OSError:
            return None
        finally:
            os.close(fd)
        steady = (after.st_size, after.st_mtime_ns) == (size, st.st_mtime_ns)
        settled = quiet and time.time_ns() - after.st_mtime_ns > SETTLED_NS
        snap = Snapshot(after, size, state, tail, steady and (own or settled))
        with self.lock:
            if self.opens.get(real, 0) == opens:  # no write handle was opened meanwhile
                self.latest[real] = snap
        return snap


def _pread_all(fd: int, length: int, offset: int) -> bytes:
    data = b""
    while len(data) < length:
        chunk = os.pread(fd, length - len(data), offset + len(data))
        if not chunk:
            break
        data += chunk
    STATS.bytes_read += len(data)
    return data
