"""``provbridge import`` on each of the ``prov`` wheel's malformed documents: exit 2, one line on stderr
naming the file, no traceback, nothing stored."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import Project
from tests.imports.malformed import malformed_files


@pytest.mark.parametrize("path", malformed_files(), ids=lambda p: p.name)
def test_import_rejects_in_one_line(project: Project, path: Path) -> None:
    proc = project.run("import", str(path), check=False)
    assert (proc.returncode, proc.stdout) == (2, "")
    (line,) = proc.stderr.splitlines()
    assert line.startswith(f"provbridge: error: {path}: ") and "Traceback" not in proc.stderr
    if (project.root / ".provbridge").exists():
        assert project.store().trials() == []
