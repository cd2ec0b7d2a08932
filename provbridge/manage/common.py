"""Shared helpers: opening the store from the API, tag roles of variables, Python values of versions."""

from __future__ import annotations

import ast
import math
import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from provbridge.errors import ProvbridgeError, VariableNotFoundError
from provbridge.store.model import Version
from provbridge.store.store import Store, Trial, open_store

StoreLike = Store | str | os.PathLike[str] | None
TrialRef = Trial | str | int

PARAM_WORDS = frozenset({"hyperparameter", "hyperparameters", "param", "params", "parameter", "parameters"})
METRIC_WORDS = frozenset({"metric", "metrics"})
NUMERIC_TYPES = frozenset({"int", "float", "bool"})
SCALAR_TYPES = NUMERIC_TYPES | {"str", "NoneType"}
MODULE_SCOPE = "<module>"


class ManageError(ProvbridgeError):
    """An experiment-management request that cannot be done (bad name, running trial, ...)."""


@contextmanager
def using_store(store: StoreLike) -> Iterator[Store]:
    """The given Store as is, or a store opened from a path (closed afterwards)."""
    if isinstance(store, Store):
        yield store
        return
    opened = open_store(store)
    try:
        yield opened
    finally:
        opened.close()


def get_trial(store: Store, ref: TrialRef) -> Trial:
    """A trial of ``store`` from a Trial, a number, ``last``, a name or an id prefix."""
    if isinstance(ref, Trial):
        return store.trial(ref.id) if ref.store is not store else ref
    return store.trial(ref)


def variable_roles(trial: Trial) -> dict[str, tuple[str, str]]:
    """``{variable: (role, tag value text)}`` with role ``params`` or ``metrics``, from the trial's tags.
    A tag row names its role in ``name`` (``provbridge.tag``) or in ``value`` (``name=role``)."""
    roles: dict[str, tuple[str, str]] = {}
    for kind, subject, name, value in trial.tags():
        if kind != "variable":
            continue
        words = (name.strip().lower(), value.strip().lower())
        if words[0] in PARAM_WORDS or words[1] in PARAM_WORDS:
            role = "params"
        elif words[0] in METRIC_WORDS or words[1] in METRIC_WORDS:
            role = "metrics"
        else:
            continue
        text = value if words[0] in PARAM_WORDS | METRIC_WORDS else ""
        roles.setdefault(subject, (role, text))
    return roles


def trial_tags(trial: Trial) -> dict[str, str]:
    """Trial-level tags ``{name: value}``."""
    return {name: value for kind, _subject, name, value in trial.tags() if kind == "trial"}


def final_version(trial: Trial, name: str) -> Version | None:
    """The variable's final top-level version in the trial (any scope if it has none), or None."""
    try:
        return trial.latest(name)
    except VariableNotFoundError:
        pass
    try:
        version = trial.latest(name, scope=None)
    except VariableNotFoundError:
        return None
    return None if version.is_file else version


def is_scalar(version: Version) -> bool:
    """True when the version holds an exact scalar (Python or numpy number, bool, short str, None)."""
    if version.type in SCALAR_TYPES:
        return version.value is not None or version.type in ("NoneType", "int") or _nan(version) is not None
    if version.value is None and _nan(version) is None:
        return False
    return version.summary.get("kind") == "scalar"


def python_value(version: Version) -> Any:
    """The exact Python value of a scalar version (bool kept as bool, numbers as numbers); the display
    text of any other value."""
    value = version.value
    kind = version.type.rsplit(".", 1)[-1]
    if value is None:
        if version.type == "int" and version.repr and version.repr.lstrip("-").isdigit():
            return int(version.repr)  # beyond 64 bits: exact in the repr
        nan = _nan(version)
        if nan is not None:
            return nan
        return None if version.type == "NoneType" else version.repr
    if kind in ("bool", "bool_"):
        return bool(value)
    if isinstance(value, int) and version.type == "float":
        return float(value)
    return value


def _nan(version: Version) -> float | None:
    """NaN for a float version whose value SQLite stored as NULL (it has no NaN), else None."""
    if version.value is None and version.type.rsplit(".", 1)[-1].startswith("float") and version.repr:
        text = version.repr.rsplit("(", 1)[-1].rstrip(")")
        if text.lower() == "nan":
            return math.nan
    return None


def is_number(value: Any) -> bool:
    """True for int/float (not bool) values, NaN included."""
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def literal(text: str) -> Any:
    """A tag value text as a Python literal when it is one, else the text."""
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return text


def tagged_value(trial: Trial, name: str, text: str = "") -> Any:
    """A tagged variable's value in a trial: its final version, else the value written in the tag."""
    version = final_version(trial, name)
    if version is not None:
        return python_value(version)
    return literal(text) if text else None


def same(a: Any, b: Any) -> bool:
    """Equality that treats NaN as equal to NaN and never raises."""
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    if is_number(a) and is_number(b):
        return bool(a == b)
    if type(a) is not type(b):
        return False
    try:
        return bool(a == b)
    except Exception:
        return False
