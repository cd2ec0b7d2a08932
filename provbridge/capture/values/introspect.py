"""Read types and instances without running user code: names, MROs, instance dicts, slots, trust."""

from __future__ import annotations

import sys
import types
from typing import Any

_type_module = type.__dict__["__module__"]
_type_qualname = type.__dict__["__qualname__"]
_type_name = type.__dict__["__name__"]
_type_mro = type.__dict__["__mro__"]
_type_dict = type.__dict__["__dict__"]
_exception_args = BaseException.__dict__["args"]
_method_func = types.MethodType.__dict__["__func__"]

TRUSTED_ROOTS = frozenset(
    {
        "builtins", "abc", "_abc", "collections", "_collections", "_collections_abc", "enum", "types",
        "datetime", "_datetime", "_pydatetime", "decimal", "_decimal", "_pydecimal", "fractions", "numbers",
        "uuid", "pathlib", "io", "_io", "tempfile", "re", "functools", "itertools", "operator", "weakref",
        "numpy", "pandas", "torch", "sklearn", "scipy",
    }
)
"""Root modules whose classes may be asked for their state through their own methods and properties
(the standard library parts we describe, and the data libraries: numpy, pandas, torch, scikit-learn)."""

_trust_cache: dict[int, tuple[type, bool]] = {}


def plain_str(x: object) -> str | None:
    """``x`` as an exact ``str`` (a str subclass is copied through the base slot), else None."""
    if type(x) is str:
        return x
    if isinstance(x, str):
        return str.__str__(x)
    return None


def module_of(t: type) -> str:
    """The ``__module__`` of a class, read from the class's own namespace ('' when not a str)."""
    try:
        return plain_str(_type_module.__get__(t)) or ""
    except Exception:
        return ""


def type_name_of(t: type) -> str:
    """``int``, ``str``, ... for builtins, ``module.QualName`` for everything else."""
    try:
        module = module_of(t)
        qualname = plain_str(_type_qualname.__get__(t)) or "?"
        return qualname if module in ("builtins", "") else f"{module}.{qualname}"
    except Exception:
        return "object"


def short_name_of(t: type) -> str:
    """The bare ``__name__`` of a class."""
    try:
        return plain_str(_type_name.__get__(t)) or "object"
    except Exception:
        return "object"


def mro_of(t: type) -> tuple[type, ...]:
    """The method resolution order of a class, read from the type slot (no metaclass involved)."""
    mro = _type_mro.__get__(t)
    return mro if type(mro) is tuple else (t,)


def derives(t: type, base: Any) -> bool:
    """``issubclass(t, base)`` by identity on the MRO: no ``__subclasscheck__``/``__eq__`` is consulted."""
    if t is base:
        return True
    for klass in mro_of(t):
        if klass is base:
            return True
    return False


def derives_any(t: type, bases: tuple[Any, ...]) -> Any:
    """The first of ``bases`` that ``t`` derives from, or None."""
    for klass in mro_of(t):
        for base in bases:
            if klass is base:
                return base
    return None


def trusted(t: type) -> bool:
    """True when every class of ``t``'s MRO comes from a known library (TRUSTED_ROOTS): only then may its
    methods, properties and ``repr`` be used."""
    key = id(t)
    hit = _trust_cache.get(key)
    if hit is not None and hit[0] is t:
        return hit[1]
    verdict = all(module_of(k).partition(".")[0] in TRUSTED_ROOTS for k in mro_of(t))
    if len(_trust_cache) > 4096:
        _trust_cache.clear()
    _trust_cache[key] = (t, verdict)  # the strong reference keeps ``id(t)`` from being reused
    return verdict


def namespace_of(t: type) -> Any:
    """The class's own ``__dict__`` mapping (a mappingproxy)."""
    return _type_dict.__get__(t)


def instance_dict(v: Any, t: type) -> dict[str, Any] | None:
    """The instance ``__dict__`` through the C-level getset of the class that provides it (a user
    ``__dict__`` property or ``__getattribute__`` is never run), or None."""
    for klass in mro_of(t):
        descriptor = namespace_of(klass).get("__dict__")
        if descriptor is None:
            continue
        if type(descriptor) not in (types.GetSetDescriptorType, types.MemberDescriptorType):
            return None
        try:
            d = descriptor.__get__(v, t)
        except Exception:
            return None
        return d if type(d) is dict else None
    return None


def slot_values(v: Any, t: type, limit: int) -> tuple[list[tuple[str, Any]], bool]:
    """Up to ``limit`` (name, value) pairs read from ``__slots__`` member descriptors; and whether all fit."""
    out: list[tuple[str, Any]] = []
    for klass in mro_of(t):
        namespace = namespace_of(klass)
        slots = namespace.get("__slots__")
        if slots is None:
            continue
        if type(slots) is str:
            names: list[Any] = [slots]
        elif type(slots) in (tuple, list):
            names = list(slots)
        else:
            continue
        for name in names:
            if type(name) is not str or name in ("__dict__", "__weakref__"):
                continue
            attr = name
            if name.startswith("__") and not name.endswith("__"):
                attr = f"_{short_name_of(klass).lstrip('_')}{name}"
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
    return out, True


def instance_attrs(v: Any, t: type, limit: int) -> tuple[list[tuple[str, Any]], bool]:
    """Up to ``limit`` (name, value) pairs from the instance ``__dict__`` and ``__slots__``; and whether
    all fit. Dunder names are skipped."""
    out: list[tuple[str, Any]] = []
    d = instance_dict(v, t)
    if d is not None:
        for name, val in dict.items(d):
            if type(name) is not str or (name.startswith("__") and name.endswith("__")):
                continue
            if len(out) >= limit:
                return out, False
            out.append((name, val))
    slots, complete = slot_values(v, t, limit - len(out))
    return out + slots, complete


def exception_args(v: Any) -> tuple[Any, ...]:
    """``BaseException.args`` through the base getset (a user ``args`` property is never run)."""
    args = _exception_args.__get__(v)
    return args if type(args) is tuple else ()


def class_attr(t: type, name: str) -> Any:
    """An attribute from the namespaces of ``t``'s MRO without descriptors or a metaclass ``__getattr__``;
    None when absent."""
    for klass in mro_of(t):
        namespace = namespace_of(klass)
        if name in namespace:
            return namespace[name]
    return None


def function_name(v: Any, t: type) -> str:
    """``module.qualname`` of a function, method or builtin, read from C-level attributes only."""
    try:
        if t is types.MethodType:
            v = _method_func.__get__(v)
            t = type(v)
        if t is types.FunctionType or t is types.BuiltinFunctionType:
            module = plain_str(v.__module__) or ""
            # a builtin's __qualname__ would ask the class of its __self__; its __name__ is C data
            qualname = plain_str(v.__qualname__ if t is types.FunctionType else v.__name__) or "?"
            return f"{module}.{qualname}" if module and module != "builtins" else qualname
        if trusted(t):
            found = plain_str(getattr(v, "__qualname__", None)) or plain_str(getattr(v, "__name__", None))
            return found or "?"
    except Exception:
        pass
    return "?"


def loaded(name: str) -> Any:
    """An already imported module, or None (never imports)."""
    return sys.modules.get(name)
