"""Pulling trials from a remote: each trial graph (and its bundle description) fetched with the Graph Store
Protocol, written as the N-Quads an export gives, and stored through the importer as an imported trial."""

from __future__ import annotations

import sqlite3
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pyoxigraph as ox

from provbridge.errors import RemoteError
from provbridge.remote.config import Remote, graph_url
from provbridge.remote.content import description_iri
from provbridge.remote.dataset import remote_graphs
from provbridge.remote.http import Client
from provbridge.translate.iris import graph_iri

if TYPE_CHECKING:
    from provbridge.store.store import Store

NTRIPLES = ox.RdfFormat.N_TRIPLES.media_type


@dataclass
class Pulled:
    """The outcome for one remote graph: ``status`` is ``pulled``, ``local`` (recorded here: not fetched) or
    ``present`` (imported before with the same content); ``trials`` are the local trial numbers."""

    graph: str
    status: str
    trials: list[int]
    triples: int = 0


def choose(graphs: Sequence[str], refs: Sequence[str]) -> list[str]:
    """The remote graphs named by ``refs`` (a graph IRI, or a trial UUID or its prefix); all without refs."""
    if not refs:
        return list(graphs)
    chosen = []
    for ref in refs:
        found = [g for g in graphs if g == ref or _uuid(g).startswith(ref.lower())]
        if len(found) != 1:
            what = "no trial" if not found else f"{len(found)} trials"
            raise RemoteError(f"{what} on the remote match {ref!r} (give a graph IRI or a longer UUID prefix)")
        chosen.append(found[0])
    return chosen


def pulled_from(store: Store, remote: Remote) -> dict[str, int]:
    """Trials of ``store`` pulled from ``remote``: their remote graph IRI -> local trial number."""
    try:
        prefix = remote.url + " "
        rows = store.conn.execute("SELECT original, trial_id FROM imports WHERE substr(source, 1, ?) = ?",
                                  (len(prefix), prefix)).fetchall()
    except sqlite3.OperationalError:  # a data file from before imports existed
        return {}
    return {original: trial for original, trial in rows if original}


def _uuid(graph: str) -> str:
    parts = graph.rstrip("/").split("/")
    return parts[-2] if len(parts) >= 2 else graph


def pull_trials(store: Store, remote: Remote, refs: Sequence[str] = (), *, client: Client | None = None,
                progress: bool = True) -> list[Pulled]:
    """Bring the chosen remote trials (default: all) into ``store``; trials recorded here, and trials
    pulled from this remote before, are left alone."""
    from provbridge.imports import import_document

    endpoint = remote.store_endpoint()
    own = client is None
    active = client or Client(remote.name)
    local = {graph_iri(t): t.id for t in store.trials()}
    earlier = pulled_from(store, remote)
    results = []
    try:
        for graph in choose(remote_graphs(active, remote), refs):
            if graph in local:
                results.append(Pulled(graph, "local", [local[graph]]))
                continue
            if graph in earlier:
                results.append(Pulled(graph, "present", [earlier[graph]]))
                continue
            with tempfile.SpooledTemporaryFile(64 << 20) as spool:
                triples = _fetch(active, endpoint, graph, spool)
                spool.seek(0)
                before = {t.id for t in store.trials()}
                trials = import_document(store, spool, "nq", source=f"{remote.url} {graph}", progress=progress)
            numbers = [t.id for t in trials]
            status = "present" if set(numbers) <= before else "pulled"
            results.append(Pulled(graph, status, numbers, triples))
    finally:
        if own:
            active.close()
    return results


def _fetch(client: Client, endpoint: str, graph: str, out: tempfile.SpooledTemporaryFile[bytes]) -> int:
    """Write the remote graph and its description as N-Quads (description in the default graph); returns
    the number of triples in the graph."""
    quads: list[ox.Quad] = []
    for name, target in ((description_iri(graph), ox.DefaultGraph()), (graph, ox.NamedNode(graph))):
        response = client.request("GET", graph_url(endpoint, name), headers={"Accept": NTRIPLES})
        try:
            parsed = [ox.Quad(t.subject, t.predicate, t.object, target)
                      for t in ox.parse(response.body, format=ox.RdfFormat.N_TRIPLES)]
        except SyntaxError as exc:
            raise RemoteError(f"remote graph {name} does not parse as N-Triples: {' '.join(str(exc).split())}") \
                from None
        quads.extend(parsed)
    ox.serialize(quads, out, format=ox.RdfFormat.N_QUADS)
    return sum(1 for q in quads if isinstance(q.graph_name, ox.NamedNode))
