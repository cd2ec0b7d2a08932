"""Loading a finished trial into the query index when its run ends: in a detached low-priority process
(so the first query does not stall), or in the foreground with a progress bar (``provbridge run --index``)."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from provbridge.indexpolicy import ENV, MIN_ROWS, always, enabled

if TYPE_CHECKING:
    from provbridge.query.loading import Meter
    from provbridge.store.store import Store, Trial

WAIT = 3600.0  # seconds the background loader waits for the index lock (parallel runs load one at a time)


def worth_loading(store: Store, trial: Trial, *, min_rows: int = MIN_ROWS) -> bool:
    """Whether ``trial`` is a finished recorded trial big enough for its first query to stall on loading
    (small ones load in well under a second when first queried) in a store this process can write."""
    if getattr(store, "readonly", False) or trial.status == "running":
        return False
    if os.environ.get("PROVBRIDGE_QUERY_ENGINE", "auto") not in ("auto", "index"):
        return False
    rows = 0
    for table in ("executions", "versions"):
        found = store.conn.execute(f"SELECT max(id) FROM {table} WHERE trial_id = ?", (trial.id,)).fetchone()
        rows += int(found[0] or 0)
    return rows >= min_rows


def spawn(store_dir: Path, uuid: str) -> subprocess.Popen[bytes] | None:
    """Start the detached loader for trial ``uuid`` of the store at ``store_dir`` and return at once (it
    outlives this process and is never waited for); None when switched off, not worth it, or it cannot
    start. Never raises: the run's outcome must not depend on it."""
    if not enabled():
        return None
    try:
        from provbridge.store.store import open_store

        with open_store(store_dir) as store:
            if not worth_loading(store, store.trial(uuid), min_rows=0 if always() else MIN_ROWS):
                return None
        return subprocess.Popen(
            [sys.executable, "-m", "provbridge.query.background", str(store_dir), uuid],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            start_new_session=True, close_fds=True, cwd=str(store_dir),
        )
    except Exception:
        return None


def load(store: Store, trials: Sequence[Trial], *, meter: Meter | None = None, wait: float | None = None) -> list[str]:
    """Load ``trials`` into the store's index (waiting up to ``wait`` seconds for another process that holds
    it); returns the UUIDs loaded. Raises IndexBusy when the index stays held or cannot be opened."""
    from provbridge.query.index import LOADING, QueryIndex  # pyoxigraph: not imported by `run` unless used

    index = QueryIndex(store, lock_timeout=wait)
    marker = index.directory / f"{LOADING}.{os.getpid()}"
    try:
        index.directory.mkdir(parents=True, exist_ok=True)
        marker.write_text(str(os.getpid()), encoding="utf-8")
    except OSError:
        pass  # opening the index reports what is wrong
    try:
        with index.open() as target:
            return index.sync(target, trials, meter)
    finally:  # after the lock is released: a query waiting on it never sees the lock held and no loader
        marker.unlink(missing_ok=True)


@contextlib.contextmanager
def progress_meter(what: str) -> Iterator[Meter]:
    """A :data:`~provbridge.query.loading.Meter` drawing a progress bar on stderr (when a terminal) per
    phase, labelled ``PHASE WHAT``; the bars are closed on exit."""
    from provbridge.progress import Progress

    bars: dict[str, Progress] = {}

    def meter(phase: str, done: int, total: int | None) -> None:
        bar = bars.get(phase)
        if bar is None:
            for old in bars.values():
                old.close()
            bar = bars[phase] = Progress(f"{phase} {what}", total, unit="B")
        bar.advance(done - bar.done)

    try:
        yield meter
    finally:
        for bar in bars.values():
            bar.close()


def load_with_progress(store: Store, trial: Trial) -> list[str]:
    """``provbridge run --index``: load ``trial`` now, with a progress bar on stderr (when a terminal)."""
    with progress_meter(f"trial {trial.id} for queries") as meter:
        return load(store, [trial], meter=meter, wait=WAIT)


def main(argv: Sequence[str]) -> int:
    """The detached loader: ``python -m provbridge.query.background STORE_DIR UUID``."""
    from provbridge.store.store import open_store

    store_dir, uuid = argv
    try:
        os.nice(10)  # after the user's own work
    except (AttributeError, OSError):
        pass
    started = time.monotonic()
    try:
        with open_store(store_dir) as store:
            load(store, [store.trial(uuid)], wait=WAIT)
    except Exception as exc:  # detached: nobody reads its output; the next query loads the trial itself
        print(f"provbridge: background index load failed after {time.monotonic() - started:.1f} s: {exc}",
              file=sys.stderr)
        return 1
    return 0


__all__ = ["ENV", "MIN_ROWS", "WAIT", "enabled", "load", "load_with_progress", "spawn", "worth_loading"]

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
