"""pandas DataFrame/Series/Index: shape, columns, dtypes, sha256 of the rows (full or sampled), stats."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from typing import Any

import provbridge.capture.values.cache as cache
import provbridge.capture.values.hashing as hashing
import provbridge.capture.values.limits as limits
import provbridge.capture.values.text as text
from provbridge.capture.values.arrays import numeric_stats
from provbridge.capture.values.introspect import derives, instance_dict, short_name_of, trusted, type_name_of
from provbridge.capture.values.limits import Described
from provbridge.capture.values.scalars import SAFE_ITEM_TYPES, jsonable, pandas_scalar_types


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
        object.__setattr__(base, "_name", name if type(name) in SAFE_ITEM_TYPES else None)
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
    would call their ``__str__``. Item types are read with ``type()`` only."""
    safe = SAFE_ITEM_TYPES | set(pandas_scalar_types(pd))
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
            items = col.to_numpy()
        elif isinstance(dtype, pd.CategoricalDtype):
            categories = dtype.categories
            if isinstance(categories.dtype, np.dtype) and categories.dtype.kind == "O":
                items = categories.to_numpy()
        if items is not None:
            for kind in set(map(type, items)):
                if kind not in safe and not (derives(kind, np.generic) and trusted(kind)):
                    return False
    return True


def _row_sample_index(np: Any, nrows: int, row_bytes: int) -> Any:
    budget = min(limits.SAMPLE_MAX_ITEMS, limits.SAMPLE_BYTES // max(1, row_bytes))
    ranges = hashing.sample_ranges(nrows, budget)
    return np.concatenate([np.arange(start, stop, dtype=np.intp) for start, stop in ranges])


def _rows_hash(
    np: Any, pd: Any, obj: Any, nrows: int, nbytes: int, header: str, full_limit: int,
    columns: Callable[[Any], Iterable[Any]],
) -> tuple[Any, str | None, str | None]:
    """(the rows used for stats: all up to FULL_HASH_LIMIT bytes, else a sample; sha256; hash_kind) of a
    DataFrame/Series/Index; no hash when the rows hold objects that hashing would have to call."""
    sample = obj
    if nbytes > limits.FULL_HASH_LIMIT:  # stats (and a sampled hash) from a fixed sample of rows
        index = _row_sample_index(np, nrows, nbytes // max(1, nrows))
        sample = obj[index] if isinstance(obj, pd.Index) else obj.iloc[index]
    data, kind = (obj, "full") if nbytes <= full_limit else (sample, "sampled")
    if not _hashable(np, pd, columns(data)):
        return sample, None, None
    h = hashlib.sha256(f"{kind}|{nbytes}|{header}|".encode("utf-8", "surrogatepass"))
    if kind == "full":
        h.update(b"columns|")
        for part in _parts(pd, data):
            h.update(_column_digest(np, pd, part))
        return sample, h.hexdigest(), kind
    hashed = pd.util.hash_pandas_object(data, index=not isinstance(obj, pd.Index))
    h.update(np.ascontiguousarray(hashed.to_numpy(dtype=np.uint64)).view(np.uint8))
    return data, h.hexdigest(), kind


def _parts(pd: Any, obj: Any) -> list[Any]:
    """The index and the columns of a DataFrame/Series (an Index is its own single part)."""
    if isinstance(obj, pd.Index):
        return [obj]
    if isinstance(obj, pd.Series):
        return [obj.index, obj]
    return [obj.index, *(obj.iloc[:, j] for j in range(obj.shape[1]))]


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
    hashed = pd.util.hash_pandas_object(part, index=False) if not isinstance(part, pd.Index) else \
        pd.util.hash_pandas_object(part)
    h = hashlib.sha256(f"rows|{part.dtype}|".encode())
    h.update(np.ascontiguousarray(hashed.to_numpy(dtype=np.uint64)).view(np.uint8))
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
        if name is not None and type(name) not in SAFE_ITEM_TYPES:
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


def _cached(np: Any, pd: Any, v: Any, base: Any, nbytes: int, exact: bool) -> tuple[Any, Described | None]:
    if nbytes <= limits.FULL_HASH_LIMIT:
        return None, None
    try:
        guard = frame_guard(np, pd, base)
    except Exception:
        guard = None
    return guard, (cache.lookup(v, guard, exact) if guard is not None else None)


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
    nbytes = int(df.memory_usage(index=True, deep=False).sum())
    guard, hit = _cached(np, pd, v, df, nbytes, full_limit > limits.FULL_HASH_LIMIT)
    if hit is not None:
        return hit
    summary["nbytes"] = nbytes
    header = "\x1f".join(f"{_label(c)}\x1e{d}" for c, d in zip(labels, dtypes, strict=True)) + f"|{nrows}"
    data, digest, kind = _rows_hash(
        np, pd, df, nrows, nbytes, header, full_limit, lambda d: [d.index, *(d.iloc[:, j] for j in range(ncols))]
    )
    if digest is not None:
        summary["sha256"] = digest
        summary["hash_kind"] = kind
    stats: dict[str, Any] = {}
    for j in range(min(ncols, limits.MAX_COLUMNS)):
        col = data.iloc[:, j]
        if isinstance(col.dtype, np.dtype) and col.dtype.kind in "iuf":
            col_stats = numeric_stats(np, col.to_numpy())
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
    guard, hit = _cached(np, pd, v, s, nbytes, full_limit > limits.FULL_HASH_LIMIT)
    if hit is not None:
        return hit
    summary["nbytes"] = nbytes
    header = f"{_label(name) if name is not None else ''}|{dtype}|{n}"
    data, digest, kind = _rows_hash(
        np, pd, s, n, nbytes, header, full_limit, lambda d: [d] if is_index else [d, d.index]
    )
    if digest is not None:
        summary["sha256"] = digest
        summary["hash_kind"] = kind
    if isinstance(s.dtype, np.dtype) and s.dtype.kind in "iuf":
        stats = numeric_stats(np, data.to_numpy())
        if stats is not None:
            summary["stats"] = stats
    head = s[: limits.PREVIEW_ITEMS] if is_index else s.iloc[: limits.PREVIEW_ITEMS]
    summary["preview"] = [text.preview(x, 1) for x in head.tolist()]
    described = (tn, None, shown, summary)
    if guard is not None:
        cache.store(v, guard, described, kind == "full")
    return described
