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
import subprocess
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


RDFLIB_PHASES = ("parse", "backward", "compare", "operations")


def rdflib_child(data_path: str, queries_path: str) -> int:
    """The rdflib side, in its own process so that a time limit can stop it: parse the N-Quads, then run
    each query group, printing a JSON line when a phase starts (wall-clock time) and when it ends (seconds
    and rows)."""
    import rdflib

    groups = json.loads(Path(queries_path).read_text())
    data = rdflib.Dataset()
    for phase in RDFLIB_PHASES:
        print(json.dumps({"phase": phase, "started": time.time()}), flush=True)
        if phase == "parse":
            seconds, _ = timed(partial(data.parse, data_path, format="nquads"))
            print(json.dumps({"phase": phase, "s": seconds}), flush=True)
        else:
            seconds, rows = timed(partial(rdflib_count, data, groups[phase]))
            print(json.dumps({"phase": phase, "s": seconds, "rows": rows}), flush=True)
    return 0


def rdflib_side(trials: list[Trial], groups: dict[str, list[str]], timeout: float, tmp: Path) -> dict[str, Any]:
    """rdflib's times on the same trials (exported as N-Quads), from a child process given ``timeout``
    seconds in all. A phase cut off by the limit is reported as ``rdflib_<phase>_over``: the seconds it had
    run, a lower bound of its time."""
    data_path, queries_path = tmp / "rdflib.nq", tmp / "rdflib-queries.json"
    data_path.write_bytes(export_bytes(trials, "nq"))
    queries_path.write_text(json.dumps(groups))
    child = subprocess.Popen([sys.executable, __file__, "--rdflib-child", str(data_path), str(queries_path)],
                             stdout=subprocess.PIPE, text=True)
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(iter(child.stdout.readline, "")))  # type: ignore[union-attr]
    reader.start()
    try:
        child.wait(timeout)
    except subprocess.TimeoutExpired:
        child.kill()
        child.wait()
    stopped = time.time()
    reader.join()
    data_path.unlink()
    found: dict[str, Any] = {}
    started: dict[str, float] = {}
    for item in map(json.loads, lines):
        if "started" in item:
            started[item["phase"]] = item["started"]
            continue
        found[f"rdflib_{item['phase']}"] = item["s"]
        if "rows" in item:
            found[f"rdflib_{item['phase']}_rows"] = item["rows"]
    cut = [phase for phase in started if f"rdflib_{phase}" not in found]
    if cut:
        found[f"rdflib_{cut[0]}_over"] = stopped - started[cut[0]]
        found["rdflib_timeout"] = timeout
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000],
                        help="trial sizes in PROV records (default: 10000 100000)")
    parser.add_argument("--rdflib-max", type=int, default=100_000,
                        help="run rdflib only up to this size (its parse of 1M records takes minutes)")
    parser.add_argument("--rdflib-timeout", type=float, default=900.0,
                        help="seconds rdflib gets per size (parse and queries); a phase it does not finish is "
                             "reported as a lower bound")
    parser.add_argument("--rdflib-child", nargs=2, metavar=("NQUADS", "QUERIES"), help=argparse.SUPPRESS)
    parser.add_argument("--repeat", type=int, default=3, help="repetitions per embedded measurement")
    parser.add_argument("--json", metavar="FILE", help="also write the results as JSON")
    args = parser.parse_args(argv)
    if args.rdflib_child:
        return rdflib_child(*args.rdflib_child)
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
            for engine in ("index", "cache"):
                row[f"{engine}_backward"], found = timed(embedded([first], engine, backward), args.repeat)
                row[f"{engine}_by_name"], named = timed(embedded([first], engine, by_name), args.repeat)
                assert named == found, (engine, named, found)  # by name and from the last version: one closure
                row[f"{engine}_compare"], compared = timed(embedded([first, second], engine, compare), args.repeat)
                row[f"{engine}_operations"], _ = timed(embedded([first, second], engine, operations), args.repeat)
            row["backward_rows"], row["compare_rows"] = found, compared
            if size <= args.rdflib_max:
                groups = {"backward": backward, "compare": compare, "operations": operations}
                row.update(rdflib_side([first, second], groups, args.rdflib_timeout, Path(tmp)))
                for name, rows in (("backward", found), ("compare", compared)):  # the same answers
                    assert row.get(f"rdflib_{name}_rows", rows) == rows, (name, row[f"rdflib_{name}_rows"], rows)
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
    if "rdflib_parse" in row or "rdflib_parse_over" in row:
        print(f"  rdflib parse (2 trials)                      {rdflib_text(row, 'parse'):>8} s")
    if "rdflib_timeout" in row:
        print(f"  (rdflib stopped at its {row['rdflib_timeout']:g} s limit: '>' marks a lower bound)")
    print(f"  {'query':<12}{'index s':>10}{'cache s':>10}{'rdflib s':>10}{'rdflib/index':>14}{'rdflib/cache':>14}")
    for name in ("backward", "by_name", "compare", "operations"):
        index, cache = row[f"index_{name}"], row[f"cache_{name}"]
        theirs, bound = rdflib_time(row, name)
        mark = ">" if bound else ""
        ratios = (f"{mark + format(theirs / index, '.1f'):>13}x{mark + format(theirs / cache, '.1f'):>13}x"
                  if theirs else "")
        print(f"  {name:<12}{index:10.3f}{cache:10.3f}{rdflib_text(row, name):>10}{ratios}")
    print("  backward: backward_version.rq from the last version; by_name: backward.rq (latest version of the")
    print("  last variable, resolved in SPARQL); compare: the four comparison queries, of which operations:")
    print("  compare_operations.rq alone")


def rdflib_time(row: dict[str, Any], name: str) -> tuple[float | None, bool]:
    """rdflib's seconds for a phase, and whether they are only a lower bound (cut off by the limit)."""
    if f"rdflib_{name}" in row:
        return row[f"rdflib_{name}"], False
    if f"rdflib_{name}_over" in row:
        return row[f"rdflib_{name}_over"], True
    return None, False


def rdflib_text(row: dict[str, Any], name: str) -> str:
    seconds, bound = rdflib_time(row, name)
    return "-" if seconds is None else (">" if bound else "") + f"{seconds:.3f}"


if __name__ == "__main__":
    sys.exit(main())
