"""An imported trial inside a translation: its stored graph, written by the exporters as it was imported."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from provbridge.imports.graphs import GraphInfo, graph_info, triple_lines
from provbridge.translate.records import Record
from provbridge.translate.trial import TrialTranslation

if TYPE_CHECKING:
    from provbridge.store.store import Trial


class ImportedTranslation(TrialTranslation):
    """The part of a :class:`~provbridge.translate.Translation` for an imported trial. Like a captured
    trial's part (whose identifiers and bundle description it shares) it has a namespace, a bundle (named
    graph ``<namespace>bundle``) and the bundle's description; its content is the stored RDF graph, as
    N-Triples term lines (:meth:`lines`), never PROV records: RDF writers copy the lines, the others go
    through :mod:`provbridge.imports.provmodel`."""

    stored_graph = True

    def __init__(self, trial: Trial, info: GraphInfo, *, prefix: str, base: str | None = None) -> None:
        super().__init__(trial, prefix=prefix, base=base)
        self.info = info

    @property
    def bundle_iri(self) -> str:
        return self.namespace + "bundle"

    def records(self) -> Iterator[Record]:
        raise TypeError("an imported trial's graph is RDF: read ImportedTranslation.lines()")

    def lines(self) -> Iterator[str]:
        """The graph's triples as ``subject predicate object`` N-Triples terms, streamed from the store."""
        return triple_lines(self.trial.conn, self.trial.id)


def imported_part(trial: Trial, *, prefix: str, base: str | None = None) -> ImportedTranslation | None:
    """The translation part of ``trial`` when it holds an imported graph, else None."""
    info = graph_info(trial)
    return None if info is None else ImportedTranslation(trial, info, prefix=prefix, base=base)
