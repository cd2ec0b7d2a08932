"""Lineage across trials by content (issue 19): the content entity every bundle's file versions
specialise, lineage.rq backward through the trials that wrote each input, impact_all.rq forward."""

from __future__ import annotations

import importlib.util
import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from provbridge.errors import VariableNotFoundError
from provbridge.query import impact, sparql
from provbridge.query.lineage import IMPACT_COLUMNS, LINEAGE_COLUMNS, impact_all, lineage
from provbridge.store.store import Store, open_store
from tests.conftest import Project
from tests.query import lineage_pipeline

PB = "https://w3id.org/provbridge/ns#"


@pytest.fixture(scope="module")
def pipeline(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Project, dict[str, str]]]:
    project = Project(tmp_path_factory.mktemp("lineage"))
    hashes = lineage_pipeline.build(project)
    yield project, hashes


@pytest.fixture
def store(pipeline: tuple[Project, dict[str, str]], monkeypatch: pytest.MonkeyPatch) -> Iterator[Store]:
    project, _ = pipeline
    monkeypatch.chdir(project.root)
    with project.store() as opened:
        yield opened


def nodes(frame) -> set[tuple[int, str, str]]:  # type: ignore[no-untyped-def]
    return {(row.trial, row.role, os.path.basename(row.name)) for row in frame.itertuples()}


def test_pipeline_trials(store: Store) -> None:
    assert {t.id: t.label for t in store.trials()} == lineage_pipeline.TRIALS


def test_file_versions_specialise_one_content_entity_across_bundles(
        store: Store, pipeline: tuple[Project, dict[str, str]]) -> None:
    _, hashes = pipeline
    content = f"{PB}sha256-{hashes['clean.csv']}"
    frame = sparql(store, "PREFIX prov: <http://www.w3.org/ns/prov#> PREFIX pb: <" + PB + "> "
                   "SELECT ?g ?sha WHERE { GRAPH ?g { ?v prov:specializationOf <" + content + "> ; "
                   "a pb:FileVersion ; pb:sha256 ?sha . <" + content + "> pb:sha256 ?sha } }")
    graphs = {f"https://w3id.org/provbridge/trial/{t.uuid}/bundle": t.id for t in store.trials()}
    # written by prepare, read by train and by the notebook; the decoy read other content
    assert {graphs[g] for g in frame["g"]} == {1, 2, 4}
    assert set(frame["sha"]) == {hashes["clean.csv"]}


def test_lineage_of_the_notebook_metric_reaches_raw_data(
        store: Store, pipeline: tuple[Project, dict[str, str]]) -> None:
    _, hashes = pipeline
    frame = lineage("metric", store=store)  # the last trial: the notebook
    assert list(frame.columns) == LINEAGE_COLUMNS
    assert nodes(frame) == {
        (4, "target", "metric"), (4, "read", "clean.csv"), (4, "read", "model.json"),
        (2, "read", "clean.csv"), (2, "wrote", "model.json"),
        (1, "read", "raw.csv"), (1, "wrote", "clean.csv"),
    }
    by_node = {(row.trial, row.role, os.path.basename(row.name)): row for row in frame.itertuples()}
    raw = by_node[1, "read", "raw.csv"]
    assert raw.sha256 == hashes["raw.csv"] and raw.depth == 1 and raw.trial_name is None
    assert frame.attrs["labels"][raw.uuid] == "prepare.py"
    assert by_node[4, "target", "metric"].depth == 0 and by_node[4, "target", "metric"].sha256 is None
    assert {row.sha256 for row in frame.itertuples() if row.name.endswith("clean.csv")} == {hashes["clean.csv"]}
    # edges: inside a trial from an input to its output, across trials from the writer to each read
    label = {row.iri: (row.trial, os.path.basename(row.name)) for row in frame.itertuples()}
    edges = {(label[a], label[b], kind) for a, b, kind in frame.attrs["edges"]}
    assert edges == {
        ((1, "raw.csv"), (1, "clean.csv"), "derived"),
        ((1, "clean.csv"), (2, "clean.csv"), "content"),
        ((1, "clean.csv"), (4, "clean.csv"), "content"),
        ((2, "clean.csv"), (2, "model.json"), "derived"),
        ((2, "model.json"), (4, "model.json"), "content"),
        ((4, "clean.csv"), (4, "metric"), "derived"),
        ((4, "model.json"), (4, "metric"), "derived"),
    }


def test_lineage_of_a_written_file_in_an_earlier_trial(store: Store) -> None:
    frame = lineage("model.json", trial=2, store=store)
    assert nodes(frame) == {(2, "target", "model.json"), (2, "read", "clean.csv"), (1, "read", "raw.csv"),
                            (1, "wrote", "clean.csv")}


def test_decoy_reading_other_content_has_its_own_lineage_only(store: Store) -> None:
    # the decoy read clean.csv after it was rewritten by hand: no trial wrote that content
    frame = lineage("decoy.json", trial=3, store=store)
    assert nodes(frame) == {(3, "target", "decoy.json"), (3, "read", "clean.csv")}
    assert 3 not in set(lineage("metric", store=store)["trial"])


def test_impact_of_raw_data_across_trials_reaches_the_metric(store: Store) -> None:
    frame = impact_all("raw.csv", trial=1, store=store)
    assert list(frame.columns) == IMPACT_COLUMNS
    assert set(frame["trial"]) == {1, 2, 4}  # not the decoy
    files = {(row.trial, row.role, os.path.basename(row.name)) for row in frame.itertuples() if row.kind == "file"}
    assert files == {(1, "wrote", "clean.csv"), (2, "read", "clean.csv"), (2, "wrote", "model.json"),
                     (4, "read", "clean.csv"), (4, "read", "model.json")}
    variables = {(row.trial, row.name) for row in frame.itertuples() if row.kind != "file"}
    assert {(1, "clean"), (2, "weight"), (4, "model"), (4, "metric")} <= variables
    assert not any(name in ("raw.csv", "csv", "json", "Path") for _, name in variables)
    metric = frame[(frame["trial"] == 4) & (frame["name"] == "metric")].iloc[0]
    assert metric["value"] == pytest.approx(1.5)
    assert list(frame["trial"]) == sorted(frame["trial"])


def test_impact_of_the_decoys_content_stays_in_the_decoy(store: Store) -> None:
    frame = impact_all("clean.csv", trial=3, store=store)
    assert set(frame["trial"]) == {3}
    assert {os.path.basename(n) for n in frame["name"]} >= {"decoy.json", "lines"}


def test_unknown_target_is_a_clear_error(store: Store) -> None:
    with pytest.raises(VariableNotFoundError, match="no variable or file 'nope' in trial 4"):
        lineage("nope", store=store)
    with pytest.raises(VariableNotFoundError, match="no variable or file 'nope' in trial 1"):
        impact_all("nope", trial=1, store=store)


def test_queries_are_packaged_with_documented_parameters() -> None:
    from provbridge.query.params import canned

    assert set(canned("lineage").params) == {"g", "var"}
    assert set(canned("impact_all").params) == {"g", "var", "level"}
    assert set(canned("lineage").columns) == {"target", "output", "outputPath", "outputSha256", "input",
                                              "inputPath", "inputSha256"}


def test_package_exports_the_functions() -> None:
    import provbridge.query

    assert provbridge.query.lineage is lineage and provbridge.query.impact_all is impact_all


def test_lineage_of_a_read_file_reaches_its_writer(store: Store) -> None:
    frame = lineage("clean.csv", trial=2, store=store)
    assert nodes(frame) == {(2, "target", "clean.csv"), (1, "wrote", "clean.csv"), (1, "read", "raw.csv")}


def test_another_trial_writing_the_same_content_is_not_a_written_targets_source(project: Project) -> None:
    project.write("a.txt", "a\n")
    project.write("b.txt", "b\n")
    project.capture("with open('a.txt') as f:\n    n = len(f.read())\nwith open('out.txt', 'w') as f:\n"
                    "    f.write(str(n))\n", name="a.py")
    project.capture("with open('b.txt') as f:\n    n = len(f.read())\nwith open('out.txt', 'w') as f:\n"
                    "    f.write(str(n))\n", name="b.py")  # the same content, from another input
    with project.store() as opened:
        first = lineage(str(project.root / "out.txt"), trial=1, store=opened)
        second = lineage(str(project.root / "out.txt"), trial=2, store=opened)
    assert nodes(first) == {(1, "target", "out.txt"), (1, "read", "a.txt")}
    assert nodes(second) == {(2, "target", "out.txt"), (2, "read", "b.txt")}


def test_impact_across_trials_is_one_walk_not_one_per_version(tmp_path: Path) -> None:
    path = Path(__file__).resolve().parents[2] / "benchmarks" / "bench_export.py"
    spec = importlib.util.spec_from_file_location("bench_export", path)
    assert spec and spec.loader
    bench = importlib.util.module_from_spec(spec)
    sys.modules["bench_export"] = bench
    spec.loader.exec_module(bench)
    store_dir = tmp_path / ".provbridge"
    store_dir.mkdir()
    bench.build_trial(store_dir, 5_000)
    with open_store(store_dir) as opened:
        trial = opened.trials()[0]
        within = impact("v1", trial=trial, store=opened, engine="memory")
        started = time.perf_counter()
        across = impact_all("v1", store=opened, engine="memory")
        elapsed = time.perf_counter() - started
    assert list(across["version"]) == list(within["version"])  # one trial: the same closure
    assert elapsed < 5.0, elapsed  # a walk per version of v1 took minutes
