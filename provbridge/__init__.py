"""provbridge: record how Python scripts and notebooks produce their results, as W3C PROV."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from provbridge.version import __version__

if TYPE_CHECKING:
    from provbridge.api import Store, Trial, open_store

# Public names, imported on first use so `import provbridge` (and `provbridge run`) stay fast.
_LAZY: dict[str, str] = {
    "open_store": "provbridge.api",
    "Store": "provbridge.api",
    "Trial": "provbridge.api",
    "ProvbridgeError": "provbridge.errors",
    "tag": "provbridge.notebook.api",
    "tag_cell": "provbridge.notebook.api",
    "tag_trial": "provbridge.notebook.api",
    "name_trial": "provbridge.notebook.api",
    "new_trial": "provbridge.notebook.api",
    "current_trial": "provbridge.notebook.api",
    "trials": "provbridge.manage.table",
    "diff": "provbridge.manage.diff",
    "values": "provbridge.manage.values",
    "plot": "provbridge.manage.plot",
    "save_artifact": "provbridge.manage.artifacts",
    "load_artifact": "provbridge.manage.artifacts",
    "artifacts": "provbridge.manage.artifacts",
    "verify": "provbridge.manage.verify",
    "compare_values": "provbridge.manage.compare",
    "rename_trial": "provbridge.manage.housekeeping",
    "annotate_trial": "provbridge.manage.housekeeping",
    "delete_trials": "provbridge.manage.housekeeping",
    "trial_diff": "provbridge.manage.aliases",
    "trial_intersection_diff": "provbridge.manage.aliases",
    "var_tag_values": "provbridge.manage.aliases",
    "var_tag_plot": "provbridge.manage.aliases",
    "resume_trials": "provbridge.manage.aliases",
    "store_operations": "provbridge.manage.aliases",
    "deps": "provbridge.query",
    "impact": "provbridge.query",
    "sparql": "provbridge.query",
    "compare_trials": "provbridge.query",
    "values_across": "provbridge.query",
    "tagged_values": "provbridge.query",
    "backward_deps": "provbridge.query",
    "global_backward_deps": "provbridge.query",
    "backwards_deps": "provbridge.query",
    "global_backwards_deps": "provbridge.query",
}

__all__ = [
    "Store",
    "Trial",
    "__version__",
    "annotate_trial",
    "artifacts",
    "backward_deps",
    "backwards_deps",
    "compare_trials",
    "compare_values",
    "current_trial",
    "delete_trials",
    "deps",
    "diff",
    "global_backward_deps",
    "global_backwards_deps",
    "impact",
    "load_artifact",
    "name_trial",
    "new_trial",
    "open_store",
    "plot",
    "rename_trial",
    "resume_trials",
    "save_artifact",
    "sparql",
    "store_operations",
    "tag",
    "tag_cell",
    "tag_trial",
    "tagged_values",
    "trial_diff",
    "trial_intersection_diff",
    "trials",
    "values",
    "values_across",
    "var_tag_plot",
    "var_tag_values",
    "verify",
]


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
