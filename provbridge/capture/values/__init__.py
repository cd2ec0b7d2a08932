"""Summarize any Python value into (type name, exact scalar, short repr, JSON summary) at a bounded cost.

Rules this package keeps, because it runs inside the user's program:

* ``summarize`` never raises (anything but ``KeyboardInterrupt`` is caught and the value falls back
  to ``(type_name, None, "<type_name>", None)``) and never writes to stdout/stderr or emits warnings.
* It never runs code of the user's classes. Methods, properties and ``repr`` are only used on types whose
  whole MRO comes from known libraries (builtins and parts of the standard library, numpy, pandas, torch,
  scikit-learn: :func:`introspect.trusted`). Everything else is read from outside: type checks walk
  ``type(value).__mro__`` by identity (no ``__class__``, ``__subclasscheck__`` or metaclass hooks),
  instance state comes from the C-level ``__dict__``/``__slots__`` descriptors, exceptions' ``args`` from
  the base slot, subclasses of builtins/numpy/pandas are viewed through their base class. A user subclass
  of a scikit-learn estimator has its hyperparameters read from its ``__dict__``, not ``get_params``.
* Secrets are redacted (unless ``PROVBRIDGE_REDACT=0``): values of variables, attributes and dict keys
  whose names look secret, and credential-shaped text anywhere (:mod:`.secrets`); hashes are of the
  redacted form.
* It never imports numpy, pandas, torch or sklearn: their objects are recognised from the already imported
  modules in ``sys.modules``.
* Size and time are bounded (:mod:`.limits`): arrays and frames above FULL_HASH_LIMIT are hashed on a fixed
  sample while recording and in full (up to FINAL_HASH_LIMIT) by :func:`summarize_final`; a large object
  summarized again while unchanged is served from :mod:`.cache`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from provbridge.capture.values import arrays, cache, dispatch, introspect, limits, secrets, text
from provbridge.capture.values.limits import (
    CONTAINER_HASH_BYTES,
    CONTAINER_HASH_ITEMS,
    FINAL_HASH_LIMIT,
    FULL_HASH_LIMIT,
    MAX_ATTRS,
    MAX_COLUMNS,
    PREVIEW_ITEMS,
    PREVIEW_REPR_LIMIT,
    REPR_LIMIT,
    SAMPLE_BLOCKS,
    SAMPLE_BYTES,
    SAMPLE_MAX_ITEMS,
    SCALAR_STR_LIMIT,
    TEXT_FULL_HASH_LIMIT,
    Summary,
)

__all__ = [
    "CONTAINER_HASH_BYTES", "CONTAINER_HASH_ITEMS", "FINAL_HASH_LIMIT", "FULL_HASH_LIMIT", "MAX_ATTRS",
    "MAX_COLUMNS", "PREVIEW_ITEMS", "PREVIEW_REPR_LIMIT", "REPR_LIMIT", "SAMPLE_BLOCKS", "SAMPLE_BYTES",
    "SAMPLE_MAX_ITEMS", "SCALAR_STR_LIMIT", "TEXT_FULL_HASH_LIMIT", "Summary", "prepare_final", "short_repr",
    "summarize", "summarize_final", "type_name",
]

_INT64_MIN = limits.INT64_MIN
_INT64_MAX = limits.INT64_MAX
_REDACTED_SUMMARY = '{"kind":"redacted","sha256":"' + hashlib.sha256(secrets.REDACTED.encode()).hexdigest() + '"}'


def summarize(value: object, name: str | None = None) -> Summary:
    """Return ``(type_name, scalar, repr_text, summary_json)`` for ``value``; never raises. ``name``, the
    variable the value is bound to, lets values of secret-looking names be redacted."""
    return _summarize(value, name, FULL_HASH_LIMIT)


def summarize_final(value: object, name: str | None = None) -> Summary:
    """Like :func:`summarize`, hashing objects up to FINAL_HASH_LIMIT in full: for the final values of a
    trial, summarized once when the run ends."""
    return _summarize(value, name, FINAL_HASH_LIMIT, final=True)


def prepare_final(values: Iterable[object]) -> None:
    """Before a run's end-of-run summaries: hash in full, two at a time, the large arrays among ``values``
    whose sampled summary is still good, so that :func:`summarize_final` finds their exact summaries (the
    same as it would make). Never raises."""
    np = introspect.loaded("numpy")
    if np is None:
        return
    try:
        arrays.prepare_final(np, values)
    except KeyboardInterrupt:
        raise
    except BaseException:
        pass


def _summarize(value: object, name: str | None, full_limit: int, final: bool = False) -> Summary:
    v: object = value
    t = type(v)
    if not final:
        cache.bump()
    if name is not None and secrets.ENABLED and secrets.secret_name(name) and _sensitive(v, t):
        return (introspect.type_name_of(t), secrets.REDACTED if t is str else None, secrets.REDACTED,
                _REDACTED_SUMMARY)
    if t is int:
        if _INT64_MIN <= v <= _INT64_MAX:  # type: ignore[operator]
            return ("int", v, repr(v), None)
    elif t is float:
        return ("float", v, repr(v), None)
    elif t is str:
        if len(v) <= SCALAR_STR_LIMIT:  # type: ignore[arg-type]
            cleaned = secrets.scrub(v) if secrets.ENABLED else v  # type: ignore[arg-type]
            r = repr(cleaned)
            shown = r if len(r) <= REPR_LIMIT else r[: REPR_LIMIT - 1] + limits.ELLIPSIS
            return ("str", cleaned, shown, None if cleaned is v else '{"kind":"str","redacted":true}')
    elif t is bool:
        return ("bool", v, "True" if v else "False", None)
    elif v is None:
        return ("NoneType", None, "None", None)
    try:
        tn, scalar, shown, summary = dispatch.describe(v, t, full_limit)
        return (tn, scalar, shown, text.dumps(summary) if summary is not None else None)
    except KeyboardInterrupt:
        raise
    except BaseException:
        tn = introspect.type_name_of(t)
        return (tn, None, f"<{tn}>", None)


def _sensitive(v: object, t: type) -> bool:
    """Values a secret-looking name redacts: text, and builtin containers holding text (not numbers: a
    ``max_token_len`` stays visible)."""
    try:
        if introspect.derives_any(t, (str, bytes, bytearray)) is not None:
            return True
        if introspect.derives_any(t, dispatch.containers.CONTAINER_TYPES) is not None:
            return dispatch.containers.holds_text(v, t)
    except Exception:
        return True
    return False


def type_name(value: object) -> str:
    """``int``, ``str``, ... for builtins, ``module.QualName`` for everything else."""
    return introspect.type_name_of(type(value))


def short_repr(value: object, limit: int = PREVIEW_REPR_LIMIT) -> str:
    """The display text of ``value`` clipped to ``limit`` characters (same rules as ``summarize``)."""
    try:
        return text.clip(dispatch.display(value, 0, limit), limit)
    except KeyboardInterrupt:
        raise
    except BaseException:
        return f"<{introspect.type_name_of(type(value))}>"
