"""The Python API of the query layer: dependencies, impact, trial comparison and values as DataFrames."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, NamedTuple

import pyoxigraph as ox

from provbridge.errors import VariableNotFoundError
from provbridge.frames import VALUE_COLUMNS, values_frame
from provbridge.query.details import FIELDS, version_columns, version_details
from provbridge.query.engine import dataset
from provbridge.query.granularity import DEFAULT_GRANULARITY, query_granularity
from provbridge.query.params import canned
from provbridge.query.results import Result, as_text
from provbridge.query.stored import graph_deps, graph_frame, graph_records
from provbridge.query.targets import (
    get_store,
    get_trial,
    path_candidates,
    resolve_name,
    split_target,
    version_iri,
    version_number,
)
from provbridge.query.terms import to_python
from provbridge.translate.iris import graph_iri, trial_namespace

if TYPE_CHECKING:
    import pandas

    from provbridge.query.targets import StoreLike, TrialRef
    from provbridge.store.store import Trial

VERSION_COLUMNS = ["trial", "version", *FIELDS, "iri"]
# the comparison queries number the trials 1 and 2; the frames name the sides a and b, as manage's diff does
SIDES = {1: "a", 2: "b"}
SIDE_COLUMNS = {f"{query}{number}": f"{column}_{side}" for number, side in SIDES.items()
                for query, column in (("version", "version"), ("valueType", "type"), ("value", "value"))}


def sparql(store: StoreLike, query: str, *, trials: Iterable[TrialRef] | TrialRef | None = None,
           raw: bool = False, allow_update: bool = False, engine: str | None = None, remote: str | None = None) -> Any:
    """Run any SPARQL query over some trials (default: all; their union is the default graph, each trial
    is a named graph); ``engine`` as in :func:`provbridge.query.engine.dataset`. Returns a DataFrame
    (SELECT; CONSTRUCT/DESCRIBE as subject/predicate/object rows), a bool (ASK), or with ``raw=True`` the
    :class:`~provbridge.query.results.Result`."""
    opened = get_store(store)
    chosen = None
    if trials is not None:
        refs = [trials] if isinstance(trials, (str, int)) or not isinstance(trials, Iterable) else list(trials)
        chosen = [get_trial(ref, opened) for ref in refs]
    with dataset(opened, chosen, engine=engine, remote=remote) as data:
        result = data.query(query, allow_update=allow_update)
    if raw:
        return result
    if result.kind == "ask":
        return bool(result.boolean)
    return result.to_dataframe()


def deps(target: str | int, *, trial: TrialRef | None = None, store: StoreLike = None,
         granularity: int | None = DEFAULT_GRANULARITY, all_versions: bool = False, raw: bool = False,
         engine: str | None = None, remote: str | None = None) -> Any:
    """Backward dependencies of a variable in a trial (default: the trial being recorded, else the last):
    its latest version, a given version (``name@N`` or ``N``) or, with ``all_versions``, all its versions.
    A file path is taken relative to the working directory, as a shell does (see :func:`resolve_name`).
    ``granularity`` 0 keeps top-level variables and files, 1 also what happened inside user functions;
    by default the trial's own. One row per contributing version (see VERSION_COLUMNS), ordered by
    version; the frame's ``attrs`` hold ``granularity`` (the query's) and ``trial_granularity``."""
    chosen = get_trial(trial, store)
    return DEPENDENCIES[chosen.representation].backward(
        chosen, target, granularity=granularity, all_versions=all_versions, raw=raw, engine=engine, remote=remote)


def _records_deps(chosen: Trial, target: str | int, *, granularity: int | None, all_versions: bool, raw: bool,
                  engine: str | None, remote: str | None) -> Any:
    """:func:`deps` of a captured trial: backward.rq (or backward_all.rq, backward_version.rq) on its versions."""
    level = query_granularity(granularity, chosen)
    name, number = split_target(target)
    if name is not None:
        name = resolve_name(chosen, name)
    graph = ox.NamedNode(graph_iri(chosen))
    if number is not None:
        query = canned("backward_version").bind(
            {"g": graph, "target": ox.NamedNode(version_iri(chosen, number)), "level": 1})
    else:
        assert name is not None
        which = "backward_all" if all_versions else "backward"
        query = canned(which).bind({"g": graph, "var": name, "level": 1})
    with as_text(), dataset(chosen.store, [chosen], engine=engine, remote=remote) as data:
        result = data.query(query)
        if not result:
            _check_exists(data, chosen, name, number)
    inner = _inner_versions(chosen) if level == 0 else set()
    if raw:
        return result.without("version", _prefix(chosen), inner)
    return _with_levels(_records_frame(result, chosen, inner), level, chosen)


def _inner_versions(trial: Trial) -> set[int]:
    """The versions made inside user functions, which granularity 0 leaves out: what the queries' level-0
    filter drops (a ``pb:scope`` other than ``<module>``), decided from the store's rows in one scan, where
    the filter in SPARQL costs a graph lookup per version of the closure (more than the closure itself)."""
    return {vid for (vid,) in trial.conn.execute(
        "SELECT id FROM versions WHERE trial_id = ? AND kind != 'file' AND scope != '<module>'", (trial.id,))}


def impact(target: str, *, trial: TrialRef | None = None, store: StoreLike = None,
           granularity: int | None = DEFAULT_GRANULARITY, raw: bool = False, engine: str | None = None,
           remote: str | None = None) -> Any:
    """Forward impact of a variable (all its versions) or a file (a path relative to the working
    directory, as a shell takes it; see :func:`resolve_name`): every version derived from it, ordered by
    version. ``granularity`` as in :func:`deps`."""
    chosen = get_trial(trial, store)
    return DEPENDENCIES[chosen.representation].forward(
        chosen, target, granularity=granularity, raw=raw, engine=engine, remote=remote)


def _records_impact(chosen: Trial, target: str, *, granularity: int | None, raw: bool, engine: str | None,
                    remote: str | None) -> Any:
    """:func:`impact` of a captured trial: forward.rq on its versions."""
    level = query_granularity(granularity, chosen)
    names = path_candidates(chosen, str(target))
    query = canned("forward").bind({"g": ox.NamedNode(graph_iri(chosen)), "var": names, "level": level})
    with as_text(), dataset(chosen.store, [chosen], engine=engine, remote=remote) as data:
        result = data.query(query)
        if not result:
            _check_exists(data, chosen, names, None)
    return result if raw else _with_levels(versions_frame(result, chosen), level, chosen)


def versions(target: str, *, trial: TrialRef | None = None, store: StoreLike = None, raw: bool = False,
             engine: str | None = None, remote: str | None = None) -> Any:
    """Every version of a variable (all scopes) or file in a trial, ordered by version."""
    chosen = get_trial(trial, store)
    names = path_candidates(chosen, str(target))
    query = canned("versions").bind({"g": ox.NamedNode(graph_iri(chosen)), "var": names})
    with as_text(), dataset(chosen.store, [chosen], engine=engine, remote=remote) as data:
        result = data.query(query)
    if not result:
        raise VariableNotFoundError(f"no variable or file {target!r} in trial {chosen.id}")
    return result if raw else versions_frame(result, chosen)


class TrialComparison(NamedTuple):
    """The four parts of a two-trial comparison, as DataFrames."""

    variables: pandas.DataFrame  # in both: name, scope, version_a, type_a, value_a, version_b, type_b, value_b, differs
    only: pandas.DataFrame  # in one: side ("a" or "b"), trial, name, scope
    files: pandas.DataFrame  # contents in one only: side, trial, path, sha256
    operations: pandas.DataFrame  # steps in one only: side, trial, line, previous, operation

    def _repr_html_(self) -> str:
        """Jupyter: the four parts, each a headed table."""
        from html import escape

        return "\n".join(f"<h4>{escape(name)}</h4>" + (getattr(self, name).to_html(index=False, na_rep="")
                         if len(getattr(self, name)) else "<p>none</p>") for name in self._fields)


def compare_trials(first: TrialRef, second: TrialRef, *, store: StoreLike = None, raw: bool = False,
                   engine: str | None = None, remote: str | None = None) -> Any:
    """Compare two trials: variables in both with final values side by side, variables only in one, file
    contents only in one, and steps of the operation sequence only in one. Columns name the sides ``a``
    (``first``) and ``b`` (``second``), as :func:`provbridge.diff` does. ``raw=True`` returns the four raw
    results in a dict."""
    opened = get_store(store) if not hasattr(first, "store") else first.store
    one, two = get_trial(first, opened), get_trial(second, opened)
    params = {"g1": ox.NamedNode(graph_iri(one)), "g2": ox.NamedNode(graph_iri(two))}
    names = ("compare_variables", "compare_only", "compare_files", "compare_operations")
    with dataset(opened, [one, two], engine=engine, remote=remote) as data:
        results = {name: data.query(canned(name).bind(params)) for name in names}
    if raw:
        return results
    ids = {"a": one.id, "b": two.id}
    return TrialComparison(
        _frame(results["compare_variables"], ["name", "scope", "version1", "valueType1", "value1", "version2",
                                              "valueType2", "value2", "differs"],
               rename=SIDE_COLUMNS, sort=["scope", "name"]),
        _frame(results["compare_only"], ["side", "name", "scope"], ids=ids, sort=["side", "scope", "name"]),
        _frame(results["compare_files"], ["side", "path", "sha256"], ids=ids, sort=["side", "path", "sha256"]),
        _frame(results["compare_operations"], ["side", "line", "previous", "operation"], ids=ids,
               sort=["side", "line", "previous", "operation"]),
    )


def values_across(name: str, *, store: StoreLike = None, raw: bool = False, engine: str | None = None,
                  remote: str | None = None) -> Any:
    """The final top-level value of variable ``name`` in every trial, oldest first, in VALUE_COLUMNS as
    provbridge.values has them (``version`` as ``name@N``); what the PROV graph does not hold (role, array
    statistics) is None."""
    frame = _across_trials(canned("values").bind({"var": name}), store, engine, remote, raw,
                           [c for c in VALUE_COLUMNS if c != "trial"], name=name)
    return frame if raw else values_frame(frame)


def tagged_values(tag: str, *, store: StoreLike = None, raw: bool = False, engine: str | None = None,
                  remote: str | None = None) -> Any:
    """The final value of every variable tagged ``tag`` (e.g. ``metric``) in every trial, oldest first
    (``version`` as ``name@N``, as in :func:`values_across`)."""
    return _across_trials(canned("tagged_values").bind({"tag": tag}), store, engine, remote, raw,
                          ["uuid", "trial_name", "started_at", "name", "scope", "tag", "version", "type", "value"])


def _across_trials(query: str, store: StoreLike, engine: str | None, remote: str | None, raw: bool,
                   columns: list[str], name: str | None = None) -> Any:
    """Run a query over every trial; its rows as a DataFrame keyed by trial number (or the raw result);
    versions named ``name@N`` (``name``: the variable the query asked for, else each row's)."""
    with dataset(get_store(store), engine=engine, remote=remote) as data:
        result = data.query(query)
        trials = {graph_iri(t): t.id for t in data.trials}
    return result if raw else _trial_frame(result, trials, columns, name)


# -- helpers -----------------------------------------------------------------------------------------
def _with_levels(frame: pandas.DataFrame, level: int, trial: Trial) -> pandas.DataFrame:
    """The frame with the query's granularity and the trial's own in ``frame.attrs``."""
    frame.attrs["granularity"] = level
    frame.attrs["trial_granularity"] = trial.granularity
    return frame


def _check_exists(data: Any, trial: Trial, name: str | list[str] | None, number: int | None) -> None:
    """Raise VariableNotFoundError when the variable, file or version the query started from is unknown."""
    graph = ox.NamedNode(graph_iri(trial))
    if number is not None:
        node = ox.NamedNode(version_iri(trial, number))
        found = data.query(f"ASK {{ GRAPH {graph} {{ {node} a ?type }} }}").boolean
        if not found:
            raise VariableNotFoundError(f"trial {trial.id} has no version {number}")
        return
    names = [name] if isinstance(name, str) else list(name or [])
    if not data.query(canned("versions").bind({"g": graph, "var": names})):
        raise VariableNotFoundError(f"no variable or file {names[0]!r} in trial {trial.id}")


def version_records(result: Result, trial: Trial) -> list[dict[str, Any]]:
    """Rows of a versions-shaped result (backward, forward, versions) as dictionaries with VERSION_COLUMNS,
    ordered by version; the query gives the version IRIs, the store's rows give every other field. Nodes
    that are not stored versions (such as the pre-write state of a file) are left out."""
    return DEPENDENCIES[trial.representation].records(result, trial)


def versions_frame(result: Result, trial: Trial) -> pandas.DataFrame:
    """:func:`version_records` as a DataFrame."""
    return DEPENDENCIES[trial.representation].frame(result, trial)


def _records_rows(result: Result, trial: Trial) -> list[dict[str, Any]]:
    """The rows of :func:`version_records`, each built in one dictionary display in VERSION_COLUMNS order
    (linear, about a microsecond a version: a closure can hold every version of a large trial; zipping
    the column names onto a tuple per row took twice as long)."""
    numbers, details, prefix = _version_details(result, trial)
    rows: list[dict[str, Any]] = []
    add = rows.append
    number_of_trial = trial.id
    for number in numbers:
        name, scope, kind, type_name, value, sha256, statement, line, execution, parent = details[number]
        add({"trial": number_of_trial, "version": number, "name": name, "scope": scope, "kind": kind,
             "type": type_name, "value": value, "sha256": sha256, "statement": statement, "line": line,
             "execution": execution, "parent": parent, "iri": f"{prefix}{number}"})
    return rows


def _records_frame(result: Result, trial: Trial, inner: set[int] | None = None) -> pandas.DataFrame:
    import numpy as np
    import pandas as pd

    numbers, prefix = _version_numbers(result, trial, inner)
    found, fields = version_columns(trial, numbers)
    if not len(found):
        return pd.DataFrame([], columns=VERSION_COLUMNS)
    versions = np.asarray(found, dtype=np.int64)  # integer columns as arrays: no type inference pass
    columns = {"trial": np.full(len(versions), trial.id, dtype=np.int64), "version": versions,
               **dict(zip(FIELDS, fields)), "iri": [f"{prefix}{number}" for number in versions.tolist()]}
    return pd.DataFrame(columns, columns=VERSION_COLUMNS)


def _version_details(result: Result, trial: Trial) -> tuple[list[int], dict[int, tuple[Any, ...]], str]:
    """The stored versions a versions-shaped result names, in order, with their details (FIELDS), and the
    trial's version IRI prefix."""
    numbers, prefix = _version_numbers(result, trial)
    details = version_details(trial, numbers)
    return [number for number in sorted(numbers) if number in details], details, prefix


def _prefix(trial: Trial) -> str:
    """The IRI of the trial's version N is this prefix followed by N."""
    return trial_namespace(trial.uuid) + "v"


def _version_numbers(result: Result, trial: Trial, inner: set[int] | None = None) -> tuple[set[int], str]:
    """The version numbers a versions-shaped result names, this trial's versions ``inner`` left out
    (granularity 0), and the trial's version IRI prefix. IRIs of this trial's versions are numbered in one
    regular-expression pass (a Python call per version would cost more than the closure query)."""
    prefix = _prefix(trial)
    if "version" not in result.columns:
        return set(), prefix
    found, others = result.numbered("version", prefix)
    numbers = set(found) - inner if inner else set(found)
    # other IRIs (such as the pre-write state of a file): one by one
    numbers.update(number for iri in others if (number := version_number(iri)) is not None)
    return numbers, prefix


def _frame(result: Result, columns: list[str], *, ids: dict[str, int] | None = None,
           rename: dict[str, str] | None = None, sort: list[str] | None = None) -> pandas.DataFrame:
    import pandas as pd

    records = result.records()
    for record in records:
        for key in ("version1", "version2"):
            if key in record:
                record[key] = version_number(record[key])
    frame = pd.DataFrame(records, columns=columns)
    if ids is not None:
        frame["side"] = [SIDES.get(int(s)) for s in frame["side"]]
        frame.insert(1, "trial", [ids.get(s) for s in frame["side"]])
    if rename:
        frame = frame.rename(columns=rename)
    if sort:
        frame = frame.sort_values(sort, kind="stable", na_position="first").reset_index(drop=True)
    return frame


def _trial_frame(result: Result, trials: dict[str, int], columns: list[str], name: str | None) -> pandas.DataFrame:
    import pandas as pd

    rows = []
    for record in result.records():
        value = record.get("value")
        row = {"trial": trials.get(record["g"]), "uuid": record.get("uuid"), "trial_name": record.get("trialName"),
               "started_at": record.get("started"), "name": record.get("name"), "scope": record.get("scope"),
               "tag": record.get("tagText"), "version": _label(name or record.get("name"), record.get("version")),
               "type": record.get("valueType"), "value": record.get("repr") if value is None else value}
        rows.append(row)
    return pd.DataFrame(rows, columns=["trial", *columns])


def _label(name: str | None, version: str | None) -> str | None:
    """A version IRI as ``name@N``, the name tables give versions (None when there is no version)."""
    number = version_number(version)
    return None if number is None else f"{name}@{number}"


def _graph_deps(chosen: Trial, target: str | int, *, granularity: int | None, all_versions: bool, raw: bool,
                engine: str | None, remote: str | None) -> Any:
    """:func:`deps` of a stored graph: backward_prov.rq from the node(s) ``target`` names."""
    return graph_deps(chosen, target, raw=raw, engine=engine)


def _graph_impact(chosen: Trial, target: str, *, granularity: int | None, raw: bool, engine: str | None,
                  remote: str | None) -> Any:
    """:func:`impact` of a stored graph: forward_prov.rq from the node(s) ``target`` names."""
    return graph_deps(chosen, target, forward=True, raw=raw, engine=engine)


class Dependencies(NamedTuple):
    """The query layer's part of a representation (provbridge.translate.representation): how its deps and
    impact are asked, and how their rows are shaped."""

    backward: Callable[..., Any]
    forward: Callable[..., Any]
    records: Callable[[Result, Trial], list[dict[str, Any]]]
    frame: Callable[[Result, Trial], pandas.DataFrame]


DEPENDENCIES: dict[str, Dependencies] = {
    "records": Dependencies(_records_deps, _records_impact, _records_rows, _records_frame),
    "graph": Dependencies(_graph_deps, _graph_impact, graph_records, graph_frame),
}

__all__ = [
    "TrialComparison", "compare_trials", "deps", "impact", "sparql", "tagged_values", "to_python",
    "values_across", "version_records", "versions", "versions_frame",
]
