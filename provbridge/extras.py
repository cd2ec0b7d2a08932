"""Imports of optional dependencies: a missing one is a one-line error naming the extra that brings it."""

from __future__ import annotations

import importlib
from types import ModuleType

from provbridge.errors import ProvbridgeError

# module (top-level import name) -> the extra of provbridge that installs it
EXTRA_OF = {
    "matplotlib": "plot",
    "pydot": "dot",
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
        top = module.partition(".")[0]
        missing = (exc.name or top).partition(".")[0]
        extra = EXTRA_OF.get(missing, EXTRA_OF.get(top, ""))
        need = f"{purpose} needs {missing}" if purpose else f"{missing} is not installed"
        hint = f": pip install 'provbridge[{extra}]'" if extra else f": pip install {missing}"
        raise MissingExtraError(need + hint) from None
