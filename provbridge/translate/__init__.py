"""Translation of stored trials into format-independent PROV records (streamed, one bundle per trial)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from provbridge.translate.iris import DEFAULT_BASE, escape, file_iri, trial_namespace, trial_prefix
from provbridge.translate.records import (
    PB_NS,
    PROV_NS,
    RELATIONS,
    VOCAB_PREFIXES,
    XSD_NS,
    Element,
    Iri,
    QName,
    Record,
    Relation,
    Statement,
    Value,
)
from provbridge.translate.trial import TrialTranslation

if TYPE_CHECKING:
    from provbridge.store.store import Trial

__all__ = [
    "DEFAULT_BASE", "PB_NS", "PROV_NS", "RELATIONS", "VOCAB_PREFIXES", "XSD_NS", "Element", "Iri", "QName",
    "Record", "Relation", "Statement", "Translation", "TrialTranslation", "Value", "escape", "file_iri", "translate",
    "trial_namespace", "trial_prefix",
]


class Translation:
    """A PROV document over several trials: the vocabulary prefixes, one namespace and bundle per trial."""

    def __init__(self, trials: Iterable[Trial], *, base: str | None = None) -> None:
        from provbridge.translate.representation import representation_of

        self.parts: list[TrialTranslation] = []
        seen: set[str] = set()
        taken: set[str] = set(VOCAB_PREFIXES)
        for trial in trials:
            if trial.uuid in seen:
                continue
            seen.add(trial.uuid)
            prefix = trial_prefix(trial.uuid, taken)
            part = representation_of(trial).part(trial, prefix=prefix, base=base)
            taken.add(part.prefix)
            self.parts.append(part)
        self.prefixes: dict[str, str] = {**VOCAB_PREFIXES, **{p.prefix: p.namespace for p in self.parts}}

    def document_records(self, *, imported: bool = True) -> Iterator[Record]:
        """Records at the top level of the document (one bundle entity per trial); ``imported=False`` leaves
        out those of imported documents (a merged graph has no bundle for them to describe)."""
        for part in self.parts:
            yield from part.document_records(merged=not imported)

    @property
    def imported(self) -> bool:
        """True when some trial is an imported PROV document (its graph is RDF, not PROV records)."""
        return not all(part.prov_records for part in self.parts)

    def expand(self, qname: str) -> str:
        """The absolute IRI of a ``prefix:local`` name declared in this document."""
        prefix, _, local = qname.partition(":")
        return self.prefixes[prefix] + local


def translate(trials: Trial | Iterable[Trial], *, base: str | None = None) -> Translation:
    """The PROV translation of one trial or several (each in its own bundle)."""
    from provbridge.store.store import Trial as TrialClass

    return Translation([trials] if isinstance(trials, TrialClass) else trials, base=base)
