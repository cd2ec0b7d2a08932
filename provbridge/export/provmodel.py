"""Translations holding stored graphs (imported or pulled trials) as PROV-DM documents of provbridge.provdm:
their PROV-O mapped by our own qualified-pattern reader, then written as PROV-JSON, PROV-XML or PROV-N."""

from __future__ import annotations

import io
import warnings
from typing import TYPE_CHECKING, BinaryIO

import pyoxigraph as ox

from provbridge.provdm.model import Bundle, Document
from provbridge.provdm.rdf import from_quads
from provbridge.provdm.syntax import SYNTAXES, ConversionWarning, write

if TYPE_CHECKING:
    from prov.model import ProvBundle, ProvDocument

    from provbridge.store.store import Trial
    from provbridge.translate import Translation


def translation_document(translation: Translation) -> Document:
    """The PROV-DM document of a translation (one bundle per trial), read from its own PROV-O N-Quads."""
    from provbridge.export.rdfwrite import write_nquads

    buffer = io.BytesIO()
    write_nquads(translation, buffer)
    quads = ox.parse(buffer.getvalue(), format=ox.RdfFormat.N_QUADS)
    prefixes = dict(translation.prefixes)
    taken = set(prefixes.values())
    for part in translation.parts:  # the source documents' own prefixes, where they clash with nothing
        for prefix, iri in sorted(getattr(part, "prefixes", {}).items()):
            if prefix and prefix not in prefixes and iri not in taken:
                prefixes[prefix] = iri
                taken.add(iri)
    return from_quads(quads, prefixes)


def write_translation(translation: Translation, out: BinaryIO, fmt: str) -> None:
    """Write a translation as ``fmt`` (json, xml or provn) through the PROV-DM model; what the mapping or
    the syntax cannot hold is named in one :class:`ConversionWarning`."""
    document = translation_document(translation)
    data, notes = write(document, SYNTAXES[fmt])
    out.write(data)
    _warn([*document.warnings, *notes])


def _warn(notes: list[str]) -> None:
    if notes:
        shown = "; ".join(notes[:5]) + (f"; and {len(notes) - 5} more" if len(notes) > 5 else "")
        warnings.warn(f"PROV conversion: {shown}", ConversionWarning, stacklevel=3)


def graph_document(trial: Trial, bundle_iri: str, prefixes: dict[str, str]) -> ProvDocument:
    """A ``prov`` package document holding one bundle ``bundle_iri`` with the records of ``trial``'s stored
    graph, mapped by provbridge.provdm and handed to ``prov`` as PROV-JSON (for the Python API, dot, diff)."""
    from prov.model import ProvDocument

    from provbridge.provdm.provjson import dumps
    from provbridge.store.graphs import triple_lines

    text = "".join(f"{line} <{bundle_iri}> .\n" for line in triple_lines(trial.conn, trial.id) if line)
    mapped = from_quads(ox.parse(text.encode("utf-8"), format=ox.RdfFormat.N_QUADS), prefixes)
    if not mapped.bundles:  # an empty graph: an empty bundle
        mapped = Document(mapped.namespaces, (), (Bundle(bundle_iri),), mapped.warnings)
    _warn(list(mapped.warnings))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        document: ProvDocument = ProvDocument.deserialize(content=dumps(mapped), format="json")
    return document


def graph_bundle(trial: Trial, bundle_iri: str, prefixes: dict[str, str]) -> ProvBundle:
    """The one bundle of :func:`graph_document`."""
    document = graph_document(trial, bundle_iri, prefixes)
    bundles = list(document.bundles)
    if not bundles:
        from prov.model import ProvBundle

        return ProvBundle(document=document)
    return bundles[0]
