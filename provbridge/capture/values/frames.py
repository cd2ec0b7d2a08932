"""pandas DataFrame/Series/Index: shape, columns, dtypes, sha256 of the rows (full or sampled), stats."""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Iterable
from typing import Any

import provbridge.capture.values.cache as cache
import provbridge.capture.values.hashing as hashing
import provbridge.capture.values.limits as limits
import provbridge.capture.values.text as text
from provbridge.capture.values.arrays import numeric_stats
from provbridge.capture.values.introspect import derives, instance_dict, short_name_of, trusted, type_name_of
from provbridge.capture.values.limits import Described
from provbridge.capture.values.scalars import jsonable, pandas_scalar_types, safe_item_types


def base_object(pd: Any, v: Any, t: type) -> Any:
    """``v`` as an instance of the pandas class it derives from, sharing its data: a user subclass's
    methods and properties are never called. None when that cannot be done safely."""
    if trusted(t):
        return v
    d = instance_dict(v, t)
    mgr = d.get("_mgr") if d is not None else None
    if mgr is None or not trusted(type(mgr)):
        return None
    if derives(t, pd.DataFrame):
        return pd.DataFrame._from_mgr(mgr, axes=mgr.axes)
    if derives(t, pd.Series):
        base = pd.Series._from_mgr(mgr, axes=mgr.axes)
        name = d.get("_name") if d is not None else None
        object.__setattr__(base, "_name", name if type(name) in safe_item_types() else None)
        return base
    return None


def _dtype_text(dtype: Any) -> str:
    """str(dtype) for numpy and pandas dtypes; the type name of any other (a user extension dtype)."""
    return str(dtype) if trusted(type(dtype)) else type_name_of(type(dtype))


def _label(x: Any) -> str:
    return x if type(x) is str else text.preview(x, 1)


def _trusted_dtypes(pd: Any, dtypes: Iterable[Any]) -> bool:
    """True when every dtype comes from numpy or pandas (measuring or hashing a column of a dtype defined
    elsewhere would run that code)."""
    return all(trusted(type(d)) for d in dtypes)


def _hashable(np: Any, pd: Any, columns: Iterable[Any]) -> bool:
    """False when an object (or categorical) column or index level might hold user objects: hashing them
    would call their ``__str__``. Item types are read with ``type()`` only. A column is a pandas object or
    the ndarray of a numpy block."""
    safe = safe_item_types() | set(pandas_scalar_types(pd))
    pending = list(columns)
    while pending:
        col = pending.pop()
        if isinstance(col, pd.MultiIndex):
            pending.extend(col.levels)
            continue
        dtype = col.dtype
        if not trusted(type(dtype)):
            return False
        items = None
        if isinstance(dtype, np.dtype) and dtype.kind == "O":
            items = col if isinstance(col, np.ndarray) else col.to_numpy()
        elif isinstance(dtype, pd.CategoricalDtype):
            categories = dtype.categories
            if isinstance(categories.dtype, np.dtype) and categories.dtype.kind == "O":
                items = categories.to_numpy()
        if items is not None:
            for kind in set(map(type, items)):
                if kind not in safe and not (derives(kind, np.generic) and trusted(kind)):
                    return False
    return True


PARALLEL_BYTES = 4 * 1024 * 1024
"""Objects from this size on have their columns hashed in full two at a time (hashing.concurrently)."""


def _row_sample_index(np: Any, nrows: int, row_bytes: int) -> Any:
    budget = min(limits.SAMPLE_MAX_ITEMS, limits.SAMPLE_BYTES // max(1, row_bytes))
    ranges = hashing.sample_ranges(nrows, budget)
    return np.concatenate([np.arange(start, stop, dtype=np.intp) for start, stop in ranges])


def _columns(np: Any, df: Any) -> list[Any]:
    """The columns of a DataFrame in order: each numpy block's row (a 1-D ndarray, no Series built), or the
    column as a Series when its block holds an extension array."""
    ncols = int(df.shape[1])
    cols: list[Any] = [None] * ncols
    for block in df._mgr.blocks:
        values = block.values
        locs = block.mgr_locs.as_array
        plain = type(values) is np.ndarray and values.ndim == 2
        for i, loc in enumerate(locs.tolist()):
            cols[loc] = values[i] if plain else None
    return [col if col is not None else df.iloc[:, j] for j, col in enumerate(cols)]


def _take(pd: Any, part: Any, rows: Any) -> Any:
    """The sampled rows of one part (a RangeIndex stays whole: it is hashed by its bounds)."""
    if rows is None or type(part) is pd.RangeIndex:
        return part
    return part.iloc[rows] if isinstance(part, pd.Series) else part[rows]


def _rows_hash(
    np: Any, pd: Any, parts: list[Any], nrows: int, nbytes: int, header: str, full_limit: int,
) -> tuple[Any, str | None, str | None, list[Any] | None]:
    """(the rows the stats are read from: None for all, up to FULL_HASH_LIMIT bytes, else the positions of a
    fixed sample; sha256; hash_kind; the parts cut to those rows when the hash read them, for the stats to
    reuse) of the ``parts`` (index then columns) of a DataFrame/Series/Index: every row when ``nbytes`` is
    within ``full_limit``, else the sampled ones. No hash when the rows hold objects that hashing would
    have to call."""
    sample = None
    if nbytes > limits.FULL_HASH_LIMIT:  # stats (and a sampled hash) from a fixed sample of rows
        sample = _row_sample_index(np, nrows, nbytes // max(1, nrows))
    kind = "full" if nbytes <= full_limit else "sampled"
    hashed = [_take(pd, part, None if kind == "full" else sample) for part in parts]
    taken = hashed if kind == "sampled" else None
    if not _hashable(np, pd, hashed):
        return sample, None, None, taken
    h = hashlib.sha256(f"{kind}|{nbytes}|{header}|".encode("utf-8", "surrogatepass"))
    h.update(b"columns|")
    tasks = [functools.partial(_column_digest, np, pd, part) for part in hashed]
    for digest in hashing.concurrently(tasks) if nbytes >= PARALLEL_BYTES and kind == "full" else (
            task() for task in tasks):
        h.update(digest)
    return sample, h.hexdigest(), kind, taken


def _column_digest(np: Any, pd: Any, part: Any) -> bytes:
    """The sha256 of one column or index: its raw bytes when numpy-backed numeric, else of pandas' row
    hashes; a RangeIndex by its bounds."""
    if type(part) is pd.RangeIndex:
        return hashlib.sha256(f"range|{part.start}|{part.stop}|{part.step}".encode()).digest()
    values = part.array if isinstance(part, pd.Series) else part
    arr = _array_of(np, getattr(values, "_ndarray", None) if not isinstance(values, np.ndarray) else values)
    if arr is None and isinstance(part, pd.Index) and not isinstance(part, pd.MultiIndex):
        arr = _array_of(np, part._values)
    if arr is not None and arr.dtype.kind in "biufcmM" and arr.ndim == 1:
        h = hashlib.sha256(f"raw|{arr.dtype.str}|".encode())
        h.update(np.ascontiguousarray(arr).view(np.uint8))
        return h.digest()
    if isinstance(part, np.ndarray):  # an object block's column: as pandas hashes it in a Series
        hashed = pd.util.hash_array(part)
    elif isinstance(part, pd.Index):
        hashed = pd.util.hash_pandas_object(part)
    else:
        hashed = pd.util.hash_pandas_object(part, index=False)
    h = hashlib.sha256(f"rows|{part.dtype}|".encode())
    h.update(np.ascontiguousarray(np.asarray(hashed, dtype=np.uint64)).view(np.uint8))
    return h.digest()


def _array_of(np: Any, values: Any) -> Any:
    """The ndarray holding a block's or index's data (numpy-backed extension arrays included), or None."""
    if isinstance(values, np.ndarray):
        return values
    inner = getattr(values, "_ndarray", None) if trusted(type(values)) else None
    return inner if isinstance(inner, np.ndarray) else None


def frame_guard(np: Any, pd: Any, obj: Any) -> tuple[Any, ...] | None:
    """What must stay equal for a pandas object to count as unchanged: per block, its placement and the
    guard of its array; the index likewise; the labels. None when it cannot be guarded cheaply."""
    parts: list[Any] = []
    index = obj.index if not isinstance(obj, pd.Index) else obj
    if type(index) is pd.RangeIndex:
        parts.append(("range", index.start, index.stop, index.step))
    else:
        arr = _array_of(np, index._values) if not isinstance(index, pd.MultiIndex) else None
        guard = cache.array_guard(np, arr) if arr is not None else None
        if guard is None:
            return None
        parts.append(guard)
    if isinstance(obj, pd.Index):
        return tuple(parts)
    if isinstance(obj, pd.DataFrame):
        columns = obj.columns
        if len(columns) > limits.MAX_COLUMNS or type(columns) is not pd.Index or columns.dtype.kind != "O":
            return None
        labels = columns.tolist()
        if any(type(c) is not str for c in labels):
            return None
        parts.append(tuple(labels))
    else:
        name = obj.name
        if name is not None and type(name) not in safe_item_types():
            return None
        parts.append(("name", name))
    for block in obj._mgr.blocks:
        arr = _array_of(np, block.values)
        guard = cache.array_guard(np, arr) if arr is not None else None
        if guard is None:
            return None
        placement = block.mgr_locs.as_slice if block.mgr_locs.is_slice_like else tuple(block.mgr_locs.as_array)
        parts.append((str(block.dtype), repr(placement), guard))
    return tuple(parts)


def _cached(
    np: Any, pd: Any, v: Any, base: Any, nbytes: int, full_limit: int,
) -> tuple[Any, Described | None, Described | None]:
    """(guard, the cached summary to return, the cached sampled summary an end-of-run summary completes
    with its full hash) of a pandas object; (None, None, None) when it is small or cannot be guarded."""
    if nbytes <= limits.FULL_HASH_LIMIT:
        return None, None, None
    try:
        guard = frame_guard(np, pd, base)
    except Exception:
        guard = None
    if guard is None:
        return None, None, None
    exact = full_limit > limits.FULL_HASH_LIMIT
    hit = cache.lookup(v, guard, exact)
    sampled = cache.lookup(v, guard, False) if hit is None and exact and nbytes <= full_limit else None
    return guard, hit, sampled


def describe_dataframe(np: Any, pd: Any, v: Any, t: type, tn: str, full_limit: int) -> Described:
    """A DataFrame: shape, columns, dtypes, nbytes, row hash and per-column numeric stats."""
    df = base_object(pd, v, t)
    if df is None:
        return tn, None, f"<{tn}>", {"kind": "object"}
    nrows, ncols = (int(n) for n in df.shape)
    labels = list(df.columns)
    dtypes = [_dtype_text(d) for d in df.dtypes]
    shown = text.clip(f"{short_name_of(t)} {(nrows, ncols)}", limits.REPR_LIMIT)
    summary: dict[str, Any] = {
        "kind": "dataframe",
        "shape": [nrows, ncols],
        "columns": [jsonable(c) for c in labels[: limits.MAX_COLUMNS]],
        "dtypes": dtypes[: limits.MAX_COLUMNS],
    }
    if not _trusted_dtypes(pd, [*df.dtypes, df.index.dtype]):
        return tn, None, shown, summary
    cols = _columns(np, df)
    nbytes = int(df.index.memory_usage(deep=False)) + sum(
        int(c.nbytes) if isinstance(c, np.ndarray) else int(c.memory_usage(index=False, deep=False)) for c in cols
    )  # df.memory_usage(index=True, deep=False).sum(), without building its Series
    guard, hit, sampled = _cached(np, pd, v, df, nbytes, full_limit)
    if hit is not None:
        return hit
    summary["nbytes"] = nbytes
    header = "\x1f".join(f"{_label(c)}\x1e{d}" for c, d in zip(labels, dtypes, strict=True)) + f"|{nrows}"
    parts = [df.index, *cols]
    if sampled is not None:
        return cache.complete(v, guard, sampled,
                              lambda: _rows_hash(np, pd, parts, nrows, nbytes, header, full_limit)[1])
    rows, digest, kind, taken = _rows_hash(np, pd, parts, nrows, nbytes, header, full_limit)
    if digest is not None:
        summary["sha256"] = digest
        summary["hash_kind"] = kind
    stats: dict[str, Any] = {}
    for j, col in enumerate(cols[: limits.MAX_COLUMNS]):
        if isinstance(col, np.ndarray) and col.dtype.kind in "iuf":  # sampled rows: those the hash read
            col_stats = numeric_stats(np, col if rows is None else taken[j + 1] if taken else col[rows])
            if col_stats is not None:
                stats.setdefault(_label(labels[j]), col_stats)
    if stats:
        summary["stats"] = stats
    described = (tn, None, shown, summary)
    if guard is not None:
        cache.store(v, guard, described, kind == "full")
    return described


def series_repr(pd: Any, v: Any, t: type, depth: int) -> str:
    """``Series 'w' float64 (3,)`` / ``Index int64 len=3``."""
    base = base_object(pd, v, t)
    if base is None:
        return f"<{short_name_of(t)}>"
    if isinstance(base, pd.DataFrame):
        return f"{short_name_of(t)} {tuple(base.shape)}"
    if isinstance(base, pd.Index):
        return f"{short_name_of(t)} {_dtype_text(base.dtype)} len={len(base)}"
    name = base.name
    label = f" {text.show(name, depth + 1, 30)}" if name is not None else ""
    return f"{short_name_of(t)}{label} {_dtype_text(base.dtype)} {tuple(base.shape)}"


def describe_series(np: Any, pd: Any, v: Any, t: type, tn: str, full_limit: int) -> Described:
    """A Series or Index: length, dtype, name, nbytes, hash, stats and a preview of the first items."""
    s = base_object(pd, v, t)
    if s is None:
        return tn, None, f"<{tn}>", {"kind": "object"}
    is_index = isinstance(s, pd.Index)
    n = len(s)
    dtype = _dtype_text(s.dtype)
    summary: dict[str, Any] = {"kind": "container" if is_index else "series", "len": n, "shape": [n], "dtype": dtype}
    name = s.name
    if name is not None:
        summary["name"] = jsonable(name)
    shown = text.clip(series_repr(pd, v, t, 0), limits.REPR_LIMIT)
    if not _trusted_dtypes(pd, [s.dtype] if is_index else [s.dtype, s.index.dtype]):
        return tn, None, shown, summary
    nbytes = int(s.memory_usage(deep=False) if is_index else s.memory_usage(index=True, deep=False))
    guard, hit, sampled = _cached(np, pd, v, s, nbytes, full_limit)
    if hit is not None:
        return hit
    summary["nbytes"] = nbytes
    header = f"{_label(name) if name is not None else ''}|{dtype}|{n}"
    values = s if is_index else (_array_of(np, s.array) if isinstance(s.dtype, np.dtype) else None)
    parts = [s] if is_index else [s.index, s if values is None else values]
    if sampled is not None:
        return cache.complete(v, guard, sampled, lambda: _rows_hash(np, pd, parts, n, nbytes, header, full_limit)[1])
    rows, digest, kind, _ = _rows_hash(np, pd, parts, n, nbytes, header, full_limit)
    if digest is not None:
        summary["sha256"] = digest
        summary["hash_kind"] = kind
    if isinstance(s.dtype, np.dtype) and s.dtype.kind in "iuf":
        data = s.to_numpy() if values is None or is_index else values
        stats = numeric_stats(np, data if rows is None else data[rows])
        if stats is not None:
            summary["stats"] = stats
    head = s[: limits.PREVIEW_ITEMS] if is_index else s.iloc[: limits.PREVIEW_ITEMS]
    summary["preview"] = [text.preview(x, 1) for x in head.tolist()]
    described = (tn, None, shown, summary)
    if guard is not None:
        cache.store(v, guard, described, kind == "full")
    return described
