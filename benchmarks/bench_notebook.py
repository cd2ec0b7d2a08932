"""Per-cell overhead of the notebook extension: trivial cells in one kernel, before and after %load_ext.

Usage: python benchmarks/bench_notebook.py [--cells N] [--shell-only]

Runs N trivial cells in a real ipykernel (round trip through ZeroMQ, as a front end sees it), then loads the
extension in the same kernel and runs N more; both with a repeated cell and with a new cell text each time
(a new code component per cell). Also measures the same in an in-process IPython InteractiveShell, where
the kernel's messaging does not dilute the difference. Target: <= 20 ms of overhead per cell.
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import redirect_stdout
from typing import Any

TARGET_MS = 20.0


def _kernel_runner() -> tuple[Callable[[str], None], Callable[[], None]]:
    from jupyter_client.manager import KernelManager

    from provbridge.notebook.client import execute_request, transport_options

    km = KernelManager(kernel_name="python3", **transport_options())
    km.start_kernel(env=dict(os.environ))
    kc = km.blocking_client()
    kc.start_channels()
    kc.wait_for_ready(timeout=120)

    def run(code: str) -> None:
        msg_id = execute_request(kc, code, cell_id=f"c{time.monotonic_ns()}")
        while True:
            reply = kc.get_shell_msg(timeout=120)
            if reply["parent_header"].get("msg_id") == msg_id:
                break
        if reply["content"]["status"] != "ok":
            raise RuntimeError(f"cell failed: {code!r}")

    def stop() -> None:
        kc.stop_channels()
        km.shutdown_kernel(now=False)

    return run, stop


def _shell_runner() -> tuple[Callable[[str], None], Callable[[], None]]:
    from IPython.core.interactiveshell import InteractiveShell
    from traitlets.config import Config

    config = Config()
    config.HistoryManager.hist_file = ":memory:"
    shell: Any = InteractiveShell.instance(config=config)

    def run(code: str) -> None:
        with redirect_stdout(io.StringIO()):
            result = shell.run_cell(code, store_history=True, cell_id=f"c{time.monotonic_ns()}")
        if not result.success:
            raise RuntimeError(f"cell failed: {code!r}")

    def stop() -> None:
        if shell.extension_manager.loaded:
            shell.run_line_magic("unload_ext", "provbridge")
        InteractiveShell.clear_instance()

    return run, stop


def _per_cell_ms(run: Callable[[str], None], cells: int, distinct: bool, tag: str) -> float:
    for i in range(5):  # warm up
        run(f"warm_{tag}_{i} = {i}" if distinct else "x = 1")
    times = []
    for i in range(cells):
        code = f"v_{tag}_{i} = {i} + 1" if distinct else "x = 1"
        start = time.perf_counter()
        run(code)
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def measure(where: str, cells: int) -> list[tuple[str, float, float]]:
    """(case, plain ms, recorded ms) per cell, median, in one session."""
    run, stop = _kernel_runner() if where == "kernel" else _shell_runner()
    try:
        plain = {d: _per_cell_ms(run, cells, d, f"p{int(d)}") for d in (False, True)}
        run("%load_ext provbridge")
        recorded = {d: _per_cell_ms(run, cells, d, f"r{int(d)}") for d in (False, True)}
    finally:
        stop()
    return [("same cell re-run" if not d else "new cell each time", plain[d], recorded[d]) for d in (False, True)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cells", type=int, default=200, help="cells per measurement (default 200)")
    parser.add_argument("--shell-only", action="store_true", help="skip the real-kernel measurement")
    args = parser.parse_args(argv)
    worst = 0.0
    with tempfile.TemporaryDirectory() as store:
        os.environ["PROVBRIDGE_DIR"] = store
        places = ["shell"] if args.shell_only else ["kernel", "shell"]
        print(f"{'where':8} {'case':20} {'plain ms':>9} {'provbridge ms':>14} {'overhead ms':>12} {'ratio':>6}")
        for where in places:
            for case, plain, recorded in measure(where, args.cells):
                overhead = recorded - plain
                worst = max(worst, overhead)
                print(f"{where:8} {case:20} {plain:9.3f} {recorded:14.3f} {overhead:12.3f} "
                      f"{recorded / plain:6.2f}")
    verdict = "OK" if worst <= TARGET_MS else "OVER TARGET"
    print(f"worst overhead per trivial cell: {worst:.3f} ms (target <= {TARGET_MS:.0f} ms): {verdict}")
    return 0 if worst <= TARGET_MS else 1


if __name__ == "__main__":
    sys.exit(main())
