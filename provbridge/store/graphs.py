"""Stored RDF graphs of trials (imported or pulled documents): N-Triples term lines written and read back in
compressed chunks."""

from __future__ import annotations

import json
import sqlite3
import zlib
from collections.abc import Iterator
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from provbridge.store.store import Trial

CHUNK_LINES = 20000  # triples per stored chunk: bounds the memory of importing, exporting and loading
PROV_IRI = "<http://www.w3.org/ns/prov#"
RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
RDFS_LABEL = "<http://www.w3.org/2000/01/rdf-schema#label>"
BUNDLE_TYPES = ("<http://www.w3.org/ns/prov#Bundle>", "<http://www.w3.org/ns/prov#Entity>")


class GraphInfo(NamedTuple):
    """What ``import_graphs`` says about one imported trial."""

    graph: str | None  # the source's named graph (bundle) IRI, None for its default graph
    triples: int
    prov: int
    prefixes: dict[str, str]


def graph_info(trial: Trial) -> GraphInfo | None:
    """The stored graph of ``trial``, or None when the trial holds no imported graph (captured trials,
    noWorkflow imports)."""
    try:
        row = trial.conn.execute(
            "SELECT graph, triples, prov, prefixes FROM import_graphs WHERE trial_id = ?", (trial.id,)
        ).fetchone()
    except sqlite3.OperationalError:  # a read-only data file of schema 1 has no such table
        return None
    if row is None:
        return None
    return GraphInfo(row[0], row[1], row[2], json.loads(row[3] or "{}"))


def triple_lines(conn: sqlite3.Connection, trial_id: int) -> Iterator[str]:
    """The stored ``subject predicate object`` lines of a trial's graph, one chunk in memory at a time."""
    for text in chunk_texts(conn, trial_id):
        yield from text.split("\n")


def chunk_texts(conn: sqlite3.Connection, trial_id: int) -> Iterator[str]:
    """The stored chunks of a trial's graph as text (lines separated by ``\\n``), one at a time."""
    seq = -1
    while True:
        row = conn.execute(
            "SELECT seq, data FROM import_chunks WHERE trial_id = ? AND seq > ? ORDER BY seq LIMIT 1", (trial_id, seq)
        ).fetchone()
        if row is None:
            return
        seq = row[0]
        yield zlib.decompress(row[1]).decode("utf-8")


def is_prov(predicate: str, obj: str) -> bool:
    """True when a triple (N-Triples terms) uses the PROV-O vocabulary as predicate or as class."""
    return predicate.startswith(PROV_IRI) or (predicate == RDF_TYPE and obj.startswith(PROV_IRI))


class GraphWriter:
    """Appends the triples of one imported graph to ``import_chunks``, ``CHUNK_LINES`` at a time."""

    def __init__(self, conn: sqlite3.Connection, trial_id: int, graph: str | None) -> None:
        self.conn = conn
        self.trial_id = trial_id
        self.graph = graph
        self.lines: list[str] = []
        self.seq = 0
        self.triples = 0
        self.prov = 0

    def add(self, subject: str, predicate: str, obj: str) -> None:
        self.lines.append(f"{subject} {predicate} {obj}")
        self.triples += 1
        if is_prov(predicate, obj):
            self.prov += 1
        if len(self.lines) >= CHUNK_LINES:
            self.flush()

    def flush(self) -> None:
        if not self.lines:
            return
        data = zlib.compress("\n".join(self.lines).encode("utf-8"), 6)
        self.conn.execute("INSERT INTO import_chunks (trial_id, seq, lines, data) VALUES (?, ?, ?, ?)",
                          (self.trial_id, self.seq, len(self.lines), data))
        self.seq += 1
        self.lines.clear()

    def only_describes(self, graphs: set[str]) -> bool:
        """True when every triple only types one of ``graphs`` as a bundle or labels it: what an export
        writes in the default graph about its named graphs."""
        self.flush()
        for line in triple_lines(self.conn, self.trial_id):
            subject, predicate, obj = line.split(" ", 2)
            if subject not in graphs:
                return False
            if not (predicate == RDFS_LABEL or (predicate == RDF_TYPE and obj in BUNDLE_TYPES)):
                return False
        return True

    def finish(self, prefixes: dict[str, str]) -> None:
        self.flush()
        self.conn.execute(
            "INSERT INTO import_graphs (trial_id, graph, triples, prov, prefixes) VALUES (?, ?, ?, ?, ?)",
            (self.trial_id, self.graph, self.triples, self.prov, json.dumps(prefixes, sort_keys=True)),
        )
