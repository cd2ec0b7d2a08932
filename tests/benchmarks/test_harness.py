"""Tests of benchmarks/harness.py: the per-iteration slope and the CPU seconds of a child process."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

from harness import OK, run_child, slope


def test_slope_is_the_cost_of_one_more_iteration() -> None:
    # 0.05 s fixed cost plus 2 us per iteration, at three lengths
    points = [(n, 0.05 + 2e-6 * n) for n in (50_000, 200_000, 800_000)]
    assert slope(points) == pytest.approx(2e-6)


def test_slope_fits_the_least_squares_line() -> None:
    assert slope([(0, 0.0), (1, 1.0), (2, 4.0)]) == pytest.approx(2.0)


def test_slope_needs_two_points() -> None:
    with pytest.raises(ValueError):
        slope([(1, 1.0)])


def test_run_child_reports_cpu_seconds(tmp_path: Path) -> None:
    result = run_child([sys.executable, "-c", "sum(i * i for i in range(3_000_000))"], tmp_path)
    assert result.status == OK
    assert 0.05 < result.cpu <= result.seconds * 1.5
