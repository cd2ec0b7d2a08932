"""When a finished run is loaded into the query index: the ``$PROVBRIDGE_BACKGROUND_INDEX`` switch and the size
under which a trial loads at query time fast enough. Kept apart from provbridge.query, so that ``run`` decides
without importing the query layer (about 0.05-0.1 s of start-up on every small run)."""

from __future__ import annotations

import os

ENV = "PROVBRIDGE_BACKGROUND_INDEX"  # "0" (or "off", "no", "false"): never; "always": whatever the size
MIN_ROWS = 2_000  # executions + versions under which a trial loads in about a second at query time


def setting() -> str:
    """``$PROVBRIDGE_BACKGROUND_INDEX``, normalised (default ``1``: on)."""
    return os.environ.get(ENV, "1").strip().lower()


def enabled() -> bool:
    """Whether background loading is switched on (default on)."""
    return setting() not in ("0", "off", "no", "false")


def always() -> bool:
    """Whether every finished trial is loaded, whatever its size (``always``)."""
    return setting() == "always"


def may_be_worth_it(ids_used: int) -> bool:
    """Whether a run that used ``ids_used`` ids (executions and versions share one count) may reach
    MIN_ROWS, or loading is asked for whatever the size: the cheap test before looking at the store."""
    return enabled() and (always() or 2 * ids_used >= MIN_ROWS)
