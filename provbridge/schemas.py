"""Finds provbridge's schema files: the repository's ``schemas/`` folder, or its copy inside a wheel."""

from __future__ import annotations

from pathlib import Path

from provbridge.errors import ProvbridgeError

_PACKAGE = Path(__file__).resolve().parent
CANDIDATES = (_PACKAGE.parent / "schemas", _PACKAGE / "resources")


def schema_file(name: str) -> Path:
    """The path of ``schemas/NAME`` (store.sql, prov-json.schema.json, provbridge-shapes.ttl, ...)."""
    for folder in CANDIDATES:
        candidate = folder / name
        if candidate.is_file():
            return candidate
    raise ProvbridgeError(f"cannot find {name} (looked in {', '.join(str(c) for c in CANDIDATES)})")
