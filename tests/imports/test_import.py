"""provbridge import: trials, bundles and provenance of imported documents, all-or-nothing imports, CLI
errors, exports of mixed documents, and streaming a large N-Quads file in bounded memory."""

from __future__ import annotations

import gc
import hashlib
import io
import json
import tracemalloc
from pathlib import Path

import pytest

from provbridge.api import Store, open_store
from provbridge.errors import FormatError
from provbridge.export import export_bytes, format_names
from provbridge.imports import graph_info, import_document
from tests.conftest import Project
from tests.imports.corpus import CORPUS, graph
from tests.imports.test_queries import MODEL_DEPS, UNQUALIFIED, answer

BUNDLES = """
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix ex: <http://example.org/> .
ex:b1 a prov:Bundle, prov:Entity ; prov:wasAttributedTo ex:alice .
ex:alice a prov:Agent .
ex:b1 { ex:x a prov:Entity ; prov:wasDerivedFrom ex:y . ex:y a prov:Entity . }
ex:b2 { ex:z a prov:Entity ; prov:wasDerivedFrom [ a prov:Entity ] . }
"""


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return open_store(tmp_path / ".provbridge", create=True)


def counts(store: Store) -> tuple[int, int, int, int]:
    return tuple(store.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # type: ignore[return-value]
                 for table in ("trials", "imports", "import_graphs", "import_chunks"))


def nquads(path: Path, triples: int, *, broken: bool = False) -> Path:
    """A generated N-Quads file: a derivation chain of ``triples // 2`` entities in one named graph."""
    with open(path, "w", encoding="utf-8") as out:
        graph_name = "<http://example.org/g>"
        for i in range(triples // 2):
            out.write(f"<http://example.org/e{i}> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> "
                      f"<http://www.w3.org/ns/prov#Entity> {graph_name} .\n")
            out.write(f"<http://example.org/e{i}> <http://www.w3.org/ns/prov#wasDerivedFrom> "
                      f"<http://example.org/e{i + 1}> {graph_name} .\n")
        if broken:
            out.write("<http://example.org/last> <http://example.org/p> \"unterminated .\n")
    return path


def test_bundles_become_trials(store: Store, tmp_path: Path) -> None:
    source = tmp_path / "two.trig"
    source.write_text(BUNDLES, encoding="utf-8")
    trials = import_document(store, source)
    assert [(t.id, t.name, t.kind, t.status) for t in trials] == [
        (1, "two", "imported", "finished"), (2, "two/b1", "imported", "finished"),
        (3, "two/b2", "imported", "finished")]
    rows = store.conn.execute("SELECT trial_id, source, sha256, format, original FROM imports ORDER BY 1").fetchall()
    digest = hashlib.sha256(source.read_bytes()).hexdigest()
    assert rows == [(1, str(source), digest, "trig", None), (2, str(source), digest, "trig", "http://example.org/b1"),
                    (3, str(source), digest, "trig", "http://example.org/b2")]
    assert [(i.graph, i.triples, i.prov) for i in map(graph_info, trials)] == [
        (None, 4, 4), ("<http://example.org/b1>", 3, 3), ("<http://example.org/b2>", 3, 3)]
    # the default graph says more than "b1 is a bundle": it is a trial of its own, kept whole
    assert len(graph(trials[0])) == 4
    # importing the same bytes again is recognised
    assert [t.id for t in import_document(store, source)] == [1, 2, 3]
    assert counts(store)[0] == 3


def test_mixed_export_and_stream_api(project: Project, store: Store) -> None:
    captured = project.capture("a = 1\nb = a + 1\n")
    with project.store() as opened:
        (imported,) = import_document(opened, io.BytesIO(UNQUALIFIED.encode()), "ttl", source="remote:x")
        assert opened.conn.execute("SELECT source, format FROM imports").fetchall() == [("remote:x", "ttl")]
        trials = [opened.trial(captured.id), imported]
        for fmt in format_names():
            data = export_bytes(trials, fmt)
            assert data
            back = import_document(opened, io.BytesIO(data), fmt)
            assert len(back) == (2 if fmt not in ("ttl", "nt") else 1)
        nq = export_bytes(trials, "nq").decode()
        assert "<http://example.org/model> <http://www.w3.org/ns/prov#wasDerivedFrom> <http://example.org/clean>" in nq
        assert f"{captured.uuid}/v" in nq  # the captured trial's versions are there too
        assert answer(imported.deps("model")) == MODEL_DEPS


def test_invalid_file_stores_nothing_cli(project: Project) -> None:
    project.capture("x = 1\n")
    good = project.write("good.ttl", UNQUALIFIED)
    bad = nquads(project.root / "bad.nq", 50_000, broken=True)  # fails after several stored chunks
    empty = project.write("empty.json", "{}")
    proc = project.run("import", str(good), str(bad), str(empty), check=False)
    assert proc.returncode == 2
    lines = proc.stderr.splitlines()
    assert len(lines) == 2
    assert lines[0] == (f"provbridge: error: {bad}: not valid nq (Parser error between line 50001 column 50 and "
                        "line 50002 column 1: Unexpected end of file (line 50001))")
    assert lines[1] == f"provbridge: error: {empty}: holds no PROV records (empty document)"
    assert proc.stdout.splitlines() == [f"trial 2 'good': 19 triples, 18 in PROV-O (from {good})"]
    with project.store() as opened:
        assert [(t.id, t.kind) for t in opened.trials()] == [(1, "script"), (2, "imported")]
        assert counts(opened) == (2, 1, 1, 1)
        assert opened.trial(1).versions("x")


@pytest.mark.parametrize(("args", "message"), [
    (["import"], "nothing to import: give PROV documents or --noworkflow PATH"),
    (["import", "missing.ttl"], "{root}/missing.ttl: no such file"),
    (["import", "doc.ttl", "--format", "pdf"], "unknown import format 'pdf' (choose from json, xml, provn, "
                                               "jsonld, ttl, trig, nq, nt, rdf)"),
    (["import", "doc.txt"], "cannot tell the format of 'doc.txt' from its extension; give --format (json, xml, "
                            "provn, jsonld, ttl, trig, nq, nt, rdf)"),
    (["import", "doc.ttl", "--trial", "1"], "--trial selects noWorkflow trials; it needs --noworkflow PATH"),
])
def test_cli_errors_one_line(project: Project, args: list[str], message: str) -> None:
    project.write("doc.ttl", UNQUALIFIED)
    project.write("doc.txt", UNQUALIFIED)
    proc = project.run(*args, check=False)
    assert proc.returncode == 2
    assert proc.stderr == f"provbridge: error: {message.format(root=project.root)}\n"


def test_cli_import_then_query(project: Project) -> None:
    project.write("doc.ttl", UNQUALIFIED)
    assert project.run("import", "doc.ttl", "--name", "pipeline").stdout == (
        "trial 1 'pipeline': 19 triples, 18 in PROV-O (from doc.ttl)\n")
    result = json.loads(project.run("deps", "model", "--trial", "pipeline", "--json").stdout)
    assert [(v["kind"], v["name"]) for v in result["versions"]] == MODEL_DEPS
    table = project.run("deps", "model", "--trial", "pipeline").stdout
    assert "@None" not in table and all(name in table for _, name in MODEL_DEPS)
    impact = json.loads(project.run("impact", "ex:report", "--json").stdout)
    assert impact["versions"] == []


def test_streaming_bounded_memory(store: Store, tmp_path: Path) -> None:
    peaks = {}
    for size in (40_000, 200_000):
        source = nquads(tmp_path / f"chain{size}.nq", size)
        gc.collect()
        tracemalloc.start()
        (trial,) = import_document(store, source)
        peaks[size] = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        assert graph_info(trial).triples == size  # type: ignore[union-attr]
        chunks = store.conn.execute("SELECT count(*) FROM import_chunks WHERE trial_id = ?", (trial.id,)).fetchone()
        assert chunks[0] == -(-size // 20000)
    print(f"\npeak Python memory importing N-Quads: {peaks[40_000] / 1e6:.1f} MB for 40k triples, "
          f"{peaks[200_000] / 1e6:.1f} MB for 200k ({(tmp_path / 'chain200000.nq').stat().st_size / 1e6:.0f} MB file)")
    assert peaks[200_000] < 1.3 * peaks[40_000] + 1e6  # five times the triples, (nearly) the same memory
    assert peaks[200_000] < 16e6


def test_malformed_corpus_via_cli(project: Project) -> None:
    files = sorted(str(p) for p in (CORPUS / "malformed").iterdir())
    proc = project.run("import", *files, check=False)
    assert proc.returncode == 2 and proc.stdout == ""
    assert len(proc.stderr.splitlines()) == len(files) == 17


def test_rejects_non_prov_graph_in_document(store: Store) -> None:
    text = BUNDLES + "\n<http://example.org/b3> { <http://example.org/s> <http://example.org/p> 1 . }\n"
    with pytest.raises(FormatError, match=r"^<stream>: graph <http://example.org/b3> holds no PROV records "
                                          r"\(1 triples, none in the PROV-O vocabulary\)$"):
        import_document(store, io.BytesIO(text.encode()), "trig")
    assert counts(store) == (0, 0, 0, 0)


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bar_on_a_terminal(store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    terminal = _Terminal()
    monkeypatch.setattr("sys.stderr", terminal)
    monkeypatch.setattr("provbridge.progress.INTERVAL", 0.0)
    source = nquads(tmp_path / "chain.nq", 100_000)
    import_document(store, source)
    text = terminal.getvalue()
    assert "\rimporting chain.nq " in text and text.endswith("\r\x1b[K")
    assert f"/{source.stat().st_size / (1 << 20):.1f} MB" in text
    monkeypatch.setattr("sys.stderr", terminal := _Terminal())
    import_document(store, nquads(tmp_path / "other.nq", 1000), progress=False)
    assert terminal.getvalue() == ""
