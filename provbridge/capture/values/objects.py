"""Everything else, described from outside: user objects, modules, classes, functions, files, exceptions."""

from __future__ import annotations

import hashlib
from typing import Any

import provbridge.capture.values.hashing as hashing
import provbridge.capture.values.limits as limits
import provbridge.capture.values.secrets as secrets
import provbridge.capture.values.text as text
from provbridge.capture.values.introspect import (
    exception_args,
    function_name,
    instance_attrs,
    instance_dict,
    plain_str,
    short_name_of,
    trusted,
    type_name_of,
)
from provbridge.capture.values.limits import Described
from provbridge.capture.values.scalars import jsonable, scalar_of


def describe_object(v: Any, t: type, tn: str) -> Described:
    """A plain object: its type and the scalar attributes of its instance ``__dict__``/``__slots__`` (secret
    looking names redacted), hashed when they are all plain data."""
    pairs, complete = instance_attrs(v, t, limits.MAX_ATTRS)
    attrs: dict[str, Any] = {}
    shown: list[str] = []
    for name, val in pairs:
        if secrets.redact_name(name):
            attrs[name] = secrets.REDACTED
            shown.append(f"{name}={secrets.REDACTED}")
            continue
        ok, scalar = scalar_of(val)
        if ok:
            attrs[name] = jsonable(scalar)
            entry = text.preview(scalar, 1) if type(scalar) is not str else text.preview(secrets.scrub(scalar), 1)
        else:
            entry = text.preview(val, 1)
            attrs[name] = {"type": type_name_of(type(val)), "repr": entry}
        shown.append(f"{name}={entry}")
    summary: dict[str, Any] = {"kind": "object", "attrs": attrs}
    if complete:
        budget = hashing.Budget()
        parts = [tn.encode()]
        for name, val in sorted(pairs, key=lambda p: p[0]):
            enc = b"r" if secrets.redact_name(name) else hashing.canon(val, budget)
            if enc is None:
                break
            parts.append(hashing.framed(name.encode()) + hashing.framed(enc))
        else:
            summary["sha256"] = hashlib.sha256(b"".join(parts)).hexdigest()
            summary["hash_kind"] = "full"
    shown_text = f"<{tn} {', '.join(shown)}>" if shown else f"<{tn}>"
    return tn, None, text.clip(shown_text, limits.REPR_LIMIT), summary


def module_repr(v: Any, t: type) -> str:
    """``<module 'math'>`` from the module's own namespace."""
    d = instance_dict(v, t) or {}
    return f"<module '{plain_str(d.get('__name__')) or '?'}'>"


def describe_module(v: Any, t: type, tn: str) -> Described:
    """A module: name, version and file, read from its namespace."""
    d = instance_dict(v, t) or {}
    name = plain_str(d.get("__name__")) or "?"
    summary: dict[str, Any] = {"kind": "module", "name": name}
    version = plain_str(d.get("__version__"))
    if version is not None:
        summary["version"] = version[: limits.SCALAR_STR_LIMIT]
    path = plain_str(d.get("__file__"))
    if path is not None:
        summary["file"] = path
    return tn, None, text.clip(f"<module '{name}'>", limits.REPR_LIMIT), summary


def describe_class(v: Any, tn: str) -> Described:
    """A class: its qualified name."""
    name = type_name_of(v)
    return tn, None, text.clip(f"<class '{name}'>", limits.REPR_LIMIT), {"kind": "class", "name": name}


def describe_function(v: Any, t: type, tn: str) -> Described:
    """A function or method: its qualified name."""
    name = function_name(v, t)
    return tn, None, text.clip(f"<function {name}>", limits.REPR_LIMIT), {"kind": "function", "name": name}


def io_chain_trusted(v: Any) -> bool:
    """True when an io object's ``buffer``/``raw`` layers are io's own classes too (their properties, which
    ``name`` and ``closed`` forward to, run no user code)."""
    obj = v
    for attr in ("buffer", "raw"):
        inner = getattr(obj, attr, None)
        if inner is None:
            continue
        if not trusted(type(inner)):
            return False
        obj = inner
    return True


def describe_file(v: Any, t: type, tn: str) -> Described:
    """An open file of the io module: name, mode, closed."""
    summary: dict[str, Any] = {"kind": "file"}
    name = getattr(v, "name", None)
    if type(name) in (str, int):
        summary["name"] = name
    mode = getattr(v, "mode", None)
    if type(mode) is str:
        summary["mode"] = mode
    summary["closed"] = bool(v.closed)
    shown = f"<file {name!r} mode={mode!r}>" if "name" in summary else f"<{tn}>"
    return tn, None, text.clip(shown, limits.REPR_LIMIT), summary


def exception_repr(v: Any, t: type, depth: int) -> str:
    """``ValueError('bad', 3)`` from the base ``args`` slot."""
    args = exception_args(v)
    return f"{short_name_of(t)}({', '.join(text.preview(a, depth + 1) for a in args[:3])})"


def describe_exception(v: Any, t: type, tn: str) -> Described:
    """An exception: its type and arguments."""
    return tn, None, text.clip(exception_repr(v, t, 0), limits.REPR_LIMIT), {"kind": "object"}
