"""`deps` end to end on a synthetic trial (bench_export's generator): the full answer from the Python API on
the cache engine, `provbridge deps VAR --json` in a cold process on the loaded on-disk index, the one-time
load into the index (what the background loader does when a run ends) and the index's size next to the
SQLite store's.

    python benchmarks/bench_deps.py --sizes 100000 1000000 [--cache /tmp/pb-bench-deps]

With ``--cache``, each size's trial (and its loaded index) is built once under that directory and reused by
later runs (``index_load_s`` is then only measured on the run that built it). On a shared machine the CLI's
wall time swings with the load: ``cli_json_cpu_s`` (the child's user + system time) is the steadier figure.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))


def du(path: Path) -> int:
    """Bytes of the files under ``path`` (or of the file)."""
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def _load(store: Any, trial: Any) -> None:
    """Load the trial into the on-disk index (as the background loader does; directly on versions of
    provbridge without it, for before/after runs)."""
    try:
        from provbridge.query.background import load
    except ImportError:
        from provbridge.query.index import QueryIndex

        index = QueryIndex(store)
        with index.open() as target:
            index.sync(target, [trial])
        return
    load(store, [trial])


def _child_cpu() -> float:
    """User + system seconds of the finished child processes so far."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def measure(size: int, repeat: int, tmp: Path) -> dict[str, Any]:
    """One size: build (unless already built under ``tmp``), load into the index, time the API and the CLI,
    measure the sizes."""
    from bench_export import RECORDS_PER_STEP, build_trial

    from provbridge.query import api
    from provbridge.store.db import DB_NAME
    from provbridge.store.store import open_store

    root = tmp / f"d{size}"
    store_dir = root / ".provbridge"
    built = not (store_dir / DB_NAME).exists()
    if built:
        store_dir.mkdir(parents=True, exist_ok=True)
        build_trial(store_dir, max(1, size // RECORDS_PER_STEP))
    row: dict[str, Any] = {"records": size}
    with open_store(store_dir) as store:
        trial = store.trials()[0]
        name = trial.versions()[-1].name
        started = time.perf_counter()
        _load(store, trial)  # nothing to do when a cached index already holds the trial
        row["index_load_s"] = time.perf_counter() - started if built else None
        row["store_mb"] = du(store_dir / DB_NAME) / 1e6
        # the lean index the canned queries use; the full one (query/full) exists only once ad-hoc SPARQL ran
        full = store_dir / "query" / "full"
        row["index_mb"] = (du(store_dir / "query") - (du(full) if full.exists() else 0)) / 1e6
        row["full_index_mb"] = du(full) / 1e6 if full.exists() else None
        api.deps(name, trial=trial, engine="cache")  # loads the trial into the cache, once
        times = []
        for _ in range(repeat):
            gc.collect()
            started = time.perf_counter()
            frame = api.deps(name, trial=trial, engine="cache")
            times.append(time.perf_counter() - started)
        row["api_cache_s"], row["rows"] = statistics.median(times), len(frame)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PROVBRIDGE")}
    times, cpu = [], []
    for _ in range(repeat):
        started, cpu_started = time.perf_counter(), _child_cpu()
        proc = subprocess.run([sys.executable, "-m", "provbridge", "deps", name, "--json"], cwd=root, env=env,
                              capture_output=True, timeout=600)
        times.append(time.perf_counter() - started)
        cpu.append(_child_cpu() - cpu_started)
        assert proc.returncode == 0, proc.stderr
        assert len(json.loads(proc.stdout)["versions"]) == row["rows"]
    row["cli_json_s"], row["cli_json_cpu_s"] = statistics.median(times), statistics.median(cpu)
    return row


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000], help="trial sizes in PROV records")
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement")
    parser.add_argument("--json", metavar="FILE", help="also write the results as JSON")
    parser.add_argument("--cache", metavar="DIR", help="build each trial once under DIR and reuse it")
    args = parser.parse_args(argv)
    rows = []
    with tempfile.TemporaryDirectory(prefix="pb-bench-deps-") as tmp:
        for size in args.sizes:
            rows.append(measure(size, args.repeat, Path(args.cache or tmp)))
            print(json.dumps(rows[-1]), flush=True)
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
