"""The one default granularity of every query entry point, and the wording of headings that name it."""

from __future__ import annotations

from typing import Any

from provbridge.errors import QueryError

DEFAULT_GRANULARITY: int | None = None
"""The granularity a query uses when none is given: None means the trial's own (what it was recorded at),
so a query answers with everything the trial recorded and no more. Used by deps, impact, dot (CLI and
API), the noWorkflow aliases and the render API."""

LEVELS = (0, 1)


def query_granularity(requested: int | bool | None, trial: Any) -> int:
    """The level a query over ``trial`` uses: ``requested`` (0 or 1), else the trial's own granularity."""
    if requested is None:
        own = getattr(trial, "granularity", None)
        return 1 if own is None else min(max(int(own), 0), 1)
    try:
        level = int(requested)
    except (TypeError, ValueError):
        raise QueryError(f"granularity must be 0 or 1, not {requested!r}") from None
    if level not in LEVELS:
        raise QueryError(f"granularity must be 0 or 1, not {requested!r}")
    return level


def granularity_note(level: int, trial: Any) -> str:
    """``query granularity L, trial recorded at granularity G`` for headings and titles."""
    own = getattr(trial, "granularity", None)
    recorded = "unknown" if own is None else str(own)
    return f"query granularity {level}, trial recorded at granularity {recorded}"


def cli_help(what: str = "") -> str:
    """The help text of a ``--granularity`` option."""
    return ("0: top-level variables and files only; 1: also inside user functions "
            f"(default: the granularity the trial was recorded at{what})")
