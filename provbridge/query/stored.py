"""Dependencies in trials held as stored graphs (imported PROV documents): deps and impact over PROV-O
derivation, usage and generation chains (``backward_prov.rq``, ``forward_prov.rq``), with the rows shaped like
those of captured trials."""

from __future__ import annotations

import re
import warnings
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from provbridge.errors import VariableNotFoundError
from provbridge.provdm.constraints import UNIFICATION_TAG, UnificationWarning
from provbridge.provdm.names import GENID
from provbridge.query.engine import dataset
from provbridge.query.params import bind, canned
from provbridge.query.results import Result
from provbridge.store.graphs import chunk_texts, graph_info
from provbridge.translate.iris import graph_iri
from provbridge.translate.representation import representation_of

if TYPE_CHECKING:
    import pandas

    from provbridge.store.store import Trial

ABSOLUTE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]*$")
NO_IRI = "urn:provbridge:none"
TARGET_PLACEHOLDER = re.compile(r"VALUES\s+\?target\s*\{\s*UNDEF\s*\}")
# The start nodes of a closure selected inside it, in place of its ?target values, by the pattern of their
# match in prov_targets.rq (0: a top-level variable's final version, 1: a name or label). Match 2, an
# identifier, is always an IRI.
TARGETS_BY_MATCH = {
    0: '?variable a pb:Variable ; pb:name ?var ; pb:scope "<module>" ; pb:finalVersion ?target .',
    1: "?target pb:name|prov:label|rdfs:label ?label . FILTER(STR(?label) = ?var)",
}


def graph_deps(trial: Trial, target: str | int, *, forward: bool = False, raw: bool = False,
               engine: str | None = None) -> Any:
    """Backward dependencies (or, with ``forward``, the impact) of the node(s) ``target`` denotes in an
    imported trial: a pb:name/prov:label/rdfs:label, an IRI, a ``prefix:local`` name of the document, or
    the local part of an identifier. Rows as :func:`graph_records`, ordered by name and IRI."""
    warn_unification(trial)
    graph = ox.NamedNode(graph_iri(trial))
    chosen = representation_of(trial)
    with dataset(trial.store, [trial], engine=engine) as data:
        starts, match = _starts(data, trial, str(target), final=not forward)
        name = chosen.forward_query if forward else chosen.backward_query
        result = data.query(closure_query(name, graph, starts, match, str(target)))
    return result if raw else graph_frame(result, trial)


def unification_failures(trial: Trial) -> list[str]:
    """The identifiers whose statements fail PROV-CONSTRAINTS unification in an imported trial, as ``import``
    recorded them (the ``prov-unification`` trial tag); empty when it holds none or was not checked."""
    row = trial.conn.execute("SELECT value FROM tags WHERE trial_id = ? AND subject_kind = 'trial' AND name = ?",
                             (trial.id, UNIFICATION_TAG)).fetchone()
    return [name for name in row[0].split(", ") if name] if row else []


def warn_unification(trial: Trial) -> None:
    """A one-line :class:`UnificationWarning` when ``trial``'s document fails unification: the records of a
    reused identifier are joined in its answers, which may then be a cross product of them."""
    failed = unification_failures(trial)
    if failed:
        shown = ", ".join(failed[:10]) + (f" and {len(failed) - 10} more" if len(failed) > 10 else "")
        warnings.warn(f"imported trial {trial.id} fails PROV-CONSTRAINTS unification (identifiers reused with "
                      f"conflicting arguments: {shown}); dependencies through them join all their records",
                      UnificationWarning, stacklevel=3)


def closure_query(name: str, graph: ox.NamedNode, starts: list[Any], match: int, target: str) -> str:
    """The text of the canned closure query ``name`` from ``starts``, found by ``match`` (prov_targets.rq)
    for the name ``target``. IRIs are bound as values; a blank node cannot be named in a query's text
    (``_:b`` there is a fresh variable), so when the starts include one, the query selects them itself by
    the pattern that found them."""
    if all(isinstance(node, ox.NamedNode) for node in starts):
        return canned(name).bind({"g": graph, "target": starts})
    select = f"{{ SELECT DISTINCT ?target WHERE {{ VALUES ?var {{ UNDEF }} {TARGETS_BY_MATCH[match]} }} }}"
    text = TARGET_PLACEHOLDER.sub(lambda _: select, canned(name).text, count=1)
    return bind(text, {"g": graph, "var": target}, name=name)


def start_nodes(trial: Trial, target: str, *, engine: str | None = None) -> list[Any]:
    """The node(s) ``target`` denotes in an imported trial (see :func:`graph_deps`)."""
    with dataset(trial.store, [trial], engine=engine) as data:
        return _starts(data, trial, target)[0]


def _starts(data: Any, trial: Trial, target: str, *, final: bool = True) -> tuple[list[Any], int]:
    """The best-matching nodes ``target`` denotes and their match (prov_targets.rq). Without ``final``
    (impact), a variable's name stands for all its versions, as in captured trials, not its final one."""
    lowest = 0 if final else 1
    graph = ox.NamedNode(graph_iri(trial))
    found = data.query(canned("prov_targets").bind(
        {"g": graph, "var": target, "iri": candidate_iris(trial, target)}))
    starts, match = _best(found, lowest)
    if not starts and (local := local_iris(trial, target)):  # the local part of identifiers
        local_found = data.query(canned("prov_targets").bind({"g": graph, "var": target, "iri": local}))
        starts, match = _best(local_found, lowest)
    if not starts:
        raise VariableNotFoundError(
            f"no record {target!r} in imported trial {trial.id} (give a pb:name, prov:label or rdfs:label, "
            "an IRI, a prefix:name or the local part of an identifier)")
    return starts, match


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


def _best(result: Result, lowest: int) -> tuple[list[Any], int]:
    rows = [(m, node) for node, match in result.terms if (m := int(match.value)) >= lowest]
    best = min((m for m, _ in rows), default=-1)
    return sorted({node for m, node in rows if m == best}, key=str), best


def graph_records(result: Result, trial: Trial) -> list[dict[str, Any]]:
    """Rows of a backward_prov/forward_prov result with the columns of captured trials' versions
    (``version``, ``scope``, ``statement``... are None: an imported record has no recorded version),
    ordered by name and IRI. A record without name or label is named by its compacted identifier, a blank
    node ``import`` skolemised by ``_:`` + its label (its ``iri`` is the skolem IRI)."""
    info = graph_info(trial)
    prefixes = sorted(((uri, prefix) for prefix, uri in (info.prefixes if info else {}).items() if prefix),
                      key=lambda item: -len(item[0]))
    rows = []
    for record in result.records():
        name = record.get("name")
        if isinstance(name, str) and name.startswith(GENID) and name == record.get("node"):
            name = "_:" + name[len(GENID):]  # a blank node import skolemised: its label
        elif isinstance(name, str) and name == record.get("node"):  # no name or label: the compacted identifier
            name = next((f"{p}:{name[len(u):]}" for u, p in prefixes if name.startswith(u)), name)
        elif name is None:  # an unlabelled blank node (no string form in SPARQL): its _:id
            name = record.get("node")
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
