"""Summarize any Python value into (type name, exact scalar, short repr, JSON summary) at a bounded cost.

Rules this module keeps, because it runs inside the user's program:

* ``summarize`` never raises (anything but ``KeyboardInterrupt`` is caught and the value falls back
  to ``(type_name, None, "<type_name>", None)``) and never writes to stdout/stderr or emits warnings.
* It never calls ``__repr__``/``__str__``/``__eq__``/``__len__``/``__hash__``/``__getattribute__`` of
  user-defined classes: ``repr()`` is only used on known types (builtins scalars, numpy, pandas scalars,
  datetime, Decimal, Fraction, pathlib, UUID, complex); Enum members, exceptions and containers are
  described from their parts; other objects by their type and the scalar attributes of their instance
  ``__dict__``/``__slots__``, read with ``object.__getattribute__``. Type checks use ``issubclass`` on
  ``type(value)`` so a user ``__class__`` property is never consulted. (sklearn-style estimators are the
  one exception by design: their ``get_params(deep=False)`` is called.)
* It never imports numpy, pandas, torch or sklearn: their objects are recognised from
  ``type(value).__module__`` and the already imported module in ``sys.modules``.
* Size and time are bounded. Hashing policy:

  - numpy arrays, torch tensors: when ``nbytes <= FULL_HASH_LIMIT`` (1 MiB while recording; 256 MiB,
    FINAL_HASH_LIMIT, for the final values of a run) ``sha256`` is the digest of
    the raw C-order buffer (``hash_kind = "full"``) and ``stats`` are computed on the whole array. Above
    the limit nothing is copied but a sample of about ``SAMPLE_BYTES`` (1 MiB; at most
    ``SAMPLE_MAX_ITEMS`` elements) made of the head, the tail and ``SAMPLE_BLOCKS`` evenly strided
    blocks (C-order element ranges); ``sha256`` digests shape, dtype, nbytes and that sample
    (``hash_kind = "sampled"``) and ``stats`` describe the sample only. Tensors above the limit get
    shape/dtype only (no device copy).
  - pandas objects: ``pandas.util.hash_pandas_object`` (index included) over all rows when
    ``memory_usage(deep=False) <= FULL_HASH_LIMIT``, over a sample of rows chosen the same way above.
    Object columns holding anything but strings/numbers/dates are not hashed (that would call
    ``str()`` of the user's objects).
  - str and bytes longer than ``SCALAR_STR_LIMIT``: full sha256 up to ``TEXT_FULL_HASH_LIMIT`` (1 MiB)
    characters/bytes, else sampled the same way.
  - list/tuple/dict/set/frozenset: a sha256 of a canonical encoding when the container holds at most
    ``CONTAINER_HASH_ITEMS`` scalar-like items in total (nested builtin containers count their items)
    and ``CONTAINER_HASH_BYTES`` of text; sets and dicts are hashed independently of their order.
"""

from __future__ import annotations

import datetime
import decimal
import enum
import hashlib
import io
import itertools
import json
import math
import sys
import types
from collections import deque
from collections.abc import Callable, Iterable
from typing import Any

Summary = tuple[str, object, str, "str | None"]

REPR_LIMIT = 120
"""Maximum length of the ``repr_text`` of a value."""
PREVIEW_REPR_LIMIT = 40
"""Maximum length of each item of a ``preview``."""
PREVIEW_ITEMS = 5
"""Number of items in a ``preview``."""
SCALAR_STR_LIMIT = 200
"""Strings up to this length are stored exactly as the scalar value."""
FULL_HASH_LIMIT = 1024 * 1024
"""Arrays/frames up to this many bytes are hashed (and their stats computed) in full while recording.
Larger ones are sampled on every binding (a few ms at most), and the final top-level values of a trial
are hashed again in full up to FINAL_HASH_LIMIT (see :func:`summarize_final`), so comparisons of
trials' results are exact while the recording stays cheap."""
FINAL_HASH_LIMIT = 256 * 1024 * 1024
"""Limit of full hashing for final values (:func:`summarize_final`)."""
SAMPLE_BYTES = 1024 * 1024
"""Size of the fixed sample hashed for larger arrays/frames/texts."""
SAMPLE_MAX_ITEMS = 1024 * 1024
"""Cap on the number of elements (or rows) in a sample."""
SAMPLE_BLOCKS = 16
"""Number of evenly strided blocks in a sample (besides its head and tail)."""
TEXT_FULL_HASH_LIMIT = 1024 * 1024
"""str/bytes up to this many characters/bytes are hashed in full."""
CONTAINER_HASH_ITEMS = 1000
"""Containers with at most this many (nested) scalar-like items get a sha256."""
CONTAINER_HASH_BYTES = 1024 * 1024
"""... and at most this many bytes of str/bytes content."""
MAX_COLUMNS = 50
"""Bound on ``columns``/``dtypes``/``stats`` entries of a frame and on estimator ``params``/``fitted``."""
MAX_ATTRS = 20
"""Bound on the ``attrs`` of a plain object."""

_INT64_MIN = -(2**63)
_INT64_MAX = 2**63 - 1
_ELLIPSIS = "…"

_type_module = type.__dict__["__module__"]
_type_qualname = type.__dict__["__qualname__"]
_type_name_attr = type.__dict__["__name__"]
_type_mro = type.__dict__["__mro__"]
_type_dict = type.__dict__["__dict__"]
_SAFE_REPR_BUILTINS: tuple[type, ...] = (
    range,
    slice,
    complex,
    type(Ellipsis),
    type(NotImplemented),
    memoryview,
    types.GeneratorType,
    types.CoroutineType,
    types.AsyncGeneratorType,
    types.CodeType,
)
_KNOWN_REPR_MODULES = frozenset(
    {"datetime", "_datetime", "_pydatetime", "decimal", "_decimal", "_pydecimal", "fractions", "uuid"}
)
_FUNCTION_TYPES: tuple[type, ...] = (
    types.FunctionType,
    types.BuiltinFunctionType,
    types.MethodType,
    types.BuiltinMethodType,
    types.MethodWrapperType,
    types.WrapperDescriptorType,
    types.MethodDescriptorType,
)
_SEQ_BASES: tuple[type, ...] = (list, tuple, set, frozenset, dict, deque)
_DICT_VIEWS: tuple[type, ...] = (type({}.keys()), type({}.values()), type({}.items()))
# Exact types of the items of object columns that pandas can hash without calling user code.
_PANDAS_SAFE_ITEM_TYPES: frozenset[type] = frozenset(
    {str, bytes, int, float, bool, complex, type(None), decimal.Decimal}
    | {datetime.datetime, datetime.date, datetime.time, datetime.timedelta}
)


# --------------------------------------------------------------------------------------------- public


def summarize(value: object) -> Summary:
    """Return ``(type_name, scalar, repr_text, summary_json)`` for ``value``; never raises."""
    v: Any = value
    t = type(v)
    if t is int:
        if _INT64_MIN <= v <= _INT64_MAX:
            return ("int", v, repr(v), None)
    elif t is float:
        return ("float", v, repr(v), None)
    elif t is str:
        if len(v) <= SCALAR_STR_LIMIT:
            r = repr(v)
            return ("str", v, r if len(r) <= REPR_LIMIT else r[: REPR_LIMIT - 1] + _ELLIPSIS, None)
    elif t is bool:
        return ("bool", v, "True" if v else "False", None)
    elif v is None:
        return ("NoneType", None, "None", None)
    try:
        tn, scalar, text, summary = _describe(v, t)
        return (tn, scalar, text, _dumps(summary) if summary is not None else None)
    except KeyboardInterrupt:
        raise
    except BaseException:
        tn = _safe_type_name(t)
        return (tn, None, f"<{tn}>", None)


def summarize_final(value: object) -> Summary:
    """Like :func:`summarize`, but hashing objects up to FINAL_HASH_LIMIT in full; for the final values
    of a trial, summarized once when the run ends."""
    global FULL_HASH_LIMIT
    saved = FULL_HASH_LIMIT
    FULL_HASH_LIMIT = max(saved, FINAL_HASH_LIMIT)
    try:
        return summarize(value)
    finally:
        FULL_HASH_LIMIT = saved


def type_name(value: object) -> str:
    """``int``, ``str``, ... for builtins, ``module.QualName`` for everything else."""
    return _safe_type_name(type(value))


def short_repr(value: object, limit: int = PREVIEW_REPR_LIMIT) -> str:
    """The display text of ``value`` clipped to ``limit`` characters (same rules as ``summarize``)."""
    try:
        return _clip(_repr(value, 0, limit), limit)
    except KeyboardInterrupt:
        raise
    except BaseException:
        return f"<{_safe_type_name(type(value))}>"


# ------------------------------------------------------------------------------------------ helpers


def _safe_type_name(t: type) -> str:
    try:
        module = _type_module.__get__(t)
        qualname = _type_qualname.__get__(t)
        if module == "builtins" or not isinstance(module, str):
            return str(qualname)
        return f"{module}.{qualname}"
    except Exception:
        return "object"


def _short_type(t: type) -> str:
    try:
        return str(_type_name_attr.__get__(t))
    except Exception:
        return "object"


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + _ELLIPSIS


def _jfloat(x: float) -> float | str:
    if math.isfinite(x):
        return x
    return "nan" if x != x else ("inf" if x > 0 else "-inf")


def _jint(x: int) -> int | str:
    if _INT64_MIN <= x <= _INT64_MAX:
        return x
    return _int_repr(x)


def _int_repr(x: int) -> str:
    if x.bit_length() <= 400:
        return repr(x)
    return f"int ({x.bit_length()} bits)"


_orjson: Any = False  # False: not looked up yet; None: not installed (imported lazily, off the start-up path)


def _dumps(obj: object) -> str | None:
    """Compact JSON (orjson when installed, else json); None if ``obj`` cannot be encoded."""
    global _orjson
    if _orjson is False:
        try:
            import orjson

            _orjson = orjson
        except ImportError:  # pragma: no cover
            _orjson = None
    if _orjson is not None:
        try:
            return str(_orjson.dumps(obj).decode())
        except Exception:
            pass
    try:
        return json.dumps(obj, separators=(",", ":"), allow_nan=False, ensure_ascii=False, default=str)
    except Exception:
        return None


def _mod(name: str) -> Any:
    """An already imported module, or None (never imports)."""
    return sys.modules.get(name)


def _sample_ranges(n: int, budget: int) -> list[tuple[int, int]]:
    """Element ranges [start, stop) of a fixed sample of ``budget`` items of a sequence of ``n`` items."""
    budget = max(SAMPLE_BLOCKS + 2, budget)
    if n <= budget:
        return [(0, n)]
    head = budget // 4
    tail = budget // 4
    block = max(1, (budget - head - tail) // SAMPLE_BLOCKS)
    ranges = [(0, head)]
    lo, hi = head, n - tail - block
    for i in range(SAMPLE_BLOCKS):
        start = lo + (hi - lo) * (i + 1) // (SAMPLE_BLOCKS + 1)
        ranges.append((start, start + block))
    ranges.append((n - tail, n))
    return ranges


def _text_hash(data: str | bytes | bytearray) -> tuple[str, str]:
    """(sha256, hash_kind) of a str or bytes-like value, sampled above TEXT_FULL_HASH_LIMIT."""
    n = len(data)

    def enc(part: str | bytes | bytearray) -> bytes | bytearray:
        return part.encode("utf-8", "surrogatepass") if isinstance(part, str) else part

    if n <= TEXT_FULL_HASH_LIMIT:
        return hashlib.sha256(enc(data)).hexdigest(), "full"
    h = hashlib.sha256(f"sampled|{n}|".encode())
    for start, stop in _sample_ranges(n, SAMPLE_BYTES):
        h.update(enc(data[start:stop]))
    return h.hexdigest(), "sampled"


# ------------------------------------------------------------------------- canonical hash of values


class _Budget:
    __slots__ = ("bytes", "items")

    def __init__(self) -> None:
        self.items = CONTAINER_HASH_ITEMS
        self.bytes = CONTAINER_HASH_BYTES


def _framed(data: bytes) -> bytes:
    return b"%d:" % len(data) + data


def _canon(v: Any, budget: _Budget, depth: int = 0) -> bytes | None:
    """A canonical byte encoding of a scalar-like value (exact builtin types only), or None."""
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
        return b"s" + v.encode("utf-8", "surrogatepass")
    if t is bytes:
        budget.bytes -= len(v)
        return b"b" + v if budget.bytes >= 0 else None
    if t is complex:
        return b"c" + v.real.hex().encode() + b"," + v.imag.hex().encode()
    if t is list or t is tuple:
        parts = []
        for item in v:
            enc = _canon(item, budget, depth + 1)
            if enc is None:
                return None
            parts.append(_framed(enc))
        return (b"l" if t is list else b"t") + b"".join(parts)
    if t is set or t is frozenset:
        parts = []
        for item in v:
            enc = _canon(item, budget, depth + 1)
            if enc is None:
                return None
            parts.append(_framed(enc))
        parts.sort()
        return (b"S" if t is set else b"Z") + b"".join(parts)
    if t is dict:
        parts = []
        for key, val in v.items():
            kenc = _canon(key, budget, depth + 1)
            venc = _canon(val, budget, depth + 1) if kenc is not None else None
            if venc is None or kenc is None:
                return None
            parts.append(_framed(_framed(kenc) + _framed(venc)))
        parts.sort()
        return b"d" + b"".join(parts)
    return None


# --------------------------------------------------------------------------------------- reprs only


def _scalar_of(v: Any) -> tuple[bool, object]:
    """(True, exact value) when ``v`` is a storable scalar (int64, float, bool, None, short str)."""
    t = type(v)
    if v is None or t is bool or t is float:
        return True, v
    if t is int:
        return (True, v) if _INT64_MIN <= v <= _INT64_MAX else (False, None)
    if t is str:
        return (True, v) if len(v) <= SCALAR_STR_LIMIT else (False, None)
    np = _mod("numpy")
    if np is not None and issubclass(t, np.generic):
        item = v.item()
        if type(item) in (int, float, bool, str):
            return _scalar_of(item)
    return False, None


def _preview(v: Any, depth: int = 1) -> str:
    """The display text of an item of a preview, clipped to PREVIEW_REPR_LIMIT."""
    return _clip(_repr(v, depth, PREVIEW_REPR_LIMIT), PREVIEW_REPR_LIMIT)


def _repr(v: Any, depth: int, limit: int) -> str:
    """Display text of any value without calling user code (not clipped to ``limit`` necessarily)."""
    t = type(v)
    if t is str:
        return repr(v if len(v) <= limit else v[:limit])
    if t is int:
        return _int_repr(v)
    if v is None or t is bool or t is float:
        return repr(v)
    if t is bytes or t is bytearray:
        return repr(v if len(v) <= limit else v[:limit])
    module = _type_module.__get__(t)
    if not isinstance(module, str):
        module = ""
    np = _mod("numpy")
    if np is not None:
        if issubclass(t, np.ndarray):
            return f"{_short_type(t)} {v.dtype} {tuple(v.shape)}"
        if issubclass(t, np.generic):
            return _numpy_scalar_repr(np, v)
    pd = _mod("pandas")
    if pd is not None:
        if issubclass(t, pd.DataFrame):
            return f"{_short_type(t)} {tuple(v.shape)}"
        if issubclass(t, pd.Series):
            name = v.name
            label = f" {_repr(name, depth + 1, 30)}" if name is not None else ""
            return f"{_short_type(t)}{label} {v.dtype} {tuple(v.shape)}"
        if issubclass(t, pd.Index):
            return f"{_short_type(t)} {v.dtype} len={len(v)}"
    if module.startswith("torch"):
        torch = _mod("torch")
        if torch is not None and issubclass(t, torch.Tensor):
            return f"{_short_type(t)} {str(v.dtype).removeprefix('torch.')} {tuple(v.shape)}"
    if issubclass(t, enum.Enum):
        return _enum_repr(v, t, depth)
    if issubclass(t, _SEQ_BASES) or issubclass(t, _DICT_VIEWS):
        return _container_repr(v, t, depth, limit)
    if module.startswith("numpy") or _known_repr_type(t, module):
        return repr(v)
    if issubclass(t, (int, float, str)):
        return _repr(_plain_scalar(v, t), depth, limit)
    if issubclass(t, BaseException):
        args = object.__getattribute__(v, "args")
        inner = ", ".join(_preview(a, depth + 1) for a in args[:3])
        return f"{_short_type(t)}({inner})"
    if issubclass(t, type):
        return f"<class '{_safe_type_name(v)}'>"
    if issubclass(t, types.ModuleType):
        return f"<module '{object.__getattribute__(v, '__dict__').get('__name__', '?')}'>"
    if issubclass(t, _FUNCTION_TYPES):
        return f"<function {_function_name(v)}>"
    if _is_estimator(t):
        if depth == 0:
            return _estimator_repr(v, t)
        return f"{_short_type(t)}(…)"
    return f"<{_safe_type_name(t)}>" if depth == 0 else f"<{_short_type(t)}>"


def _plain_scalar(v: Any, t: type) -> int | float | str:
    """The exact builtin value of an instance of a subclass of int/float/str (base slots, no overrides)."""
    if issubclass(t, int):
        return int.__int__(v)
    if issubclass(t, float):
        return float.__float__(v)
    return str.__str__(v)


def _known_repr_type(t: type, module: str) -> bool:
    """Types whose repr() is cheap and cannot run user code."""
    if module in _KNOWN_REPR_MODULES or module == "pathlib" or module.startswith("pathlib."):
        return True
    if module.startswith("pandas"):
        pd = _mod("pandas")
        return pd is not None and issubclass(t, _pandas_scalar_types(pd))
    return module == "builtins" and issubclass(t, _SAFE_REPR_BUILTINS)


def _pandas_scalar_types(pd: Any) -> tuple[type, ...]:
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


def _numpy_scalar_repr(np: Any, v: Any) -> str:
    kind = v.dtype.kind
    if kind in "mMV":
        return str(v)
    item = v.item()
    if type(item) in (int, float, bool, complex, str, bytes):
        return repr(item)
    return str(v)


def _enum_repr(v: Any, t: type, depth: int) -> str:
    name = object.__getattribute__(v, "_name_")
    value = object.__getattribute__(v, "_value_")
    return f"<{_short_type(t)}.{name}: {_preview(value, depth + 1)}>"


def _container_base(t: type) -> Any:
    for base in (dict, list, tuple, set, frozenset, deque):
        if issubclass(t, base):
            return base
    return t  # dict views


def _container_len(v: Any, t: type) -> int:
    base = _container_base(t)
    return int(base.__len__(v))  # the builtin's own __len__, never an override


def _container_items(v: Any, t: type, count: int) -> list[Any]:
    base = _container_base(t)
    if base is dict:
        return list(itertools.islice(dict.items(v), count))
    return list(itertools.islice(base.__iter__(v), count))


def _container_previews(v: Any, t: type, depth: int) -> list[str]:
    if depth > 2:
        return []
    items = _container_items(v, t, PREVIEW_ITEMS)
    out = []
    is_dict = _container_base(t) is dict
    for item in items:
        if is_dict:
            key, val = item
            text = (
                f"{_clip(_repr(key, depth + 1, PREVIEW_REPR_LIMIT), 20)}: "
                f"{_clip(_repr(val, depth + 1, PREVIEW_REPR_LIMIT), PREVIEW_REPR_LIMIT)}"
            )
        else:
            text = _repr(item, depth + 1, PREVIEW_REPR_LIMIT)
        out.append(_clip(text, PREVIEW_REPR_LIMIT))
    return out


def _container_repr(v: Any, t: type, depth: int, limit: int, previews: list[str] | None = None) -> str:
    n = _container_len(v, t)
    base = _container_base(t)
    brackets: dict[Any, str] = {list: "[]", tuple: "()", dict: "{}", set: "{}", frozenset: "{}", deque: "[]"}
    pair = brackets.get(base, "()")
    opening, closing = pair[0], pair[1]
    head = f"{_short_type(t)} len={n}"
    if depth > 2:
        return head
    if previews is None:
        previews = _container_previews(v, t, depth)
    budget = max(limit, 20) - len(head) - 4
    shown: list[str] = []
    used = 0
    for text in previews:
        if used + len(text) + 2 > budget:
            break
        shown.append(text)
        used += len(text) + 2
    if len(shown) < n:
        shown.append(_ELLIPSIS)
    return f"{head} {opening}{', '.join(shown)}{closing}"


def _function_name(v: Any) -> str:
    try:
        module = getattr(v, "__module__", None)
        qualname = getattr(v, "__qualname__", None) or getattr(v, "__name__", "?")
        return f"{module}.{qualname}" if module and module != "builtins" else str(qualname)
    except Exception:
        return "?"


def _is_estimator(t: type) -> bool:
    try:
        return callable(getattr(t, "get_params", None)) and callable(getattr(t, "fit", None))
    except Exception:
        return False


def _estimator_params(v: Any) -> dict[str, Any]:
    params = v.get_params(deep=False)
    return dict(params) if isinstance(params, dict) else {}


def _estimator_repr(v: Any, t: type, params: dict[str, Any] | None = None) -> str:
    if params is None:
        params = _estimator_params(v)
    parts = []
    length = 0
    for key, val in params.items():
        text = f"{key}={_preview(val, 1)}"
        parts.append(text)
        length += len(text) + 2
        if length > REPR_LIMIT:
            break
    return _clip(f"{_short_type(t)}({', '.join(parts)})", REPR_LIMIT)


def _jsonable(v: Any, depth: int = 0) -> object:
    """A JSON-safe rendering: scalars as themselves, small builtin containers recursively, else a repr."""
    t = type(v)
    if v is None or t is bool:
        return v
    if t is int:
        return _jint(v)
    if t is float:
        return _jfloat(v)
    if t is str and len(v) <= SCALAR_STR_LIMIT:
        return v
    np = _mod("numpy")
    if np is not None and issubclass(t, np.generic):
        ok, scalar = _scalar_of(v)
        if ok:
            return _jsonable(scalar, depth)
    if depth < 2:
        if (t is list or t is tuple) and len(v) <= 20:
            return [_jsonable(item, depth + 1) for item in v]
        if t is dict and len(v) <= 20 and all(type(k) is str for k in v):
            return {k: _jsonable(item, depth + 1) for k, item in v.items()}
    return _clip(_repr(v, depth + 1, PREVIEW_REPR_LIMIT), PREVIEW_REPR_LIMIT)


def _instance_attrs(v: Any, t: type, limit: int) -> tuple[list[tuple[str, Any]], bool]:
    """Up to ``limit`` (name, value) pairs from the instance __dict__ and __slots__; and whether all fit."""
    out: list[tuple[str, Any]] = []
    complete = True
    try:
        d = object.__getattribute__(v, "__dict__")
    except Exception:
        d = None
    if type(d) is dict:
        for name, val in dict.items(d):
            if type(name) is not str or (name.startswith("__") and name.endswith("__")):
                continue
            if len(out) >= limit:
                complete = False
                break
            out.append((name, val))
    for klass in _type_mro.__get__(t):
        namespace = _type_dict.__get__(klass)
        slots = namespace.get("__slots__")
        if slots is None:
            continue
        for name in [slots] if isinstance(slots, str) else list(slots):
            if type(name) is not str or name in ("__dict__", "__weakref__"):
                continue
            attr = name
            if name.startswith("__") and not name.endswith("__"):
                attr = f"_{_type_name_attr.__get__(klass).lstrip('_')}{name}"
            descriptor = namespace.get(attr)
            if type(descriptor) is not types.MemberDescriptorType:
                continue
            try:
                val = descriptor.__get__(v, t)
            except AttributeError:
                continue
            if len(out) >= limit:
                return out, False
            out.append((attr, val))
    return out, complete


# ------------------------------------------------------------------------------------- descriptions

_Described = tuple[str, object, str, "dict[str, Any] | None"]


def _describe(v: Any, t: type) -> _Described:
    tn = _safe_type_name(t)
    if t is int:  # outside int64
        summary: dict[str, Any] = {"kind": "scalar", "bits": v.bit_length()}
        if v.bit_length() <= 8 * TEXT_FULL_HASH_LIMIT:
            summary["sha256"] = hashlib.sha256(format(v, "x").encode()).hexdigest()
        return tn, None, _clip(_int_repr(v), REPR_LIMIT), summary
    if t is str:  # longer than SCALAR_STR_LIMIT
        digest, kind = _text_hash(v)
        return (
            tn,
            None,
            _clip(repr(v[:REPR_LIMIT]), REPR_LIMIT),
            {
                "kind": "str",
                "len": len(v),
                "sha256": digest,
                "hash_kind": kind,
            },
        )
    if t is bytes or t is bytearray:
        digest, kind = _text_hash(v)
        return (
            tn,
            None,
            _clip(repr(v[:REPR_LIMIT]), REPR_LIMIT),
            {
                "kind": "bytes",
                "len": len(v),
                "sha256": digest,
                "hash_kind": kind,
            },
        )
    module = _type_module.__get__(t)
    if not isinstance(module, str):
        module = ""
    np = _mod("numpy")
    if np is not None:
        if issubclass(t, np.ndarray):
            return _describe_ndarray(np, v, t, tn)
        if issubclass(t, np.generic):
            ok, scalar = _scalar_of(v)
            text = _clip(_numpy_scalar_repr(np, v), REPR_LIMIT)
            return tn, scalar if ok else None, text, {"kind": "scalar", "dtype": str(v.dtype)}
    pd = _mod("pandas")
    if pd is not None:
        if issubclass(t, pd.DataFrame):
            return _describe_dataframe(np, pd, v, t, tn)
        if issubclass(t, (pd.Series, pd.Index)):
            return _describe_series(np, pd, v, t, tn)
        extension_array = getattr(getattr(pd.api, "extensions", None), "ExtensionArray", None)
        if isinstance(extension_array, type) and issubclass(t, extension_array):
            n = len(v)
            text = f"{_short_type(t)} {v.dtype} len={n}"
            return tn, None, _clip(text, REPR_LIMIT), {"kind": "container", "len": n, "dtype": str(v.dtype)}
    if module.startswith("torch"):
        torch = _mod("torch")
        if torch is not None and issubclass(t, torch.Tensor):
            return _describe_tensor(np, v, t, tn)
    if issubclass(t, enum.Enum):
        value = object.__getattribute__(v, "_value_")
        return (
            tn,
            None,
            _clip(_enum_repr(v, t, 0), REPR_LIMIT),
            {
                "kind": "scalar",
                "name": _jsonable(object.__getattribute__(v, "_name_")),
                "value": _jsonable(value),
            },
        )
    if issubclass(t, _SEQ_BASES) or issubclass(t, _DICT_VIEWS):
        return _describe_container(v, t, tn)
    if module.startswith("numpy") or _known_repr_type(t, module):
        text = repr(v)
        if len(text) <= REPR_LIMIT:
            return tn, None, text, None
        return (
            tn,
            None,
            _clip(text, REPR_LIMIT),
            {
                "kind": "scalar",
                "sha256": hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest(),
            },
        )
    if issubclass(t, (int, float, str)):  # user subclasses of builtin scalars
        _, scalar, text, summary_text = summarize(_plain_scalar(v, t))
        return tn, scalar, text, json.loads(summary_text) if summary_text else None
    if issubclass(t, types.ModuleType):
        return _describe_module(v, tn)
    if issubclass(t, type):
        name = _safe_type_name(v)
        return tn, None, _clip(f"<class '{name}'>", REPR_LIMIT), {"kind": "class", "name": name}
    if issubclass(t, _FUNCTION_TYPES):
        name = _function_name(v)
        return tn, None, _clip(f"<function {name}>", REPR_LIMIT), {"kind": "function", "name": name}
    if issubclass(t, io.IOBase) and (module in ("_io", "io") or module.startswith("tempfile")):
        return _describe_file(v, tn)
    if _is_estimator(t):
        return _describe_estimator(np, v, t, tn)
    if issubclass(t, BaseException):
        return tn, None, _clip(_repr(v, 0, REPR_LIMIT), REPR_LIMIT), {"kind": "object"}
    if module == "builtins" or (isinstance(module, str) and module.startswith("pandas")):
        return tn, None, f"<{tn}>", {"kind": "object"}
    return _describe_object(v, t, tn)


def _describe_container(v: Any, t: type, tn: str) -> _Described:
    n = _container_len(v, t)
    previews = _container_previews(v, t, 0)
    summary: dict[str, Any] = {"kind": "container", "len": n, "preview": previews}
    if t in (list, tuple, set, frozenset, dict) and n <= CONTAINER_HASH_ITEMS:
        enc = _canon(v, _Budget())
        if enc is not None:
            summary["sha256"] = hashlib.sha256(enc).hexdigest()
            summary["hash_kind"] = "full"
    return tn, None, _clip(_container_repr(v, t, 0, REPR_LIMIT, previews), REPR_LIMIT), summary


def _describe_module(v: Any, tn: str) -> _Described:
    d = object.__getattribute__(v, "__dict__")
    name = d.get("__name__")
    name = name if type(name) is str else "?"
    summary: dict[str, Any] = {"kind": "module", "name": name}
    version = d.get("__version__")
    if type(version) is str:
        summary["version"] = version[:SCALAR_STR_LIMIT]
    path = d.get("__file__")
    if type(path) is str:
        summary["file"] = path
    return tn, None, _clip(f"<module '{name}'>", REPR_LIMIT), summary


def _describe_file(v: Any, tn: str) -> _Described:
    summary: dict[str, Any] = {"kind": "file"}
    name = getattr(v, "name", None)
    if type(name) in (str, int):
        summary["name"] = name
    mode = getattr(v, "mode", None)
    if type(mode) is str:
        summary["mode"] = mode
    summary["closed"] = bool(v.closed)
    text = f"<file {name!r} mode={mode!r}>" if "name" in summary else f"<{tn}>"
    return tn, None, _clip(text, REPR_LIMIT), summary


def _describe_object(v: Any, t: type, tn: str) -> _Described:
    pairs, complete = _instance_attrs(v, t, MAX_ATTRS)
    attrs: dict[str, Any] = {}
    shown: list[str] = []
    for name, val in pairs:
        ok, scalar = _scalar_of(val)
        if ok:
            attrs[name] = _jsonable(scalar)
            text = _preview(scalar, 1)
        else:
            text = _preview(val, 1)
            attrs[name] = {"type": _safe_type_name(type(val)), "repr": text}
        shown.append(f"{name}={text}")
    summary: dict[str, Any] = {"kind": "object", "attrs": attrs}
    if complete:
        budget = _Budget()
        parts = [tn.encode()]
        for name, val in sorted(pairs, key=lambda p: p[0]):
            enc = _canon(val, budget)
            if enc is None:
                break
            parts.append(_framed(name.encode()) + _framed(enc))
        else:
            summary["sha256"] = hashlib.sha256(b"".join(parts)).hexdigest()
            summary["hash_kind"] = "full"
    text = f"<{tn} {', '.join(shown)}>" if shown else f"<{tn}>"
    return tn, None, _clip(text, REPR_LIMIT), summary


def _describe_estimator(np: Any, v: Any, t: type, tn: str) -> _Described:
    params = _estimator_params(v)
    jparams = {str(k): _jsonable(val) for k, val in itertools.islice(params.items(), MAX_COLUMNS)}
    fitted: dict[str, Any] = {}
    hashable = True
    hashed_bytes = 0
    h = hashlib.sha256(tn.encode() + b"|" + (_dumps(jparams) or "").encode())
    pairs, _ = _instance_attrs(v, t, 10_000)
    for name, val in pairs:
        if not name.endswith("_") or name.startswith("_"):
            continue
        if len(fitted) >= MAX_COLUMNS:
            hashable = False
            break
        ok, scalar = _scalar_of(val)
        fitted[name] = _jsonable(scalar) if ok else _preview(val, 1)
        if not hashable:
            continue
        enc = _canon(scalar if ok else val, _Budget())
        if enc is not None:
            h.update(_framed(name.encode()) + _framed(enc))
        elif np is not None and issubclass(type(val), np.ndarray) and val.dtype.kind not in "OT":
            hashed_bytes += int(val.nbytes)
            if hashed_bytes > FULL_HASH_LIMIT:
                hashable = False
                continue
            arr = np.ascontiguousarray(np.ndarray.view(val, np.ndarray))
            h.update(_framed(name.encode()) + f"{arr.shape}|{arr.dtype.str}|".encode())
            h.update(arr.reshape(-1).view(np.uint8))
        else:
            hashable = False
    summary: dict[str, Any] = {"kind": "estimator", "params": jparams, "fitted": fitted}
    if hashable:
        summary["sha256"] = h.hexdigest()
        summary["hash_kind"] = "full"
    return tn, None, _estimator_repr(v, t, params), summary


# ------------------------------------------------------------------------------------ numeric arrays


def _numeric_stats(np: Any, x: Any) -> dict[str, Any] | None:
    """{min, max, mean, std, nan_count} of a numeric (int/uint/float) numpy array, or None."""
    if x.dtype.kind not in "iuf" or x.size == 0:
        return None
    with np.errstate(all="ignore"):
        nan_count = 0
        y = x
        if x.dtype.kind == "f":
            nan_mask = np.isnan(x)
            nan_count = int(np.count_nonzero(nan_mask))
            if nan_count:
                y = x[~nan_mask]
        if y.size == 0:
            return {"min": None, "max": None, "mean": None, "std": None, "nan_count": nan_count}
        lo, hi = y.min(), y.max()
        if x.dtype.kind == "f":
            lo_j: object = _jfloat(float(lo))
            hi_j: object = _jfloat(float(hi))
        else:
            lo_j, hi_j = _jint(int(lo)), _jint(int(hi))
        return {
            "min": lo_j,
            "max": hi_j,
            "mean": _jfloat(float(y.mean(dtype=np.float64))),
            "std": _jfloat(float(y.std(dtype=np.float64))),
            "nan_count": nan_count,
        }


def _array_sample(np: Any, arr: Any) -> Any:
    """A contiguous copy of a fixed C-order sample of ``arr`` (never copies the whole array)."""
    ranges = _sample_ranges(int(arr.size), min(SAMPLE_MAX_ITEMS, SAMPLE_BYTES // max(1, arr.itemsize)))
    if arr.flags.c_contiguous:
        flat = arr.reshape(-1)
        return np.concatenate([flat[start:stop] for start, stop in ranges])
    index = np.concatenate([np.arange(start, stop, dtype=np.intp) for start, stop in ranges])
    return arr.flat[index]


def _array_facts(np: Any, arr: Any, with_stats: bool = True) -> dict[str, Any]:
    """shape, dtype, nbytes, sha256, hash_kind, stats, preview of a base-class ndarray."""
    nbytes = int(arr.nbytes)
    facts: dict[str, Any] = {
        "shape": [int(n) for n in arr.shape],
        "dtype": str(arr.dtype),
        "nbytes": nbytes,
    }
    kind = arr.dtype.kind
    if nbytes <= FULL_HASH_LIMIT:
        data = arr
        if kind not in "OT":
            contiguous = np.ascontiguousarray(arr)
            facts["sha256"] = hashlib.sha256(contiguous.reshape(-1).view(np.uint8)).hexdigest()
            facts["hash_kind"] = "full"
    else:
        data = _array_sample(np, arr)
        if kind not in "OT":
            h = hashlib.sha256(f"sampled|{tuple(arr.shape)}|{arr.dtype.str}|{nbytes}|".encode())
            h.update(np.ascontiguousarray(data).view(np.uint8))
            facts["sha256"] = h.hexdigest()
            facts["hash_kind"] = "sampled"
    if with_stats:
        stats = _numeric_stats(np, data)
        if stats is not None:
            facts["stats"] = stats
    facts["preview"] = [_preview(item, 1) for item in arr.flat[:PREVIEW_ITEMS].tolist()]
    return facts


def _describe_ndarray(np: Any, v: Any, t: type, tn: str) -> _Described:
    arr = v if t is np.ndarray else np.ndarray.view(v, np.ndarray)
    summary: dict[str, Any] = {"kind": "ndarray"}
    summary.update(_array_facts(np, arr))
    text = f"{_short_type(t)} {arr.dtype} {tuple(int(n) for n in arr.shape)}"
    return tn, None, _clip(text, REPR_LIMIT), summary


def _describe_tensor(np: Any, v: Any, t: type, tn: str) -> _Described:
    shape = [int(n) for n in v.shape]
    dtype = str(v.dtype).removeprefix("torch.")
    nbytes = int(v.element_size()) * int(v.nelement())
    summary: dict[str, Any] = {"kind": "tensor", "shape": shape, "dtype": dtype, "nbytes": nbytes}
    try:
        summary["device"] = str(v.device)
        summary["requires_grad"] = bool(v.requires_grad)
    except Exception:
        pass
    if np is not None and nbytes <= FULL_HASH_LIMIT:
        try:
            arr = v.detach().cpu().numpy()
            facts = _array_facts(np, arr)
            facts["dtype"] = dtype
            summary.update(facts)
        except Exception:
            pass
    return tn, None, _clip(f"{_short_type(t)} {dtype} {tuple(shape)}", REPR_LIMIT), summary


# ---------------------------------------------------------------------------------------- pandas


def _label(x: Any) -> str:
    return x if type(x) is str else _preview(x, 1)


def _pandas_hashable(np: Any, pd: Any, columns: Iterable[Any]) -> bool:
    """False when an object (or categorical) column might hold user objects: hashing them would call
    their ``__str__``. Item types are read with ``type()`` only (pandas' own inference uses isinstance,
    which may consult a user ``__class__``)."""
    safe = _PANDAS_SAFE_ITEM_TYPES | set(_pandas_scalar_types(pd))
    pending = list(columns)
    while pending:
        col = pending.pop()
        if isinstance(col, pd.MultiIndex):
            pending.extend(col.levels)
            continue
        dtype = getattr(col, "dtype", None)
        items = None
        if isinstance(dtype, np.dtype) and dtype.kind == "O":
            items = col.to_numpy()
        elif isinstance(dtype, pd.CategoricalDtype):
            categories = dtype.categories
            if isinstance(categories.dtype, np.dtype) and categories.dtype.kind == "O":
                items = categories.to_numpy()
        if items is not None:
            for kind in set(map(type, items)):
                if kind not in safe and not issubclass(kind, np.generic):
                    return False
    return True


def _row_sample_index(np: Any, nrows: int, row_bytes: int) -> Any:
    budget = min(SAMPLE_MAX_ITEMS, SAMPLE_BYTES // max(1, row_bytes))
    ranges = _sample_ranges(nrows, budget)
    return np.concatenate([np.arange(start, stop, dtype=np.intp) for start, stop in ranges])


def _pandas_hash(
    np: Any, pd: Any, obj: Any, nrows: int, nbytes: int, header: str, columns: Callable[[Any], Iterable[Any]]
) -> tuple[Any, str | None, str | None]:
    """(the rows used for stats, sha256, hash_kind) of a DataFrame/Series/Index."""
    if nbytes <= FULL_HASH_LIMIT:
        data, kind = obj, "full"
    else:
        index = _row_sample_index(np, nrows, nbytes // max(1, nrows))
        data, kind = obj[index] if isinstance(obj, pd.Index) else obj.iloc[index], "sampled"
    if not _pandas_hashable(np, pd, columns(data)):
        return data, None, None
    hashed = pd.util.hash_pandas_object(data, index=not isinstance(obj, pd.Index))
    h = hashlib.sha256(f"{kind}|{nbytes}|{header}|".encode("utf-8", "surrogatepass"))
    h.update(np.ascontiguousarray(hashed.to_numpy(dtype=np.uint64)).view(np.uint8))
    return data, h.hexdigest(), kind


def _describe_dataframe(np: Any, pd: Any, v: Any, t: type, tn: str) -> _Described:
    nrows, ncols = (int(n) for n in v.shape)
    labels = list(v.columns)
    dtypes = [str(d) for d in v.dtypes]
    nbytes = int(v.memory_usage(index=True, deep=False).sum())
    summary: dict[str, Any] = {
        "kind": "dataframe",
        "shape": [nrows, ncols],
        "columns": [_jsonable(c) for c in labels[:MAX_COLUMNS]],
        "dtypes": dtypes[:MAX_COLUMNS],
        "nbytes": nbytes,
    }
    header = "\x1f".join(f"{_label(c)}\x1e{d}" for c, d in zip(labels, dtypes, strict=True)) + f"|{nrows}"
    data, digest, kind = _pandas_hash(
        np, pd, v, nrows, nbytes, header, lambda d: [d.index, *(d.iloc[:, j] for j in range(d.shape[1]))]
    )
    if digest is not None:
        summary["sha256"] = digest
        summary["hash_kind"] = kind
    stats: dict[str, Any] = {}
    for j in range(min(ncols, MAX_COLUMNS)):
        col = data.iloc[:, j]
        if isinstance(col.dtype, np.dtype) and col.dtype.kind in "iuf":
            col_stats = _numeric_stats(np, col.to_numpy())
            if col_stats is not None:
                stats.setdefault(_label(labels[j]), col_stats)
    if stats:
        summary["stats"] = stats
    return tn, None, _clip(f"{_short_type(t)} {(nrows, ncols)}", REPR_LIMIT), summary


def _describe_series(np: Any, pd: Any, v: Any, t: type, tn: str) -> _Described:
    is_index = isinstance(v, pd.Index)
    n = len(v)
    dtype = str(v.dtype)
    nbytes = int(v.memory_usage(deep=False) if is_index else v.memory_usage(index=True, deep=False))
    summary: dict[str, Any] = {
        "kind": "container" if is_index else "series",
        "len": n,
        "shape": [n],
        "dtype": dtype,
        "nbytes": nbytes,
    }
    name = v.name
    if name is not None:
        summary["name"] = _jsonable(name)
    header = f"{_label(name) if name is not None else ''}|{dtype}|{n}"
    data, digest, kind = _pandas_hash(np, pd, v, n, nbytes, header, lambda d: [d] if is_index else [d, d.index])
    if digest is not None:
        summary["sha256"] = digest
        summary["hash_kind"] = kind
    if isinstance(v.dtype, np.dtype) and v.dtype.kind in "iuf":
        stats = _numeric_stats(np, data.to_numpy())
        if stats is not None:
            summary["stats"] = stats
    head = v[:PREVIEW_ITEMS] if is_index else v.iloc[:PREVIEW_ITEMS]
    summary["preview"] = [_preview(x, 1) for x in head.tolist()]
    return tn, None, _clip(_repr(v, 0, REPR_LIMIT), REPR_LIMIT), summary
