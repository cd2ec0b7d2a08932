"""The noWorkflow experiment-management extension's function names, with fixed behaviour."""

from __future__ import annotations

from typing import TYPE_CHECKING

from provbridge.manage.common import ManageError, StoreLike, TrialRef, get_trial, using_store
from provbridge.manage.diff import TrialDiff, diff
from provbridge.manage.housekeeping import annotate_trial, rename_trial
from provbridge.manage.plot import plot
from provbridge.manage.table import trials
from provbridge.manage.values import values

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure


def trial_diff(trial_id1: TrialRef, trial_id2: TrialRef, *, tol: float = 0.0, store: StoreLike = None) -> TrialDiff:
    """Everything that differs between two trials, the order of operations as a unified diff included
    (complex values are compared, not labelled ``complex_type``). Print it for the report."""
    return diff(trial_id1, trial_id2, tol=tol, store=store)


def trial_intersection_diff(trial_id1: TrialRef, trial_id2: TrialRef, *, tol: float = 0.0,
                            store: StoreLike = None) -> pd.DataFrame:
    """Every variable present in both trials with both final values and whether they are equal, different
    or unknown; arrays, frames, tensors and estimators included."""
    return diff(trial_id1, trial_id2, all=True, tol=tol, store=store).variables


def var_tag_values(var_name: str, *, store: StoreLike = None) -> pd.DataFrame:
    """The variable's final value in every trial of the store (not only the ones saved by hand)."""
    return values(var_name, store=store)


def var_tag_plot(var_name: str, output: str | None = None, *, store: StoreLike = None) -> Figure:
    """The variable across every trial that has it, as a matplotlib figure."""
    return plot(var_name, output, store=store)


def resume_trials(*, store: StoreLike = None) -> pd.DataFrame:
    """The table of trials (every trial is stored already), with their parameters and metrics."""
    return trials(store)


def store_operations(trial: TrialRef = "last", name: str | None = None, note: str | None = None, *,
                     store: StoreLike = None) -> int:
    """Everything a trial did is already stored; this names and/or annotates it so it is easy to find.
    Returns the trial number."""
    if name is not None and not isinstance(name, str):
        raise ManageError("store_operations(trial, name, note): operations are recorded automatically; "
                          "pass a name (str) for the trial, not a dictionary of operations")
    with using_store(store) as opened:
        number = get_trial(opened, trial).id
        if name is not None:
            rename_trial(number, name, store=opened)
        if note is not None:
            annotate_trial(number, note, store=opened)
    return number
