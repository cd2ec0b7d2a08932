"""scikit-learn estimators: class, hyperparameters, fitted attributes and a hash of both."""

from __future__ import annotations

import hashlib
import itertools
from typing import Any

import provbridge.capture.values.hashing as hashing
import provbridge.capture.values.limits as limits
import provbridge.capture.values.text as text
from provbridge.capture.values.introspect import derives, instance_attrs, loaded, short_name_of, trusted
from provbridge.capture.values.limits import Described
from provbridge.capture.values.scalars import jsonable, scalar_of


def is_estimator(t: type) -> bool:
    """True for subclasses of ``sklearn.base.BaseEstimator`` (sklearn already imported)."""
    base = loaded("sklearn.base")
    estimator = getattr(base, "BaseEstimator", None) if base is not None else None
    return isinstance(estimator, type) and derives(t, estimator)


def params_of(v: Any, t: type) -> dict[str, Any]:
    """Hyperparameters: ``get_params(deep=False)`` for scikit-learn's own classes; for a user subclass,
    read from the instance ``__dict__`` (public names without a trailing underscore), no method called."""
    if trusted(t):
        params = v.get_params(deep=False)
        return dict(params) if type(params) is dict else {}
    pairs, _ = instance_attrs(v, t, 10_000)
    return {k: val for k, val in pairs if not k.startswith("_") and not k.endswith("_")}


def estimator_repr(v: Any, t: type, params: dict[str, Any] | None = None) -> str:
    """``Ridge(alpha=1.0, ...)`` clipped to REPR_LIMIT."""
    if params is None:
        params = params_of(v, t)
    parts = []
    length = 0
    for key, val in params.items():
        entry = f"{key}={text.named_preview(key, val, 1)}"
        parts.append(entry)
        length += len(entry) + 2
        if length > limits.REPR_LIMIT:
            break
    return text.clip(f"{short_name_of(t)}({', '.join(parts)})", limits.REPR_LIMIT)


def describe_estimator(np: Any, v: Any, t: type, tn: str, full_limit: int) -> Described:
    """An estimator: params, fitted attributes (names ending in ``_``) and a sha256 of both when they are
    plain data and arrays within ``full_limit`` bytes."""
    params = params_of(v, t)
    jparams = {str(k): jsonable(val, 0, k) for k, val in itertools.islice(params.items(), limits.MAX_COLUMNS)}
    fitted: dict[str, Any] = {}
    hashable = True
    hashed_bytes = 0
    h = hashlib.sha256(tn.encode() + b"|" + (text.dumps(jparams) or "").encode())
    pairs, _ = instance_attrs(v, t, 10_000)
    for name, val in pairs:
        if not name.endswith("_") or name.startswith("_"):
            continue
        if len(fitted) >= limits.MAX_COLUMNS:
            hashable = False
            break
        ok, scalar = scalar_of(val)
        fitted[name] = jsonable(scalar, 0, name) if ok else text.named_preview(name, val, 1)
        if not hashable:
            continue
        enc = hashing.canon(scalar if ok else val, hashing.Budget())
        if enc is not None:
            h.update(hashing.framed(name.encode()) + hashing.framed(enc))
        elif np is not None and derives(type(val), np.ndarray) and val.dtype.kind not in "OT":
            hashed_bytes += int(val.nbytes)
            if hashed_bytes > full_limit:
                hashable = False
                continue
            arr = np.ascontiguousarray(np.ndarray.view(val, np.ndarray))
            h.update(hashing.framed(name.encode()) + f"{arr.shape}|{arr.dtype.str}|".encode())
            h.update(arr.reshape(-1).view(np.uint8))
        else:
            hashable = False
    summary: dict[str, Any] = {"kind": "estimator", "params": jparams, "fitted": fitted}
    if hashable:
        summary["sha256"] = h.hexdigest()
        summary["hash_kind"] = "full"
    return tn, None, estimator_repr(v, t, params), summary
