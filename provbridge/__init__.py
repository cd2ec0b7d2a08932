"""provbridge: record how Python scripts and notebooks produce their results, as W3C PROV."""

from __future__ import annotations

__version__ = "0.1.0"
