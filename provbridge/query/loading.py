"""Turning one stored trial into quads in a pyoxigraph store: its graph IRI, its content signature, loading."""

from __future__ import annotations

import hashlib
import json
import tempfile
from collections import Counter
from typing import TYPE_CHECKING

import pyoxigraph as ox

from provbridge import __version__
from provbridge.export.rdfwrite import write_nquads
from provbridge.translate import translate
from provbridge.translate.iris import trial_namespace

if TYPE_CHECKING:
    from provbridge.store.store import Trial

FORMAT = 3  # bump when the index layout or the translation changes (2: pb:finalVersion, 3: pb:OperationStep)
SMALL = 4 << 20  # N-Quads bytes under which a transactional load beats a bulk load
LOADS: Counter[str] = Counter()  # trial UUID -> loads in this process (tests, diagnostics)


def graph_iri(trial: Trial) -> str:
    """The named graph of a trial: its bundle IRI (``<namespace>bundle``), as the exports write it."""
    return trial_namespace(trial.uuid) + "bundle"


def signature(trial: Trial) -> str | None:
    """A digest of everything a finished trial's graph depends on (status, end, name, note, tags,
    artifacts, row counts, IRI namespace, provbridge version); None for a running trial, whose graph is
    rebuilt on every query."""
    if trial.status == "running":
        return None
    conn = trial.conn
    tags = conn.execute(
        "SELECT subject_kind, subject, name, value FROM tags WHERE trial_id = ? ORDER BY 1, 2, 3, 4", (trial.id,)
    ).fetchall()
    artifacts = conn.execute(
        "SELECT name, version_id, sha256 FROM artifacts WHERE trial_id = ? ORDER BY 1", (trial.id,)
    ).fetchall()
    counts = [conn.execute(f"SELECT count(*) FROM {table} WHERE trial_id = ?", (trial.id,)).fetchone()[0]
              for table in ("executions", "versions", "derivations", "usages", "file_accesses")]
    payload = [
        FORMAT, __version__, trial.uuid, trial.status, trial.ended_at and trial.ended_at.isoformat(), trial.name,
        trial.note, trial.exit_code, tags, artifacts, counts, trial_namespace(trial.uuid),
    ]
    return hashlib.sha256(json.dumps(payload, default=str).encode()).hexdigest()


def load_trial(target: ox.Store, trial: Trial) -> int:
    """Write the trial's PROV-O quads (its named graph, plus its bundle description in the default graph)
    into ``target``; returns the size of the N-Quads loaded, in bytes."""
    with tempfile.SpooledTemporaryFile(SMALL) as spool:
        write_nquads(translate(trial), spool)  # type: ignore[arg-type]
        size = spool.tell()
        spool.seek(0)
        if size < SMALL:
            target.load(spool.read(), format=ox.RdfFormat.N_QUADS)
        else:
            target.bulk_load(spool, format=ox.RdfFormat.N_QUADS)
    LOADS[trial.uuid] += 1
    return size


def remove_trial(target: ox.Store, graph: str) -> None:
    """Remove a trial's named graph and its bundle description from ``target``."""
    node = ox.NamedNode(graph)
    if target.contains_named_graph(node):
        target.remove_graph(node)
    for quad in list(target.quads_for_pattern(node, None, None, ox.DefaultGraph())):
        target.remove(quad)
