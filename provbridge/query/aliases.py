"""The notebook-facing names of the original noWorkflow extension, with correct behaviour: fresh results
on every call, from the trial being recorded (else the last trial)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from provbridge.query.api import deps

if TYPE_CHECKING:
    import pandas

    from provbridge.query.targets import StoreLike, TrialRef

DEFAULT_GRANULARITY = 0  # like noWorkflow: operations inside functions only on request


def _granularity(granularity: int | bool | None, glanularity_level: int | bool | None) -> int:
    if granularity is not None and glanularity_level is not None and int(granularity) != int(glanularity_level):
        raise TypeError("give granularity or glanularity_level, not both")
    chosen = granularity if granularity is not None else glanularity_level
    return DEFAULT_GRANULARITY if chosen is None else int(chosen)


def backward_deps(var_name: str, granularity: int | bool | None = None, *,
                  glanularity_level: int | bool | None = None, trial: TrialRef | None = None,
                  store: StoreLike = None) -> pandas.DataFrame:
    """Operations, function calls, files and values that contributed to the current (latest) value of
    ``var_name``; granularity 1 (or True) includes the operations inside user functions."""
    return deps(var_name, trial=trial, store=store, granularity=_granularity(granularity, glanularity_level))


def global_backward_deps(var_name: str, granularity: int | bool | None = None, *,
                         glanularity_level: int | bool | None = None, trial: TrialRef | None = None,
                         store: StoreLike = None) -> pandas.DataFrame:
    """Like :func:`backward_deps`, over every version of ``var_name`` in the trial (each re-binding,
    mutation and cell re-execution)."""
    return deps(var_name, trial=trial, store=store, granularity=_granularity(granularity, glanularity_level),
                all_versions=True)


backwards_deps = backward_deps  # the spelling of the noWorkflow report
global_backwards_deps = global_backward_deps
