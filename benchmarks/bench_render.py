"""Rendering cost: a ~10k-record trial drawn collapsed/summarised, next to `dot` on a 250-node graph.

Captures two generated scripts (many distinct top-level statements, each reading two earlier variables),
then times building the diagram (Python) and laying it out to SVG (Graphviz), printing node counts.
DESIGN.md §7: `dot` takes ~0.35 s at 250 nodes and minutes at 2k, so large trials must be summarised or
drawn with sfdp — the collapsed default must finish in seconds.

    python benchmarks/bench_render.py              # ~10k records
    python benchmarks/bench_render.py --steps 500  # smaller
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from provbridge.errors import RenderError
from provbridge.render import Diagram, graph, layout_cost
from provbridge.render.build import build_trial
from provbridge.store.store import Trial, open_store


def script(steps: int, far: bool = True) -> str:
    """Statement i reads v(i-1) and v(i//2) (far-reaching dataflow) or v(i-3) (local dataflow)."""
    lines = ["v0 = 1"]
    lines += [f"v{i} = v{i - 1} + v{i // 2 if far else max(i - 3, 0)}" for i in range(1, steps)]
    return "\n".join(lines) + "\n"


def capture(directory: Path, steps: int, far: bool = True) -> Trial:
    path = directory / f"steps{steps}{'far' if far else 'local'}.py"
    path.write_text(script(steps, far), encoding="utf-8")
    subprocess.run([sys.executable, "-m", "provbridge", "run", "-q", path.name], cwd=directory, check=True)
    return open_store(directory / ".provbridge").trial("last")


def records(trial: Trial) -> int:
    """PROV records: executions and versions (one element each), generations, usages, derivations."""
    counts = trial.counts
    return counts["executions"] + 2 * counts["versions"] + counts["usages"] + counts["derivations"]


def reference(label: str, trial: Trial, timeout: float) -> None:
    """Plain `dot` on the whole uncollapsed 250-node trial, as DESIGN.md §7 measured it."""
    diagram = Diagram(build_trial(trial), engine="dot", timeout=timeout)
    start = time.perf_counter()
    try:
        diagram.render("svg")
        laid = f"{time.perf_counter() - start:8.2f}"
    except RenderError:
        laid = f"{'>' + format(timeout, 'g'):>8}"
    print(f"{label:34} {diagram.node_count:6} {diagram.edge_count:6} {'dot':>6} {'':8} {laid} "
          f"{'':8} {'':7}  layout_cost {layout_cost(diagram.drawing)}")


def measure(label: str, trial: Trial, **options: object) -> None:
    start = time.perf_counter()
    diagram = graph(trial, **options)  # type: ignore[arg-type]
    built = time.perf_counter() - start
    start = time.perf_counter()
    svg = diagram.render("svg")
    laid = time.perf_counter() - start
    print(f"{label:34} {diagram.node_count:6} {diagram.edge_count:6} {diagram.engine:>6} {built:8.2f} "
          f"{laid:8.2f} {built + laid:8.2f} {len(svg) / 1e6:7.1f}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--steps", type=int, default=1700, help="statements in the large script (1700: ~10k records)")
    parser.add_argument("--timeout", type=float, default=30, help="limit for the far-reaching dot reference")
    parser.add_argument("--expand", action="store_true", help="also lay out the whole uncollapsed trial with sfdp")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        local = capture(directory, 125, far=False)
        small = capture(directory, 125)
        large = capture(directory, args.steps)
        print(f"# large trial: {args.steps} statements, {records(large)} PROV records; "
              f"references: {records(small)} records")
        print(f"{'diagram':34} {'nodes':>6} {'edges':>6} {'engine':>6} {'build s':>8} {'layout s':>8} "
              f"{'total s':>8} {'SVG MB':>7}")
        reference("reference: 125 local steps, dot", local, args.timeout)
        reference("reference: 125 far steps, dot", small, args.timeout)
        measure("125 far steps, default", small)
        measure("10k records, default (summarised)", large)
        measure(f"10k records, --var v{args.steps // 3}", large, var=f"v{args.steps // 3}")
        if args.expand:
            measure("10k records, --expand (sfdp)", large, collapse=False, engine="sfdp")
    return 0


if __name__ == "__main__":
    sys.exit(main())
