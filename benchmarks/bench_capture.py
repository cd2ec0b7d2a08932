"""Capture overhead: plain Python vs provbridge at granularity 0 and 1 on the same workloads, in one run.

Prints, per workload, median wall time (min-max), ratio to plain, peak RSS and data-file size.
Targets (DESIGN.md §7): level 0 <= 1.15x on the CPU-bound and numpy workloads; level 1 on the 200k loop
<= 10x with a store under 50 MB; fixed start-up <= 0.3 s over plain.

    python benchmarks/bench_capture.py            # full sizes, 5 repeats
    python benchmarks/bench_capture.py --quick    # small sizes, 3 repeats (CI smoke check)
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import HERE, interleave, machine

WORKLOADS = {
    "cpu": ("cpu.py", (0, 1)),
    "numpy": ("numpy_work.py", (0, 1)),
    "loop200k": ("loop.py", (0, 1)),
    "trivial": ("trivial.py", (0,)),
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="small sizes and 3 repeats")
    parser.add_argument("--repeat", type=int, default=None)
    parser.add_argument("--only", nargs="*", help="workload names to run")
    parser.add_argument("--max-level0", type=float, default=None,
                        help="exit 1 if a level-0 ratio (cpu, numpy) exceeds this (gross-regression guard)")
    args = parser.parse_args(argv)
    scale = "0.2" if args.quick else "1"
    repeat = args.repeat or (3 if args.quick else 5)
    py = sys.executable
    print(f"# capture benchmark — {machine()}")
    print(f"# scale {scale}, {repeat} interleaved repeats, medians (min-max)")
    header = f"{'workload':10} {'system':8} {'median s':>9} {'min-max':>13} {'ratio':>7} {'RSS MB':>8} {'store MB':>9}"
    print(header)
    failed = False
    for name, (script, levels) in WORKLOADS.items():
        if args.only and name not in args.only:
            continue
        commands = {"plain": [py, script, scale]}
        for level in levels:
            commands[f"pb{level}"] = [py, "-m", "provbridge", "run", "-q", "--granularity", str(level), script, scale]
        samples = interleave(commands, repeat, HERE / "workloads")
        base = samples["plain"].median
        for system, sample in samples.items():
            ratio = sample.median / base
            extra = f" (+{sample.median - base:.3f}s)" if name == "trivial" and system != "plain" else ""
            print(f"{name:10} {system:8} {sample.median:9.3f} {sample.spread():>13} {ratio:7.2f} "
                  f"{max(sample.rss_kb) / 1024:8.1f} {max(sample.store_bytes) / 1e6:9.2f}{extra}")
            if args.max_level0 and system == "pb0" and name in ("cpu", "numpy") and ratio > args.max_level0:
                failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
