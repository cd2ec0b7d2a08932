"""Queries on a remote SPARQL 1.1 store: the trials it holds (found by their bundle descriptions) and a
``RemoteDataset`` with the ``query`` interface of the embedded engine's ``Dataset``, sending the SPARQL 1.1
Protocol request with the chosen trials' graphs as ``default-graph-uri``/``named-graph-uri``."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING
from urllib.parse import urlencode

import pyoxigraph as ox

from provbridge.errors import QueryError, RemoteError
from provbridge.query.engine import form_of, is_update, register_backend
from provbridge.query.results import Result, from_oxigraph
from provbridge.remote.config import Remote, get_remote
from provbridge.remote.content import DESCRIPTION, description_iri
from provbridge.remote.http import Client
from provbridge.translate.iris import graph_iri

if TYPE_CHECKING:
    from provbridge.store.store import Store, Trial

RESULTS = "application/sparql-results+json, application/sparql-results+xml;q=0.8"
# graph answers: the RDF syntaxes we read, preferred first (media types from pyoxigraph's RdfFormat)
GRAPH_SYNTAXES = ((ox.RdfFormat.N_TRIPLES, 1.0), (ox.RdfFormat.TURTLE, 0.8), (ox.RdfFormat.RDF_XML, 0.5))
TRIPLES = ", ".join(f.media_type + ("" if q == 1 else f";q={q:g}") for f, q in GRAPH_SYNTAXES)
TRIALS_QUERY = f"""PREFIX prov: <http://www.w3.org/ns/prov#>
SELECT DISTINCT ?bundle WHERE {{
  GRAPH ?d {{ ?bundle a prov:Bundle }}
  FILTER(STR(?d) = CONCAT(STR(?bundle), "{DESCRIPTION}"))
}}"""


def run_query(client: Client, remote: Remote, text: str, *, default: Sequence[str] = (),
              named: Sequence[str] = ()) -> Result:
    """Send a SPARQL query to ``remote`` (with the given dataset, if any) and materialize the answer."""
    form = form_of(text)
    fields = [("query", text), *(("default-graph-uri", g) for g in default), *(("named-graph-uri", g) for g in named)]
    graph_form = form in ("CONSTRUCT", "DESCRIBE")
    response = client.request(
        "POST", remote.url, body=urlencode(fields).encode(), ok=(200, 400),
        headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8",
                 "Accept": TRIPLES if graph_form else RESULTS})
    if response.status == 400:
        detail = " ".join(response.body[:500].decode("utf-8", "replace").split())
        raise QueryError(f"remote {remote.name!r} refused the query: {detail or 'bad request'}")
    kind = {k.lower(): v for k, v in response.headers.items()}.get("content-type", "").lower()
    try:
        if graph_form:
            fmt = ox.RdfFormat.from_media_type(kind.split(";", 1)[0].strip()) or ox.RdfFormat.N_TRIPLES
            triples = [(q.subject, q.predicate, q.object) for q in ox.parse(response.body, format=fmt)]
            return Result("graph", ["subject", "predicate", "object"], triples)
        fmt_results = ox.QueryResultsFormat.XML if "xml" in kind else ox.QueryResultsFormat.JSON
        return from_oxigraph(ox.parse_query_results(response.body, format=fmt_results))
    except (SyntaxError, ValueError, OSError) as exc:
        raise RemoteError(f"remote {remote.name!r} sent an answer that does not parse ({kind or 'no type'}): "
                          f"{' '.join(str(exc).split())}") from None


def remote_graphs(client: Client, remote: Remote) -> list[str]:
    """The graphs of the trials on ``remote`` (those with a bundle description graph), sorted."""
    result = run_query(client, remote, TRIALS_QUERY)
    return sorted(str(row[0].value) for row in result.terms if isinstance(row[0], ox.NamedNode))


def graph_size(client: Client, remote: Remote, graph: str) -> int:
    """The number of triples in one graph of ``remote``."""
    result = run_query(client, remote, f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
    return int(result.terms[0][0].value) if result.terms else 0


class RemoteDataset:
    """The trials a query runs over on a remote. ``graphs`` are their named graphs; ``whole`` means every
    trial on the remote, whose union (with the bundle descriptions) is then the default graph, as in the
    embedded engine; otherwise the default graph is the union of the chosen trials' graphs."""

    persistent = False

    def __init__(self, remote: Remote, client: Client, trials: Sequence[Trial], graphs: Sequence[str], *,
                 whole: bool) -> None:
        self.remote = remote
        self.client: Client | None = client
        self.trials = list(trials)
        self.graphs = list(graphs)
        self.by_graph = {graph_iri(t): t for t in self.trials}
        self.whole = whole

    def close(self) -> None:
        self.client = None

    def query(self, text: str, *, allow_update: bool = False) -> Result:
        """Run a query on the remote (updates are never sent to a shared store)."""
        if self.client is None:
            raise QueryError("this dataset is closed (use it inside `with dataset(...)`)")
        if is_update(text):
            raise QueryError(f"{form_of(text)} is a SPARQL update; updates are not sent to remote "
                             f"{self.remote.name!r} (push trials instead)")
        if not text.strip():
            raise QueryError("empty SPARQL query")
        default = [*self.graphs, *(description_iri(g) for g in self.graphs)] if self.whole else self.graphs
        return run_query(self.client, self.remote, text, default=default, named=self.graphs)


@contextlib.contextmanager
def remote_dataset(store: Store, trials: Sequence[Trial] | None, name: str) -> Iterator[RemoteDataset]:
    """The given trials (default: every trial on the remote) on remote ``name`` for querying; a chosen trial
    that was never pushed there is an error rather than an empty answer."""
    remote = get_remote(store.directory, name)
    with Client(remote.name) as client:
        present = remote_graphs(client, remote)
        if trials is None:
            on_remote = set(present)
            local = [t for t in store.trials() if graph_iri(t) in on_remote]
            known = {graph_iri(t) for t in local}
            graphs = [graph_iri(t) for t in local] + [g for g in present if g not in known]
            data = RemoteDataset(remote, client, local, graphs, whole=True)
        else:
            missing = [t for t in trials if graph_iri(t) not in set(present)]
            if missing:
                raise RemoteError(f"trial {missing[0].id} ({missing[0].uuid}) is not on remote {remote.name!r}; "
                                  f"push it first (`provbridge push {missing[0].id} --to {remote.name}`)")
            data = RemoteDataset(remote, client, trials, [graph_iri(t) for t in trials], whole=False)
        try:
            yield data
        finally:
            data.close()


@contextlib.contextmanager
def _remote_backend(store: Store, trials: Sequence[Trial] | None, *, remote: str) -> Iterator[RemoteDataset]:
    with remote_dataset(store, trials, remote) as far:
        yield far


register_backend("remote", _remote_backend)
