"""Importing one PROV document into the store: one trial per graph (bundle), all or nothing."""

from __future__ import annotations

import getpass
import hashlib
import json
import os
import socket
import sqlite3
import sys
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import pyoxigraph as ox

from provbridge import __version__
from provbridge.errors import FormatError
from provbridge.export.validation import IMPORT_CHECK_LIMIT, import_warnings
from provbridge.imports.formats import ImportFormat, import_format
from provbridge.imports.reader import Quads
from provbridge.progress import Progress
from provbridge.provdm.names import GENID
from provbridge.store.graphs import GraphWriter, graph_info, triple_lines
from provbridge.store.writer import utcnow
from provbridge.xmlsafe import check_xml

if TYPE_CHECKING:
    from provbridge.store.store import Store, Trial

Source = str | os.PathLike[str] | IO[bytes]


def import_document(store: Store, source: Source, fmt: str | None = None, *, name: str | None = None,
                    origin: str | None = None, progress: bool = True) -> list[Trial]:
    """Import a PROV document (a path or a binary stream) as trials: one per named graph or bundle, plus
    one for the default graph when it holds more than descriptions of the bundles. Nothing is stored
    unless the whole document parses and every graph holds PROV; a FormatError says why otherwise.
    A document whose bytes were imported before in the same format is not imported again: its trials
    are returned. ``origin`` is recorded as the source (default: the absolute path, or ``<stream>``)."""
    path = None if hasattr(source, "read") else Path(source)
    chosen = import_format(fmt, path)
    label = origin or (os.path.abspath(path) if path is not None else "<stream>")
    digest, stream, size = _open(source, path, label)
    try:
        existing = _already(store, digest, chosen.name)
        if existing:
            return existing
        if chosen.name in ("xml", "rdf"):
            check_xml(stream, label)  # entity declarations are refused before any parser expands them
        if chosen.name == "xml" and _is_rdf_xml(stream):
            chosen = import_format("rdf", None)
        base = name or (path.stem if path is not None else "import")
        base_iri = path.resolve().as_uri() if path is not None else None
        use_prov = _use_prov(stream, chosen)
        stream.seek(0)
        try:
            with Progress(f"importing {Path(label).name}", total=size, unit="B", force=False) as bar:
                bar.enabled = bar.enabled and progress
                quads = Quads(stream, chosen, base_iri=base_iri, use_prov=use_prov, advance=bar.advance)
                trials = _store(store, quads, chosen, label=label, digest=digest, base=base)
        except FormatError as exc:
            raise FormatError(f"{label}: {exc}") from None
        for note in quads.notes:  # what the PROV-DM -> PROV-O mapping kept as attributes or left out
            print(f"provbridge: warning: {label}: {note}", file=sys.stderr)
        import_warnings(stream, chosen.name, label, base_iri)  # PROV-CONSTRAINTS: warn, store as it is
        if size is not None and size <= IMPORT_CHECK_LIMIT:
            record_unification(store, trials)
        return trials
    finally:
        if path is not None:
            stream.close()


def _use_prov(stream: IO[bytes], chosen: ImportFormat) -> bool:
    """Whether the document is read by provbridge's PROV-DM readers and mapping rather than as RDF: PROV-JSON,
    PROV-XML and PROV-N always; JSON-LD when it is PROV-JSONLD (provjsonld.is_prov_jsonld, the one place
    that tells it from PROV-O written in JSON-LD, as convert and validate ask it)."""
    if chosen.rdf is None or chosen.prov is None:
        return chosen.rdf is None
    from provbridge.provdm.provjsonld import is_prov_jsonld

    stream.seek(0)
    return is_prov_jsonld(stream.read())


def record_unification(store: Store, trials: list[Trial]) -> None:
    """Tag (``prov-unification``: the identifiers) each trial whose stored graph, read by provbridge's PROV-O
    mapping, fails PROV-CONSTRAINTS unification, so that queries on it can say so without checking again."""
    from provbridge.provdm.constraints import UNIFICATION_TAG, unification_failures
    from provbridge.provdm.rdf import graph_records

    with store.conn:
        for trial in trials:
            text = "".join(f"{line} .\n" for line in triple_lines(store.conn, trial.id)).encode()
            parsed = ox.parse(text, format=ox.RdfFormat.N_TRIPLES)
            records, _ = graph_records([(q.subject, q.predicate, q.object) for q in parsed])
            info = graph_info(trial)
            failed = unification_failures(records, info.prefixes if info else {})
            if failed:
                store.conn.execute("INSERT OR REPLACE INTO tags (trial_id, subject_kind, subject, name, value) "
                                   "VALUES (?, 'trial', ?, ?, ?)", (trial.id, trial.uuid, UNIFICATION_TAG,
                                                                    ", ".join(failed)))


def _open(source: Source, path: Path | None, label: str) -> tuple[str, IO[bytes], int | None]:
    """The sha256 of the source and a seekable binary stream over it (its size when known)."""
    digest = hashlib.sha256()
    if path is not None:
        try:
            stream: IO[bytes] = open(path, "rb")
        except FileNotFoundError:
            raise FormatError(f"{label}: no such file") from None
        except IsADirectoryError:
            raise FormatError(f"{label}: is a directory, not a PROV document") from None
        except OSError as exc:
            raise FormatError(f"{label}: cannot read ({exc.strerror})") from None
    else:
        stream = source  # type: ignore[assignment]
        if not stream.seekable():
            import tempfile

            spool = tempfile.SpooledTemporaryFile(64 << 20)
            for block in iter(lambda: stream.read(1 << 20), b""):
                spool.write(block)
            stream = spool
    stream.seek(0)
    for block in iter(lambda: stream.read(1 << 20), b""):
        if isinstance(block, str):
            raise FormatError(f"{label}: give a binary stream, not a text stream")
        digest.update(block)
    size = stream.tell()
    stream.seek(0)
    return digest.hexdigest(), stream, size


def _is_rdf_xml(stream: IO[bytes]) -> bool:
    head = stream.read(4096)
    stream.seek(0)
    return b"<rdf:RDF" in head


def _already(store: Store, digest: str, fmt: str) -> list[Trial]:
    rows = store.conn.execute(
        "SELECT i.trial_id FROM imports i JOIN import_graphs g ON g.trial_id = i.trial_id "
        "WHERE i.sha256 = ? AND i.format = ? ORDER BY i.trial_id", (digest, fmt)
    ).fetchall()
    return [store.trial(tid) for (tid,) in rows]


def blank_prefix(digest: str, fmt: str) -> str:
    """The prefix of the skolem IRIs of the blank nodes an RDF parser reads from one document: ``b`` + 12
    hex digits of the SHA-256 of its bytes' SHA-256 and format + ``x``. It keeps them apart from other
    documents' and is the same each time the same document is imported."""
    return "b" + hashlib.sha256(f"{digest} {fmt}".encode()).hexdigest()[:12] + "x"


class _Import:
    """The trials being written for one document, one GraphWriter per graph. Blank nodes are skolemised
    (see :meth:`term`)."""

    def __init__(self, conn: sqlite3.Connection, label: str, base: str, blank: str, *, renumber: bool) -> None:
        self.conn = conn
        self.label = label
        self.base = base
        self.writers: dict[str, GraphWriter] = {}
        self.skolem = f"<{GENID}{blank}"
        self.renumber = renumber
        self.blanks: dict[str, str] = {}
        self.now = utcnow()

    def writer(self, graph: str) -> GraphWriter:
        found = self.writers.get(graph)
        if found is None:
            trial_id = self._trial()
            found = self.writers[graph] = GraphWriter(self.conn, trial_id, graph or None)
        return found

    def _trial(self) -> int:
        cur = self.conn.execute(
            "INSERT INTO trials (uuid, name, kind, status, command, main, cwd, hostname, user, pid, granularity, "
            "started_at, ended_at, provbridge_version, python_version) "
            "VALUES (?, NULL, 'imported', 'finished', ?, ?, ?, ?, ?, NULL, 0, ?, ?, ?, ?)",
            (str(uuid.uuid4()), json.dumps(["provbridge", "import", self.label]), self.label, os.getcwd(),
             socket.gethostname(), _user(), self.now, self.now, __version__, sys.version.split()[0]),
        )
        return int(cur.lastrowid or 0)

    def term(self, node: Any) -> str:
        """A node as stored. A blank node becomes a skolem IRI (RDF 1.1, 3.5) in provbridge's genid
        namespace, the same in every query and every import of the document: the node's label from
        provbridge's PROV-DM mapping (``b`` + a hash of its triples, ``q`` + a hash of its relation; the
        mapping writes such an IRI back as that blank node, so exports re-import to the same IRIs), or, from
        an RDF parser (which labels anonymous nodes at random), the document's :func:`blank_prefix` + ``n`` +
        the node's position among its blank nodes (1, 2... in order of first appearance)."""
        if type(node) is not ox.BlankNode:
            return str(node)
        if not self.renumber:
            return f"<{GENID}{node.value}>"
        found = self.blanks.get(node.value)
        if found is None:
            found = self.blanks[node.value] = f"{self.skolem}n{len(self.blanks) + 1}>"
        return found


def _store(store: Store, quads: Quads, fmt: ImportFormat, *, label: str, digest: str, base: str) -> list[Trial]:
    conn = store.conn
    with conn:  # one transaction: every trial of the document, or nothing
        job = _Import(conn, label, base, blank_prefix(digest, fmt.name), renumber=not quads.use_prov)
        term = job.term
        writer_for: Callable[[str], GraphWriter] = job.writer
        last_graph: Any = None
        writer: GraphWriter | None = None
        for quad in quads:
            graph = quad.graph_name
            if writer is None or graph != last_graph:
                last_graph = graph
                writer = writer_for("" if type(graph) is ox.DefaultGraph else term(graph))
            writer.add(term(quad.subject), str(quad.predicate), term(quad.object))
        _finish(job, quads.prefixes, fmt, digest)
        trial_ids = [w.trial_id for w in job.writers.values()]
    return [store.trial(tid) for tid in sorted(trial_ids)]


def _finish(job: _Import, prefixes: dict[str, str], fmt: ImportFormat, digest: str) -> None:
    """Check every graph, name the trials and record where they came from."""
    conn, writers = job.conn, job.writers
    default = writers.get("")
    named = [g for g in writers if g]
    if default is not None and named and default.only_describes(set(named)):
        # the default graph only says that the named graphs are bundles: they are the trials
        conn.execute("DELETE FROM import_chunks WHERE trial_id = ?", (default.trial_id,))
        conn.execute("DELETE FROM trials WHERE id = ?", (default.trial_id,))
        del writers[""]
        _renumber(conn, writers, default.trial_id)
    if not writers:
        raise FormatError("holds no PROV records (empty document)")
    for graph, writer in writers.items():
        if writer.prov == 0:
            where = f"graph {graph}" if graph else "the document"
            raise FormatError(f"{where} holds no PROV records ({writer.triples} triples, none in the PROV-O "
                              "vocabulary)")
    taken: set[str] = set()
    for graph, writer in writers.items():
        name = job.base if len(writers) == 1 or not graph else f"{job.base}/{_local(graph)}"
        name = next(n for n in (name, *(f"{name}-{i}" for i in range(2, len(writers) + 2))) if n not in taken)
        taken.add(name)
        conn.execute("UPDATE trials SET name = ? WHERE id = ?", (name, writer.trial_id))
        writer.finish(prefixes)
        conn.execute(
            "INSERT INTO imports (trial_id, source, sha256, format, original, imported_at) VALUES (?, ?, ?, ?, ?, ?)",
            (writer.trial_id, job.label, digest, fmt.name, graph.strip("<>") or None, job.now),
        )


def _renumber(conn: sqlite3.Connection, writers: dict[str, GraphWriter], freed: int) -> None:
    """Close the gap a dropped default-graph trial left in the trial numbers of this document."""
    later = sorted((w for w in writers.values() if w.trial_id > freed), key=lambda w: w.trial_id)
    if not later or conn.execute("SELECT 1 FROM trials WHERE id > ? AND id NOT IN ({})".format(
            ",".join(str(w.trial_id) for w in later)), (freed,)).fetchone():
        return
    conn.execute("PRAGMA defer_foreign_keys = ON")
    for writer in later:
        conn.execute("UPDATE trials SET id = ? WHERE id = ?", (freed, writer.trial_id))
        conn.execute("UPDATE import_chunks SET trial_id = ? WHERE trial_id = ?", (freed, writer.trial_id))
        writer.trial_id, freed = freed, writer.trial_id


def _local(graph: str) -> str:
    text = graph.strip("<>")
    for sep in ("#", "/", ":"):
        text = text.rstrip(sep)
        if sep in text:
            return text.rsplit(sep, 1)[1] or text
    return text


def _user() -> str:
    try:
        return getpass.getuser()
    except Exception:
        return "unknown"
