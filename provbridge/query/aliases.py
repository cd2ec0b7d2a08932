"""The notebook-facing names of the original noWorkflow extension, with correct behaviour: fresh results
on every call, from the trial being recorded (else the last trial)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from provbridge.query.api import deps
from provbridge.query.granularity import DEFAULT_GRANULARITY

if TYPE_CHECKING:
    import pandas

    from provbridge.query.targets import StoreLike, TrialRef


def _granularity(granularity: int | bool | None, glanularity_level: int | bool | None) -> int | None:
    if granularity is not None and glanularity_level is not None and int(granularity) != int(glanularity_level):
        raise TypeError("give granularity or glanularity_level, not both")
    chosen = granularity if granularity is not None else glanularity_level
    return None if chosen is None else int(chosen)


def backward_deps(var_name: str, granularity: int | bool | None = DEFAULT_GRANULARITY, *,
                  glanularity_level: int | bool | None = DEFAULT_GRANULARITY, trial: TrialRef | None = None,
                  store: StoreLike = None) -> pandas.DataFrame:
    """Operations, function calls, files and values that contributed to the current (latest) value of
    ``var_name``; granularity 1 (or True) includes the operations inside user functions, 0 (False) keeps
    the top level; by default the trial's own granularity, as every query."""
    return deps(var_name, trial=trial, store=store, granularity=_granularity(granularity, glanularity_level))


def global_backward_deps(var_name: str, granularity: int | bool | None = DEFAULT_GRANULARITY, *,
                         glanularity_level: int | bool | None = DEFAULT_GRANULARITY, trial: TrialRef | None = None,
                         store: StoreLike = None) -> pandas.DataFrame:
    """Like :func:`backward_deps`, over every version of ``var_name`` in the trial (each re-binding,
    mutation and cell re-execution)."""
    return deps(var_name, trial=trial, store=store, granularity=_granularity(granularity, glanularity_level),
                all_versions=True)


backwards_deps = backward_deps  # the spelling of the noWorkflow report
global_backwards_deps = global_backward_deps
