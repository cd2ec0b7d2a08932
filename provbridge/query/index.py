"""The persistent query index under ``.provbridge/query/``: a pyoxigraph store holding one named graph per
trial, loaded once per finished trial and kept up to date incrementally, shared safely between processes.
It comes in two tiers (provbridge.query.tiers): the lean index in ``query/`` (the quads the canned queries
read, provbridge.query.lean), loaded when a run ends, and the full one in ``query/full/``, loaded when some
other SPARQL first needs it."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from provbridge import __version__
from provbridge.errors import QueryError
from provbridge.query.lean import digest
from provbridge.query.loading import (
    FORMAT,
    SMALL,
    Meter,
    content_signature,
    graph_iri,
    load_trial,
    refresh_annotations,
    remove_trial,
    signature,
)

if TYPE_CHECKING:
    from provbridge.store.store import Store, Trial

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: rely on RocksDB's own lock and the fallback
    fcntl = None  # type: ignore[assignment]

INDEX_DIR = "query"
FULL_DIR = "full"  # the full index, under INDEX_DIR
# N-Quads bytes of a load beyond which pyoxigraph's bulk loader may write more than one batch (a million
# quads, at 200 bytes a line or more), whose files overlap: only then is the lean index compacted
BULK_BATCH = 200 << 20
LOCK_TIMEOUT = 10.0  # seconds to wait for another process's load before falling back to memory
LOCK_TIMEOUT_ENV = "PROVBRIDGE_INDEX_LOCK_TIMEOUT"  # overrides it (tests use a short wait)

LOADING = "loading"  # loading.<pid> in the index directory: a background loader at work (or waiting for the lock)
_THREAD_LOCKS: dict[Path, threading.RLock] = {}
# an index this process has open, and when read-only the UUIDs of the trials it was found to hold as they are
_OPEN: dict[Path, tuple[ox.Store, frozenset[str] | None]] = {}
_GUARD = threading.Lock()


def lock_wait() -> float:
    """Seconds to wait for another process's lock on the index: ``$PROVBRIDGE_INDEX_LOCK_TIMEOUT``, else
    :data:`LOCK_TIMEOUT`."""
    text = os.environ.get(LOCK_TIMEOUT_ENV, "").strip()
    if not text:
        return LOCK_TIMEOUT
    try:
        seconds = float(text)
    except ValueError:
        seconds = -1.0
    if not seconds >= 0:
        raise QueryError(f"{LOCK_TIMEOUT_ENV}={text!r} is not a number of seconds")
    return seconds


def loader_running(directory: Path) -> bool:
    """Whether a background loader (provbridge.query.background: a live process named by a ``loading.<pid>``
    file) is loading into the index under ``directory``, or waiting to."""
    for marker in directory.glob(f"{LOADING}.*"):
        try:
            os.kill(int(marker.suffix[1:]), 0)
        except (OSError, ValueError):
            continue
        return True
    return False


class IndexBusy(Exception):
    """Another process holds the index; the caller falls back to an in-memory store."""


class QueryIndex:
    """The index of one provbridge store: the lean one, or with ``full`` the one holding every quad.
    ``metadata`` (index.json) records, per trial UUID, its graph, the signature it was loaded at, and how
    many times it was loaded."""

    def __init__(self, store: Store, *, lock_timeout: float | None = None, full: bool = False) -> None:
        self.store = store
        self.full = full
        self.directory = store.directory / INDEX_DIR / FULL_DIR if full else store.directory / INDEX_DIR
        # the lean index's layout also depends on the lean queries' vocabulary (rebuilt when it changes)
        self.format: int | str = FORMAT if full else f"{FORMAT}-lean-{digest()}"
        self.db_path = self.directory / "oxigraph"
        self.meta_path = self.directory / "index.json"
        self.lock_path = self.directory / "lock"
        self.lock_timeout = lock_wait() if lock_timeout is None else lock_timeout

    # -- metadata ------------------------------------------------------------------------------------
    def metadata(self) -> dict[str, Any]:
        """The index metadata: ``{"format", "provbridge", "loads", "trials": {uuid: {...}}}``."""
        try:
            data = json.loads(self.meta_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            data = {}
        if data.get("format") != self.format or data.get("provbridge") != __version__:
            data = {"format": self.format, "provbridge": __version__, "loads": 0, "trials": {}, "stale": bool(data)}
        return data

    def _save(self, data: dict[str, Any]) -> None:
        data.pop("stale", None)
        temporary = self.meta_path.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_text(json.dumps(data, indent=1, sort_keys=True), encoding="utf-8")
        os.replace(temporary, self.meta_path)

    # -- opening -------------------------------------------------------------------------------------
    @contextlib.contextmanager
    def open(self, trials: Sequence[Trial] | None = None) -> Iterator[ox.Store]:
        """The on-disk store, held under a file lock (shared by threads of this process, exclusive between
        processes) and closed again on exit so that other processes can use it. Raises IndexBusy when
        another process keeps it longer than ``lock_timeout``, or when the store is read-only (queries then
        run in memory). When it already holds ``trials`` as they are (see :meth:`current`), it is opened
        read-only: a query then writes nothing, where opening RocksDB read-write makes it compact what the
        bulk loader wrote (seconds of CPU in the first queries after a million-record load, and twice the
        size on disk); :meth:`writable` reopens it for an update."""
        if getattr(self.store, "readonly", False):
            raise IndexBusy("the store is read-only")
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise IndexBusy(str(exc)) from None
        key = self.directory.resolve()
        with _GUARD:
            thread_lock = _THREAD_LOCKS.setdefault(key, threading.RLock())
        with thread_lock:
            if key in _OPEN:  # nested use in this thread
                yield _OPEN[key][0]
                return
            with self._file_lock():
                self._start_again_if_cheaper()
                current = frozenset(t.uuid for t in trials) if trials is not None and self.current(trials) else None
                try:
                    opened = (ox.Store(str(self.db_path)) if current is None
                              else ox.Store.read_only(str(self.db_path)))
                except OSError as exc:
                    raise IndexBusy(str(exc)) from None
                _OPEN[key] = (opened, current)
                del opened
                try:
                    yield _OPEN[key][0]
                    found = _OPEN.get(key)
                    if found is not None and found[1] is None:
                        found[0].flush()
                finally:
                    _OPEN.pop(key, None)

    def current(self, trials: Sequence[Trial]) -> bool:
        """Whether the index holds every one of ``trials`` as it is now (finished, loaded at its present
        signature) and no graph of a deleted trial: :meth:`sync` would write nothing."""
        if not self.db_path.exists() or not self.meta_path.exists():
            return False
        data = self.metadata()
        if data.get("stale"):
            return False
        entries = data["trials"]
        known = {uuid for (uuid,) in self.store.conn.execute("SELECT uuid FROM trials")}
        if any(uuid not in known for uuid in entries):
            return False
        for trial in trials:
            entry = entries.get(trial.uuid)
            sig = signature(trial)
            if entry is None or sig is None or entry.get("signature") != sig or entry.get("graph") != graph_iri(trial):
                return False
        return True

    def readonly(self) -> bool:
        """Whether the store this process has open (inside :meth:`open`) is open read-only."""
        return self._current() is not None

    def _current(self) -> frozenset[str] | None:
        """The UUIDs of the trials :meth:`open` found held as they are, when it opened the store read-only."""
        found = _OPEN.get(self.directory.resolve())
        return None if found is None else found[1]

    def writable(self) -> ox.Store:
        """The store open inside :meth:`open`, reopened read-write if it was opened read-only (still under
        the file lock; flushed and closed when :meth:`open` exits)."""
        key = self.directory.resolve()
        if _OPEN[key][1] is None:
            return _OPEN[key][0]
        del _OPEN[key]  # the read-only store is closed (its last holder let it go) before the writable opens
        try:
            store = ox.Store(str(self.db_path))
        except OSError as exc:
            raise QueryError(f"cannot open the query index for writing: {exc}") from None
        _OPEN[key] = (store, None)
        return store

    def _start_again_if_cheaper(self) -> None:
        """Delete the on-disk store when it holds mostly graphs to throw away: one written by another
        provbridge version or without metadata, or one where the graphs of deleted trials outweigh the rest.
        Removing a graph from RocksDB costs several times loading it (minutes at a million records), deleting
        the directory nothing: :meth:`sync` then loads the trials still wanted afresh. Called under the
        file lock, before the store is opened."""
        if not self.db_path.exists():
            return
        data = self.metadata()
        if self.meta_path.exists() and not data.get("stale"):
            known = {uuid for (uuid,) in self.store.conn.execute("SELECT uuid FROM trials")}
            sizes = {uuid: entry.get("bytes", 0) for uuid, entry in data["trials"].items()}
            gone = sum(size for uuid, size in sizes.items() if uuid not in known)
            if gone <= sum(size for uuid, size in sizes.items() if uuid in known):
                return
        try:
            shutil.rmtree(self.db_path)
        except OSError:  # left as it is: sync removes what it must, graph by graph
            return
        self._save({"format": self.format, "provbridge": __version__, "loads": data.get("loads", 0), "trials": {}})

    @contextlib.contextmanager
    def _file_lock(self) -> Iterator[None]:
        if fcntl is None:  # pragma: no cover
            yield
            return
        try:
            handle = open(self.lock_path, "a+b")
        except OSError as exc:
            raise IndexBusy(str(exc)) from None
        with handle:
            deadline = time.monotonic() + self.lock_timeout
            while True:
                try:
                    fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except OSError:
                    # the background loader of a run that just ended is loading what this query needs:
                    # waiting for it beats loading the same trial again in memory
                    if time.monotonic() >= deadline and not loader_running(self.directory):
                        raise IndexBusy(f"{self.lock_path} is held by another process") from None
                    time.sleep(0.05)
            try:
                yield
            finally:
                fcntl.flock(handle.fileno(), fcntl.LOCK_UN)

    # -- keeping it up to date -----------------------------------------------------------------------
    def sync(self, target: ox.Store, trials: Sequence[Trial], meter: Meter | None = None) -> list[str]:
        """Load the trials that are missing, changed or running; remove graphs of deleted trials. Returns
        the UUIDs (re)loaded. Must be called inside :meth:`open`; ``meter`` follows each load."""
        current = self._current()
        if current is not None:  # opened read-only because it held these trials already (checked then)
            if {t.uuid for t in trials} <= current or self.current(trials):
                return []
            raise IndexBusy("the query index is open read-only here")
        data = self.metadata()
        if data.pop("stale", False):  # written by another version of provbridge: start again
            target.clear()
            self._save(data)

        def saved(loaded: bool) -> None:
            data["loads"] = data.get("loads", 0) + int(loaded)
            self._save(data)

        known = {uuid for (uuid,) in self.store.conn.execute("SELECT uuid FROM trials")}
        loaded = sync_graphs(target, trials, data["trials"], known, saved, meter, lean=not self.full)
        if any(data["trials"][uuid]["bytes"] >= (SMALL if self.full else BULK_BATCH) for uuid in loaded):
            # compact what the bulk loader wrote now (7 s at a million records, in the background loader
            # when a run ends): queries then read compacted levels (~1 s less CPU per deps at that size)
            # and, opening the index read-only, never compact it themselves. RocksDB writes the compacted
            # levels uncompressed (twice the size of what the bulk loader wrote, LZ4), so the lean index is
            # compacted only when a trial's load was split into overlapping batches; one batch per trial
            # (graph-bound lookups read the files of that graph only) needs none
            target.optimize()
        return loaded


class MemoryCache:
    """The in-memory counterpart of the index for long-lived processes (notebooks, scripts calling the API
    repeatedly): trials are loaded once per process, with the same incremental rules, and queried at
    in-memory speed (several times faster than the on-disk store)."""

    def __init__(self) -> None:
        self.target = ox.Store()
        self.entries: dict[str, Any] = {}
        self.lock = threading.RLock()

    def sync(self, store: Store, trials: Sequence[Trial]) -> list[str]:
        known = {uuid for (uuid,) in store.conn.execute("SELECT uuid FROM trials")}
        return sync_graphs(self.target, trials, self.entries, known, lambda loaded: None)


_CACHES: dict[Path, MemoryCache] = {}


def memory_cache(store: Store) -> MemoryCache:
    """This process's memory cache for ``store``."""
    with _GUARD:
        return _CACHES.setdefault(store.directory.resolve(), MemoryCache())


def sync_graphs(target: ox.Store, trials: Sequence[Trial], entries: dict[str, Any], known: set[str],
                changed: Callable[[bool], None], meter: Meter | None = None, *, lean: bool = False) -> list[str]:
    """Bring ``target`` up to date for ``trials``: a finished trial is loaded when it is missing or its
    signature changed, a running trial on every call; graphs of trials no longer in the store (``known``
    UUIDs) are removed. ``entries`` (UUID -> graph, signature, loads) is updated, and ``changed(loaded)``
    called after each change so that progress survives an interruption. With ``lean``, captured trials
    are loaded lean (provbridge.query.lean)."""
    for uuid in [u for u in entries if u not in known]:
        remove_trial(target, entries.pop(uuid)["graph"])
        changed(False)
    loaded = []
    for trial in trials:
        graph = graph_iri(trial)
        content = content_signature(trial)
        sig = signature(trial, content)
        entry = entries.get(trial.uuid)
        if (entry is not None and sig is not None and entry.get("graph") == graph
                and target.contains_named_graph(ox.NamedNode(graph))):
            if entry.get("signature") == sig:
                continue
            # renamed, annotated or tagged since: rewrite those triples, not the whole graph
            if entry.get("content") == content and refresh_annotations(target, trial, lean=lean):
                entry["signature"] = sig
                changed(False)
                continue
        if entry is not None:
            remove_trial(target, entry["graph"])
        remove_trial(target, graph)
        size = load_trial(target, trial, meter, lean=lean)
        entries[trial.uuid] = {
            "graph": graph, "signature": sig, "content": content, "bytes": size,
            "loaded_at": time.time(),
            "loads": (entry or {}).get("loads", 0) + 1, "trial": trial.id, "status": trial.status,
        }
        changed(True)
        loaded.append(trial.uuid)
    return loaded
