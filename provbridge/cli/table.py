"""Plain-text tables for the terminal: re-exported from :mod:`provbridge.tables`, where they live."""

from __future__ import annotations

from provbridge.tables import MAX_CELL, cell, format_table

__all__ = ["MAX_CELL", "cell", "format_table"]
