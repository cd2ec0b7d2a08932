"""``provbridge convert`` on each of the ``prov`` wheel's malformed documents: exit 2, one line on stderr,
no traceback, no output file."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import Project
from tests.imports.malformed import malformed_files

# the files whose extension names no syntax convert reads: the error says to give --from
NO_FORMAT = {"empty.rdf"}


@pytest.mark.parametrize("path", malformed_files(), ids=lambda p: p.name)
def test_convert_rejects_in_one_line(project: Project, path: Path) -> None:
    proc = project.run("convert", str(path), "out.json", check=False)
    assert (proc.returncode, proc.stdout) == (2, "")
    (line,) = proc.stderr.splitlines()
    where = "" if path.name in NO_FORMAT else f"{path}: "
    assert line.startswith(f"provbridge: error: {where}") and "Traceback" not in proc.stderr
    assert not (project.root / "out.json").exists()
