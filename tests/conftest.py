"""Shared fixtures: run real scripts under `provbridge run` in a temporary project, as a user would."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from provbridge.api import Store, Trial, open_store


@dataclass
class Project:
    """A temporary project directory with its own `.provbridge` store."""

    root: Path

    def write(self, name: str, text: str) -> Path:
        path = self.root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return path

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("PROVBRIDGE")}
        env["PYTHONDONTWRITEBYTECODE"] = "1"
        env["PROVBRIDGE_BACKGROUND_INDEX"] = "0"  # tests that want the background loader ask for it
        return env

    def run(self, *args: str, check: bool = True, input: str | None = None,
            timeout: float = 240) -> subprocess.CompletedProcess[str]:
        """`python -m provbridge ARGS` in the project directory."""
        proc = subprocess.run(
            [sys.executable, "-m", "provbridge", *args], cwd=self.root, env=self.env(), capture_output=True,
            text=True, input=input, timeout=timeout,
        )
        if check and proc.returncode != 0:
            raise AssertionError(f"provbridge {' '.join(args)} exited {proc.returncode}\n{proc.stderr}")
        return proc

    def python(self, *args: str, input: str | None = None) -> subprocess.CompletedProcess[str]:
        """Plain `python ARGS` in the project directory (the reference for transparency)."""
        return subprocess.run([sys.executable, *args], cwd=self.root, env=self.env(), capture_output=True,
                              text=True, input=input, timeout=240)

    def store(self) -> Store:
        return open_store(self.root / ".provbridge")

    def capture(self, source: str, *run_args: str, name: str = "script.py") -> Trial:
        """Write ``source`` as a script, run it under capture, and return its trial."""
        self.write(name, source)
        self.run("run", "-q", *run_args, name)
        return self.store().trial("last")


@pytest.fixture
def project(tmp_path: Path) -> Iterator[Project]:
    yield Project(tmp_path)


def names(versions: object) -> set[str]:
    """The set of variable names among versions (files excluded)."""
    return {v.name for v in versions if v.kind != "file"}  # type: ignore[attr-defined]


# Markers by folder, so `-m "not slow"`, `-m "not network"` or `-m "not graphviz"` select quick subsets.
_FOLDER_MARKERS = {"notebook": ("slow",), "remote": ("network", "slow"), "render": ("graphviz",)}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    tests_dir = Path(__file__).parent
    for item in items:
        try:
            folder = Path(str(item.path)).relative_to(tests_dir).parts[0]
        except ValueError:
            continue
        for marker in _FOLDER_MARKERS.get(folder, ()):
            item.add_marker(marker)
