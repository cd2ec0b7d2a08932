"""The public PROV test corpus shipped in the ``prov`` wheel, and graph comparison helpers for the tests."""

from __future__ import annotations

import io
from collections import Counter
from pathlib import Path

import prov
import rdflib
from rdflib.compare import isomorphic

from provbridge.errors import FormatError
from provbridge.export import export_bytes
from provbridge.imports import import_document
from provbridge.store.graphs import triple_lines
from provbridge.store.store import Store, Trial

CORPUS = Path(prov.__file__).parent / "tests"
DIRECTORIES = ("json", "xml", "rdf", "provn", "jsonld")
SUFFIXES = {".json", ".xml", ".ttl", ".trig", ".provn", ".jsonld"}
GRAPH_FORMATS = ("nq", "trig", "jsonld")  # keep one named graph per trial
MERGED_FORMATS = ("ttl", "nt")  # one graph for all trials
PROV_FORMATS = ("json", "xml", "provn")  # through provbridge's PROV-DM model (provbridge.provdm)


def corpus_files(directory: str) -> list[Path]:
    return sorted(p for p in (CORPUS / directory).rglob("*") if p.suffix in SUFFIXES)


def graph(trial: Trial) -> rdflib.Graph:
    """The stored graph of an imported trial, parsed by rdflib (an independent N-Triples reader)."""
    result = rdflib.Graph()
    result.parse(data="".join(line + " .\n" for line in triple_lines(trial.conn, trial.id)), format="nt")
    return result


def union(trials: list[Trial]) -> rdflib.Graph:
    result = rdflib.Graph()
    for trial in trials:
        for triple in graph(trial):
            result.add(triple)
    return result


def same_graphs(first: list[Trial], second: list[Trial]) -> bool:
    """True when the two lists of trials pair up one to one with isomorphic graphs (in any order)."""
    if len(first) != len(second):
        return False
    left = [graph(t) for t in first]
    right = [graph(t) for t in second]
    for g in left:
        match = next((i for i, h in enumerate(right) if isomorphic(g, h)), None)
        if match is None:
            return False
        right.pop(match)
    return True


PROV = "http://www.w3.org/ns/prov#"
# the unqualified relations PROV-O's qualified patterns imply: our mapping writes them, the prov package's not
SHORTCUTS = frozenset(rdflib.URIRef(PROV + name) for name in (
    "wasAssociatedWith", "used", "wasGeneratedBy", "wasInformedBy", "wasStartedBy", "wasEndedBy",
    "wasInvalidatedBy", "wasDerivedFrom", "wasAttributedTo", "actedOnBehalfOf", "wasInfluencedBy",
    "wasRevisionOf", "wasQuotedFrom", "hadPrimarySource"))


def prov_o_form(source: rdflib.Graph, other: rdflib.Graph) -> tuple[rdflib.Graph, rdflib.Graph]:
    """Both graphs with the two listed differences of the prov package's PROV-O from provbridge's mapping
    taken out: a literal ``prov:type`` (prov writes it as ``rdf:type "literal"``), and the unqualified
    relation triples between IRIs that ``other`` adds to ``source`` (prov leaves them implied)."""
    def typed(g: rdflib.Graph) -> rdflib.Graph:
        out = rdflib.Graph()
        for s, p, o in g:
            out.add((s, rdflib.URIRef(PROV + "type") if p == rdflib.RDF.type and isinstance(o, rdflib.Literal) else p,
                     o))
        return out

    left, right = typed(source), typed(other)
    for triple in list(right):
        s, p, o = triple
        if p in SHORTCUTS and isinstance(s, rdflib.URIRef) and isinstance(o, rdflib.URIRef) and triple not in left:
            right.remove(triple)
    return left, right


def round_trip(store: Store, trials: list[Trial], fmt: str) -> str:
    """Export ``trials`` in ``fmt``, import the export, compare: ``isomorphic``, ``equivalent`` (isomorphic
    but for :func:`prov_o_form`'s listed differences), ``different`` or ``rejected`` (the export could not be
    written or read back, a one-line FormatError)."""
    try:
        data = export_bytes(trials, fmt)
        back = import_document(store, io.BytesIO(data), fmt, progress=False)
    except FormatError as exc:
        assert "\n" not in str(exc)
        return "rejected"
    if fmt in MERGED_FORMATS:
        return "isomorphic" if len(back) == 1 and isomorphic(union(trials), graph(back[0])) else "different"
    if same_graphs(trials, back):
        return "isomorphic"
    return "equivalent" if isomorphic(*prov_o_form(union(trials), union(back))) else "different"


def import_corpus(store: Store, directory: str, formats: tuple[str, ...]) -> tuple[Counter[str], list[str]]:
    """Import every file of one corpus directory and round-trip each imported one through ``formats``;
    returns counts (``imported``, ``rejected``, ``FMT isomorphic``...) and the rejection messages."""
    counts: Counter[str] = Counter()
    messages = []
    for path in corpus_files(directory):
        try:
            trials = import_document(store, path, progress=False)
        except FormatError as exc:
            counts["rejected"] += 1
            messages.append(str(exc))
            continue
        counts["imported"] += 1
        for fmt in formats:
            counts[f"{fmt} {round_trip(store, trials, fmt)}"] += 1
    return counts, messages
