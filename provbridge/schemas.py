"""Finds provbridge's own schema files, shipped as package resources in ``provbridge/resources/``."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from provbridge.errors import ProvbridgeError


def schema_file(name: str) -> Path:
    """The path of resource NAME (store.sql, prov-json.schema.json, provbridge-shapes.ttl, ...).

    The top-level ``schemas/`` folder of the repository is a link to the same files."""
    candidate = resources.files("provbridge") / "resources" / name
    path = Path(str(candidate))
    if not path.is_file():
        raise ProvbridgeError(f"cannot find the packaged resource {name} (looked in {path.parent})")
    return path
