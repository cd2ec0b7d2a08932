"""The malformed PROV documents shipped in the installed ``prov`` wheel (``prov/tests/malformed``), read at
test time: none when the package or the folder is absent (the tests over them are then skipped)."""

from __future__ import annotations

import importlib.util
from pathlib import Path


def malformed_files(suffix: str = "") -> list[Path]:
    """The wheel's malformed documents whose names end with ``suffix``, sorted."""
    spec = importlib.util.find_spec("prov")
    if spec is None or spec.origin is None:
        return []
    folder = Path(spec.origin).parent / "tests" / "malformed"
    return sorted(p for p in folder.iterdir() if p.name.endswith(suffix)) if folder.is_dir() else []
