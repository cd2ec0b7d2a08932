"""An imported trial inside a translation: its stored graph, written by the exporters as it was imported."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from provbridge.imports.graphs import GraphInfo, graph_info, triple_lines
from provbridge.translate.iris import trial_namespace
from provbridge.translate.records import Element, QName, Record

if TYPE_CHECKING:
    from provbridge.store.store import Trial


class ImportedTranslation:
    """The part of a :class:`~provbridge.translate.Translation` for an imported trial. Like a captured
    trial's part it has a namespace, a bundle (named graph ``<namespace>bundle``) and the bundle's
    description; its content is the stored RDF graph, as N-Triples term lines (:meth:`lines`), never
    PROV records: RDF writers copy the lines, the others go through :mod:`provbridge.imports.provmodel`."""

    def __init__(self, trial: Trial, info: GraphInfo, *, prefix: str, base: str | None = None) -> None:
        self.trial = trial
        self.info = info
        self.prefix = prefix
        self.namespace = trial_namespace(trial.uuid, base)
        self.p = prefix + ":"
        self.bundle_id = self.p + "bundle"

    @property
    def bundle_iri(self) -> str:
        return self.namespace + "bundle"

    def iri(self, qname: str) -> str:
        return self.namespace + qname[len(self.p):]

    def document_records(self) -> Iterator[Record]:
        """Records outside the bundle: the bundle itself, as an entity (as for captured trials)."""
        yield Element("entity", self.bundle_id, (("prov:type", QName("prov:Bundle")),
                                                  ("prov:label", f"trial {self.trial.uuid}")))

    def records(self) -> Iterator[Record]:
        raise TypeError("an imported trial's graph is RDF: read ImportedTranslation.lines()")

    def lines(self) -> Iterator[str]:
        """The graph's triples as ``subject predicate object`` N-Triples terms, streamed from the store."""
        return triple_lines(self.trial.conn, self.trial.id)


def imported_part(trial: Trial, *, prefix: str, base: str | None = None) -> ImportedTranslation | None:
    """The translation part of ``trial`` when it holds an imported graph, else None."""
    info = graph_info(trial)
    return None if info is None else ImportedTranslation(trial, info, prefix=prefix, base=base)
