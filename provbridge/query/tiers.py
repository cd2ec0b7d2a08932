"""The on-disk index in two tiers behind one dataset: canned queries run on the lean index
(provbridge.query.lean, loaded when a run ends), any other SPARQL on the full index, loaded on its first
use with a progress bar; each is opened on the first query that needs it."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

import pyoxigraph as ox

from provbridge.query.engine import Dataset, is_update, memory_store, register_backend
from provbridge.query.index import IndexBusy, QueryIndex
from provbridge.query.lean import answers, empty_alike
from provbridge.query.results import Result
from provbridge.store.store import RECORDS

if TYPE_CHECKING:
    from provbridge.store.store import Store, Trial


class TieredDataset(Dataset):
    """The chosen trials in the lean index for the queries it answers as the full graph would
    (:func:`provbridge.query.lean.answers`, or trials none of which is captured: it holds those whole),
    in the full index for the others and for updates (a query of
    :data:`~provbridge.query.lean.EMPTY_ALIKE` tries the lean index first: an empty answer there is the
    answer). A tier held by another process for longer than the
    lock wait is replaced by a fresh in-memory store of the trials (the full graph, which answers all)."""

    def __init__(self, store: Store, trials: Sequence[Trial], *, whole: bool) -> None:
        super().__init__(None, trials, whole=whole, persistent=True)  # type: ignore[arg-type]  # opened per tier
        self.source = store
        self.stack = contextlib.ExitStack()
        self.tiers: dict[bool, tuple[ox.Store, QueryIndex | None]] = {}  # full? -> (store, its index)
        self.memory: ox.Store | None = None
        self.all_whole = all(t.representation != RECORDS for t in self.trials)

    def query(self, text: str, *, allow_update: bool = False) -> Result:
        if not self.all_whole and empty_alike(text):
            found = self._run(text, False, allow_update)
            if not found.terms:  # empty on the full graph too
                return found
        return self._run(text, is_update(text) or not (self.all_whole or answers(text)), allow_update)

    def _run(self, text: str, full: bool, allow_update: bool) -> Result:
        self.target, index = self._tier(full)
        self.writable = None
        if index is not None and allow_update and full and is_update(text) and index.readonly():
            del self.tiers[full]  # the read-only store is dropped before the writable one opens
            self.writable = index.writable
        try:
            return super().query(text, allow_update=allow_update)
        finally:
            if full not in self.tiers and self.target is not None:
                self.tiers[full] = (self.target, index)

    def _tier(self, full: bool) -> tuple[ox.Store, QueryIndex | None]:
        found = self.tiers.get(full)
        if found is not None:
            return found
        index = QueryIndex(self.source, full=full)
        try:
            target = self.stack.enter_context(index.open(self.trials))
            if full and not index.readonly():  # not found current when opened: a load is coming
                from provbridge.query.background import progress_meter

                with progress_meter("trials for SPARQL (first use)") as meter:
                    index.sync(target, self.trials, meter)
            else:
                index.sync(target, self.trials)
            found = (target, index)
        except IndexBusy:
            if self.memory is None:
                self.memory = memory_store(self.trials)
            found = (self.memory, None)
        self.tiers[full] = found
        return found

    def close(self) -> None:
        self.target = None
        self.writable = None
        self.tiers.clear()
        self.memory = None
        self.stack.close()


@contextlib.contextmanager
def tiered(store: Store, chosen: list[Trial], *, whole: bool) -> Iterator[TieredDataset]:
    """The index engine: a :class:`TieredDataset` of ``chosen``, closed (its tiers released) on exit."""
    data = TieredDataset(store, chosen, whole=whole)
    try:
        yield data
    finally:
        data.close()


register_backend("index", tiered)
