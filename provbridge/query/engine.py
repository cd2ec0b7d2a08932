"""Running SPARQL over chosen trials: the persistent index for finished trials, a fresh in-memory store for
running ones (or when another process holds the index), update refusal and one-line syntax errors."""

from __future__ import annotations

import contextlib
import os
import re
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from provbridge.errors import QueryError
from provbridge.query.forms import UPDATE_FORMS, request_form
from provbridge.query.index import memory_cache
from provbridge.query.loading import graph_iri, load_trial
from provbridge.query.results import Result, from_oxigraph

if TYPE_CHECKING:
    from provbridge.store.store import Store, Trial


# Variables and prefixed names (``?add``, ``add:``, ``ex:load``, ``:drop``): masked before looking for the
# request's form, so that ``PREFIX add: <...>`` or ``?copy`` is not taken for an update keyword.
_NAMES = re.compile(r"[?$][\w]+|[A-Za-z][\w.-]*:[\w.-]*|(?<![\w<]):[\w.-]+")


def form_of(text: str) -> str | None:
    """The request's form (``SELECT``, ``INSERT``...) ignoring variables and prefixed names."""
    return request_form(_NAMES.sub(lambda m: "_" * len(m.group()), text))


def is_update(text: str) -> bool:
    """Whether ``text`` is a SPARQL update (its form keyword, not a name or prefix, is an update)."""
    return form_of(text) in UPDATE_FORMS


class Dataset:
    """The trials a query runs over, loaded in a pyoxigraph store. ``graphs`` are their named graphs;
    ``whole`` means every trial of the store (the union of all graphs is the default graph)."""

    def __init__(self, target: ox.Store, trials: Sequence[Trial], *, whole: bool, persistent: bool,
                 writable: Callable[[], ox.Store] | None = None) -> None:
        self.target: ox.Store | None = target
        self.writable = writable  # the store reopened for writing, when ``target`` is read-only
        self.trials = list(trials)
        self.graphs = [graph_iri(t) for t in trials]
        self.by_graph = dict(zip(self.graphs, self.trials))
        self.whole = whole
        self.persistent = persistent

    def close(self) -> None:
        """Drop the store (an on-disk index is closed once nothing refers to it, so other processes can
        open it)."""
        self.target = None

    @property
    def store(self) -> ox.Store:
        if self.target is None:
            raise QueryError("this dataset is closed (use it inside `with dataset(...)`)")
        return self.target

    def query(self, text: str, *, allow_update: bool = False) -> Result:
        """Run a query (or, when allowed, an update) and materialize its results."""
        if is_update(text):
            if not allow_update:
                raise QueryError(f"{form_of(text)} is a SPARQL update; updates are refused unless allowed "
                                 "(--allow-update)")
            return self._update(text)
        if not text.strip():
            raise QueryError("empty SPARQL query")
        options: dict[str, Any] = {}
        if self.whole:
            options["use_default_graph_as_union"] = True
        else:
            nodes = [ox.NamedNode(g) for g in self.graphs]
            options["default_graph"] = nodes
            options["named_graphs"] = nodes
        try:
            return from_oxigraph(self.store.query(text, **options))
        except SyntaxError as exc:
            raise QueryError(f"malformed SPARQL query: {one_line(exc)}") from None
        except OSError as exc:
            raise QueryError(f"query failed: {one_line(exc)}") from None

    def _update(self, text: str) -> Result:
        if self.writable is not None:
            reopen, self.writable = self.writable, None
            self.target = None  # the read-only store is dropped before the writable one opens
            self.target = reopen()
        try:
            self.store.update(text)
        except SyntaxError as exc:
            raise QueryError(f"malformed SPARQL update: {one_line(exc)}") from None
        except OSError as exc:
            raise QueryError(f"update failed: {one_line(exc)}") from None
        return Result("update")


def one_line(exc: BaseException) -> str:
    """An exception's message on one line."""
    return " ".join(str(exc).split())


def _flush_active(trials: Sequence[Trial]) -> None:
    """Write out the rows the trial being recorded in this process still buffers, so queries see them."""
    module = sys.modules.get("provbridge.capture.recorder")
    recorder = getattr(module, "ACTIVE", None)
    writer = getattr(recorder, "writer", None)
    if writer is None:
        return
    for trial in trials:
        if trial.id == getattr(writer, "trial_id", None) and _same_dir(trial.store.directory, writer.store_dir):
            with contextlib.suppress(Exception):
                writer.flush()


def _same_dir(a: Path, b: Any) -> bool:
    try:
        return os.path.samefile(a, b)
    except (OSError, TypeError):
        return False


def memory_store(trials: Sequence[Trial]) -> ox.Store:
    """A fresh in-memory store holding ``trials``."""
    target = ox.Store()
    for trial in trials:
        load_trial(target, trial)
    return target


ENGINE_ENV = "PROVBRIDGE_QUERY_ENGINE"

# name -> opener: a context manager over (store, chosen trials, whole) yielding an object with Dataset's
# ``query`` interface. The in-memory engines register below; others register themselves from their package
# (``remote``: provbridge.remote.dataset; ``index``: provbridge.query.tiers, the on-disk index in its two
# tiers), which PLUGINS names so that it is imported on first use.
Opener = Callable[..., contextlib.AbstractContextManager[Any]]
BACKENDS: dict[str, Opener] = {}
PLUGINS = {"remote": "provbridge.remote.dataset", "index": "provbridge.query.tiers"}


def register_backend(name: str, opener: Opener) -> None:
    """Make ``opener`` the query backend called ``name``."""
    BACKENDS[name] = opener


def backend(name: str) -> Opener:
    """The backend called ``name`` (importing the package that provides it when it is a plugin)."""
    if name not in BACKENDS and name in PLUGINS:
        import importlib

        importlib.import_module(PLUGINS[name])
    found = BACKENDS.get(name)
    if found is None:
        raise QueryError(f"unknown query engine {name!r} (choose from {', '.join(ENGINES)})")
    return found


@contextlib.contextmanager
def _cache(store: Store, chosen: list[Trial], *, whole: bool) -> Iterator[Dataset]:
    """This process's in-memory cache, brought up to date."""
    cache = memory_cache(store)
    with cache.lock:
        cache.sync(store, chosen)
        data = Dataset(cache.target, chosen, whole=whole, persistent=False)
        try:
            yield data
        finally:
            data.close()


@contextlib.contextmanager
def _memory(store: Store, chosen: list[Trial], *, whole: bool) -> Iterator[Dataset]:
    """A fresh in-memory store of just these trials."""
    data = Dataset(memory_store(chosen), chosen, whole=whole, persistent=False)
    try:
        yield data
    finally:
        data.close()


register_backend("cache", _cache)
register_backend("memory", _memory)
ENGINES = ("auto", "index", "cache", "memory")


@contextlib.contextmanager
def dataset(store: Store, trials: Sequence[Trial] | None = None, *, engine: str | None = None,
            memory: bool = False, remote: str | None = None) -> Iterator[Any]:
    """The given trials (default: every trial) loaded for querying, by ``engine`` (default
    ``$PROVBRIDGE_QUERY_ENGINE``, else ``auto``):

    - ``index``: the persistent index under ``.provbridge/query/``, brought up to date incrementally
      (only new or changed trials are loaded; running ones on every call): the lean index for canned
      queries, the full one for any other SPARQL (provbridge.query.tiers); a fresh in-memory store when
      another process holds it;
    - ``cache``: this process's in-memory cache, kept up to date by the same rules (fast repeated queries
      in notebooks and long-running scripts);
    - ``memory`` (or ``memory=True``): a fresh in-memory store of just these trials;
    - ``auto``: ``memory`` when every chosen trial is running, else ``index``.

    With ``remote`` (a remote's name), the query runs on that SPARQL store instead: the ``remote`` backend
    (provbridge.remote.dataset), with the same ``query`` interface.
    """
    if remote is not None:
        with backend("remote")(store, trials, remote=remote) as far:
            yield far
        return
    whole = trials is None
    chosen = store.trials() if trials is None else list(trials)
    _flush_active(chosen)
    mode = "memory" if memory else (engine or os.environ.get(ENGINE_ENV) or "auto")
    if mode not in ENGINES:
        raise QueryError(f"unknown query engine {mode!r} (choose from {', '.join(ENGINES)})")
    if mode == "auto":
        running = [t for t in chosen if t.status == "running"]
        mode = "memory" if chosen and len(running) == len(chosen) else "index"
    with backend(mode)(store, chosen, whole=whole) as data:
        yield data
