"""benchmarks/bench_query.py still runs against the package (a small size): the engines and rdflib agree."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

import bench_query


def test_small_run_agrees_across_engines(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "query.json"
    assert bench_query.main(["--sizes", "1000", "--rdflib-max", "1000", "--json", str(out)]) == 0
    (row,) = json.loads(out.read_text())
    # bench_export's generator: 8 records per step, the last variable derives from every earlier step
    assert (row["records"], row["steps"], row["backward_rows"]) == (1000, 125, 124)
    assert row["rdflib_backward_rows"] == row["backward_rows"] and row["rdflib_compare_rows"] == row["compare_rows"]
    assert "closure of 124 versions" in capsys.readouterr().out
