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
}

__all__ = ["Store", "Trial", "__version__", "open_store"]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'provbridge' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
