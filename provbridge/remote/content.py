"""What a trial puts on a remote: its named graph as N-Triples in batches, and its bundle description graph.

The export writes a trial as N-Quads: its records in the trial's named graph, and a short description of
the bundle (``<bundle> a prov:Bundle ...``) in the default graph. On a remote, the description goes into a
named graph of its own, ``<bundle>-description``, so that each trial is two graphs replaced by PUT (pushing
twice changes nothing), the remote's trials are found by querying the descriptions, and a query over
chosen trials sees exactly what it sees locally."""

from __future__ import annotations

import hashlib
import re
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO, TYPE_CHECKING

from provbridge.errors import RemoteError
from provbridge.export.rdfwrite import write_nquads
from provbridge.translate import translate
from provbridge.translate.iris import graph_iri

if TYPE_CHECKING:
    from provbridge.store.store import Trial

DESCRIPTION = "-description"  # suffix of a trial's description graph on a remote
BATCH_BYTES = 32 << 20  # N-Triples bytes per request for large trials
SPOOL = 8 << 20  # bytes kept in memory before spooling to disk
_BLANK = re.compile(rb"_:[A-Za-z0-9_.\-]+")


def description_iri(graph: str) -> str:
    """The remote graph holding the bundle description of the trial whose graph is ``graph``."""
    return graph + DESCRIPTION


@dataclass
class Batch:
    """Bytes ``start:end`` of the N-Triples; ``triples`` counts its lines; ``blank`` if it has blank nodes
    (re-sending it would add copies, so it is never retried blindly)."""

    start: int
    end: int
    triples: int = 0
    blank: bool = False

    @property
    def size(self) -> int:
        return self.end - self.start


@dataclass
class Content:
    """A trial's remote content: ``body`` holds the N-Triples of its graph, cut into ``batches``;
    ``sha256`` is the digest of the N-Quads the export wrote (graph and description)."""

    graph: str
    body: IO[bytes]
    description: bytes
    sha256: str
    batches: list[Batch] = field(default_factory=list)

    @property
    def triples(self) -> int:
        return sum(b.triples for b in self.batches)

    @property
    def size(self) -> int:
        return self.batches[-1].end if self.batches else 0

    @property
    def description_graph(self) -> str:
        return description_iri(self.graph)

    def totals(self) -> list[int]:
        """Triples sent after each batch: the graph's size on the remote once batches 0..i are in."""
        out, total = [], 0
        for batch in self.batches:
            total += batch.triples
            out.append(total)
        return out

    def read(self, batch: Batch) -> _Range:
        """A stream of one batch's bytes."""
        return _Range(self.body, batch.start, batch.end)

    def close(self) -> None:
        self.body.close()


class _Range:
    """A read-only view of bytes ``start:end`` of a shared file, positioned on each read."""

    def __init__(self, source: IO[bytes], start: int, end: int) -> None:
        self.source, self.position, self.end = source, start, end

    def read(self, size: int = -1) -> bytes:
        left = self.end - self.position
        if size < 0 or size > left:
            size = left
        if size <= 0:
            return b""
        self.source.seek(self.position)
        data = self.source.read(size)
        self.position += len(data)
        return data

    def close(self) -> None:
        pass

    def __iter__(self) -> Iterator[bytes]:
        while chunk := self.read(1 << 20):
            yield chunk


class _Splitter:
    """The file-like target of ``write_nquads``: hashes what it is given, sends default-graph lines to the
    description and the trial graph's lines (graph term removed) to the body, and cuts batches only at
    lines whose subject is not a blank node, so that a qualified node stays with the triple naming it."""

    def __init__(self, graph: str, batch_bytes: int) -> None:
        self.suffix = f" <{graph}> .\n".encode()
        self.digest = hashlib.sha256()
        self.body: IO[bytes] = tempfile.SpooledTemporaryFile(SPOOL)  # closed by Content.close
        self.description: list[bytes] = []
        self.in_graph = False
        self.carry = b""
        self.batch_bytes = batch_bytes
        self.batches = [Batch(0, 0)]
        self.blank_batch: dict[bytes, int] = {}
        self.shared_blank = False
        self.position = 0

    def write(self, data: bytes) -> int:
        self.digest.update(data)
        data = self.carry + data
        cut = data.rfind(b"\n") + 1
        self.carry = data[cut:]
        if cut:
            self._lines(data[:cut])
        return len(data)

    def _lines(self, chunk: bytes) -> None:
        if not self.in_graph:
            lines = chunk.splitlines(keepends=True)
            for index, line in enumerate(lines):
                if line.endswith(self.suffix):
                    self.in_graph = True
                    self._graph(b"".join(lines[index:]))
                    return
                self.description.append(line)
            return
        self._graph(chunk)

    def _graph(self, chunk: bytes) -> None:
        if chunk.count(self.suffix) != chunk.count(b"\n"):
            raise RemoteError("the trial's export has quads outside its own graph; it cannot be pushed as one graph")
        body = chunk.replace(self.suffix, b" .\n")
        while body:
            batch = self.batches[-1]
            if batch.size >= self.batch_bytes and not body.startswith(b"_:"):
                batch = Batch(self.position, self.position)
                self.batches.append(batch)
            cut = self._cut(body, self.batch_bytes - batch.size)
            self._append(batch, body[:cut])
            body = body[cut:]

    @staticmethod
    def _cut(body: bytes, room: int) -> int:
        """Where to end this piece: after the line that fills ``room``, moved past lines whose subject is a
        blank node (they describe the node the previous line names)."""
        if room <= 0 or len(body) <= room:
            return len(body)
        cut = body.find(b"\n", room - 1) + 1
        while 0 < cut < len(body) and body.startswith(b"_:", cut):
            cut = body.find(b"\n", cut) + 1
        return cut or len(body)

    def _append(self, batch: Batch, piece: bytes) -> None:
        if b"_:" in piece:
            batch.blank = True
            number = len(self.batches) - 1
            for label in set(_BLANK.findall(piece)):
                if self.blank_batch.setdefault(label, number) != number:
                    self.shared_blank = True
        self.body.write(piece)
        self.position += len(piece)
        batch.end = self.position
        batch.triples += piece.count(b"\n")

    def finish(self, graph: str) -> Content:
        if self.carry:
            raise RemoteError("the trial's export did not end with a complete line")
        batches = [b for b in self.batches if b.triples] or [Batch(0, 0)]
        if self.shared_blank and len(batches) > 1:  # a blank node spans batches: send it all at once
            batches = [Batch(0, self.position, sum(b.triples for b in batches), True)]
        return Content(graph, self.body, b"".join(self.description), self.digest.hexdigest(), batches)


def trial_content(trial: Trial, *, batch_bytes: int = BATCH_BYTES) -> Content:
    """The content of ``trial`` on a remote, from the one export of a trial's quads."""
    graph = graph_iri(trial)
    splitter = _Splitter(graph, batch_bytes)
    try:
        write_nquads(translate(trial), splitter)  # type: ignore[arg-type]
        return splitter.finish(graph)
    except BaseException:
        splitter.body.close()
        raise
