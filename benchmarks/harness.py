"""Side-by-side measurement helpers: interleaved repeated runs, medians, peak RSS and store size."""

from __future__ import annotations

import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent


@dataclass
class Sample:
    """Repeated measurements of one command."""

    seconds: list[float] = field(default_factory=list)
    rss_kb: list[int] = field(default_factory=list)
    store_bytes: list[int] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    def spread(self) -> str:
        return f"{min(self.seconds):.3f}-{max(self.seconds):.3f}"


def run_once(argv: Sequence[str], cwd: Path, env: dict[str, str] | None = None) -> tuple[float, int]:
    """Wall time and peak RSS (KiB) of one child process; raises if it fails."""
    start = time.perf_counter()
    proc = subprocess.Popen(list(argv), cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        err = proc.stderr.read().decode() if proc.stderr else ""
        raise RuntimeError(f"{' '.join(argv)} failed ({proc.returncode}): {err[-2000:]}")
    if proc.stderr:
        proc.stderr.close()
    return elapsed, int(usage.ru_maxrss)


def store_size(directory: Path) -> int:
    """Bytes of the .provbridge data file (with its WAL) under ``directory``."""
    total = 0
    store = directory / ".provbridge"
    if store.is_dir():
        for item in store.iterdir():
            if item.name.startswith("provbridge.db"):
                total += item.stat().st_size
    return total


def interleave(commands: dict[str, list[str]], repeat: int, setup: Path) -> dict[str, Sample]:
    """Run each command ``repeat`` times, alternating A B C A B C ..., each in a fresh copy of ``setup``
    (so every provbridge run starts with an empty store)."""
    samples = {name: Sample() for name in commands}
    for _ in range(repeat):
        for name, argv in commands.items():
            with tempfile.TemporaryDirectory(prefix="pb-bench-") as tmp:
                work = Path(tmp) / "w"
                shutil.copytree(setup, work)
                # as a user runs it: no provbridge settings, bytecode caching on
                env = {k: v for k, v in os.environ.items()
                       if not k.startswith("PROVBRIDGE") and k != "PYTHONDONTWRITEBYTECODE"}
                seconds, rss = run_once(argv, work, env)
                samples[name].seconds.append(seconds)
                samples[name].rss_kb.append(rss)
                samples[name].store_bytes.append(store_size(work))
    return samples


def machine() -> str:
    """One line naming the machine and versions, for the record."""
    return (f"{platform.node()} {platform.machine()} {os.cpu_count()} cpus, Python {sys.version.split()[0]}, "
            f"{platform.platform()}")
