"""numpy arrays and torch tensors: shape, dtype, sha256 (full or sampled) and numeric statistics."""

from __future__ import annotations

import functools
import hashlib
import math
from collections.abc import Iterable
from typing import Any

import provbridge.capture.values.cache as cache
import provbridge.capture.values.hashing as hashing
import provbridge.capture.values.limits as limits
import provbridge.capture.values.text as text
from provbridge.capture.values.introspect import short_name_of, type_name_of
from provbridge.capture.values.limits import Described


def numeric_stats(np: Any, x: Any) -> dict[str, Any] | None:
    """{min, max, mean, std, nan_count} of a numeric (int/uint/float) numpy array, or None. The same
    reductions as ``np.mean``/``np.std`` (dtype float64), so the same figures, in fewer passes: the sum is
    taken once for both, and NaNs are looked for only when it is not finite."""
    if x.dtype.kind not in "iuf" or x.size == 0:
        return None
    with np.errstate(all="ignore"):
        nan_count = 0
        y = x
        total = np.add.reduce(x, axis=None, dtype=np.float64)
        if x.dtype.kind == "f" and not math.isfinite(total):  # a NaN (or an infinity) somewhere
            nan_mask = np.isnan(x)
            nan_count = int(np.count_nonzero(nan_mask))
            if nan_count:
                y = x[~nan_mask]
                if y.size == 0:
                    return {"min": None, "max": None, "mean": None, "std": None, "nan_count": nan_count}
                total = np.add.reduce(y, axis=None, dtype=np.float64)
        lo, hi = np.minimum.reduce(y, axis=None), np.maximum.reduce(y, axis=None)
        if x.dtype.kind == "f":
            lo_j: object = text.jfloat(float(lo))
            hi_j: object = text.jfloat(float(hi))
        else:
            lo_j, hi_j = text.jint(int(lo)), text.jint(int(hi))
        n = int(y.size)
        mean = total / n
        deviation = np.subtract(y, mean, dtype=np.float64)
        np.multiply(deviation, deviation, out=deviation)
        variance = np.add.reduce(deviation, axis=None, dtype=np.float64) / n
        return {
            "min": lo_j,
            "max": hi_j,
            "mean": text.jfloat(float(mean)),
            "std": text.jfloat(float(np.sqrt(variance))),
            "nan_count": nan_count,
        }


def array_sample(np: Any, arr: Any) -> Any:
    """A contiguous copy of a fixed C-order sample of ``arr`` (never copies the whole array). An array in
    another layout (Fortran order: a transpose, a product) gives the same items: each range is cut from a
    C-order copy of the few rows around it when they are small, else picked item by item."""
    budget = min(limits.SAMPLE_MAX_ITEMS, limits.SAMPLE_BYTES // max(1, arr.itemsize))
    ranges = hashing.sample_ranges(int(arr.size), budget)
    if arr.flags.c_contiguous:
        flat = arr.reshape(-1)
        return np.concatenate([flat[start:stop] for start, stop in ranges])
    row = int(arr.size // arr.shape[0]) if arr.ndim > 1 else 0
    spans = [(start // row, (stop - 1) // row + 1) for start, stop in ranges] if row else []
    if row and sum(last - first for first, last in spans) * row <= SAMPLE_ROWS_FACTOR * budget:
        return np.concatenate([arr[first:last].reshape(-1)[start - first * row:stop - first * row]
                               for (start, stop), (first, last) in zip(ranges, spans, strict=True)])
    index = np.concatenate([np.arange(start, stop, dtype=np.intp) for start, stop in ranges])
    return arr.flat[index]


SAMPLE_ROWS_FACTOR = 4
"""A sample of an array not in C order is cut from copies of whole rows while they hold at most this many
times the items of the sample."""


def full_sha256(np: Any, arr: Any) -> str:
    """The exact hash of an array (``hash_kind`` full): sha256 of its bytes in C order."""
    return hashlib.sha256(np.ascontiguousarray(arr).reshape(-1).view(np.uint8)).hexdigest()


def array_facts(np: Any, arr: Any, full_limit: int, with_stats: bool = True) -> dict[str, Any]:
    """shape, dtype, nbytes, sha256, hash_kind, stats, preview of a base-class ndarray."""
    nbytes = int(arr.nbytes)
    facts: dict[str, Any] = {"shape": [int(n) for n in arr.shape], "dtype": str(arr.dtype), "nbytes": nbytes}
    kind = arr.dtype.kind
    if nbytes <= full_limit:
        data = arr
        if kind not in "OT":
            facts["sha256"] = full_sha256(np, arr)
            facts["hash_kind"] = "full"
    else:
        data = array_sample(np, arr)
        if kind not in "OT":
            h = hashlib.sha256(f"sampled|{tuple(arr.shape)}|{arr.dtype.str}|{nbytes}|".encode())
            h.update(np.ascontiguousarray(data).view(np.uint8))
            facts["sha256"] = h.hexdigest()
            facts["hash_kind"] = "sampled"
    if with_stats:
        if data is arr and nbytes > limits.FULL_HASH_LIMIT:
            data = array_sample(np, arr)  # an exact hash at the end of a run; stats stay those of the sample
        stats = numeric_stats(np, data)
        if stats is not None:
            facts["stats"] = stats
    facts["preview"] = [text.preview(item, 1) for item in arr.flat[: limits.PREVIEW_ITEMS].tolist()]
    return facts


def base_view(np: Any, v: Any, t: type) -> Any:
    """``v`` as a plain ndarray (a subclass is viewed through the base class, none of its code runs)."""
    return v if t is np.ndarray else np.ndarray.view(v, np.ndarray)


def array_repr(np: Any, v: Any, t: type) -> str:
    """``ndarray float64 (2, 3)``."""
    arr = base_view(np, v, t)
    return f"{short_name_of(t)} {arr.dtype} {tuple(int(n) for n in arr.shape)}"


def describe_ndarray(np: Any, v: Any, t: type, tn: str, full_limit: int) -> Described:
    """An ndarray (or subclass): facts of its data; large arrays are summarized once while unchanged (at the
    end of a run, one whose sampled summary is cached only gets its full hash)."""
    arr = base_view(np, v, t)
    exact = full_limit > limits.FULL_HASH_LIMIT
    guard = cache.array_guard(np, arr) if arr.nbytes > limits.FULL_HASH_LIMIT else None
    if guard is not None:
        hit = cache.lookup(v, guard, exact)
        if hit is not None:
            return hit
        sampled = cache.lookup(v, guard, False) if exact and arr.nbytes <= full_limit else None
        if sampled is not None:
            return cache.complete(v, guard, sampled, lambda: full_sha256(np, arr))
    summary: dict[str, Any] = {"kind": "ndarray"}
    summary.update(array_facts(np, arr, full_limit))
    described = (tn, None, text.clip(array_repr(np, v, t), limits.REPR_LIMIT), summary)
    if guard is not None:
        cache.store(v, guard, described, cache.is_full(described))
    return described


def prepare_final(np: Any, values: Iterable[Any]) -> None:
    """Summarize the large ndarrays among ``values`` for the end of a run, their full hashes computed two at a
    time: the end-of-run summaries asked for next (``summarize_final``, one by one) find them cached."""
    todo: list[tuple[Any, tuple[Any, ...], Described]] = []
    seen: set[int] = set()
    for v in values:
        if type(v) is not np.ndarray or not limits.FULL_HASH_LIMIT < v.nbytes <= limits.FINAL_HASH_LIMIT:
            continue
        guard = cache.array_guard(np, v)
        if guard is None or id(v) in seen or cache.lookup(v, guard, True) is not None:
            continue
        seen.add(id(v))  # summarized while recording, else now (as summarize_final would): completed below
        sampled = cache.lookup(v, guard, False) or describe_ndarray(
            np, v, np.ndarray, type_name_of(np.ndarray), limits.FULL_HASH_LIMIT)
        todo.append((v, guard, sampled))
    if len(todo) < 2:
        return
    digests = hashing.concurrently([functools.partial(full_sha256, np, v) for v, _, _ in todo])
    for (v, guard, sampled), digest in zip(todo, digests, strict=True):
        cache.complete(v, guard, sampled, functools.partial(str, digest))


def tensor_repr(v: Any, t: type) -> str:
    """``Tensor float32 (2, 3)``."""
    return f"{short_name_of(t)} {str(v.dtype).removeprefix('torch.')} {tuple(v.shape)}"


def describe_tensor(np: Any, v: Any, t: type, tn: str, full_limit: int) -> Described:
    """A torch tensor: shape, dtype, device; hash and stats through numpy when small enough to copy."""
    shape = [int(n) for n in v.shape]
    dtype = str(v.dtype).removeprefix("torch.")
    nbytes = int(v.element_size()) * int(v.nelement())
    summary: dict[str, Any] = {"kind": "tensor", "shape": shape, "dtype": dtype, "nbytes": nbytes}
    try:
        summary["device"] = str(v.device)
        summary["requires_grad"] = bool(v.requires_grad)
    except Exception:
        pass
    if np is not None and nbytes <= full_limit:
        try:
            facts = array_facts(np, v.detach().cpu().numpy(), full_limit)
            facts["dtype"] = dtype
            summary.update(facts)
        except Exception:
            pass
    return tn, None, text.clip(f"{short_name_of(t)} {dtype} {tuple(shape)}", limits.REPR_LIMIT), summary
