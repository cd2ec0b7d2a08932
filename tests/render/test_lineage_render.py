"""The lineage diagram (issue 19): one cluster per trial, laid out by the real Graphviz `dot`."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from provbridge.errors import RenderError
from provbridge.query.lineage import LINEAGE_COLUMNS, lineage
from provbridge.render.lineage import lineage_dot, quote, save_lineage
from tests.conftest import Project
from tests.query import lineage_pipeline
from tests.render.helpers import SVG, parse_dot, parse_svg

CLUSTERS = {"trial 1: prepare.py", "trial 2: train.py", "trial 4: evaluate.ipynb"}


@pytest.fixture(scope="module")
def frame(tmp_path_factory: pytest.TempPathFactory) -> Iterator[pd.DataFrame]:
    project = Project(tmp_path_factory.mktemp("lineage_render"))
    lineage_pipeline.build(project)
    with project.store() as store:
        yield lineage("metric", store=store)


def short(label: str) -> str:
    """A node's first label line without its version: the variable or the file's name."""
    return label.splitlines()[0].rpartition("@")[0]


def test_svg_has_one_cluster_per_trial(frame: pd.DataFrame, tmp_path: Path) -> None:
    out = tmp_path / "lineage.svg"
    save_lineage(frame, out, title="lineage of metric")
    root = ET.fromstring(out.read_bytes())
    clusters = {g.findtext(f"{SVG}title"): " ".join(t.text or "" for t in g.iter(f"{SVG}text"))
                for g in root.iter(f"{SVG}g") if "cluster" in (g.get("class") or "").split()}
    assert set(clusters.values()) == CLUSTERS
    parsed = parse_svg(out.read_bytes())
    assert sorted(short(label) for label in parsed.nodes()) == [
        "clean.csv", "clean.csv", "clean.csv", "metric", "model.json", "model.json", "raw.csv"]
    edges = {(short(a), short(b), rel) for a, b, rel in parsed.edges}
    assert edges == {
        ("raw.csv", "clean.csv", "wasDerivedFrom"), ("clean.csv", "clean.csv", "same content"),
        ("clean.csv", "model.json", "wasDerivedFrom"), ("model.json", "model.json", "same content"),
        ("clean.csv", "metric", "wasDerivedFrom"), ("model.json", "metric", "wasDerivedFrom"),
    }
    assert len(parsed.edges) == 7 and len(frame.attrs["edges"]) == 7
    assert {name for name, cls in parsed.classes.items() if "pb-target" in cls} \
        == {name for name, label in parsed.labels.items() if short(label) == "metric"}


def test_dot_source_clusters_and_classes(frame: pd.DataFrame) -> None:
    source = lineage_dot(frame)
    assert source.count("subgraph cluster_") == 3
    assert {line.split('label="', 1)[1].split('"', 1)[0] for line in source.splitlines()
            if "graph [label=" in line and "cluster" not in line and "lineage of" not in line} == CLUSTERS
    assert 'label="lineage of metric"' in source
    parsed = parse_dot(source)
    roles = sorted(next(c for c in cls if c.startswith("pb-")) for cls in parsed.classes.values())
    assert roles == ["pb-read"] * 4 + ["pb-target"] + ["pb-wrote"] * 2


def test_labels_are_quoted_for_graphviz() -> None:
    assert quote('a "b" \\ c\nd') == '"a \\"b\\" \\\\ c\\nd"'
    frame = pd.DataFrame([{"depth": 0, "trial": 1, "uuid": "u1", "trial_name": 'my "run"', "role": "target",
                           "name": 'x"y', "version": 3, "sha256": None, "iri": "urn:x"}], columns=LINEAGE_COLUMNS)
    frame.attrs["edges"] = []
    frame.attrs["labels"] = {"u1": 'my "run"'}
    source = lineage_dot(frame)
    assert 'label="trial 1: my \\"run\\""' in source
    parsed = parse_dot(source)
    assert list(parsed.labels.values()) == ['x"y@3']


def test_unknown_image_format_is_an_error(frame: pd.DataFrame, tmp_path: Path) -> None:
    with pytest.raises(RenderError, match="cannot tell the output format"):
        save_lineage(frame, tmp_path / "lineage.xyz")
