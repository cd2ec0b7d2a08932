"""A trial held as a stored RDF graph (imported or pulled) inside a translation: its triples as they came."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from provbridge.store.graphs import GraphInfo, graph_info, triple_lines
from provbridge.translate.records import Record, Statement
from provbridge.translate.trial import TrialTranslation

if TYPE_CHECKING:
    from provbridge.store.store import Trial


class StoredGraphTranslation(TrialTranslation):
    """The part of a :class:`~provbridge.translate.Translation` for a trial held as a stored graph. Like a
    captured trial's part (whose identifiers and bundle description it shares) it has a namespace, a bundle
    (named graph ``<namespace>bundle``) and the bundle's description; its records are the stored triples
    as :class:`~provbridge.translate.records.Statement` (:meth:`records`), or as N-Triples term lines
    (:meth:`lines`)."""

    representation = "graph"
    prov_records = False

    def __init__(self, trial: Trial, *, prefix: str, base: str | None = None, info: GraphInfo | None = None) -> None:
        super().__init__(trial, prefix=prefix, base=base)
        found = info or graph_info(trial)
        self.info = found if found is not None else GraphInfo(None, 0, 0, {})

    @property
    def prefixes(self) -> dict[str, str]:
        """The source document's prefixes plus this trial's own."""
        return {**self.info.prefixes, self.prefix: self.namespace}

    def document_records(self, *, merged: bool = False) -> Iterator[Record]:
        """The bundle's description, left out of a merged graph (which has no bundle for it to describe)."""
        if not merged:
            yield from super().document_records()

    def records(self) -> Iterator[Record]:
        """The stored triples, one :class:`Statement` each, streamed from the store."""
        for line in self.lines():
            subject, predicate, obj = line.split(" ", 2)
            yield Statement(subject, predicate, obj)

    def lines(self) -> Iterator[str]:
        """The graph's triples as ``subject predicate object`` N-Triples terms, streamed from the store."""
        return triple_lines(self.trial.conn, self.trial.id)
