"""Capture overhead: plain Python vs provbridge at granularity 0 and 1 on the same workloads, in one run.

Prints, per workload, median wall time (min-max), median CPU time (user + system), ratios to plain, peak RSS
and data-file size; then the level-1 loop at three lengths (50k, 200k and 800k iterations: 0.25, 1 and 4 times
loop.py's 200k) with its per-iteration figure.

Per-iteration ratio = slope(provbridge L1) / slope(plain), each slope the least-squares fit of the median
time against the iteration count over the three lengths: every fixed cost (interpreter start-up,
provbridge's start-up and final write) falls into the intercept, so what remains is the cost of one more
iteration. It is given for wall time and for CPU time (the less noisy one on a loaded machine). Per size,
the plain ratio (start-up included, as a user sees it) is printed next to it.

Targets (DESIGN.md §7, issue 18): level 0 <= 1.15x on the CPU-bound and numpy workloads; level 1 on the loop
<= 10x at every length, with a store under 50 MB; fixed start-up <= 0.3 s over plain.

    python benchmarks/bench_capture.py                  # everything, 5 repeats
    python benchmarks/bench_capture.py --only loop      # only the loop at 50k/200k/800k
    python benchmarks/bench_capture.py --quick          # small sizes, 3 repeats (CI smoke check)
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import HERE, Sample, interleave, machine, slope

WORKLOADS = {
    "cpu": ("cpu.py", (0, 1)),
    "numpy": ("numpy_work.py", (0, 1)),
    "trivial": ("trivial.py", (0,)),
}
LOOP = "loop.py"  # 200,000 x scale iterations
LOOP_ITERATIONS = 200_000
LOOP_SCALES = {"full": (0.25, 1.0, 4.0), "quick": (0.05, 0.2, 0.8)}
T_LOOP_LEVEL1 = 10.0


def provbridge(level: int, script: str, scale: str) -> list[str]:
    """The command that runs ``script`` under provbridge at granularity ``level``."""
    return [sys.executable, "-m", "provbridge", "run", "-q", "--granularity", str(level), script, scale]


def row(name: str, system: str, sample: Sample, base: Sample) -> str:
    """One printed line: wall and CPU medians and their ratios to plain, RSS and data-file size."""
    return (f"{name:10} {system:8} {sample.median:9.3f} {sample.spread():>13} {sample.median / base.median:7.2f} "
            f"{sample.cpu_median:8.3f} {sample.cpu_median / base.cpu_median:7.2f} "
            f"{max(sample.rss_kb) / 1024:8.1f} {max(sample.store_bytes) / 1e6:9.2f}")


HEADER = (f"{'workload':10} {'system':8} {'median s':>9} {'min-max':>13} {'ratio':>7} {'cpu s':>8} {'cpu x':>7} "
          f"{'RSS MB':>8} {'store MB':>9}")


def run_workloads(names: list[str] | None, scale: str, repeat: int, max_level0: float | None) -> bool:
    """The fixed-size workloads; returns whether a level-0 ratio broke ``max_level0``."""
    failed = False
    for name, (script, levels) in WORKLOADS.items():
        if names and name not in names:
            continue
        commands = {"plain": [sys.executable, script, scale]}
        for level in levels:
            commands[f"pb{level}"] = provbridge(level, script, scale)
        samples = interleave(commands, repeat, HERE / "workloads")
        base = samples["plain"]
        for system, sample in samples.items():
            extra = f" (+{sample.median - base.median:.3f}s)" if name == "trivial" and system != "plain" else ""
            print(row(name, system, sample, base) + extra, flush=True)
            ratio = sample.median / base.median
            if max_level0 and system == "pb0" and name in ("cpu", "numpy") and ratio > max_level0:
                failed = True
    return failed


def run_loop(scales: tuple[float, ...], repeat: int) -> bool:
    """The loop at each length, plain and level 1 interleaved (all lengths in one round), then the
    per-iteration ratios; returns whether a ratio is above the level-1 target."""
    commands: dict[str, list[str]] = {}
    for scale in scales:
        arg = f"{scale:g}"
        commands[f"plain {arg}"] = [sys.executable, LOOP, arg]
        commands[f"pb1 {arg}"] = provbridge(1, LOOP, arg)
    samples = interleave(commands, repeat, HERE / "workloads")
    missed = False
    for scale in scales:
        arg = f"{scale:g}"
        base, l1 = samples[f"plain {arg}"], samples[f"pb1 {arg}"]
        name = f"loop{int(LOOP_ITERATIONS * scale) // 1000}k"
        print(row(name, "plain", base, base), flush=True)
        print(row(name, "pb1", l1, base), flush=True)
        missed |= l1.median / base.median > T_LOOP_LEVEL1
    print("\nper iteration (least-squares slope over the lengths; fixed costs excluded):")
    for what, attr in (("wall", "median"), ("cpu", "cpu_median")):
        per: dict[str, float] = {}
        for system in ("plain", "pb1"):
            points = [(LOOP_ITERATIONS * s, getattr(samples[f"{system} {s:g}"], attr)) for s in scales]
            per[system] = slope(points)
        ratio = per["pb1"] / per["plain"]
        print(f"  {what:4}: plain {per['plain'] * 1e6:.3f} us, L1 {per['pb1'] * 1e6:.3f} us, "
              f"ratio {ratio:.2f}x (target <= {T_LOOP_LEVEL1:g}x)", flush=True)
        missed |= what == "cpu" and ratio > T_LOOP_LEVEL1
    return missed


def main(argv: list[str] | None = None) -> int:
    """Run the capture benchmark; exit 1 on a level-0 guard (--max-level0) or a missed loop (--strict-loop)."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="small sizes and 3 repeats")
    parser.add_argument("--repeat", type=int, default=None)
    parser.add_argument("--only", nargs="*", choices=[*WORKLOADS, "loop"], help="workload names to run")
    parser.add_argument("--max-level0", type=float, default=None,
                        help="exit 1 if a level-0 ratio (cpu, numpy) exceeds this (gross-regression guard)")
    parser.add_argument("--strict-loop", action="store_true",
                        help="exit 1 if level 1 on the loop is above 10x at a length or per iteration")
    args = parser.parse_args(argv)
    mode = "quick" if args.quick else "full"
    scale = "0.2" if args.quick else "1"
    repeat = args.repeat or (3 if args.quick else 5)
    print(f"# capture benchmark — {machine()}")
    print(f"# scale {scale}, {repeat} interleaved repeats, medians (min-max); cpu = user + system seconds")
    print(HEADER)
    names = [n for n in args.only or [] if n != "loop"]
    failed = False
    if not args.only or names:
        failed = run_workloads(names or None, scale, repeat, args.max_level0)
    if not args.only or "loop" in args.only:
        failed |= run_loop(LOOP_SCALES[mode], repeat) and args.strict_loop
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
