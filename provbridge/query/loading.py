"""Turning one stored trial into quads in a pyoxigraph store: its graph IRI, its signatures, loading, and
rewriting its annotations in place."""

from __future__ import annotations

import hashlib
import json
import tempfile
from collections import Counter
from collections.abc import Callable
from typing import IO, TYPE_CHECKING, Any

import pyoxigraph as ox

from provbridge import __version__
from provbridge.export.rdfterms import Terms, TripleMapper
from provbridge.export.rdfwrite import write_nquads
from provbridge.query.lean import LeanWriter, vocabulary
from provbridge.store.store import RECORDS
from provbridge.translate import Element, translate
from provbridge.translate.iris import graph_iri, trial_namespace
from provbridge.translate.representation import representation_of
from provbridge.translate.trial import ANNOTATIONS

if TYPE_CHECKING:
    from provbridge.store.store import Trial

FORMAT = 6  # bump when the index layout or the translation changes (2: pb:finalVersion, 3: pb:OperationStep,
#            4: statement order as pb:previousExecution instead of prov:wasInformedBy, 5: the lean index and
#            the full one beside it, provbridge.query.tiers)
SMALL = 4 << 20  # N-Quads bytes under which a transactional load beats a bulk load
LAST_ROW_KEYS = (("executions", "id"), ("versions", "id"), ("derivations", "id"), ("usages", "exec_id"),
                 ("file_accesses", "id"))
__all__ = ["FORMAT", "LOADS", "Meter", "content_signature", "graph_iri", "load_trial", "refresh_annotations",
           "remove_trial", "signature"]
LOADS: Counter[str] = Counter()  # trial UUID -> loads in this process (tests, diagnostics)


def signature(trial: Trial, content: str | None = None) -> str | None:
    """A digest of everything a finished trial's graph depends on: its :func:`content_signature` (given,
    or computed) and what can change after it ended (name, note, trial tags); None for a running trial."""
    content = content or content_signature(trial)
    if content is None:
        return None
    tags = trial.conn.execute(
        "SELECT name, value FROM tags WHERE trial_id = ? AND subject_kind = 'trial' ORDER BY 1, 2", (trial.id,)
    ).fetchall()
    return _digest([content, trial.name, trial.note, tags])


def content_signature(trial: Trial) -> str | None:
    """A digest of what a finished trial's graph depends on apart from its annotations (status, end, exit,
    tags of its cells and variables, artifacts, its tables' last row ids, IRI namespace, provbridge
    version); None for a running trial, whose graph is rebuilt on every query."""
    if trial.status == "running":
        return None
    conn = trial.conn
    tags = conn.execute(
        "SELECT subject_kind, subject, name, value FROM tags WHERE trial_id = ? AND subject_kind != 'trial' "
        "ORDER BY 1, 2, 3, 4", (trial.id,)
    ).fetchall()
    artifacts = conn.execute(
        "SELECT name, version_id, sha256 FROM artifacts WHERE trial_id = ? ORDER BY 1", (trial.id,)
    ).fetchall()
    # rows are only ever added to a trial (ids increasing) or deleted with it: the highest id of each table
    # tells whether any were added, in one index lookup where a count would scan every row
    last_rows = [conn.execute(f"SELECT max({key}) FROM {table} WHERE trial_id = ?", (trial.id,)).fetchone()[0]
                 for table, key in LAST_ROW_KEYS]
    return _digest([
        FORMAT, __version__, trial.uuid, trial.status, trial.ended_at and trial.ended_at.isoformat(),
        trial.exit_code, tags, artifacts, last_rows, trial_namespace(trial.uuid),
    ])


def _digest(payload: list[object]) -> str:
    return hashlib.sha256(json.dumps(payload, default=str).encode()).hexdigest()


def refresh_annotations(target: ox.Store, trial: Trial, *, lean: bool = False) -> bool:
    """Rewrite just the annotations (name, label, note, trial tags) of a trial already in ``target``: the
    few triples of its activity that housekeeping changes, instead of removing and reloading its whole
    graph (which takes minutes on disk at a million records). False for an imported document, whose graph
    is stored as it came. With ``lean``, only the annotations the lean index keeps are written."""
    if not representation_of(trial).annotations_in_place:
        return False
    translation = translate(trial)
    part = translation.parts[0]
    mapper = TripleMapper(Terms(translation.prefixes, compact=False))
    graph = ox.NamedNode(graph_iri(trial))
    subject = ox.NamedNode(part.iri(part.trial_id))
    for key in ANNOTATIONS:
        predicate = ox.NamedNode(mapper.predicate(key)[1:-1])
        for quad in list(target.quads_for_pattern(subject, predicate, None, graph)):
            target.remove(quad)
    element = part.trial_element()
    kept = Element(element.kind, element.id, tuple((k, v) for k, v in element.attrs if k in ANNOTATIONS))
    lines = "".join(f"{s} {p} {o} <{graph.value}> .\n" for s, p, o in mapper.triples(kept)
                    if p != mapper.rdf_type and (not lean or p[1:-1] in vocabulary()))
    target.load(lines, format=ox.RdfFormat.N_QUADS)
    return True


Meter = Callable[[str, int, "int | None"], None]
"""``meter(phase, done, total)``: bytes done so far in ``phase`` (``translating``: N-Quads written, total
unknown; ``loading``: N-Quads read into the store, of ``total``)."""


def load_trial(target: ox.Store, trial: Trial, meter: Meter | None = None, *, lean: bool = False) -> int:
    """Write the trial's PROV-O quads (its named graph, plus its bundle description in the default graph)
    into ``target``, only those of the lean index (provbridge.query.lean) when ``lean`` and the trial is
    captured; returns the size of the N-Quads loaded, in bytes. ``meter`` is told how far it got."""
    with tempfile.SpooledTemporaryFile(SMALL) as spool, tempfile.SpooledTemporaryFile(SMALL) as kept:
        filtered = lean and trial.representation == RECORDS
        written: Any = LeanWriter(kept) if filtered else spool
        out: Any = written if meter is None else _Counted(written, "translating", None, meter)
        write_nquads(translate(trial), out)
        if filtered:
            written.finish(spool)
        size = spool.tell()
        spool.seek(0)
        source: Any = spool if meter is None else _Counted(spool, "loading", size, meter)
        if size < SMALL:
            target.load(source.read(), format=ox.RdfFormat.N_QUADS)
        else:
            target.bulk_load(source, format=ox.RdfFormat.N_QUADS)
    LOADS[trial.uuid] += 1
    return size


class _Counted:
    """A binary file seen through ``write``/``read`` that reports the bytes passed to a :data:`Meter`."""

    def __init__(self, raw: IO[bytes], phase: str, total: int | None, meter: Meter) -> None:
        self.raw, self.phase, self.total, self.meter = raw, phase, total, meter
        self.done = 0

    def _count(self, amount: int) -> None:
        self.done += amount
        self.meter(self.phase, self.done, self.total)

    def write(self, data: bytes) -> int:
        written = self.raw.write(data)
        self._count(len(data))
        return written

    def read(self, size: int = -1) -> bytes:
        data = self.raw.read(size)
        self._count(len(data))
        return data


def remove_trial(target: ox.Store, graph: str) -> None:
    """Remove a trial's named graph and its bundle description from ``target``."""
    node = ox.NamedNode(graph)
    if target.contains_named_graph(node):
        target.remove_graph(node)
    for quad in list(target.quads_for_pattern(node, None, None, ox.DefaultGraph())):
        target.remove(quad)
