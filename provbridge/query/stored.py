"""Dependencies in trials held as stored graphs (imported PROV documents): deps and impact over PROV-O
derivation, usage and generation chains (``backward_prov.rq``, ``forward_prov.rq``), with the rows shaped like
those of captured trials."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from provbridge.errors import VariableNotFoundError
from provbridge.query.engine import dataset
from provbridge.query.params import canned
from provbridge.query.results import Result
from provbridge.store.graphs import chunk_texts, graph_info
from provbridge.translate.iris import graph_iri
from provbridge.translate.representation import representation_of

if TYPE_CHECKING:
    import pandas

    from provbridge.store.store import Trial

ABSOLUTE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]*$")
NO_IRI = "urn:provbridge:none"


def graph_deps(trial: Trial, target: str | int, *, forward: bool = False, raw: bool = False,
               engine: str | None = None) -> Any:
    """Backward dependencies (or, with ``forward``, the impact) of the node(s) ``target`` denotes in an
    imported trial: a pb:name/prov:label/rdfs:label, an IRI, a ``prefix:local`` name of the document, or
    the local part of an identifier. Rows as :func:`graph_records`, ordered by name and IRI."""
    graph = ox.NamedNode(graph_iri(trial))
    chosen = representation_of(trial)
    with dataset(trial.store, [trial], engine=engine) as data:
        starts = _starts(data, trial, str(target))
        query = canned(chosen.forward_query if forward else chosen.backward_query)
        result = data.query(query.bind({"g": graph, "target": starts}))
    return result if raw else graph_frame(result, trial)


def start_nodes(trial: Trial, target: str, *, engine: str | None = None) -> list[Any]:
    """The node(s) ``target`` denotes in an imported trial (see :func:`graph_deps`)."""
    with dataset(trial.store, [trial], engine=engine) as data:
        return _starts(data, trial, target)


def _starts(data: Any, trial: Trial, target: str) -> list[Any]:
    graph = ox.NamedNode(graph_iri(trial))
    found = data.query(canned("prov_targets").bind(
        {"g": graph, "var": target, "iri": candidate_iris(trial, target)}))
    starts = _best(found)
    if not starts and (local := local_iris(trial, target)):  # the local part of identifiers
        starts = _best(data.query(canned("prov_targets").bind({"g": graph, "var": target, "iri": local})))
    if not starts:
        raise VariableNotFoundError(
            f"no record {target!r} in imported trial {trial.id} (give a pb:name, prov:label or rdfs:label, "
            "an IRI, a prefix:name or the local part of an identifier)")
    return starts


def candidate_iris(trial: Trial, name: str) -> list[ox.NamedNode]:
    """The IRIs ``name`` may stand for: itself when absolute, its expansion by the document's prefixes."""
    found: list[str] = []
    info = graph_info(trial)
    prefix, _, local = name.partition(":")
    if info is not None and local and prefix in info.prefixes:
        found.append(info.prefixes[prefix] + local)
    if ABSOLUTE.match(name):
        found.append(name)
    nodes = []
    for text in found or [NO_IRI]:
        try:
            nodes.append(ox.NamedNode(text))
        except ValueError:
            continue
    return nodes or [ox.NamedNode(NO_IRI)]


def local_iris(trial: Trial, name: str) -> list[ox.NamedNode]:
    """IRIs in the trial's stored graph that end with /NAME, #NAME or :NAME (one regular-expression pass
    over the stored chunks: much faster than the same filter in SPARQL)."""
    pattern = re.compile(r"<([^<>\s]*[/#:]" + re.escape(name) + r")>")
    found: set[str] = set()
    for text in chunk_texts(trial.conn, trial.id):
        found.update(pattern.findall(text))
    return [ox.NamedNode(iri) for iri in sorted(found)]


def _best(result: Result) -> list[Any]:
    rows = [(int(match.value), node) for node, match in result.terms]
    best = min((m for m, _ in rows), default=None)
    return sorted({node for m, node in rows if m == best}, key=str)


def graph_records(result: Result, trial: Trial) -> list[dict[str, Any]]:
    """Rows of a backward_prov/forward_prov result with the columns of captured trials' versions
    (``version``, ``scope``, ``statement``... are None: an imported record has no recorded version),
    ordered by name and IRI."""
    info = graph_info(trial)
    prefixes = sorted(((uri, prefix) for prefix, uri in (info.prefixes if info else {}).items() if prefix),
                      key=lambda item: -len(item[0]))
    rows = []
    for record in result.records():
        name = record.get("name")
        if isinstance(name, str) and name == record.get("node"):  # no name or label: the compacted identifier
            name = next((f"{p}:{name[len(u):]}" for u, p in prefixes if name.startswith(u)), name)
        rows.append({
            "trial": trial.id, "version": None, "name": name, "scope": None,
            "kind": record.get("kind"), "type": None, "value": record.get("value"), "sha256": None,
            "statement": None, "line": None, "execution": None, "parent": None, "iri": record.get("node"),
        })
    rows.sort(key=lambda r: (str(r["name"]), str(r["iri"])))
    return rows


def graph_frame(result: Result, trial: Trial) -> pandas.DataFrame:
    """:func:`graph_records` as a DataFrame with the query layer's version columns."""
    import pandas as pd

    from provbridge.query.details import FIELDS

    return pd.DataFrame(graph_records(result, trial), columns=["trial", "version", *FIELDS, "iri"])
