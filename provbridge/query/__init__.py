"""SPARQL over recorded trials: an incrementally kept pyoxigraph index, canned queries, DataFrame results."""

from __future__ import annotations

from provbridge.query.aliases import backward_deps, backwards_deps, global_backward_deps, global_backwards_deps
from provbridge.query.api import (
    TrialComparison,
    compare_trials,
    deps,
    impact,
    sparql,
    tagged_values,
    values_across,
    versions,
)
from provbridge.query.engine import Dataset, dataset
from provbridge.query.index import QueryIndex
from provbridge.query.lineage import impact_all, lineage
from provbridge.query.params import CannedQuery, bind, canned, canned_names
from provbridge.query.results import Result

__all__ = [
    "CannedQuery", "Dataset", "QueryIndex", "Result", "TrialComparison", "backward_deps", "backwards_deps",
    "bind", "canned", "canned_names", "compare_trials", "dataset", "deps", "global_backward_deps",
    "global_backwards_deps", "impact", "impact_all", "lineage", "sparql", "tagged_values", "values_across", "versions",
]
