"""The persistent index: loaded once per finished trial, incrementally; changed trials reloaded; the
per-process cache and the in-memory store of running trials give the same answers."""

from __future__ import annotations

import json
import subprocess
import sys
import time

import pyoxigraph
import pytest

from provbridge.errors import QueryError, VariableNotFoundError
from provbridge.manage.housekeeping import annotate_trial, rename_trial, tag_trial
from provbridge.query import (
    compare_trials,
    deps,
    impact,
    impact_all,
    lineage,
    loading,
    sparql,
    tagged_values,
    values_across,
)
from provbridge.query import index as index_module
from provbridge.query.engine import dataset
from provbridge.query.index import LOCK_TIMEOUT, LOCK_TIMEOUT_ENV, QueryIndex, lock_wait
from provbridge.query.loading import LOADS
from tests.query.helpers import DATAFLOW, capture_dataflow


def _meta(project, full: bool = False) -> dict:  # type: ignore[no-untyped-def]
    """index.json of the lean index (canned queries), or with ``full`` of the full one (other SPARQL)."""
    directory = project.root / ".provbridge" / "query"
    return json.loads((directory / "full" / "index.json" if full else directory / "index.json").read_text())


def test_incremental_loading(project) -> None:  # type: ignore[no-untyped-def]
    first = capture_dataflow(project)
    project.run("deps", "e")
    meta = _meta(project)
    assert meta["loads"] == 1 and meta["trials"][first.uuid]["loads"] == 1
    project.run("deps", "e")  # a second query, in another process, loads nothing
    project.run("impact", "a")
    assert _meta(project)["loads"] == 1

    second = project.capture(DATAFLOW.replace("b = 3", "b = 4"))
    project.run("deps", "e")  # the new trial is added; the old one is not reloaded
    meta = _meta(project)
    assert meta["loads"] == 2
    assert meta["trials"][first.uuid]["loads"] == 1 and meta["trials"][second.uuid]["loads"] == 1
    assert not (project.root / ".provbridge" / "query" / "full").exists()  # canned queries: lean index only
    project.run("query", "--all", "-e", "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")  # the full index, once
    assert _meta(project)["loads"] == 2 and _meta(project, full=True)["loads"] == 2
    project.run("query", "--all", "-e", "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    assert _meta(project, full=True)["loads"] == 2

    project.run("rename", str(first.id), "baseline")  # its name changed: rewritten in place, not reloaded
    out = project.run("query", "-e", 'ASK { ?t <https://w3id.org/provbridge/ns#name> "baseline" }')
    assert out.stdout.strip() == "true"
    project.run("deps", "e")
    for full in (False, True):
        meta = _meta(project, full)
        assert meta["loads"] == 2 and meta["trials"][first.uuid]["loads"] == 1
        assert meta["trials"][second.uuid]["loads"] == 1


TRIAL_TRIPLES = """SELECT ?p ?o WHERE { GRAPH ?g { ?t a <https://w3id.org/provbridge/ns#Trial> ; ?p ?o
  FILTER(!isBlank(?o)) } }"""


def test_annotations_rewritten_in_place_equal_a_fresh_load(project) -> None:  # type: ignore[no-untyped-def]
    trial = capture_dataflow(project)
    store = project.store()
    sparql(store, TRIAL_TRIPLES, trials=[trial.id], engine="index")
    loads = _meta(project, full=True)["loads"]
    rename_trial(trial.id, "baseline", store=store)
    annotate_trial(trial.id, "first try", store=store)
    tag_trial(trial.id, "stage", "train", store=store)
    tag_trial(trial.id, "keep", store=store)

    def rows(engine: str) -> set[tuple[str, str]]:
        frame = sparql(store, TRIAL_TRIPLES, trials=[trial.id], engine=engine)
        return {(str(p), str(o)) for p, o in frame.itertuples(index=False)}

    pb = "https://w3id.org/provbridge/ns#"
    after = rows("index")
    assert after == rows("memory")  # what a full load of the changed trial gives
    assert {(p, o) for p, o in after if p in (pb + "name", pb + "note", pb + "tag")} == {
        (pb + "name", "baseline"), (pb + "note", "first try"), (pb + "tag", "stage=train"), (pb + "tag", "keep")}
    assert ("http://www.w3.org/2000/01/rdf-schema#label", "baseline") in after
    tag_trial(trial.id, "keep", remove=True, store=store)
    annotate_trial(trial.id, "", store=store)
    after = rows("index")
    assert after == rows("memory")
    assert (pb + "tag", "keep") not in after and not any(p == pb + "note" for p, _ in after)
    assert _meta(project, full=True)["loads"] == loads  # never reloaded


def test_deleted_trials_leave_the_index(project) -> None:  # type: ignore[no-untyped-def]
    first = capture_dataflow(project)
    second = project.capture(DATAFLOW)
    project.run("query", "-e", "SELECT * WHERE { ?s ?p ?o } LIMIT 1")  # the full index
    values_across("e", store=project.root / ".provbridge", engine="index")  # the lean index
    for full in (False, True):
        assert set(_meta(project, full)["trials"]) == {first.uuid, second.uuid}
    project.run("delete", str(first.id), *(["--yes"] if "--yes" in project.run("delete", "-h").stdout else []))
    project.run("query", "-e", "SELECT * WHERE { ?s ?p ?o } LIMIT 1")
    values_across("e", store=project.root / ".provbridge", engine="index")
    for full in (False, True):
        meta = _meta(project, full)
        assert set(meta["trials"]) == {second.uuid}
        assert meta["trials"][second.uuid]["loads"] == 1  # its graph was kept: only the deleted one removed


def test_index_starts_again_when_most_of_it_is_deleted(project) -> None:  # type: ignore[no-untyped-def]
    """Deleting a trial larger than all the others together drops the whole on-disk store and reloads the
    rest (removing a big graph from RocksDB is several times slower than loading the others); what is
    left answers as before."""
    small = capture_dataflow(project)
    big = project.capture("total = 0\nfor i in range(400):\n    total += i\n", "--fold", "1000")
    values_across("total", store=project.root / ".provbridge", engine="index")  # every trial into the lean index
    meta = _meta(project)
    assert meta["trials"][big.uuid]["bytes"] > meta["trials"][small.uuid]["bytes"]
    expected = project.run("deps", "e", "--trial", str(small.id), "--json").stdout
    project.run("delete", str(big.id), *(["--yes"] if "--yes" in project.run("delete", "-h").stdout else []))
    assert project.run("deps", "e", "--trial", str(small.id), "--json").stdout == expected
    meta = _meta(project)
    assert set(meta["trials"]) == {small.uuid} and meta["trials"][small.uuid]["loads"] == 1  # loaded afresh
    assert meta["loads"] == 3
    index = project.root / ".provbridge" / "query"
    stray = pyoxigraph.Store(str(index / "oxigraph"))  # a graph the metadata does not know of
    stray.add(pyoxigraph.Quad(pyoxigraph.NamedNode("urn:s"), pyoxigraph.NamedNode("urn:p"),
                              pyoxigraph.Literal("o"), pyoxigraph.NamedNode("urn:stray")))
    del stray
    (index / "index.json").unlink()  # an index without its metadata is rebuilt, not trusted
    assert project.run("deps", "e", "--trial", str(small.id), "--json").stdout == expected
    with QueryIndex(project.store()).open() as target:
        assert not target.contains_named_graph(pyoxigraph.NamedNode("urn:stray"))


def test_engines_agree_and_cache_loads_once(project) -> None:  # type: ignore[no-untyped-def]
    trial = capture_dataflow(project)
    expected = list(deps("e", trial=trial, engine="index")["version"])
    before = LOADS[trial.uuid]
    for _ in range(3):
        assert list(deps("e", trial=trial, engine="cache")["version"]) == expected
    assert LOADS[trial.uuid] == before + 1
    assert list(deps("e", trial=trial, engine="memory")["version"]) == expected


def test_busy_index_falls_back_to_memory(project) -> None:  # type: ignore[no-untyped-def]
    trial = capture_dataflow(project)
    index = QueryIndex(trial.store, lock_timeout=0.1)
    with index.open():
        # another process cannot get the index now: after the wait the environment sets (the default is
        # 10 s) it answers from a fresh in-memory store
        started = time.monotonic()
        out = subprocess.run([sys.executable, "-m", "provbridge", "deps", "e", "--json"], cwd=project.root,
                             env={**project.env(), LOCK_TIMEOUT_ENV: "0.2"}, capture_output=True, text=True,
                             timeout=240, check=True)
        assert time.monotonic() - started < LOCK_TIMEOUT
        assert [v["name"] for v in json.loads(out.stdout)["versions"]][:3] == ["scale", "a", "b"]
    with dataset(trial.store, [trial]) as data:
        assert data.persistent


def test_lock_wait_from_the_environment(project, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    store = capture_dataflow(project).store
    monkeypatch.delenv(LOCK_TIMEOUT_ENV, raising=False)
    assert lock_wait() == LOCK_TIMEOUT == 10.0
    monkeypatch.setenv(LOCK_TIMEOUT_ENV, "0.25")
    assert lock_wait() == 0.25
    assert QueryIndex(store).lock_timeout == 0.25
    assert QueryIndex(project.store(), lock_timeout=3).lock_timeout == 3
    for bad in ("soon", "-1", "nan"):
        monkeypatch.setenv(LOCK_TIMEOUT_ENV, bad)
        with pytest.raises(QueryError, match=f"^{LOCK_TIMEOUT_ENV}='{bad}' is not a number of seconds$"):
            lock_wait()


def test_queries_open_a_current_index_read_only(project) -> None:  # type: ignore[no-untyped-def]
    trial = capture_dataflow(project)
    index = QueryIndex(trial.store)
    with index.open([trial]) as target:  # not loaded yet: read-write, and the load happens here
        assert not index.readonly() and index.sync(target, [trial]) == [trial.uuid]
    assert index.current([trial])
    with index.open([trial]) as target:  # loaded: nothing to write, so RocksDB is opened read-only
        assert index.readonly() and index.sync(target, [trial]) == []
        with pytest.raises(RuntimeError, match="read-write"):
            target.add(pyoxigraph.Quad(pyoxigraph.NamedNode("http://a/b"), pyoxigraph.NamedNode("http://a/c"),
                                       pyoxigraph.Literal("x"), pyoxigraph.NamedNode("http://a/g")))
    with index.open() as target:  # the background loader's way: always writable
        assert not index.readonly()
    rename_trial(trial.id, "renamed", store=trial.store)  # the signature changed: the next query must write
    assert not index.current([trial.store.trial(trial.uuid)])


def test_an_update_reopens_a_read_only_index_for_writing(project) -> None:  # type: ignore[no-untyped-def]
    trial = capture_dataflow(project)
    with dataset(trial.store, [trial], engine="index") as data:  # loads the trial into the full index
        assert data.query("ASK { ?s ?p ?o }").boolean
    update = 'INSERT DATA { GRAPH <http://example.org/notes> { <http://a/b> <http://a/c> "note" } }'
    with dataset(trial.store, [trial], engine="index") as data:
        assert data.query("ASK { ?s ?p ?o }").boolean
        assert data.tiers[True][1].readonly()  # it held the trial: opened read-only
        assert data.query(update, allow_update=True).kind == "update"
        assert not data.tiers[True][1].readonly()
    with dataset(trial.store, engine="index") as data:  # the update was kept
        assert data.query('ASK { GRAPH <http://example.org/notes> { <http://a/b> <http://a/c> "note" } }').boolean


def test_a_bulk_load_is_compacted_and_answers_the_same(project, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    trial = capture_dataflow(project)
    expected = list(deps("e", trial=trial, engine="memory")["version"])
    monkeypatch.setattr(loading, "SMALL", 0)  # every load a bulk load, compacted after it
    monkeypatch.setattr(index_module, "SMALL", 0)
    monkeypatch.setattr(index_module, "BULK_BATCH", 0)  # the lean index compacted too
    index = QueryIndex(trial.store)
    with index.open() as target:
        assert index.sync(target, [trial]) == [trial.uuid]
    assert list(deps("e", trial=trial, engine="index")["version"]) == expected


def test_canned_questions_never_load_the_full_index(project) -> None:  # type: ignore[no-untyped-def]
    """deps, impact, lineage, impact_all, values, tagged values and comparisons (and lineage's check of
    an unknown name) run on the lean index; the first other SPARQL loads the full one, which answers it
    as a fresh in-memory load does."""
    first = capture_dataflow(project)
    second = project.capture(DATAFLOW.replace("b = 3", "b = 4"))
    store = project.store()
    for trial in (first, second):
        deps("e", trial=trial.id, store=store, engine="index")
        impact("a", trial=trial.id, store=store, engine="index")
        lineage("e", trial=trial.id, store=store, engine="index")
        impact_all("a", trial=trial.id, store=store, engine="index")
    values_across("e", store=store, engine="index")
    tagged_values("metric", store=store, engine="index")
    compare_trials(first.id, second.id, store=store, engine="index")
    with pytest.raises(VariableNotFoundError):
        lineage("nothing", trial=first.id, store=store, engine="index")
    full = project.root / ".provbridge" / "query" / "full"
    assert not full.exists() and set(_meta(project)["trials"]) == {first.uuid, second.uuid}
    every = "SELECT ?s ?p ?o WHERE { ?s ?p ?o }"
    rows = {tuple(map(str, row)) for row in sparql(store, every, engine="index").itertuples(index=False)}
    assert full.exists() and set(_meta(project, full=True)["trials"]) == {first.uuid, second.uuid}
    assert rows == {tuple(map(str, row)) for row in sparql(store, every, engine="memory").itertuples(index=False)}


def test_a_missing_name_is_found_missing_on_the_lean_index(project) -> None:  # type: ignore[no-untyped-def]
    trial = capture_dataflow(project)
    with pytest.raises(VariableNotFoundError, match="'nothing'"):
        deps("nothing", trial=trial.id, store=project.store(), engine="index")
    assert not (project.root / ".provbridge" / "query" / "full").exists()
