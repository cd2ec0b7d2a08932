"""provbridge benchmark: one entry point, everything measured side by side in one run.

Capture: plain Python, provbridge at granularity 0 and 1, and noWorkflow (default and coarsest settings,
installed from PyPI into its own virtual environment under ~/.cache/provbridge-bench) on the same
workloads, run interleaved (A B C A B C ...) and repeated; medians, min-max, ratio to plain, peak RSS and
data-file size. Then export timings next to their floors (bench_export.py) and query timings next to
theirs (bench_query.py, when it exists). Targets are those of DESIGN.md §7.

    python benchmarks/run.py --quick                    # CI smoke check, < 3 min, no noWorkflow
    python benchmarks/run.py --quick --with-noworkflow  # the same with noWorkflow (short timeouts)
    python benchmarks/run.py --full                     # real figures; writes benchmarks/RESULTS.md
    python benchmarks/run.py --full --no-noworkflow     # the same without noWorkflow: about 25 min on 2 cores

Then deps end to end (bench_deps.py: API, cold CLI, index load and size) and, with --full or --jena, Apache
Jena ARQ on the same closure (bench_jena.py; Debian's libapache-jena-java).

--full also runs the acceptance-style workloads at full size (a numpy matmul loop, pandas groupby/merge/rolling
on 400k rows, scikit-learn fit/predict; --quick runs them small) and the level-1 loop at 50k and 800k
iterations besides 200k, each with its cost per iteration over plain, and the per-iteration ratio: the slope
of provbridge L1's median time against the iteration count over the three lengths divided by plain's (fixed
costs such as start-up fall into the intercept), for wall and for CPU time. --only names any workload.

--quick exits 1 only on gross regressions (level 0 above 2x plain on cpu/numpy, level 1 above 30x on the
loop, start-up above 1 s, an export above 10x its floor, a provbridge run that fails); --full reports
every target as met or missed and by how much.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import importlib.util
import json
import os
import platform
import shlex
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from importlib import metadata
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import HERE, OK, Command, RunResult, Sample, interleave, machine, slope
from noworkflow_env import DEFAULT_CACHE, NoWorkflow, ensure_noworkflow

RESULTS = HERE / "RESULTS.md"
NOTES_HEADING = "## Notes"

# name -> (script in workloads/, what it does)
WORKLOADS: dict[str, tuple[str, str]] = {
    "cpu": ("cpu.py", "pure-Python CPU-bound: recursive fib, a sieve, dict/string work"),
    "loop200k": ("loop.py", "200k iterations calling f, which calls g twice (at scale 1)"),
    "numpy": ("numpy_work.py", "numpy matrix products and element-wise math"),
    "sklearn": ("sklearn_exp.py", "pandas + scikit-learn on load_diabetes: features, CV, Ridge grid, forest"),
    "trivial": ("trivial.py", "x = 1; print(x): fixed start-up cost"),
    # acceptance-style workloads (--full, or named with --only)
    "loop50k": ("loop.py", "the same loop, 50k iterations (scaling of level 1)"),
    "loop800k": ("loop.py", "the same loop, 800k iterations (scaling of level 1)"),
    "numpy_matmul": ("numpy_matmul.py", "numpy matmul loop: 1,000 steps of a 400x400 @ 400x64 product"),
    "pandas": ("pandas_work.py", "pandas groupby, rolling and merge on 400k rows"),
    "sklearn_fit": ("sklearn_fit.py", "scikit-learn scaler, Ridge and forest fit/predict on 10k x 40"),
}
NEEDS = {"numpy": ("numpy",), "sklearn": ("numpy", "pandas", "sklearn"), "numpy_matmul": ("numpy",),
         "pandas": ("numpy", "pandas"), "sklearn_fit": ("numpy", "sklearn")}  # imports a workload needs
FULL_ONLY = ("loop50k", "loop800k")
LOOPS = ("loop50k", "loop200k", "loop800k")  # loop.py runs 200,000 x scale iterations
SCALES = {"quick": {"cpu": 0.5, "loop200k": 0.25, "numpy": 0.6, "sklearn": 0.2, "trivial": 1.0,
                    "loop50k": 0.0625, "loop800k": 1.0, "numpy_matmul": 0.2, "pandas": 0.1, "sklearn_fit": 0.2},
          "full": {"cpu": 1.0, "loop200k": 1.0, "numpy": 1.0, "sklearn": 1.0, "trivial": 1.0,
                   "loop50k": 0.25, "loop800k": 4.0, "numpy_matmul": 1.0, "pandas": 1.0, "sklearn_fit": 1.0}}
LEVEL0_WORKLOADS = ("cpu", "numpy", "sklearn", "numpy_matmul", "pandas", "sklearn_fit")
NOWF_COARSE = ["-d", "1", "-e", "none", "-cg"]  # depth 1, no values, activation-level only
# Same BLAS threading for every system: 2 shared cores make multi-threaded BLAS timings pure noise.
THREAD_ENV = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}

# Gross-regression guards (exit 1): far outside the targets, never triggered by noise alone.
GROSS_LEVEL0 = 2.0
GROSS_LOOP_LEVEL1 = 30.0
GROSS_STARTUP_S = 1.0
GROSS_EXPORT = 10.0

# DESIGN.md §7 targets
T_LEVEL0 = 1.15
T_LOOP_LEVEL1 = 10.0
T_VS_NOWF = 100.0
T_STORE_VS_NOWF = 50.0
T_LOOP_STORE_MB = 50.0
T_STARTUP_S = 0.3
T_EXPORT = 3.0
T_QUERY_S = 1.0
T_QUERY_VS_RDFLIB = 10.0
T_DEPS_API_S = 1.0  # issue 18: deps at 1M records, full answer from the API on the cache engine
T_DEPS_CLI_S = 1.5  # ... and from `provbridge deps --json` in a cold process
T_INDEX_VS_STORE = 5.0  # the on-disk query index within 5x of the SQLite store


@dataclass
class Check:
    """One target or guard: what, the bound, the measured figure, and whether it holds (None: unknown)."""

    name: str
    target: str
    measured: str
    met: bool | None
    gross: bool = False  # a failed gross-regression guard


@dataclass
class Report:
    """Everything one run measured, for the console and RESULTS.md."""

    header: list[str] = field(default_factory=list)
    sections: list[tuple[str, list[str]]] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)
    results_path: Path | None = None  # written after every section, marked incomplete until the end

    def section(self, title: str, lines: list[str]) -> None:
        """Add a section and print it at once (a long run shows its progress)."""
        self.sections.append((title, lines))
        print(f"\n## {title}\n", flush=True)
        print("\n".join(lines), flush=True)
        if self.results_path:
            write_results(self, self.results_path, complete=False)


def table(headers: list[str], rows: list[list[str]], left: int = 1) -> list[str]:
    """A Markdown pipe table, padded so it also reads as plain text; the first ``left`` columns are text."""
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(headers)]

    def line(cells: list[str]) -> str:
        return "| " + " | ".join(c.ljust(w) if i < left else c.rjust(w)
                                 for i, (c, w) in enumerate(zip(cells, widths))) + " |"

    sep = "|" + "|".join("-" * (w + 2) if i < left else "-" * (w + 1) + ":" for i, w in enumerate(widths)) + "|"
    return [line(headers), sep, *(line(r) for r in rows)]


def version(name: str) -> str:
    """Installed version of a distribution, or 'missing'."""
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "missing"


def loadavg() -> str:
    """The 1/5/15-minute load averages."""
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "?"


# ---------------------------------------------------------------------------------------------- capture


def capture_commands(workload: str, scale: float, nowf: NoWorkflow | None, args: argparse.Namespace
                     ) -> dict[str, Command]:
    """The systems to compare on one workload, in interleaving order."""
    script = WORKLOADS[workload][0]
    nowf_timeout = args.nowf_timeouts.get(workload, args.nowf_timeout)
    py = sys.executable
    arg = f"{scale:g}"
    commands = {"plain": Command([py, script, arg], timeout=args.timeout)}
    for level in (0, 1):
        commands[f"provbridge L{level}"] = Command(
            [py, "-m", "provbridge", "run", "-q", "--granularity", str(level), script, arg], timeout=args.timeout)
    if nowf:
        mem = int(args.nowf_mem_gb * 2**30) if args.nowf_mem_gb else None
        commands["noWorkflow default"] = Command([str(nowf.now), "run", script, arg], repeat=args.nowf_repeat,
                                                 timeout=nowf_timeout, mem_limit=mem)
        commands["noWorkflow coarse"] = Command([str(nowf.now), "run", *NOWF_COARSE, script, arg],
                                                repeat=args.nowf_repeat, timeout=nowf_timeout, mem_limit=mem)
    return commands


def progress(workload: str) -> Callable[[str, int, RunResult], None]:
    """A one-line-per-run progress printer (stderr)."""
    def show(system: str, round_: int, result: RunResult) -> None:
        what = f"{result.seconds:.2f}s" if result.status == OK else result.status
        print(f"  [{workload} #{round_ + 1}] {system}: {what}", file=sys.stderr, flush=True)
    return show


def fmt_time(sample: Sample) -> tuple[str, str]:
    """Median and min-max cells (or the timeout / failure)."""
    if sample.ok:
        return f"{sample.median:.3f}", sample.spread()
    if sample.timeouts:
        return f"> {max(sample.timeouts):.0f}", "timeout"
    return "failed", ""


def ratio_cell(sample: Sample, base: float) -> str:
    """Ratio to plain, or its lower bound after a timeout."""
    if sample.ok:
        return f"{sample.median / base:.2f}x"
    if sample.timeouts:
        return f"> {max(sample.timeouts) / base:.0f}x"
    return "-"


def run_capture(report: Report, args: argparse.Namespace, nowf: NoWorkflow | None, mode: str) -> None:
    """The capture table: every workload, every system, interleaved."""
    headers = ["workload", "scale", "system", "median s", "min-max s", "n", "x plain", "CPU s", "CPU x plain",
               "peak RSS MB", "data MB"]
    rows: list[list[str]] = []
    results: dict[str, dict[str, Sample]] = {}
    scales = dict(SCALES[mode])
    for item in args.size or []:
        name, _, value = item.partition("=")
        scales[name] = float(value)
    print("\n## Capture (running; per-run progress on stderr)", flush=True)
    for name in WORKLOADS:
        if args.only and name not in args.only:
            continue
        if mode == "quick" and name in FULL_ONLY and not args.only:
            continue
        missing = [m for m in NEEDS.get(name, ()) if importlib.util.find_spec(m) is None]
        if missing:
            print(f"# {name} skipped: {', '.join(missing)} not installed", flush=True)
            rows.append([name, "-", f"skipped: {', '.join(missing)} not installed", *[""] * 6])
            continue
        scale = scales[name]
        commands = capture_commands(name, scale, nowf, args)
        samples = interleave(commands, args.repeat, HERE / "workloads", THREAD_ENV, progress(name))
        results[name] = samples
        if nowf and name == "loop200k" and samples["noWorkflow default"].timeouts and args.nowf_fallback_scale:
            # The full loop did not finish under noWorkflow in time: also measure it directly at a reduced
            # iteration count (same systems), reported as such next to the timeout.
            small = args.nowf_fallback_scale * scale
            fb = interleave(capture_commands(name, small, nowf, args), 1, HERE / "workloads", THREAD_ENV,
                            progress(f"{name}@{small:g}"))
            results[f"{name}@{small:g}"] = fb
            scales[f"{name}@{small:g}"] = small
        for key, smp in results.items():
            if key != name and not key.startswith(f"{name}@"):
                continue
            base = smp["plain"].median if smp["plain"].ok else float("nan")
            cpu_base = smp["plain"].cpu_median if smp["plain"].ok else float("nan")
            for system, sample in smp.items():
                median, spread = fmt_time(sample)
                ratio = ratio_cell(sample, base)
                if name == "trivial" and system != "plain" and sample.ok:
                    ratio += f" (+{sample.median - base:.3f} s)"
                cpu = [f"{sample.cpu_median:.3f}", f"{sample.cpu_median / cpu_base:.2f}x"] if sample.ok else ["-", "-"]
                rows.append([key, f"{scales[key]:g}", system, median, spread,
                             str(len(sample.seconds) + len(sample.timeouts)), ratio, *cpu,
                             f"{sample.peak_rss_mb:.0f}", f"{sample.store_mb:.2f}" if system != "plain" else "-"])
                for err in sample.errors[:1]:
                    print(f"  ! {key} {system}: {err[:600]}", file=sys.stderr)
    lines = table(headers, rows, left=3)
    lines += ["", "Wall time from process start to exit (interpreter start-up and imports included), median of "
              "the completed runs; n = runs; CPU s = the child's user + system seconds (median; less noisy than "
              "wall time on a shared machine); data MB = provbridge's .provbridge/provbridge.db* or everything "
              "under noWorkflow's .noworkflow/ (db.sqlite + content/). noWorkflow coarse = `now run "
              + " ".join(NOWF_COARSE) + "`. A timeout is shown as '> N s' and the ratio as a lower bound; "
              f"BLAS threads are set to 1 for every system ({', '.join(THREAD_ENV)})."]
    report.section("Capture", lines)
    report.data["capture"] = {k: {s: vars(v) for s, v in smp.items()} for k, smp in results.items()}
    capture_checks(report, results, scales)


def capture_checks(report: Report, results: dict[str, dict[str, Sample]], scales: dict[str, float]) -> None:
    """Targets and gross-regression guards from the capture table."""
    loop = f"loop of {int(200_000 * scales['loop200k']):,}"
    def med(workload: str, system: str) -> float | None:
        smp = results.get(workload, {}).get(system)
        return smp.median if smp and smp.ok else None

    for workload in LEVEL0_WORKLOADS:
        plain, l0 = med(workload, "plain"), med(workload, "provbridge L0")
        if plain and l0:
            r = l0 / plain
            report.checks.append(Check(f"capture level 0, {workload}", f"<= {T_LEVEL0}x plain", f"{r:.2f}x",
                                       r <= T_LEVEL0, gross=r > GROSS_LEVEL0 and workload in ("cpu", "numpy")))
    for workload in LOOPS:
        plain, l1 = med(workload, "plain"), med(workload, "provbridge L1")
        if workload == "loop200k" or not (plain and l1):
            continue
        n = int(200_000 * scales[workload])
        r = l1 / plain
        report.checks.append(Check(f"capture level 1, loop of {n:,}", f"<= {T_LOOP_LEVEL1:g}x plain",
                                   f"{r:.2f}x ({(l1 - plain) / n * 1e6:.2f} us/iteration over plain)",
                                   r <= T_LOOP_LEVEL1))
    loop_slope_checks(report, results, scales)
    plain, l1 = med("loop200k", "plain"), med("loop200k", "provbridge L1")
    if plain and l1:
        r = l1 / plain
        n = int(200_000 * scales["loop200k"])
        report.checks.append(Check(f"capture level 1, {loop}", f"<= {T_LOOP_LEVEL1:g}x plain",
                                   f"{r:.2f}x ({(l1 - plain) / n * 1e6:.2f} us/iteration over plain)",
                                   r <= T_LOOP_LEVEL1, gross=r > GROSS_LOOP_LEVEL1))
        smp = results["loop200k"]
        store = smp["provbridge L1"].store_mb
        report.checks.append(Check("level 1 loop data file", f"< {T_LOOP_STORE_MB:g} MB", f"{store:.2f} MB",
                                   store < T_LOOP_STORE_MB))
        rss, prss = smp["provbridge L1"].peak_rss_mb, smp["plain"].peak_rss_mb
        report.checks.append(Check("level 1 loop peak RSS", "< 2x plain + 200 MB",
                                   f"{rss:.0f} MB (plain {prss:.0f} MB)", rss < 2 * prss + 200))
        nowf = smp.get("noWorkflow default")
        if nowf is not None:
            if nowf.ok:
                r = nowf.median / l1
                report.checks.append(Check(f"noWorkflow default / provbridge L1, {loop}",
                                           f">= {T_VS_NOWF:g}x", f"{r:.0f}x", r >= T_VS_NOWF))
                sr = nowf.store_mb / max(smp["provbridge L1"].store_mb, 1e-9)
                report.checks.append(Check(f"noWorkflow default / provbridge L1 data file, {loop}",
                                           f">= {T_STORE_VS_NOWF:g}x", f"{sr:.0f}x ({nowf.store_mb:.0f} MB)",
                                           sr >= T_STORE_VS_NOWF))
            elif nowf.timeouts:
                r = max(nowf.timeouts) / l1
                report.checks.append(Check(f"noWorkflow default / provbridge L1, {loop}", f">= {T_VS_NOWF:g}x",
                                           f"> {r:.0f}x (noWorkflow timed out)", r >= T_VS_NOWF or None))
                fb = next((v for k, v in results.items() if k.startswith("loop200k@")), None)
                if fb and fb["noWorkflow default"].ok:
                    sr = fb["noWorkflow default"].store_mb / max(smp["provbridge L1"].store_mb, 1e-9)
                    report.checks.append(Check(
                        f"noWorkflow default / provbridge L1 data file, {loop}", f">= {T_STORE_VS_NOWF:g}x",
                        f"> {sr:.0f}x (noWorkflow at reduced size vs provbridge at full size)",
                        sr >= T_STORE_VS_NOWF or None))
            else:
                report.checks.append(Check(f"noWorkflow default / provbridge L1, {loop}", f">= {T_VS_NOWF:g}x",
                                           "noWorkflow failed", None))
    plain, l0 = med("trivial", "plain"), med("trivial", "provbridge L0")
    if plain and l0:
        over = l0 - plain
        report.checks.append(Check("start-up overhead (trivial script, L0)", f"<= {T_STARTUP_S} s",
                                   f"{over:.3f} s", over <= T_STARTUP_S, gross=over > GROSS_STARTUP_S))
    for workload, smp in results.items():
        for system in ("plain", "provbridge L0", "provbridge L1"):
            if system in smp and not smp[system].ok:
                report.checks.append(Check(f"{system} runs {workload}", "completes", "failed/timeout", False,
                                           gross=True))


def loop_slope_checks(report: Report, results: dict[str, dict[str, Sample]], scales: dict[str, float]) -> None:
    """The level-1 cost of one more loop iteration against plain's: least-squares slopes of the median times
    against the iteration count over the loop lengths measured (fixed costs fall into the intercept)."""
    sizes = [w for w in LOOPS if all(s in results.get(w, {}) and results[w][s].ok
                                     for s in ("plain", "provbridge L1"))]
    if len(sizes) < 2:
        return
    lengths = ", ".join(f"{int(200_000 * scales[w]) // 1000}k" for w in sizes)
    for what, attr in (("wall", "median"), ("CPU", "cpu_median")):
        per = {system: slope([(200_000 * scales[w], getattr(results[w][system], attr)) for w in sizes])
               for system in ("plain", "provbridge L1")}
        r = per["provbridge L1"] / per["plain"]
        report.checks.append(Check(f"capture level 1, loop per iteration ({what} slope over {lengths})",
                                   f"<= {T_LOOP_LEVEL1:g}x plain",
                                   f"{r:.2f}x ({per['provbridge L1'] * 1e6:.2f} us vs {per['plain'] * 1e6:.2f} us)",
                                   r <= T_LOOP_LEVEL1))


# ----------------------------------------------------------------------------------------------- export


def run_export(report: Report, sizes: list[int], formats: list[str], repeat: int) -> None:
    """Export timings (median of ``repeat``) and peak traced memory next to the floors, via bench_export."""
    import bench_export as be

    from provbridge.export import export
    from provbridge.store.store import open_store

    headers = ["records", "format", "median s", "min-max s", "x floor", "peak MiB", "MB out"]
    rows: list[list[str]] = []
    data = []
    with tempfile.TemporaryDirectory(prefix="pb-bench-export-") as tmp:
        root = Path(tmp)
        for size in sizes:
            store_dir = root / f"s{size}" / ".provbridge"
            store_dir.mkdir(parents=True)
            steps = max(1, size // be.RECORDS_PER_STEP)
            be.build_trial(store_dir, steps)
            store = open_store(store_dir)
            trial = store.trials()[0]
            ns = f"https://w3id.org/provbridge/trial/{trial.uuid}/"
            prefix = "t" + trial.uuid.replace("-", "")[:8] + ":"
            conn, tid = store.conn, trial.id
            jobs: list[tuple[str, Path, Callable[[], object]]] = [
                ("floor: orjson", root / "floor.json", partial(be.floor_json, conn, tid, root / "floor.json", prefix)),
                ("floor: N-Quads lines", root / "floor.nq",
                 partial(be.floor_nquads, conn, tid, root / "floor.nq", ns)),
            ]
            jobs += [(fmt, root / f"out.{fmt}", partial(export, trial, root / f"out.{fmt}", fmt)) for fmt in formats]
            timings: dict[str, list[float]] = {name: [] for name, _, _ in jobs}
            for _ in range(repeat):  # interleaved: floor, floor, formats, floor, floor, formats ...
                for name, _, func in jobs:
                    timings[name].append(be.measure(func, False)[0])
            floors = {"json": min(timings["floor: orjson"]), "nq": min(timings["floor: N-Quads lines"])}
            for name, out, func in jobs:
                times = sorted(timings[name])
                median = times[len(times) // 2]
                peak = be.measure(func, True)[1]
                floor_key = "json" if name == "json" else None if name.startswith("floor") else "nq"
                # ratio of medians to the floor's median
                floor_med = sorted(timings["floor: orjson" if floor_key == "json" else "floor: N-Quads lines"])
                ratio = median / floor_med[len(floor_med) // 2] if floor_key else None
                rows.append([f"{size:,}", name, f"{median:.3f}", f"{times[0]:.3f}-{times[-1]:.3f}",
                             f"{ratio:.2f}x" if ratio else "-", f"{peak:.1f}", f"{out.stat().st_size / 1e6:.1f}"])
                data.append({"records": size, "format": name, "seconds": times, "peak_mib": peak, "ratio": ratio})
                if ratio and name in ("json", "nq"):
                    report.checks.append(Check(f"export {'PROV-JSON' if name == 'json' else 'N-Quads'}, "
                                               f"{size:,} records", f"<= {T_EXPORT:g}x floor", f"{ratio:.2f}x",
                                               ratio <= T_EXPORT, gross=ratio > GROSS_EXPORT))
            del floors
            store.close()
            gc.collect()
    lines = table(headers, rows, left=2)
    lines += ["", "Synthetic trials from bench_export.build_trial (about 8 records per step). Floors: the same rows "
              "dumped with orjson as PROV-JSON members, and written as N-Quads lines with f-strings, no translation "
              "layer. trig is compared with the N-Quads floor. Peak MiB is traced Python allocation "
              "(tracemalloc, a separate pass); streaming export keeps it flat as the trial grows."]
    report.section("Export", lines)
    report.data["export"] = data


# ------------------------------------------------------------------------------------------------ query


def run_query(report: Report, sizes: list[int], rdflib_max: int, rdflib_timeout: float) -> None:
    """Query timings next to their floors (rdflib's engine on the same data), via bench_query.main and its
    JSON output; says so when bench_query.py does not exist yet."""
    try:
        import bench_query
    except ImportError:
        report.section("Query", ["query benchmark not available yet"])
        return
    with tempfile.TemporaryDirectory(prefix="pb-bench-query-") as tmp:
        out = Path(tmp) / "query.json"
        try:
            bench_query.main(["--sizes", *map(str, sizes), "--rdflib-max", str(rdflib_max),
                              "--rdflib-timeout", str(rdflib_timeout), "--json", str(out)])
            rows = json.loads(out.read_text())
        except Exception:  # a broken sibling benchmark must not hide the rest of the report
            report.section("Query", ["bench_query failed:", "```", traceback.format_exc(limit=4), "```"])
            return
    lines, checks = query_lines(rows, bench_query.rdflib_time)
    report.checks.extend(checks)
    report.section("Query", lines)
    report.data["query"] = rows


def query_lines(rows: list[dict[str, Any]], rdflib_time: Callable[[dict[str, Any], str], tuple[float | None, bool]]
                ) -> tuple[list[str], list[Check]]:
    """The query table (pyoxigraph on-disk index and in-process cache vs rdflib) and its checks; an rdflib
    phase cut off by its time limit gives a lower bound ('>')."""
    def cell(value: object) -> str:
        return f"{value:.3f}" if isinstance(value, float) else "-"

    checks: list[Check] = []
    out: list[list[str]] = []
    for row in rows:
        records = int(row.get("records", 0))
        for query in ("backward", "compare"):
            index, cache = row.get(f"index_{query}"), row.get(f"cache_{query}")
            theirs, bound = rdflib_time(row, query)
            mark = ">" if bound else ""
            engines = {name: t for name, t in (("in-process", cache), ("on-disk index", index))
                       if isinstance(t, float)}
            best_engine = min(engines, key=engines.__getitem__) if engines else None
            best = engines.get(best_engine) if best_engine else None
            ratio = f"{mark}{theirs / best:.1f}x" if theirs and best else "-"
            out.append([f"{records:,}", query, cell(row.get("load_index")), cell(index), cell(cache),
                        mark + cell(theirs) if theirs else "-", ratio])
            if best is None:
                continue
            what = ("backward dependencies" if query == "backward" else "two-trial comparison")
            checks.append(Check(f"query {what}, {records:,} records", f"< {T_QUERY_S:g} s",
                                f"{best:.3f} s {best_engine}, {cell(index)} s on-disk index", best < T_QUERY_S))
            if theirs and query == "backward":
                checks.append(Check(f"query backward vs rdflib, {records:,} records",
                                    f">= {T_QUERY_VS_RDFLIB:g}x faster", ratio, theirs / best >= T_QUERY_VS_RDFLIB))
    lines = table(["records", "query", "load s (once)", "index s", "cache s", "rdflib s", "rdflib / best"],
                  out, left=2)
    lines += ["", "From bench_query.py: two synthetic trials per size (bench_export's generator); 'index' is the "
              "persistent pyoxigraph index (opened afresh for every query, as a CLI command does), 'cache' the "
              "in-process store of a long-lived process (notebooks, the API), both loaded once per trial "
              "(load s); rdflib is the floor named in DESIGN.md §7, run up to --query-rdflib-max records in a "
              "child process with --query-rdflib-timeout seconds per size ('>': cut off there, a lower bound). "
              "Its own per-size printout is above."]
    return lines, checks


# ------------------------------------------------------------------------------------------- deps, Jena


def run_deps(report: Report, sizes: list[int]) -> None:
    """deps end to end (bench_deps.py): the Python API on the cache engine, the CLI in a cold process on the
    loaded index, the one-time index load, and the index's size against the SQLite store's."""
    import bench_deps

    with tempfile.TemporaryDirectory(prefix="pb-bench-deps-") as tmp:
        out = Path(tmp) / "deps.json"
        try:
            bench_deps.main(["--sizes", *map(str, sizes), "--json", str(out)])
            rows = json.loads(out.read_text())
        except Exception:  # a broken sibling benchmark must not hide the rest of the report
            report.section("Deps end to end", ["bench_deps failed:", "```", traceback.format_exc(limit=4), "```"])
            return
    lines = table(["records", "closure", "API cache s", "CLI --json s", "index load s", "store MB", "index MB",
                   "index / store"],
                  [[f"{r['records']:,}", f"{r['rows']:,}", f"{r['api_cache_s']:.3f}", f"{r['cli_json_s']:.3f}",
                    f"{r['index_load_s']:.1f}", f"{r['store_mb']:.1f}", f"{r['index_mb']:.0f}",
                    f"{r['index_mb'] / r['store_mb']:.1f}x"] for r in rows])
    lines += ["", "From bench_deps.py: `deps` of the last variable (its closure holds most of the trial) as a "
              "DataFrame from provbridge.deps on the cache engine (trial already loaded), and as "
              "`provbridge deps VAR --json` in a fresh process on the on-disk index (loaded once before, as the "
              "background loader does when a run ends; 'index load s')."]
    for r in rows:
        if r["records"] >= 1_000_000:
            report.checks.append(Check(f"deps API (cache engine), {r['records']:,} records", f"< {T_DEPS_API_S:g} s",
                                       f"{r['api_cache_s']:.3f} s", r["api_cache_s"] < T_DEPS_API_S))
            report.checks.append(Check(f"deps CLI --json (cold), {r['records']:,} records", f"< {T_DEPS_CLI_S:g} s",
                                       f"{r['cli_json_s']:.3f} s", r["cli_json_s"] < T_DEPS_CLI_S))
            ratio = r["index_mb"] / r["store_mb"]
            report.checks.append(Check(f"query index size, {r['records']:,} records", f"<= {T_INDEX_VS_STORE:g}x "
                                       "the SQLite store", f"{ratio:.1f}x", ratio <= T_INDEX_VS_STORE))
    report.section("Deps end to end", lines)
    report.data["deps"] = rows


def run_jena(report: Report, sizes: list[int]) -> None:
    """Apache Jena ARQ on the backward closure next to provbridge's cache engine (bench_jena.py), when Jena
    is installed (Debian: libapache-jena-java); says why not otherwise."""
    import bench_jena

    if bench_jena.classpath() is None:
        report.section("Jena ARQ", ["Jena not run: `java` or /usr/share/java/jena-arq.jar missing "
                                    "(apt-get install libapache-jena-java)."])
        return
    with tempfile.TemporaryDirectory(prefix="pb-bench-jena-") as tmp:
        out = Path(tmp) / "jena.json"
        try:
            bench_jena.main(["--sizes", *map(str, sizes), "--json", str(out)])
            rows = json.loads(out.read_text())
        except Exception:  # a broken sibling benchmark must not hide the rest of the report
            report.section("Jena ARQ", ["bench_jena failed:", "```", traceback.format_exc(limit=4), "```"])
            return

    def cell(row: dict[str, Any], key: str) -> str:
        value = row.get(key)
        return f"{value:.3f}" if isinstance(value, float) else "-"

    lines = table(["records", "closure", "Jena ARQ s", "Jena wall s (JVM, parse, runs)", "provbridge cache s",
                   "provbridge load s", "Jena / provbridge"],
                  [[f"{r['records']:,}", f"{r.get('provbridge_rows', 0):,}", cell(r, "jena_s"), cell(r, "jena_wall_s"),
                    cell(r, "provbridge_s"), cell(r, "provbridge_load_s"),
                    f"{r['jena_s'] / r['provbridge_s']:.2f}x" if "jena_s" in r else r.get("jena_error", "-")]
                   for r in rows])
    lines += ["", "From bench_jena.py: backward_version.rq (from the last version, granularity 1) on the same "
              "synthetic trial, Jena 4.5 `arq.sparql` over the exported N-Quads (median of the runs in one JVM, "
              "data loaded once) and pyoxigraph in provbridge's in-process cache (median; 'load s' once)."]
    report.section("Jena ARQ", lines)
    report.data["jena"] = rows


# ------------------------------------------------------------------------------------------------- push


def run_push(report: Report, sizes: list[int]) -> None:
    """Optional (--push): provbridge push to a local Oxigraph server next to curl uploading the same
    N-Triples, via bench_push.main and its JSON output."""
    import bench_push

    with tempfile.TemporaryDirectory(prefix="pb-bench-push-") as tmp:
        out = Path(tmp) / "push.json"
        try:
            bench_push.main(["--sizes", *map(str, sizes), "--json", str(out)])
            rows = json.loads(out.read_text()) if out.exists() else []
        except Exception:  # a broken sibling benchmark must not hide the rest of the report
            report.section("Push", ["bench_push failed:", "```", traceback.format_exc(limit=4), "```"])
            return
    lines = table(["records", "triples", "MiB", "push s", "curl s", "push / curl", "skip ms"],
                  [[f"{r['records']:,}", f"{r['triples']:,}", f"{r['bytes'] / 2**20:.0f}", f"{r['push_s']:.2f}",
                    f"{r['curl_s']:.2f}", f"{r['ratio']:.2f}x", f"{r['skip_s'] * 1000:.0f}"] for r in rows])
    lines += ["", "From bench_push.py: one synthetic trial per size pushed to a local Oxigraph server with "
              "Graph Store PUT/POST (including building its N-Triples), next to curl PUT of the same N-Triples; "
              "medians of interleaved runs; 'skip' is a second push of the unchanged trial."]
    report.section("Push", lines)
    report.data["push"] = rows


# ---------------------------------------------------------------------------------------------- results


def checks_lines(checks: list[Check]) -> list[str]:
    """The target table."""
    rows = [[c.name, c.target, c.measured,
             "met" if c.met else "unknown" if c.met is None else "MISSED"] for c in checks]
    return table(["target", "bound", "measured", "verdict"], rows, left=4)


def write_results(report: Report, path: Path, complete: bool = True) -> None:
    """RESULTS.md from this run; a hand-written '## Notes' section already in the file is kept. While the
    run is going on (``complete`` false) the file says so at the top."""
    notes = ""
    if path.exists():
        old = path.read_text()
        if NOTES_HEADING in old:
            notes = old[old.index(NOTES_HEADING):]
    out = ["# provbridge benchmark results", "", "Generated by `benchmarks/run.py`; rerun with the command below "
           "(the figures are from one run, all systems interleaved on the same machine).", ""]
    if not complete:
        out += ["**INCOMPLETE: the run that wrote this file had not finished; the sections below are those it "
                "had completed.**", ""]
    out += [*report.header, ""]
    for title, lines in report.sections:
        out += [f"## {title}", "", *lines, ""]
    out += ["## Targets (DESIGN.md §7)", "", *checks_lines(report.checks), ""]
    if notes:
        out.append(notes.rstrip() + "\n")
    path.write_text("\n".join(out))


def header_lines(args: argparse.Namespace, argv: list[str], nowf: NoWorkflow | str | None) -> list[str]:
    """Date, command, machine and versions."""
    command = "python benchmarks/run.py " + " ".join(shlex.quote(a) for a in argv)
    lines = [f"- date: {dt.datetime.now().astimezone().isoformat(timespec='seconds')}",
             f"- command: `{command.strip()}`",
             f"- machine: {machine()}",
             f"- load average at start (1/5/15 min): {loadavg()}",
             f"- Python {platform.python_version()} ({sys.executable}); provbridge {version('provbridge')}; "
             f"numpy {version('numpy')}, pandas {version('pandas')}, scikit-learn {version('scikit-learn')}, "
             f"orjson {version('orjson')}, pyoxigraph {version('pyoxigraph')}, rdflib {version('rdflib')}"]
    if isinstance(nowf, NoWorkflow):
        libs = ", ".join(f"{k} {v}" for k, v in nowf.libraries.items())
        lines.append(f"- noWorkflow {nowf.version} in {nowf.python.parent.parent} ({libs})")
    elif isinstance(nowf, str):
        lines.append(f"- noWorkflow skipped: {nowf}")
    else:
        lines.append("- noWorkflow not run (quick mode; add --with-noworkflow)")
    per = "".join(f", {k} {v:g} s" for k, v in args.nowf_timeouts.items())
    lines.append(f"- repeats: {args.repeat} interleaved (noWorkflow: {args.nowf_repeat}, timeout "
                 f"{args.nowf_timeout:g} s{per}, address space <= {args.nowf_mem_gb:g} GB)")
    return lines


def parse(argv: list[str]) -> argparse.Namespace:
    """Command-line options; mode-dependent defaults are filled in here."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--quick", action="store_true", help="small sizes, 3 repeats, no noWorkflow (the default)")
    mode.add_argument("--full", action="store_true", help="full sizes, 5 repeats, noWorkflow; writes RESULTS.md")
    parser.add_argument("--repeat", type=int, help="interleaved repeats per system (quick 3, full 5)")
    parser.add_argument("--only", nargs="+", choices=list(WORKLOADS), help="capture workloads to run")
    parser.add_argument("--size", nargs="+", metavar="WORKLOAD=SCALE",
                        help="override a workload's scale (1 = full size, e.g. loop200k=0.5 is 100k iterations)")
    nw = parser.add_mutually_exclusive_group()
    nw.add_argument("--with-noworkflow", action="store_true", help="run noWorkflow in quick mode too")
    nw.add_argument("--no-noworkflow", action="store_true", help="skip noWorkflow in full mode")
    parser.add_argument("--nowf-timeout", nargs="+", metavar="[WORKLOAD=]SECONDS", dest="nowf_timeout_items",
                        help="seconds per noWorkflow run (quick 60, full 900), optionally per workload: "
                             "--nowf-timeout 900 cpu=300")
    parser.add_argument("--nowf-repeat", type=int, help="noWorkflow runs per workload (default 1: each is long)")
    parser.add_argument("--nowf-mem-gb", type=float, default=16.0,
                        help="address-space limit per noWorkflow run in GB (protects a shared machine; 0 = none)")
    parser.add_argument("--nowf-fallback-scale", type=float, default=0.1,
                        help="when noWorkflow times out on the loop, also measure the loop at this fraction of "
                             "its size (0 = don't)")
    parser.add_argument("--nowf-cache", type=Path, default=DEFAULT_CACHE, help="where the noWorkflow venv lives")
    parser.add_argument("--timeout", type=float, default=900.0, help="seconds per plain/provbridge run")
    parser.add_argument("--export-sizes", type=int, nargs="+", help="export trial sizes in records "
                        "(quick 10000, full 100000 1000000)")
    parser.add_argument("--query-sizes", type=int, nargs="+", help="query trial sizes in records "
                        "(quick 10000, full 10000 100000 1000000)")
    parser.add_argument("--query-rdflib-max", type=int, help="run rdflib's engine (the floor) only up to this "
                        "size (quick 0: it is slow; full: every size)")
    parser.add_argument("--query-rdflib-timeout", type=float, default=300.0,
                        help="seconds rdflib gets per query size; beyond, its times are lower bounds")
    parser.add_argument("--export-formats", nargs="+", default=["json", "nq", "trig"])
    parser.add_argument("--skip-capture", action="store_true")
    parser.add_argument("--skip-export", action="store_true")
    parser.add_argument("--skip-query", action="store_true")
    parser.add_argument("--deps-sizes", type=int, nargs="+", help="deps end-to-end trial sizes in records "
                        "(quick 10000, full 100000 1000000)")
    parser.add_argument("--skip-deps", action="store_true")
    jena = parser.add_mutually_exclusive_group()
    jena.add_argument("--jena", action="store_true", help="compare with Apache Jena ARQ in quick mode too")
    jena.add_argument("--no-jena", action="store_true", help="skip the Jena ARQ comparison in full mode")
    parser.add_argument("--jena-sizes", type=int, nargs="+", help="Jena comparison sizes (default: the query sizes "
                        "from 100000 up in full mode, 10000 in quick mode)")
    parser.add_argument("--push", action="store_true", help="also time provbridge push against curl (bench_push.py)")
    parser.add_argument("--push-sizes", type=int, nargs="+", default=[1_000_000], help="push trial sizes in records")
    parser.add_argument("--results", type=Path, help=f"write the Markdown results here (full: {RESULTS})")
    parser.add_argument("--no-results", action="store_true", help="do not write RESULTS.md in full mode")
    parser.add_argument("--json", type=Path, help="also write the raw measurements as JSON")
    args = parser.parse_args(argv)
    full = args.full
    args.mode = "full" if full else "quick"
    args.repeat = args.repeat or (5 if full else 3)
    args.nowf_repeat = args.nowf_repeat or 1
    args.nowf_timeouts = {}
    args.nowf_timeout = 900.0 if full else 60.0
    for item in args.nowf_timeout_items or []:
        name, _, value = item.rpartition("=")
        if name:
            args.nowf_timeouts[name] = float(value)
        else:
            args.nowf_timeout = float(value)
    args.export_sizes = args.export_sizes or ([100_000, 1_000_000] if full else [10_000])
    args.query_sizes = args.query_sizes or ([10_000, 100_000, 1_000_000] if full else [10_000])
    if args.query_rdflib_max is None:
        args.query_rdflib_max = max(args.query_sizes) if full else 0
    args.deps_sizes = args.deps_sizes or ([100_000, 1_000_000] if full else [10_000])
    args.use_jena = (full and not args.no_jena) or args.jena
    args.jena_sizes = args.jena_sizes or ([n for n in args.query_sizes if n >= 100_000] or args.query_sizes
                                          if full else [10_000])
    args.use_nowf = (full and not args.no_noworkflow) or args.with_noworkflow
    if full and not args.no_results and not args.results:
        args.results = RESULTS
    return args


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; exit 1 on a gross regression."""
    argv = list(sys.argv[1:] if argv is None else argv)
    args = parse(argv)
    started = time.perf_counter()
    nowf: NoWorkflow | str | None = None
    if args.use_nowf and not args.skip_capture:
        nowf = ensure_noworkflow(args.nowf_cache)
        if isinstance(nowf, str):
            print(f"# noWorkflow skipped: {nowf}", flush=True)
    report = Report()
    report.header = header_lines(args, argv, nowf)
    report.results_path = args.results
    print(f"# provbridge benchmark ({args.mode})\n", flush=True)
    print("\n".join(report.header), flush=True)
    if not args.skip_capture:
        run_capture(report, args, nowf if isinstance(nowf, NoWorkflow) else None, args.mode)
    if not args.skip_export:
        run_export(report, args.export_sizes, args.export_formats, 3)
    if not args.skip_query:
        run_query(report, args.query_sizes, args.query_rdflib_max, args.query_rdflib_timeout)
    if not args.skip_deps:
        run_deps(report, args.deps_sizes)
    if args.use_jena:
        run_jena(report, args.jena_sizes)
    if args.push:
        run_push(report, args.push_sizes)
    elapsed = time.perf_counter() - started
    report.header.append(f"- total benchmark time: {elapsed / 60:.1f} min; load average at end: {loadavg()}")
    print("\n## Targets (DESIGN.md §7)\n\n" + "\n".join(checks_lines(report.checks)), flush=True)
    if args.mode == "quick":
        print("\n(quick mode: small sizes, so fixed start-up weighs more; verdicts are informational and the "
              "exit status reflects only the gross-regression guards)", flush=True)
    print(f"\n# done in {elapsed:.0f} s; load average now {loadavg()}", flush=True)
    if args.results:
        write_results(report, args.results)
        print(f"# wrote {args.results}")
    if args.json:
        args.json.write_text(json.dumps({"header": report.header, **report.data,
                                         "checks": [vars(c) for c in report.checks]}, indent=1, default=str))
    gross = [c for c in report.checks if c.gross]
    for c in gross:
        print(f"GROSS REGRESSION: {c.name}: {c.measured} (target {c.target})", file=sys.stderr)
    return 1 if gross else 0


if __name__ == "__main__":
    raise SystemExit(main())
