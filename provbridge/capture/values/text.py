"""Display text and JSON of summaries: clipping, JSON-safe numbers, compact dumps, nested previews."""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from typing import Any

import provbridge.capture.values.limits as limits
import provbridge.capture.values.secrets as secrets

Show = Callable[[Any, int, int], str]
"""``show(value, depth, limit)``: the display text of any value without running user code."""

_show: Show | None = None


def register_show(fn: Show) -> None:
    """Install the dispatcher that renders nested values (set once by the package's dispatch module)."""
    global _show
    _show = fn


def show(v: Any, depth: int, limit: int) -> str:
    """The display text of ``v`` (not necessarily clipped to ``limit``)."""
    assert _show is not None
    return _show(v, depth, limit)


def clip(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters, the last one an ellipsis when cut."""
    return text if len(text) <= limit else text[: limit - 1] + limits.ELLIPSIS


def preview(v: Any, depth: int = 1) -> str:
    """The display text of an item of a preview, clipped to PREVIEW_REPR_LIMIT."""
    return clip(show(v, depth, limits.PREVIEW_REPR_LIMIT), limits.PREVIEW_REPR_LIMIT)


def named_preview(name: object, v: Any, depth: int = 1) -> str:
    """:func:`preview`, or ``<redacted>`` when ``name`` (an attribute or key) looks secret."""
    return secrets.REDACTED if secrets.redact_name(name) else preview(v, depth)


def jfloat(x: float) -> float | str:
    """A float JSON can hold: non-finite values as the strings nan, inf, -inf."""
    if math.isfinite(x):
        return x
    return "nan" if x != x else ("inf" if x > 0 else "-inf")


def int_repr(x: int) -> str:
    """``repr`` of an int, or its size in bits when it is huge (no quadratic int->str conversion)."""
    if x.bit_length() <= 400:
        return repr(x)
    return f"int ({x.bit_length()} bits)"


def jint(x: int) -> int | str:
    """An int JSON readers keep exactly (int64), else its repr."""
    if limits.INT64_MIN <= x <= limits.INT64_MAX:
        return x
    return int_repr(x)


_orjson: Any = False  # False: not looked up yet; None: not installed (imported lazily, off the start-up path)


def dumps(obj: object) -> str | None:
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
