"""Hashing policy: fixed samples of large buffers, text digests, canonical encodings of builtin values."""

from __future__ import annotations

import _thread
import hashlib
import os
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import provbridge.capture.values.limits as limits
import provbridge.capture.values.secrets as secrets


def sample_ranges(n: int, budget: int) -> list[tuple[int, int]]:
    """Element ranges [start, stop) of a fixed sample of ``budget`` items of a sequence of ``n`` items:
    the head, the tail and ``SAMPLE_BLOCKS`` evenly strided blocks."""
    budget = max(limits.SAMPLE_BLOCKS + 2, budget)
    if n <= budget:
        return [(0, n)]
    head = budget // 4
    tail = budget // 4
    block = max(1, (budget - head - tail) // limits.SAMPLE_BLOCKS)
    ranges = [(0, head)]
    lo, hi = head, n - tail - block
    for i in range(limits.SAMPLE_BLOCKS):
        start = lo + (hi - lo) * (i + 1) // (limits.SAMPLE_BLOCKS + 1)
        ranges.append((start, start + block))
    ranges.append((n - tail, n))
    return ranges


T = TypeVar("T")


def concurrently(tasks: Sequence[Callable[[], T]]) -> list[T]:
    """The results of ``tasks`` (hashing large buffers: hashlib lets go of the GIL), every other one run in a
    bare thread of its own (invisible to ``threading``) while this one runs the rest; in order, and serially
    on one CPU. A task's exception is raised here."""
    if len(tasks) < 2 or (os.cpu_count() or 1) < 2:
        return [task() for task in tasks]
    results: list[Any] = [None] * len(tasks)
    failure: list[BaseException] = []
    done = _thread.allocate_lock()
    done.acquire()

    def run(indexes: range) -> None:
        try:
            for i in indexes:
                results[i] = tasks[i]()
        except BaseException as exc:
            failure.append(exc)

    def worker() -> None:
        try:
            run(range(1, len(tasks), 2))
        finally:
            done.release()

    try:
        _thread.start_new_thread(worker, ())
    except RuntimeError:  # no thread to be had: all of them here
        done.release()
        run(range(1, len(tasks), 2))
    run(range(0, len(tasks), 2))
    done.acquire()
    if failure:
        raise failure[0]
    return results


def _encode(part: str | bytes | bytearray) -> bytes | bytearray:
    return part.encode("utf-8", "surrogatepass") if isinstance(part, str) else part


def text_hash(data: str | bytes | bytearray) -> tuple[str, str]:
    """(sha256, hash_kind) of a str or bytes-like value, sampled above TEXT_FULL_HASH_LIMIT."""
    n = len(data)
    if n <= limits.TEXT_FULL_HASH_LIMIT:
        return hashlib.sha256(_encode(data)).hexdigest(), "full"
    h = hashlib.sha256(f"sampled|{n}|".encode())
    for start, stop in sample_ranges(n, limits.SAMPLE_BYTES):
        h.update(_encode(data[start:stop]))
    return h.hexdigest(), "sampled"


class Budget:
    """What a canonical encoding may still consume (items, bytes of text)."""

    __slots__ = ("bytes", "items")

    def __init__(self) -> None:
        self.items = limits.CONTAINER_HASH_ITEMS
        self.bytes = limits.CONTAINER_HASH_BYTES


def framed(data: bytes) -> bytes:
    """``data`` prefixed with its length, so concatenations are unambiguous."""
    return b"%d:" % len(data) + data


_REDACTED = b"r" + secrets.REDACTED.encode()


def canon(v: Any, budget: Budget, depth: int = 0) -> bytes | None:
    """A canonical byte encoding of a scalar-like value (exact builtin types only), or None. Secrets are
    encoded redacted (credential-shaped text, values of secret-looking dict keys)."""
    budget.items -= 1
    if budget.items < 0 or depth > 8:
        return None
    t = type(v)
    if v is None:
        return b"N"
    if t is bool:
        return b"T" if v else b"F"
    if t is int:
        return b"i" + format(v, "x").encode()
    if t is float:
        return b"f" + v.hex().encode()
    if t is str:
        budget.bytes -= len(v)
        if budget.bytes < 0:
            return None
        return b"s" + secrets.scrub(v).encode("utf-8", "surrogatepass")
    if t is bytes:
        budget.bytes -= len(v)
        return b"b" + secrets.scrub_bytes(v) if budget.bytes >= 0 else None
    if t is complex:
        return b"c" + v.real.hex().encode() + b"," + v.imag.hex().encode()
    if t is list or t is tuple or t is set or t is frozenset:
        parts = []
        for item in v:
            enc = canon(item, budget, depth + 1)
            if enc is None:
                return None
            parts.append(framed(enc))
        if t is set or t is frozenset:
            parts.sort()
        tag = b"l" if t is list else b"t" if t is tuple else b"S" if t is set else b"Z"
        return tag + b"".join(parts)
    if t is dict:
        parts = []
        for key, val in v.items():
            kenc = canon(key, budget, depth + 1)
            venc = _REDACTED if secrets.redact_name(key) else canon(val, budget, depth + 1)
            if venc is None or kenc is None:
                return None
            parts.append(framed(framed(kenc) + framed(venc)))
        parts.sort()
        return b"d" + b"".join(parts)
    return None
