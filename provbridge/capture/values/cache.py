"""Summaries of large objects reused while the object is unchanged: one hash per identity and version."""

from __future__ import annotations

import functools
import weakref
import zlib
from collections.abc import Callable
from typing import Any

import provbridge.capture.values.hashing as hashing
from provbridge.capture.values.limits import Described

GUARD_BYTES = 4096
"""Bytes of an array read (crc32) to tell that it is unchanged: head, tail and strided blocks."""
GUARD_ROWS = 64
"""2-D arrays with at most this many rows (pandas blocks: one row per column) are guarded row by row."""
MAX_ENTRIES = 256

_entries: dict[int, tuple[Any, tuple[Any, ...], Described, bool, int]] = {}
_generation = 0


def bump() -> None:
    """Mark that the user's program may have run since the last summary (ends an end-of-run pass)."""
    global _generation
    _generation += 1


def clear() -> None:
    """Forget every cached summary."""
    _entries.clear()


def array_guard(np: Any, arr: Any) -> tuple[Any, ...] | None:
    """What must stay equal for an ndarray to count as unchanged: buffer address, shape, strides, dtype and
    a crc32 of about GUARD_BYTES sampled bytes (for object arrays, the item references); None when the
    array cannot be guarded cheaply (not contiguous in C or Fortran order)."""
    if arr.dtype.kind == "T" or not (arr.flags.c_contiguous or arr.flags.f_contiguous):
        return None
    if not arr.flags.c_contiguous:
        arr = arr.T  # Fortran order (a transpose, a product): the same buffer, read in C order
    rows = arr if arr.ndim == 2 and 0 < arr.shape[0] <= GUARD_ROWS else arr.reshape(1, -1)
    budget = max(1, GUARD_BYTES // max(1, arr.itemsize) // len(rows))
    crc = 0
    for row in rows:  # each row its own head, tail and blocks: a frame block holds one column per row
        for start, stop in hashing.sample_ranges(int(row.size), budget):
            crc = zlib.crc32(row[start:stop], crc)
    address = arr.__array_interface__["data"][0]
    return (address, arr.shape, arr.strides, arr.dtype.str, crc)


def lookup(v: Any, guard: tuple[Any, ...], exact: bool) -> Described | None:
    """The cached summary of ``v`` if its guard is unchanged. An exact (end-of-run) summary is reused only
    within the pass that made it; a sampled one while the guard holds."""
    entry = _entries.get(id(v))
    if entry is None or entry[0]() is not v or entry[1] != guard:
        return None
    is_exact, generation = entry[3], entry[4]
    if is_exact:
        return entry[2] if generation == _generation else None
    return None if exact else entry[2]


def store(v: Any, guard: tuple[Any, ...], described: Described, exact: bool) -> None:
    """Remember the summary of ``v`` (objects that cannot be weakly referenced are not cached)."""
    key = id(v)
    try:
        ref = weakref.ref(v, functools.partial(_drop, key))
    except TypeError:
        return
    if len(_entries) >= MAX_ENTRIES:
        _entries.pop(next(iter(_entries)))
    _entries[key] = (ref, guard, described, exact, _generation)


def is_full(described: Described) -> bool:
    """Whether a summary's hash is exact (``hash_kind`` full)."""
    summary = described[3]
    return summary is not None and summary.get("hash_kind") == "full"


def with_full_hash(sampled: Described, digest: Callable[[], str | None]) -> Described:
    """The end-of-run summary of an object unchanged since its sampled summary: the same, with the exact
    hash ``digest()`` in place of the sampled one (None: no hash; the statistics stay those of the sample,
    as a full summary reads them). A summary without a sampled hash is returned as it is."""
    tn, scalar, shown, summary = sampled
    if summary is None or summary.get("hash_kind") != "sampled":
        return sampled
    exact = dict(summary)  # the cached summary is shared: never changed in place
    value = digest()
    if value is None:
        del exact["sha256"], exact["hash_kind"]
    else:
        exact["sha256"], exact["hash_kind"] = value, "full"
    return tn, scalar, shown, exact


def complete(v: Any, guard: tuple[Any, ...], sampled: Described, digest: Callable[[], str | None]) -> Described:
    """The end-of-run summary of ``v`` from its cached sampled one and its exact hash ``digest()``, cached."""
    described = with_full_hash(sampled, digest)
    store(v, guard, described, is_full(described))
    return described


def _drop(key: int, ref: Any) -> None:
    entry = _entries.get(key)
    if entry is not None and entry[0] is ref:
        del _entries[key]
