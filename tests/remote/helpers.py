"""Checks of the remote tests: a trial's graph locally and on the remote, as sets of triples."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from provbridge.query.loading import graph_iri, load_trial
from provbridge.query.terms import to_python
from provbridge.remote.config import get_remote
from provbridge.remote.content import description_iri
from provbridge.remote.dataset import graph_size, run_query
from provbridge.remote.http import Client
from provbridge.store.store import Trial


# A script of N chained statements: N variable versions and about 11 triples each.
def chain(n: int) -> str:
    lines = ["v0 = 0"] + [f"v{i} = v{i - 1} + {i}" for i in range(1, n)]
    return "\n".join(lines) + "\n"


def local_graphs(trial: Trial) -> tuple[set[Any], set[Any]]:
    """The trial's graph and its bundle description (default graph) as loaded by the embedded engine."""
    target = ox.Store()
    load_trial(target, trial)
    graph = {(q.subject, q.predicate, q.object) for q in target.quads_for_pattern(None, None, None,
                                                                                 ox.NamedNode(graph_iri(trial)))}
    description = {(q.subject, q.predicate, q.object)
                   for q in target.quads_for_pattern(None, None, None, ox.DefaultGraph())}
    return graph, description


def remote_graph(trial: Trial, graph: str | None = None, remote: str = "origin") -> tuple[set[Any], int]:
    """A graph on the remote (default: the trial's) as a set of triples, and its triple count there."""
    chosen = get_remote(trial.store.directory, remote)
    name = graph or graph_iri(trial)
    with Client(chosen.name) as client:
        result = run_query(client, chosen, f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{name}> {{ ?s ?p ?o }} }}")
        count = graph_size(client, chosen, name)
    return set(result.terms), count


def assert_remote_equals_local(trial: Trial, *, exact: bool = True) -> int:
    """The remote holds exactly the trial's graph (no missing, extra or duplicate triples) and its
    description graph; returns the number of triples. Not ``exact``: literals are compared by value
    (Virtuoso keeps values, not lexical forms: "1"^^xsd:integer comes back as "1"^^xsd:int)."""
    def same(ours: set[Any], theirs: set[Any]) -> None:
        if exact:
            assert theirs == ours
        else:
            def values(triples: set[Any]) -> set[tuple[str, ...]]:
                return {(str(s), str(p), repr(to_python(o))) for s, p, o in triples}

            assert values(theirs) == values(ours)

    graph, description = local_graphs(trial)
    there, count = remote_graph(trial)
    same(graph, there)
    assert count == len(graph)
    there, count = remote_graph(trial, description_iri(graph_iri(trial)))
    same(description, there)
    assert count == len(description)
    return len(graph)


def store_dump(root: Path) -> list[str]:
    """Every row of a project's data file, as SQL (equal dumps: nothing local changed)."""
    conn = sqlite3.connect(root / ".provbridge" / "provbridge.db")
    try:
        return list(conn.iterdump())
    finally:
        conn.close()
