"""``provbridge import`` of a document that fails PROV-CONSTRAINTS unification: a warning, the document
stored as it is, and ``deps`` on it saying so before its answer."""

from __future__ import annotations

import json

from tests.conftest import Project
from tests.imports.test_lossless import CONFLICT


def test_import_warns_and_deps_says_the_document_fails_unification(project: Project) -> None:
    path = project.write("conflict.json", json.dumps(CONFLICT))
    done = project.run("import", "conflict.json")
    assert done.stderr.splitlines() == [
        f"provbridge: warning: {path}: invalid PROV (stored as it is): unification: Constraint 23 "
        "(key-properties): wasGeneratedBy ex:g: ex:other and ex:out differ "
        "[wasGeneratedBy(ex:g; ex:other, ex:a2, -); wasGeneratedBy(ex:g; ex:out, ex:a1, -)]"]
    deps = project.run("deps", "ex:out", "--json")
    names = sorted(v["name"] for v in json.loads(deps.stdout)["versions"])
    assert names == ["ex:a1", "ex:a2", "ex:in"]  # ex:g's two generations joined: the warning says why
    message = ("imported trial 1 fails PROV-CONSTRAINTS unification (identifiers reused with conflicting "
               "arguments: ex:g); dependencies through them join all their records")
    assert any(line.endswith(message) for line in deps.stderr.splitlines())
    assert "Traceback" not in deps.stderr
    quiet = project.run("deps", "ex:in", "--json", "--trial", "1")
    assert message in quiet.stderr  # every query on the trial says it
