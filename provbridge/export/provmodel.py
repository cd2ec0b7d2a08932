"""A stored graph (imported or pulled trial) as a ``prov`` package document (for PROV-JSON, PROV-XML and PROV-N
exports, diagrams and diffs), decoded from PROV-O by the ``prov`` package's RDF reader."""

from __future__ import annotations

import warnings
from itertools import islice
from typing import TYPE_CHECKING, Any

from provbridge.errors import FormatError
from provbridge.store.graphs import triple_lines

if TYPE_CHECKING:
    from prov.model import ProvBundle, ProvDocument

    from provbridge.store.store import Trial


def graph_document(trial: Trial, bundle_iri: str, prefixes: dict[str, str]) -> ProvDocument:
    """A ProvDocument holding one bundle ``bundle_iri`` with the records of ``trial``'s stored graph;
    ``prefixes`` (the source's, and one for the bundle's namespace) name what they cover."""
    import rdflib
    from prov.model import ProvDocument
    from prov.serializers.provrdf import ProvRDFSerializer
    from rdflib.namespace import NamespaceManager

    dataset = rdflib.Dataset()
    dataset.namespace_manager = NamespaceManager(dataset, bind_namespaces="core")  # not rdflib's 30 defaults
    for prefix, uri in prefixes.items():
        if prefix:
            dataset.bind(prefix, uri, override=False)
    graph = dataset.graph(rdflib.URIRef(bundle_iri))
    lines = triple_lines(trial.conn, trial.id)
    while True:
        chunk = list(islice(lines, 20000))
        if not chunk:
            break
        graph.parse(data="".join(line + " .\n" for line in chunk), format="nt")
    _bind_namespaces(dataset, graph)
    document = ProvDocument()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ProvRDFSerializer(document).decode_document(dataset, document)
    except Exception as exc:  # the prov decoder raises many unrelated types on graphs it cannot map
        text = " ".join(str(exc).split())[:200] or type(exc).__name__
        raise FormatError(f"trial {trial.id}: its graph cannot be expressed as PROV-DM records ({text})") from None
    return document


def _bind_namespaces(dataset: Any, graph: Any) -> None:
    """Give every namespace of the graph's IRIs a prefix (``ns1``...) unless one is bound already: the prov
    decoder otherwise mints them itself, and then fails on some IRIs depending on set iteration order."""
    import rdflib

    bound = sorted((str(uri) for _, uri in dataset.namespace_manager.namespaces()), key=len, reverse=True)
    seen: set[str] = set()
    for triple in graph:
        for term in triple:
            if not isinstance(term, rdflib.URIRef):
                continue
            text = str(term)
            cut = max(text.rfind("/"), text.rfind("#"), text.rfind(":")) + 1
            namespace = text[:cut]
            if not namespace or namespace in seen or not text[cut:] or any(text.startswith(b) for b in bound):
                continue
            seen.add(namespace)
            dataset.bind(f"ns{len(seen)}", namespace, override=False)


def graph_bundle(trial: Trial, bundle_iri: str, prefixes: dict[str, str]) -> ProvBundle:
    """The one bundle of :func:`graph_document`."""
    document = graph_document(trial, bundle_iri, prefixes)
    bundles = list(document.bundles)
    if not bundles:
        from prov.model import ProvBundle

        return ProvBundle(document=document)
    return bundles[0]
