"""Scalars: exact values of builtin and numpy scalars, known scalar reprs, big ints, long text, enums."""

from __future__ import annotations

import datetime
import hashlib
import types
from typing import Any

import provbridge.capture.values.hashing as hashing
import provbridge.capture.values.limits as limits
import provbridge.capture.values.secrets as secrets
import provbridge.capture.values.text as text
from provbridge.capture.values.introspect import derives, instance_dict, loaded, short_name_of, trusted
from provbridge.capture.values.limits import Described

_SAFE_REPR_BUILTINS: tuple[type, ...] = (
    range, slice, complex, type(Ellipsis), type(NotImplemented), memoryview,
    types.GeneratorType, types.CoroutineType, types.AsyncGeneratorType, types.CodeType,
)
_KNOWN_REPR_ROOTS = frozenset(
    {"datetime", "_datetime", "_pydatetime", "decimal", "_decimal", "_pydecimal", "fractions", "uuid", "pathlib"}
)
SAFE_ITEM_TYPES: frozenset[type] = frozenset(
    {str, bytes, int, float, bool, complex, type(None)}
    | {datetime.datetime, datetime.date, datetime.time, datetime.timedelta}
)
"""Exact types whose values are plain data (hashing or printing them runs no user code); with
``decimal.Decimal`` in :func:`safe_item_types`."""


def safe_item_types() -> frozenset[type]:
    """SAFE_ITEM_TYPES, and ``decimal.Decimal`` once the program has imported decimal (a Decimal cannot
    exist before: decimal is not imported here, off the start-up path)."""
    decimal = getattr(loaded("decimal"), "Decimal", None)
    return SAFE_ITEM_TYPES | {decimal} if isinstance(decimal, type) else SAFE_ITEM_TYPES


def scalar_of(v: Any) -> tuple[bool, object]:
    """(True, exact value) when ``v`` is a storable scalar (int64, float, bool, None, short str, or a
    numpy scalar holding one)."""
    t = type(v)
    if v is None or t is bool or t is float:
        return True, v
    if t is int:
        return (True, v) if limits.INT64_MIN <= v <= limits.INT64_MAX else (False, None)
    if t is str:
        return (True, v) if len(v) <= limits.SCALAR_STR_LIMIT else (False, None)
    np = loaded("numpy")
    if np is not None and derives(t, np.generic) and trusted(t):
        item = v.item()
        if type(item) in (int, float, bool, str):
            return scalar_of(item)
    return False, None


def jsonable(v: Any, depth: int = 0, name: object = None) -> object:
    """A JSON-safe rendering: scalars as themselves, small builtin containers recursively, else a preview.
    Credential-shaped text and values of secret-looking names are redacted."""
    if name is not None and secrets.redact_name(name):
        return secrets.REDACTED
    t = type(v)
    if v is None or t is bool:
        return v
    if t is int:
        return text.jint(v)
    if t is float:
        return text.jfloat(v)
    if t is str and len(v) <= limits.SCALAR_STR_LIMIT:
        return secrets.scrub(v)
    if t is not str:
        ok, scalar = scalar_of(v)
        if ok:
            return jsonable(scalar, depth)
    if depth < 2:
        if (t is list or t is tuple) and len(v) <= 20:
            return [jsonable(item, depth + 1) for item in v]
        if t is dict and len(v) <= 20 and all(type(k) is str for k in v):
            return {k: jsonable(item, depth + 1, k) for k, item in v.items()}
    return text.preview(v, depth + 1)


def plain_scalar(v: Any, t: type) -> int | float | str:
    """The exact builtin value of an instance of a subclass of int/float/str (base slots, no overrides)."""
    if derives(t, int):
        return int.__int__(v)
    if derives(t, float):
        return float.__float__(v)
    return str.__str__(v)


def pandas_scalar_types(pd: Any) -> tuple[type, ...]:
    """pandas scalar types whose repr() is cheap and safe (Timestamp, NA, NaT, Period, offsets ...)."""
    found: list[type] = []
    for name in ("Timestamp", "Timedelta", "Period", "Interval", "DateOffset"):
        cls = getattr(pd, name, None)
        if isinstance(cls, type):
            found.append(cls)
    for obj in (getattr(pd, "NA", None), getattr(pd, "NaT", None)):
        if obj is not None:
            found.append(type(obj))
    return tuple(found)


def known_repr_type(t: type, module: str) -> bool:
    """Types of known libraries whose repr() is cheap and cannot run user code."""
    if not trusted(t):
        return False
    if module.partition(".")[0] in _KNOWN_REPR_ROOTS:
        return True
    if module.startswith("numpy"):
        return True
    if module.startswith("pandas"):
        pd = loaded("pandas")
        return pd is not None and any(derives(t, k) for k in pandas_scalar_types(pd))
    return module == "builtins" and any(derives(t, k) for k in _SAFE_REPR_BUILTINS)


def numpy_scalar_repr(np: Any, v: Any) -> str:
    """The display text of a numpy scalar: that of the Python value it holds."""
    if v.dtype.kind in "mMV":
        return str(v)
    item = v.item()
    if type(item) in (int, float, bool, complex, str, bytes):
        return text_repr(item, limits.REPR_LIMIT) if type(item) in (str, bytes) else repr(item)
    return str(v)


def text_repr(v: str | bytes | bytearray, limit: int) -> str:
    """``repr`` of the head of a text, credential-shaped parts redacted (looked for a little past the cut,
    so a secret straddling it is found)."""
    head = v[: limit + 200]
    if type(head) is str:
        return repr(secrets.scrub(head)[:limit])
    return repr(secrets.scrub_bytes(bytes(head))[:limit])  # type: ignore[arg-type]


def enum_repr(v: Any, t: type, depth: int) -> str:
    """``<Color.RED: 1>`` read from the member's instance dict."""
    d = instance_dict(v, t) or {}
    name = d.get("_name_")
    return f"<{short_name_of(t)}.{name if type(name) is str else '?'}: {text.preview(d.get('_value_'), depth + 1)}>"


def describe_enum(v: Any, t: type, tn: str) -> Described:
    """An Enum member: its name and value."""
    d = instance_dict(v, t) or {}
    summary = {"kind": "scalar", "name": jsonable(d.get("_name_")), "value": jsonable(d.get("_value_"))}
    return tn, None, text.clip(enum_repr(v, t, 0), limits.REPR_LIMIT), summary


def describe_big_int(v: int, tn: str) -> Described:
    """An int outside int64: its size in bits and a hash."""
    summary: dict[str, Any] = {"kind": "scalar", "bits": v.bit_length()}
    if v.bit_length() <= 8 * limits.TEXT_FULL_HASH_LIMIT:
        summary["sha256"] = hashlib.sha256(format(v, "x").encode()).hexdigest()
    return tn, None, text.clip(text.int_repr(v), limits.REPR_LIMIT), summary


def describe_text(v: str | bytes | bytearray, tn: str) -> Described:
    """A str longer than SCALAR_STR_LIMIT, or bytes: length, head and hash (of the redacted text when it
    holds a credential)."""
    data: str | bytes | bytearray = v
    if secrets.ENABLED:
        data = secrets.scrub(v) if type(v) is str else secrets.scrub_bytes(bytes(v))  # type: ignore[arg-type]
        if data == v:
            data = v
    digest, kind = hashing.text_hash(data)
    summary: dict[str, Any] = {"kind": "str" if type(v) is str else "bytes", "len": len(v), "sha256": digest,
                               "hash_kind": kind}
    if data is not v:
        summary["redacted"] = True
    return tn, None, text.clip(text_repr(v, limits.REPR_LIMIT), limits.REPR_LIMIT), summary


def describe_known(v: Any, tn: str) -> Described:
    """A value of a known type whose repr is safe (datetime, Decimal, pathlib, numpy/pandas scalars ...)."""
    shown = secrets.scrub(repr(v))
    if len(shown) <= limits.REPR_LIMIT:
        return tn, None, shown, None
    digest = hashlib.sha256(shown.encode("utf-8", "surrogatepass")).hexdigest()
    return tn, None, text.clip(shown, limits.REPR_LIMIT), {"kind": "scalar", "sha256": digest}


def describe_numpy_scalar(np: Any, v: Any, tn: str) -> Described:
    """A numpy scalar: the Python value it holds and its dtype."""
    ok, scalar = scalar_of(v)
    if ok and type(scalar) is str:
        cleaned = secrets.scrub(scalar)
        if cleaned is not scalar:
            summary = {"kind": "scalar", "dtype": str(v.dtype), "redacted": True}
            return tn, cleaned, text.clip(repr(cleaned), limits.REPR_LIMIT), summary
    shown = text.clip(numpy_scalar_repr(np, v), limits.REPR_LIMIT)
    return tn, scalar if ok else None, shown, {"kind": "scalar", "dtype": str(v.dtype)}

