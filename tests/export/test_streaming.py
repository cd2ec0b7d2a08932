"""Streaming: exporting a large trial keeps memory flat (no growth with the number of records)."""

from __future__ import annotations

import importlib.util
import sys
import tracemalloc
from pathlib import Path

import pytest

from provbridge.export import export, provjson
from provbridge.store.store import open_store

BENCH = Path(__file__).resolve().parents[2] / "benchmarks" / "bench_export.py"


def _bench():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("bench_export", BENCH)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_export"] = module
    spec.loader.exec_module(module)
    return module


def peak_mib(func) -> float:  # type: ignore[no-untyped-def]
    tracemalloc.start()
    try:
        func()
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("fmt", ["json", "nq", "trig"])
def test_memory_does_not_grow_with_records(tmp_path: Path, fmt: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(provjson, "SPOOL_BYTES", 256 << 10)
    bench = _bench()
    peaks = []
    sizes = []
    for steps in (2_000, 20_000):
        store_dir = tmp_path / f"s{steps}" / ".provbridge"
        store_dir.mkdir(parents=True)
        bench.build_trial(store_dir, steps)
        with open_store(store_dir) as store:
            trial = store.trials()[0]
            out = tmp_path / f"s{steps}.{fmt}"
            peaks.append(peak_mib(lambda trial=trial, out=out: export(trial, out, fmt)))
            sizes.append(out.stat().st_size)
    assert sizes[1] > 9 * sizes[0]  # ten times the records...
    assert peaks[1] < peaks[0] * 1.5 + 1.0, peaks  # ...about the same memory
    assert peaks[1] < 8.0, peaks
