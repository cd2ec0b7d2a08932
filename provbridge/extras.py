"""Imports of optional dependencies: a missing one is a one-line error naming the extra that brings it."""

from __future__ import annotations

import importlib
from types import ModuleType

from provbridge.errors import ProvbridgeError

# module (top-level import name) -> the extra of provbridge that installs it (pyproject's optional-dependencies)
EXTRA_OF = {
    "matplotlib": "plot",
    "nbclient": "notebook",
    "nbformat": "notebook",
    "IPython": "notebook",
    "ipykernel": "notebook",
    "jupyter_client": "notebook",
    "jsonschema": "validate",
    "pyshacl": "validate",
    "owlrl": "validate",
    "rocrate": "rocrate",
}


class MissingExtraError(ProvbridgeError):
    """An optional dependency is not installed."""


def require(module: str, purpose: str = "") -> ModuleType:
    """Import ``module`` (dotted names allowed) or raise MissingExtraError naming the extra to install."""
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise missing_extra(exc, purpose, module) or _missing(_top(exc.name or module), "", purpose) from None


def missing_extra(exc: ImportError, purpose: str = "", module: str = "") -> MissingExtraError | None:
    """The MissingExtraError for a failed import of a module one of provbridge's extras installs (``module``:
    the one asked for, when the failure is in a module it imports); None for any other module."""
    missing = _top(exc.name or module)
    extra = EXTRA_OF.get(missing) or EXTRA_OF.get(_top(module))
    return _missing(missing, extra, purpose) if extra else None


def _missing(missing: str, extra: str, purpose: str) -> MissingExtraError:
    need = f"{purpose} needs {missing}" if purpose else f"{missing} is not installed"
    hint = f": pip install 'provbridge[{extra}]'" if extra else f": pip install {missing}"
    return MissingExtraError(need + hint)


def _top(module: str) -> str:
    return module.partition(".")[0]
