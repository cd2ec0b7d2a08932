"""Value comparison: live objects exactly (arrays, frames, tensors, estimators) and stored summaries."""

from __future__ import annotations

import math
import sys
from dataclasses import asdict, dataclass, field
from typing import Any

from provbridge.manage.common import is_number, is_scalar, python_value, same
from provbridge.store.model import Version

EQUAL, DIFFERENT, UNKNOWN = "equal", "different", "unknown"
SUMMARY_ONLY = "only hashes and summary statistics were stored; save artifacts to compare element-wise"
ARRAY_KINDS = frozenset({"ndarray", "tensor", "series", "dataframe", "container"})
NAMED_KINDS = frozenset({"module", "function", "class", "file"})


@dataclass
class Comparison:
    """How two values differ. ``status`` is equal, different or unknown (nothing stored allows telling);
    ``exact`` is False when the verdict comes from stored summaries (hashes and statistics) only."""

    status: str
    kind: str
    changes: list[str] = field(default_factory=list)
    max_abs_diff: float | None = None
    n_different: int | None = None
    n_total: int | None = None
    exact: bool = True

    @property
    def equal(self) -> bool | None:
        return None if self.status == UNKNOWN else self.status == EQUAL

    @property
    def detail(self) -> str:
        """One line: the changes, the element counts and how the verdict was reached."""
        parts = list(self.changes)
        if self.n_different is not None and self.n_total is not None and self.n_different:
            text = f"{self.n_different} of {self.n_total} elements differ"
            if self.max_abs_diff is not None:
                text += f" (max abs diff {self.max_abs_diff:.6g})"
            parts.append(text)
        return "; ".join(parts)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["detail"] = self.detail
        return data


# ------------------------------------------------------------------------------------- live values


def compare_values(a: Any, b: Any, tol: float = 0.0) -> Comparison:
    """Compare two live objects. Numbers differ when ``|a - b| > tol``; numpy arrays, tensors, pandas
    Series/DataFrames report shape/dtype/column changes, the count of differing elements and the maximum
    absolute difference (NaN equals NaN); estimators are compared by class, parameters and fitted arrays."""
    np = sys.modules.get("numpy")
    pd = sys.modules.get("pandas")
    if is_number(a) and is_number(b):
        return _number_diff(a, b, tol)
    if pd is not None and isinstance(a, (pd.DataFrame, pd.Series)) and isinstance(b, (pd.DataFrame, pd.Series)):
        return _frame_diff(np, pd, a, b, tol)
    a_arr, b_arr = _as_array(np, a), _as_array(np, b)
    if a_arr is not None and b_arr is not None:
        return _array_diff(np, a_arr, b_arr, tol, "tensor" if _is_tensor(a) else "ndarray")
    if _is_estimator(a) and _is_estimator(b):
        return _estimator_diff(a, b, tol)
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)) and np is not None and _numeric_seq(a, b):
        result = _array_diff(np, np.asarray(a, dtype=float), np.asarray(b, dtype=float), tol, "container")
        if type(a) is not type(b):
            result.changes.insert(0, f"type {type(a).__name__} → {type(b).__name__}")
            result.status = DIFFERENT
        return result
    if type(a) is not type(b):
        return Comparison(DIFFERENT, "type", [f"type {_tn(a)} → {_tn(b)}"])
    try:
        return Comparison(EQUAL if bool(a == b) else DIFFERENT, "value")
    except Exception:
        return Comparison(UNKNOWN, "value", ["values cannot be compared with =="])


def _tn(value: Any) -> str:
    t = type(value)
    return t.__name__ if t.__module__ == "builtins" else f"{t.__module__}.{t.__qualname__}"


def _number_diff(a: float, b: float, tol: float) -> Comparison:
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return Comparison(EQUAL, "scalar", max_abs_diff=0.0, n_different=0, n_total=1)
    delta = abs(a - b)
    differs = not delta <= tol
    changes = [f"{_num(a)} → {_num(b)}"] if differs else []
    return Comparison(DIFFERENT if differs else EQUAL, "scalar", changes, float(delta))


def _is_tensor(value: Any) -> bool:
    return type(value).__module__.startswith("torch") and hasattr(value, "detach")


def _as_array(np: Any, value: Any) -> Any:
    if np is None:
        return None
    if isinstance(value, np.ndarray):
        return value
    if _is_tensor(value):
        return value.detach().cpu().numpy()
    return None


def _numeric_seq(a: Any, b: Any) -> bool:
    return all(is_number(x) for x in a) and all(is_number(x) for x in b) and bool(a or b)


def _elementwise(np: Any, x: Any, y: Any, tol: float) -> tuple[int, float | None, int]:
    """(differing elements, max abs difference where both are numbers (None when not numeric), NaN
    mismatches) of two arrays of one shape. NaN equals NaN; NaN against a number is a difference."""
    if x.dtype.kind in "biufc" and y.dtype.kind in "biufc":
        as_type = np.complex128 if "c" in (x.dtype.kind, y.dtype.kind) else np.float64
        xf, yf = x.astype(as_type), y.astype(as_type)
        with np.errstate(all="ignore"):
            xnan, ynan = np.isnan(xf), np.isnan(yf)
            delta = np.where(xnan | ynan, 0.0, np.abs(xf - yf))
        mismatched = int(np.count_nonzero(xnan ^ ynan))
        n = int(np.count_nonzero(delta > tol)) + mismatched
        return n, float(delta.max()) if delta.size else 0.0, mismatched
    try:
        neq = np.asarray(x != y)
    except Exception:
        return int(x.size), None, 0
    if x.dtype.kind == "O" or y.dtype.kind == "O":
        both_nan = np.vectorize(_both_nan, otypes=[bool])(x, y) if x.size else np.zeros(x.shape, bool)
        neq = neq & ~both_nan
    return int(np.count_nonzero(neq)), None, 0


def _both_nan(p: Any, q: Any) -> bool:
    return isinstance(p, float) and isinstance(q, float) and math.isnan(p) and math.isnan(q)


def _array_diff(np: Any, x: Any, y: Any, tol: float, kind: str) -> Comparison:
    changes: list[str] = []
    if x.shape != y.shape:
        changes.append(f"shape {tuple(x.shape)} → {tuple(y.shape)}")
        if x.dtype != y.dtype:
            changes.append(f"dtype {x.dtype} → {y.dtype}")
        return Comparison(DIFFERENT, kind, changes)
    if x.dtype != y.dtype:
        changes.append(f"dtype {x.dtype} → {y.dtype}")
    n, max_diff, nans = _elementwise(np, x, y, tol)
    if nans:
        changes.append(f"{nans} NaN where the other has a number")
    status = DIFFERENT if n or changes else EQUAL
    return Comparison(status, kind, changes, max_diff, n, int(x.size))


def _frame_diff(np: Any, pd: Any, a: Any, b: Any, tol: float) -> Comparison:
    kind = "dataframe" if isinstance(a, pd.DataFrame) else "series"
    if isinstance(a, pd.DataFrame) is not isinstance(b, pd.DataFrame):
        return Comparison(DIFFERENT, kind, [f"type {_tn(a)} → {_tn(b)}"])
    fa = a if isinstance(a, pd.DataFrame) else a.to_frame(name=0)
    fb = b if isinstance(b, pd.DataFrame) else b.to_frame(name=0)
    changes: list[str] = []
    if fa.shape != fb.shape:
        changes.append(f"shape {fa.shape} → {fb.shape}")
    cols_a, cols_b = list(fa.columns), list(fb.columns)
    removed = [c for c in cols_a if c not in cols_b]
    added = [c for c in cols_b if c not in cols_a]
    if removed:
        changes.append(f"columns removed: {', '.join(map(str, removed))}")
    if added:
        changes.append(f"columns added: {', '.join(map(str, added))}")
    common = [c for c in cols_a if c in cols_b]
    for col in common:
        if fa[col].dtype != fb[col].dtype:
            changes.append(f"column {col!s} dtype {fa[col].dtype} → {fb[col].dtype}")
    if not fa.index.equals(fb.index):
        if len(fa) != len(fb):
            return Comparison(DIFFERENT, kind, changes)
        changes.append("index differs (rows compared by position)")
    total, n_diff, max_diff = 0, 0, None
    for col in common:
        x, y = fa[col].to_numpy(), fb[col].to_numpy()
        n, col_max, _nans = _elementwise(np, x, y, tol)
        total += int(x.size)
        n_diff += n
        if col_max is not None:
            max_diff = col_max if max_diff is None else max(max_diff, col_max)
        if n and len(common) > 1:
            extra = f", max abs diff {col_max:.6g}" if col_max is not None else ""
            changes.append(f"column {col!s}: {n} values differ{extra}")
    status = DIFFERENT if changes or n_diff else EQUAL
    return Comparison(status, kind, changes, max_diff, n_diff, total)


def _is_estimator(value: Any) -> bool:
    return callable(getattr(type(value), "get_params", None)) and callable(getattr(type(value), "fit", None))


def _estimator_diff(a: Any, b: Any, tol: float) -> Comparison:
    if type(a) is not type(b):
        return Comparison(DIFFERENT, "estimator", [f"class {_tn(a)} → {_tn(b)}"])
    changes = _dict_changes(a.get_params(deep=False), b.get_params(deep=False), repr_values=True)
    fitted_a = {k: v for k, v in vars(a).items() if k.endswith("_") and not k.startswith("_")}
    fitted_b = {k: v for k, v in vars(b).items() if k.endswith("_") and not k.startswith("_")}
    max_diff: float | None = None
    for name in sorted(set(fitted_a) | set(fitted_b)):
        if name not in fitted_a or name not in fitted_b:
            changes.append(f"fitted {name} {'added' if name in fitted_b else 'removed'}")
            continue
        sub = compare_values(fitted_a[name], fitted_b[name], tol)
        if sub.status != EQUAL:
            changes.append(f"fitted {name}: {sub.detail or sub.status}")
            if sub.max_abs_diff is not None:
                max_diff = sub.max_abs_diff if max_diff is None else max(max_diff, sub.max_abs_diff)
    return Comparison(DIFFERENT if changes else EQUAL, "estimator", changes, max_diff)


def _dict_changes(a: dict[str, Any], b: dict[str, Any], repr_values: bool = False) -> list[str]:
    out = []
    for key in sorted(set(a) | set(b), key=str):
        if key not in a:
            out.append(f"{key} added ({_show(b[key], repr_values)})")
        elif key not in b:
            out.append(f"{key} removed ({_show(a[key], repr_values)})")
        elif not same(a[key], b[key]) and (not repr_values or repr(a[key]) != repr(b[key])):
            out.append(f"{key}: {_show(a[key], repr_values)} → {_show(b[key], repr_values)}")
    return out


def _show(value: Any, use_repr: bool) -> str:
    text = repr(value) if use_repr or not isinstance(value, str) else value
    return text if len(text) <= 60 else text[:59] + "…"


# ------------------------------------------------------------------------------ stored summaries


def compare_versions(a: Version, b: Version, tol: float = 0.0) -> Comparison:
    """Compare two recorded versions from what the store keeps: exact scalars, else hashes, shapes,
    dtypes, columns, statistics and estimator parameters (``exact=False`` unless equal by a full hash)."""
    if is_scalar(a) and is_scalar(b):
        va, vb = python_value(a), python_value(b)
        if is_number(va) and is_number(vb):
            return _number_diff(va, vb, tol)
        if same(va, vb):
            return Comparison(EQUAL, "scalar")
        return Comparison(DIFFERENT, "scalar", [f"{va!r} → {vb!r}"])
    sa, sb = a.summary, b.summary
    kind = str(sa.get("kind") or sb.get("kind") or "value")
    changes: list[str] = []
    if a.type != b.type:
        changes.append(f"type {a.type} → {b.type}")
    if kind == "estimator":
        return _estimator_summary_diff(a, b, sa, sb)
    for key, label in (("shape", "shape"), ("len", "length"), ("dtype", "dtype"), ("columns", "columns"),
                       ("dtypes", "dtypes")):
        if key in sa or key in sb:
            if sa.get(key) != sb.get(key):
                changes.append(_column_change(sa, sb) if key == "columns" else
                               f"{label} {_fmt(sa.get(key))} → {_fmt(sb.get(key))}")
    return _hash_verdict(kind, sa, sb, changes, a, b)


def _hash_verdict(kind: str, sa: dict[str, Any], sb: dict[str, Any], changes: list[str],
                  a: Version, b: Version) -> Comparison:
    ha, hb = sa.get("sha256"), sb.get("sha256")
    full = sa.get("hash_kind", "full") == "full" and sb.get("hash_kind", "full") == "full"
    if ha and hb and not changes:
        if ha == hb:
            return Comparison(EQUAL, kind, [] if full else ["equal by a hash of a sample"], exact=full)
        stats = _stats_changes(sa.get("stats"), sb.get("stats"))
        if kind in ARRAY_KINDS and not stats:
            stats = ["content differs (same statistics)"]
        return Comparison(DIFFERENT, kind, [*stats, *([SUMMARY_ONLY] if kind in ARRAY_KINDS else [])], exact=False)
    if changes:
        return Comparison(DIFFERENT, kind, changes, exact=True)
    stats = _stats_changes(sa.get("stats"), sb.get("stats"))
    if stats:
        return Comparison(DIFFERENT, kind, stats, exact=False)
    if a.repr != b.repr:
        return Comparison(DIFFERENT, kind, [f"{a.repr} → {b.repr}"], exact=False)
    if sa == sb and kind in NAMED_KINDS:
        return Comparison(EQUAL, kind, exact=False)
    return Comparison(UNKNOWN, kind, ["no hash was stored for this value"], exact=False)


def _column_change(sa: dict[str, Any], sb: dict[str, Any]) -> str:
    ca, cb = list(sa.get("columns") or []), list(sb.get("columns") or [])
    removed = [str(c) for c in ca if c not in cb]
    added = [str(c) for c in cb if c not in ca]
    parts = ([f"columns removed: {', '.join(removed)}"] if removed else []) + (
        [f"columns added: {', '.join(added)}"] if added else [])
    return "; ".join(parts) or "columns reordered"


def _fmt(value: Any) -> str:
    if isinstance(value, list) and all(isinstance(x, int) for x in value):
        return str(tuple(value))
    return str(value)


def _stats_changes(sa: Any, sb: Any, prefix: str = "") -> list[str]:
    if not isinstance(sa, dict) or not isinstance(sb, dict):
        return []
    if any(isinstance(v, dict) for v in (*sa.values(), *sb.values())):  # per column
        out: list[str] = []
        for col in sorted(set(sa) | set(sb)):
            out += _stats_changes(sa.get(col), sb.get(col), f"{col}: ")
        return out
    out = []
    for key in ("mean", "std", "min", "max", "nan_count"):
        va, vb = sa.get(key), sb.get(key)
        if not same(va, vb):
            out.append(f"{prefix}{key} {_short(va)} → {_short(vb)}")
    return out


def _short(value: Any) -> str:
    return f"{value:.6g}" if isinstance(value, float) else str(value)


def _num(value: Any) -> str:
    """Numbers as short text (numpy scalars as plain numbers)."""
    if isinstance(value, float):
        return repr(float(value))
    if isinstance(value, int) and not isinstance(value, bool):
        return str(int(value))
    return str(value)


def _estimator_summary_diff(a: Version, b: Version, sa: dict[str, Any], sb: dict[str, Any]) -> Comparison:
    if a.type != b.type:
        return Comparison(DIFFERENT, "estimator", [f"class {a.type} → {b.type}"])
    changes = _dict_changes(sa.get("params") or {}, sb.get("params") or {})
    ha, hb = sa.get("sha256"), sb.get("sha256")
    if ha and hb and ha == hb:
        return Comparison(EQUAL, "estimator")
    fitted = _dict_changes(sa.get("fitted") or {}, sb.get("fitted") or {})
    if ha and hb:
        if not changes:
            changes.append("same parameters, fitted state differs")
        changes += [f"fitted {c}" for c in fitted]
        return Comparison(DIFFERENT, "estimator", changes, exact=False)
    if changes or fitted:
        return Comparison(DIFFERENT, "estimator", changes + [f"fitted {c}" for c in fitted], exact=False)
    return Comparison(UNKNOWN, "estimator", ["same parameters; fitted state was not hashed"], exact=False)
