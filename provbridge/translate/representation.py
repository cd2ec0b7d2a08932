"""How a trial is held, chosen once per trial: records (captured runs) or a stored RDF graph (imported documents).

Every layer that treats the two differently asks :func:`representation_of` (or keys its own table by
``trial.representation``) instead of probing the store, as coverage.py picks one ``FileReporter`` per file:

- ``part``: the trial's PROV part of a translation (provbridge.translate);
- ``queries``: the canned SPARQL queries of its dependencies and impact (provbridge.query);
- ``drawing``/``diff``: the layers above register theirs by the same name (provbridge.render, provbridge.manage).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from provbridge.store.store import GRAPH, RECORDS
from provbridge.translate.stored import StoredGraphTranslation
from provbridge.translate.trial import TrialTranslation

if TYPE_CHECKING:
    from provbridge.store.store import Trial


class Representation(Protocol):
    """What differs between the ways a trial is held, at the translation layer."""

    name: str
    backward_query: str  # canned query of its dependencies (provbridge/query/*.rq)
    forward_query: str  # canned query of its impact
    annotations_in_place: bool  # whether its name, note and trial tags are triples of its own graph

    def part(self, trial: Trial, *, prefix: str, base: str | None = None) -> TrialTranslation:
        """The trial's part of a translation (its namespace, bundle and records)."""


class RecordsRepresentation:
    """A captured (or noWorkflow) trial: executions, versions and derivations, translated to PROV records."""

    name = RECORDS
    backward_query = "backward"
    forward_query = "forward"
    annotations_in_place = True

    def part(self, trial: Trial, *, prefix: str, base: str | None = None) -> TrialTranslation:
        return TrialTranslation(trial, prefix=prefix, base=base)


class StoredGraphRepresentation:
    """An imported or pulled PROV document: its RDF graph, kept as it came."""

    name = GRAPH
    backward_query = "backward_prov"
    forward_query = "forward_prov"
    annotations_in_place = False

    def part(self, trial: Trial, *, prefix: str, base: str | None = None) -> TrialTranslation:
        return StoredGraphTranslation(trial, prefix=prefix, base=base)


REPRESENTATIONS: dict[str, Representation] = {
    RECORDS: RecordsRepresentation(),
    GRAPH: StoredGraphRepresentation(),
}


def representation_of(trial: Trial) -> Representation:
    """The representation of ``trial`` (recorded on the Trial when it was read)."""
    return REPRESENTATIONS[trial.representation]
