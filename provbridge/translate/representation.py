"""How a trial is held, chosen once per trial: records (captured runs) or a stored RDF graph (imported documents).

Every layer that treats the two differently asks :func:`representation_of` (or keys its own table by
``trial.representation``) instead of probing the store, as coverage.py picks one ``FileReporter`` per file:

- ``part``: the trial's PROV part of a translation (provbridge.translate);
- ``queries``: the canned SPARQL queries of its dependencies and impact (provbridge.query);
- ``diff``: how two trials are compared (:func:`compare`): records by their variables, parameters, files
  and code (provbridge.manage.diff), a stored graph by its PROV records (provbridge.manage.recorddiff).
  The comparison lives in a later stage, so a representation names it and it is imported on first use
  (as provbridge.query.engine's plugins), never at import time;
- ``drawing``: the render layer keys its own table by the same name (provbridge.render).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any, Protocol

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

    def diff(self, first: Trial, second: Trial, *, all: bool = False, tol: float = 0.0, artifacts: bool = False,
             store: Any = None) -> Any:
        """The difference of two trials, a provbridge.manage.diff.TrialDiff; ``all`` keeps what is the same
        too (``tol``, ``artifacts`` and ``store`` as in provbridge.manage.diff.diff)."""


def _supplied(reference: str) -> Any:
    """The function ``module:name`` of a later stage, imported now (on first use)."""
    module, _, name = reference.partition(":")
    return getattr(importlib.import_module(module), name)


class RecordsRepresentation:
    """A captured (or noWorkflow) trial: executions, versions and derivations, translated to PROV records."""

    name = RECORDS
    backward_query = "backward"
    forward_query = "forward"
    annotations_in_place = True

    def part(self, trial: Trial, *, prefix: str, base: str | None = None) -> TrialTranslation:
        return TrialTranslation(trial, prefix=prefix, base=base)

    def diff(self, first: Trial, second: Trial, *, all: bool = False, tol: float = 0.0, artifacts: bool = False,
             store: Any = None) -> Any:
        """Variables, parameters, metrics, files, environment, tags, code and operations side by side."""
        return _supplied("provbridge.manage.diff:diff")(first, second, all=all, tol=tol, artifacts=artifacts,
                                                       store=store)


class StoredGraphRepresentation:
    """An imported or pulled PROV document: its RDF graph, kept as it came."""

    name = GRAPH
    backward_query = "backward_prov"
    forward_query = "forward_prov"
    annotations_in_place = False

    def part(self, trial: Trial, *, prefix: str, base: str | None = None) -> TrialTranslation:
        return StoredGraphTranslation(trial, prefix=prefix, base=base)

    def diff(self, first: Trial, second: Trial, *, all: bool = False, tol: float = 0.0, artifacts: bool = False,
             store: Any = None) -> Any:
        """PROV records in one trial only, and records in both whose attributes differ (a graph has records,
        not variables: ``tol``, ``artifacts`` and ``store`` do not apply)."""
        return _supplied("provbridge.manage.recorddiff:record_diff")(first, second, all=all)


REPRESENTATIONS: dict[str, Representation] = {
    RECORDS: RecordsRepresentation(),
    GRAPH: StoredGraphRepresentation(),
}


def representation_of(trial: Trial) -> Representation:
    """The representation of ``trial`` (recorded on the Trial when it was read)."""
    return REPRESENTATIONS[trial.representation]


def pair_representation(first: Trial, second: Trial) -> Representation:
    """The representation that compares two trials: records when both are held as records, else the stored
    graph's (any trial has PROV records; only captured ones have variables to put side by side)."""
    held = {first.representation, second.representation}
    return REPRESENTATIONS[RECORDS] if held == {RECORDS} else REPRESENTATIONS[GRAPH]


def compare(first: Trial, second: Trial, *, all: bool = False, tol: float = 0.0, artifacts: bool = False,
            store: Any = None) -> Any:
    """The difference of two trials however they are held, through :func:`pair_representation`."""
    return pair_representation(first, second).diff(first, second, all=all, tol=tol, artifacts=artifacts,
                                                   store=store)
