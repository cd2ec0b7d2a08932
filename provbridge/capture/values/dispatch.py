"""Which family describes a value: the dispatch for summaries and for nested display texts."""

from __future__ import annotations

import _io
import enum
import types
from typing import Any

import provbridge.capture.values.arrays as arrays
import provbridge.capture.values.containers as containers
import provbridge.capture.values.estimators as estimators
import provbridge.capture.values.frames as frames
import provbridge.capture.values.limits as limits
import provbridge.capture.values.objects as objects
import provbridge.capture.values.scalars as scalars
import provbridge.capture.values.secrets as secrets
import provbridge.capture.values.text as text
from provbridge.capture.values.introspect import (
    derives,
    derives_any,
    function_name,
    loaded,
    module_of,
    short_name_of,
    trusted,
    type_name_of,
)
from provbridge.capture.values.limits import Described

FUNCTION_TYPES: tuple[type, ...] = (
    types.FunctionType, types.BuiltinFunctionType, types.MethodType, types.BuiltinMethodType,
    types.MethodWrapperType, types.WrapperDescriptorType, types.MethodDescriptorType,
)


def _plain(v: Any, t: type) -> Described:
    """A user subclass of int/float/str, described as the builtin value it holds."""
    plain: Any = scalars.plain_scalar(v, t)
    pt = type(plain)
    if pt is str and len(plain) > limits.SCALAR_STR_LIMIT:
        _, scalar, shown, summary = scalars.describe_text(plain, "str")
        return type_name_of(t), scalar, shown, summary
    if pt is int and not limits.INT64_MIN <= plain <= limits.INT64_MAX:
        _, scalar, shown, summary = scalars.describe_big_int(plain, "int")
        return type_name_of(t), scalar, shown, summary
    if pt is str:
        cleaned = secrets.scrub(plain)
        summary = {"kind": "str", "redacted": True} if cleaned is not plain else None
        return type_name_of(t), cleaned, text.clip(repr(cleaned), limits.REPR_LIMIT), summary
    return type_name_of(t), plain, repr(plain), None


def describe(v: Any, t: type, full_limit: int) -> Described:
    """The description of any value that is not a plain scalar, hashing data up to ``full_limit`` bytes."""
    tn = type_name_of(t)
    if t is int:  # outside int64
        return scalars.describe_big_int(v, tn)
    if t is str or t is bytes or t is bytearray:  # str: longer than SCALAR_STR_LIMIT
        return scalars.describe_text(v, tn)
    module = module_of(t)
    np = loaded("numpy")
    if np is not None:
        if derives(t, np.ndarray):
            return arrays.describe_ndarray(np, v, t, tn, full_limit)
        if derives(t, np.generic) and trusted(t):
            return scalars.describe_numpy_scalar(np, v, tn)
    pd = loaded("pandas")
    if pd is not None:
        if derives(t, pd.DataFrame):
            return frames.describe_dataframe(np, pd, v, t, tn, full_limit)
        if derives(t, pd.Series) or derives(t, pd.Index):
            return frames.describe_series(np, pd, v, t, tn, full_limit)
        extension_array = getattr(getattr(pd.api, "extensions", None), "ExtensionArray", None)
        if isinstance(extension_array, type) and derives(t, extension_array) and trusted(t):
            n = len(v)
            shown = f"{short_name_of(t)} {v.dtype} len={n}"
            return tn, None, text.clip(shown, limits.REPR_LIMIT), {"kind": "container", "len": n, "dtype": str(v.dtype)}
    if module.startswith("torch"):
        torch = loaded("torch")
        if torch is not None and derives(t, torch.Tensor) and trusted(t):
            return arrays.describe_tensor(np, v, t, tn, full_limit)
    if derives(t, enum.Enum):
        return scalars.describe_enum(v, t, tn)
    if derives_any(t, containers.CONTAINER_TYPES) is not None:
        return containers.describe_container(v, t, tn)
    if scalars.known_repr_type(t, module):
        return scalars.describe_known(v, tn)
    if derives_any(t, (int, float, str)) is not None:
        return _plain(v, t)
    if derives(t, types.ModuleType):
        return objects.describe_module(v, t, tn)
    if derives(t, type):
        return objects.describe_class(v, tn)
    if derives_any(t, FUNCTION_TYPES) is not None:
        return objects.describe_function(v, t, tn)
    if derives(t, _io._IOBase) and trusted(t) and objects.io_chain_trusted(v):
        return objects.describe_file(v, t, tn)
    if estimators.is_estimator(t):
        return estimators.describe_estimator(np, v, t, tn, full_limit)
    if derives(t, BaseException):
        return objects.describe_exception(v, t, tn)
    if trusted(t) and (module == "builtins" or module.startswith("pandas")):
        return tn, None, f"<{tn}>", {"kind": "object"}
    return objects.describe_object(v, t, tn)


def display(v: Any, depth: int, limit: int) -> str:
    """Display text of any value without calling user code (not clipped to ``limit`` necessarily)."""
    t = type(v)
    if t is str or t is bytes or t is bytearray:
        return scalars.text_repr(v, limit)
    if t is int:
        return text.int_repr(v)
    if v is None or t is bool or t is float:
        return repr(v)
    module = module_of(t)
    np = loaded("numpy")
    if np is not None:
        if derives(t, np.ndarray):
            return arrays.array_repr(np, v, t)
        if derives(t, np.generic) and trusted(t):
            return secrets.scrub(scalars.numpy_scalar_repr(np, v))
    pd = loaded("pandas")
    if pd is not None and (derives(t, pd.DataFrame) or derives(t, pd.Series) or derives(t, pd.Index)):
        return frames.series_repr(pd, v, t, depth)
    if module.startswith("torch"):
        torch = loaded("torch")
        if torch is not None and derives(t, torch.Tensor) and trusted(t):
            return arrays.tensor_repr(v, t)
    if derives(t, enum.Enum):
        return scalars.enum_repr(v, t, depth)
    if derives_any(t, containers.CONTAINER_TYPES) is not None:
        return containers.container_repr(v, t, depth, limit)
    if scalars.known_repr_type(t, module):
        return secrets.scrub(repr(v))
    if derives_any(t, (int, float, str)) is not None:
        return display(scalars.plain_scalar(v, t), depth, limit)
    if derives(t, BaseException):
        return objects.exception_repr(v, t, depth)
    if derives(t, type):
        return f"<class '{type_name_of(v)}'>"
    if derives(t, types.ModuleType):
        return objects.module_repr(v, t)
    if derives_any(t, FUNCTION_TYPES) is not None:
        return f"<function {function_name(v, t)}>"
    if estimators.is_estimator(t):
        return estimators.estimator_repr(v, t) if depth == 0 else f"{short_name_of(t)}(…)"
    return f"<{type_name_of(t)}>" if depth == 0 else f"<{short_name_of(t)}>"


text.register_show(display)
