"""Pushing trials to a remote with the SPARQL 1.1 Graph Store HTTP Protocol: PUT of a trial's graph (its
first batch; POST of further batches of a large trial), then PUT of its bundle description graph; skipped
when the record says the same content is there, and resumed after an interruption without duplicates."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from provbridge.errors import RemoteError
from provbridge.progress import Progress
from provbridge.query.loading import signature
from provbridge.remote.config import Remote, graph_url
from provbridge.remote.content import BATCH_BYTES, Content, trial_content
from provbridge.remote.dataset import graph_size
from provbridge.remote.http import Client
from provbridge.remote.pull import NTRIPLES, pulled_from
from provbridge.remote.records import PushRecord
from provbridge.translate.iris import graph_iri

if TYPE_CHECKING:
    from provbridge.store.store import Store, Trial


@dataclass
class Pushed:
    """The outcome for one trial: ``status`` is ``pushed``, ``resumed`` (an interrupted push finished),
    ``unchanged`` (skipped: the remote has this content), ``running`` (skipped: still being recorded) or
    ``pulled`` (skipped: it was pulled from this remote)."""

    trial: int
    uuid: str
    status: str
    triples: int = 0
    bytes: int = 0
    batches: int = 0
    seconds: float = 0.0


def push_trials(store: Store, remote: Remote, trials: Sequence[Trial], *, force: bool = False,
                client: Client | None = None, batch_bytes: int = BATCH_BYTES, progress: bool = True,
                report: Callable[[Pushed], None] | None = None) -> list[Pushed]:
    """Push ``trials`` to ``remote``; ``force`` sends even what the record says is there already.
    ``report`` is called after each trial. A failure raises RemoteError; what was sent stays recorded."""
    record = PushRecord(store.directory, remote.name, remote.url)
    endpoint = remote.store_endpoint()
    own = client is None
    active = client or Client(remote.name)
    pulled = set(pulled_from(store, remote).values())
    results = []
    try:
        for trial in trials:
            if trial.id in pulled:  # it is there already, under its original graph
                outcome = Pushed(trial.id, trial.uuid, "pulled")
            else:
                outcome = _push_one(trial, remote, endpoint, record, active, force=force, batch_bytes=batch_bytes,
                                    progress=progress)
            results.append(outcome)
            if report is not None:
                report(outcome)
    finally:
        if own:
            active.close()
    return results


def _push_one(trial: Trial, remote: Remote, endpoint: str, record: PushRecord, client: Client, *, force: bool,
              batch_bytes: int, progress: bool) -> Pushed:
    started = time.monotonic()
    if trial.status == "running":
        return Pushed(trial.id, trial.uuid, "running")
    graph = graph_iri(trial)
    sig = signature(trial)
    entry = record.get(trial.uuid)
    if (not force and entry and entry.get("complete") and entry.get("graph") == graph
            and sig is not None and entry.get("signature") == sig):
        return Pushed(trial.id, trial.uuid, "unchanged", entry.get("triples", 0))
    content = trial_content(trial, batch_bytes=batch_bytes)
    try:
        if not force and entry and entry.get("complete") and entry.get("sha256") == content.sha256 \
                and entry.get("graph") == graph:
            record.put(trial.uuid, {**entry, "signature": sig})
            return Pushed(trial.id, trial.uuid, "unchanged", content.triples)
        start = 0 if force else _resume_point(entry, content, client, remote)
        base = {"graph": graph, "description": content.description_graph, "sha256": content.sha256,
                "signature": sig, "triples": content.triples, "bytes": content.size,
                "batches": content.totals(), "complete": False}
        size = sum(b.size for b in content.batches[start:]) + len(content.description)
        with Progress(f"pushing trial {trial.id} to {remote.name}", total=size, unit="B",
                      force=False) as bar:
            if not progress:
                bar.enabled = False
            for number in range(start, len(content.batches)):
                _send_batch(client, endpoint, content, number, bar)
                record.put(trial.uuid, {**base, "sent": number + 1, "pushed_at": time.time()})
            client.request("PUT", graph_url(endpoint, content.description_graph), body=content.description,
                           headers={"Content-Type": NTRIPLES})
            bar.advance(len(content.description))
        record.put(trial.uuid, {**base, "sent": len(content.batches), "complete": True, "pushed_at": time.time()})
        return Pushed(trial.id, trial.uuid, "resumed" if start else "pushed", content.triples,
                      size, len(content.batches) - start, time.monotonic() - started)
    finally:
        content.close()


def _resume_point(entry: dict[str, Any] | None, content: Content, client: Client, remote: Remote) -> int:
    """The first batch still to send: after an interrupted push of the same content, the batches the remote
    graph provably holds (its triple count is that after batch k), else 0 (start again with a PUT)."""
    if not entry or entry.get("complete") or entry.get("sha256") != content.sha256:
        return 0
    totals = content.totals()
    if entry.get("batches") != totals or not entry.get("sent"):
        return 0
    sent = int(entry["sent"])
    have = graph_size(client, remote, content.graph)
    for done in (sent + 1, sent):  # the batch after the recorded ones may have arrived unrecorded
        if 0 < done <= len(totals) and have == totals[done - 1]:
            return done
    return 0


def _send_batch(client: Client, endpoint: str, content: Content, number: int, bar: Progress) -> None:
    batch = content.batches[number]
    url = graph_url(endpoint, content.graph)

    def body() -> Any:
        return _Counted(content.read(batch), bar)

    # The first batch replaces the graph (PUT); later ones add to it (POST). A POST is retried only when
    # re-sending it cannot add copies (no blank nodes); otherwise the next push resumes from the record.
    method = "PUT" if number == 0 else "POST"
    try:
        client.request(method, url, body=body, length=batch.size, headers={"Content-Type": NTRIPLES},
                       retry=method == "PUT" or not batch.blank)
    except RemoteError as exc:
        raise RemoteError(f"{exc} (batch {number + 1} of {len(content.batches)}; nothing local changed, "
                          "push again to resume)") from None


class _Counted:
    """A request body stream that advances a progress bar as it is read."""

    def __init__(self, stream: Any, bar: Progress) -> None:
        self.stream, self.bar = stream, bar

    def read(self, size: int = -1) -> bytes:
        data: bytes = self.stream.read(size)
        self.bar.advance(len(data))
        return data

    def close(self) -> None:
        self.stream.close()
