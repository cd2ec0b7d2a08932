"""provbridge: record how Python scripts and notebooks produce their results, as W3C PROV."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from provbridge.store.store import Store, Trial, open_store

# Public names, imported on first use so `import provbridge` (and `provbridge run`) stay fast.
_LAZY: dict[str, str] = {
    "open_store": "provbridge.store.store",
    "Store": "provbridge.store.store",
    "Trial": "provbridge.store.store",
    "ProvbridgeError": "provbridge.errors",
    "tag": "provbridge.notebook.api",
    "tag_cell": "provbridge.notebook.api",
    "tag_trial": "provbridge.notebook.api",
    "name_trial": "provbridge.notebook.api",
    "new_trial": "provbridge.notebook.api",
    "current_trial": "provbridge.notebook.api",
}

__all__ = ["Store", "Trial", "__version__", "current_trial", "name_trial", "new_trial", "open_store", "tag",
           "tag_cell", "tag_trial"]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'provbridge' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def load_ipython_extension(ipython: object) -> None:
    """``%load_ext provbridge``: record this IPython session (each cell) as a notebook trial."""
    from provbridge.notebook.extension import load

    load(ipython)


def unload_ipython_extension(ipython: object) -> None:
    """``%unload_ext provbridge``: stop recording and finish the trial."""
    from provbridge.notebook.extension import unload

    unload(ipython)
