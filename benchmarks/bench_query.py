"""Query benchmark: synthetic trials of 10k/100k (1M with --sizes) PROV records written straight into a
store (bench_export's generator); backward dependencies of the last variable and a two-trial comparison
(the four canned comparison queries) on the embedded engine -- the persistent on-disk index and the
in-memory cache -- and on rdflib's SPARQL engine, in the same run, with the one-time load costs.

    /work/venv311/bin/python benchmarks/bench_query.py                      # 10k and 100k records
    /work/venv311/bin/python benchmarks/bench_query.py --sizes 1000000 --rdflib-max 0
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import pyoxigraph as ox

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_export import RECORDS_PER_STEP, build_trial

from provbridge.export import export_bytes
from provbridge.query.engine import dataset
from provbridge.query.loading import graph_iri
from provbridge.query.params import canned
from provbridge.query.targets import version_iri
from provbridge.store.store import Trial, open_store

COMPARISON = ("compare_variables", "compare_only", "compare_files", "compare_operations")


def timed(func: Callable[[], Any], repeat: int = 1) -> tuple[float, Any]:
    """Median seconds of ``repeat`` calls, and the last result."""
    times = []
    result = None
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        result = func()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def embedded(trials: list[Trial], engine: str, queries: list[str]) -> Callable[[], int]:
    """Run the queries over the trials with one engine; returns the number of rows."""
    def run() -> int:
        with dataset(trials[0].store, trials, engine=engine) as data:
            return sum(len(data.query(q)) for q in queries)
    return run


def rdflib_dataset(trials: list[Trial]) -> Any:
    import rdflib

    data = rdflib.Dataset()
    data.parse(data=export_bytes(trials, "nq"), format="nquads")
    return data


def rdflib_count(data: Any, queries: list[str]) -> int:
    """Rows of the queries on rdflib. Its property paths recurse once per step of the chain, so it runs in
    a thread with a large stack and a raised recursion limit."""
    found: list[int] = []
    failed: list[BaseException] = []

    def run() -> None:
        try:
            found.append(sum(len(data.query(q)) for q in queries))
        except BaseException as exc:  # reported in the caller
            failed.append(exc)

    limit = sys.getrecursionlimit()
    previous = threading.stack_size(1 << 30)
    sys.setrecursionlimit(2_000_000)
    try:
        worker = threading.Thread(target=run)
        worker.start()
        worker.join()
    finally:
        threading.stack_size(previous)
        sys.setrecursionlimit(limit)
    if failed:
        raise failed[0]
    return found[0]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000],
                        help="trial sizes in PROV records (default: 10000 100000)")
    parser.add_argument("--rdflib-max", type=int, default=100_000,
                        help="run rdflib only up to this size (its parse of 1M records takes minutes)")
    parser.add_argument("--repeat", type=int, default=3, help="repetitions per embedded measurement")
    parser.add_argument("--json", metavar="FILE", help="also write the results as JSON")
    args = parser.parse_args(argv)
    results: list[dict[str, Any]] = []
    os.environ.pop("PROVBRIDGE_QUERY_ENGINE", None)
    with tempfile.TemporaryDirectory() as tmp:
        for size in args.sizes:
            store_dir = Path(tmp) / f"s{size}" / ".provbridge"
            store_dir.mkdir(parents=True)
            steps = max(1, size // RECORDS_PER_STEP)
            build_trial(store_dir, steps)
            build_trial(store_dir, steps)
            store = open_store(store_dir)
            first, second = store.trials()
            last = first.versions()[-1]
            graph = ox.NamedNode(graph_iri(first))
            # the same closure query on every engine: from the last version's IRI (rdflib takes minutes on
            # backward.rq's name-resolving subquery); backward.rq itself is timed on the embedded engine
            backward = [canned("backward_version").bind(
                {"g": graph, "target": ox.NamedNode(version_iri(first, last.id)), "level": 1})]
            by_name = [canned("backward").bind({"g": graph, "var": last.name, "level": 1})]
            params = {"g1": ox.NamedNode(graph_iri(first)), "g2": ox.NamedNode(graph_iri(second))}
            compare = [canned(name).bind(params) for name in COMPARISON]
            operations = compare[-1:]  # compare_operations: the one part linear in the trials' steps
            row: dict[str, Any] = {"records": size, "steps": steps}
            row["load_index"], _ = timed(embedded([first, second], "index", []))
            row["load_again"], _ = timed(embedded([first, second], "index", []))
            row["load_cache"], _ = timed(embedded([first, second], "cache", []))
            row["sql_backward"], sql = timed(partial(first.backward, last.name), args.repeat)
            for engine in ("index", "cache"):
                row[f"{engine}_backward"], found = timed(embedded([first], engine, backward), args.repeat)
                row[f"{engine}_by_name"], _ = timed(embedded([first], engine, by_name), args.repeat)
                row[f"{engine}_compare"], _ = timed(embedded([first, second], engine, compare), args.repeat)
                row[f"{engine}_operations"], _ = timed(embedded([first, second], engine, operations), args.repeat)
            row["backward_rows"] = found
            assert found == len(sql), (found, len(sql))
            if size <= args.rdflib_max:
                row["rdflib_parse"], other = timed(partial(rdflib_dataset, [first, second]))
                row["rdflib_backward"], got = timed(partial(rdflib_count, other, backward))
                assert got == found, (got, found)
                row["rdflib_compare"], _ = timed(partial(rdflib_count, other, compare))
                row["rdflib_operations"], _ = timed(partial(rdflib_count, other, operations))
            results.append(row)
            report(row)
            store.close()
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2))
    return 0


def report(row: dict[str, Any]) -> None:
    print(f"\n{row['records']:,} records ({row['steps']:,} steps; closure of {row['backward_rows']:,} versions)")
    print(f"  load into the on-disk index (2 trials, once) {row['load_index']:8.3f} s"
          f"   (a later query: {row['load_again']:.3f} s, nothing reloaded)")
    print(f"  load into the in-process cache (2 trials)    {row['load_cache']:8.3f} s")
    if "rdflib_parse" in row:
        print(f"  rdflib parse (2 trials)                      {row['rdflib_parse']:8.3f} s")
    print(f"  {'query':<12}{'index s':>10}{'cache s':>10}{'rdflib s':>10}{'rdflib/index':>14}{'rdflib/cache':>14}")
    for name in ("backward", "by_name", "compare", "operations"):
        index, cache = row[f"index_{name}"], row[f"cache_{name}"]
        theirs = row.get(f"rdflib_{name}")
        ratios = (f"{theirs / index:13.1f}x{theirs / cache:13.1f}x" if theirs else "")
        print(f"  {name:<12}{index:10.3f}{cache:10.3f}{theirs if theirs else float('nan'):10.3f}{ratios}")
    print("  backward: backward_version.rq from the last version; by_name: backward.rq (latest version of the")
    print("  last variable, resolved in SPARQL); compare: the four comparison queries, of which operations:")
    print(f"  compare_operations.rq alone; the store's SQL closure for reference: {row['sql_backward']:.3f} s")


if __name__ == "__main__":
    sys.exit(main())
