"""Side-by-side measurement helpers: interleaved repeated runs, medians, peak RSS and data-file size.

Every run is a child process in a fresh copy of the workload directory, timed from spawn to exit, its peak
RSS read from ``wait4``. A run may have a wall-clock timeout (the whole process group is killed and the
result is reported as "> N s") and an address-space limit (``RLIMIT_AS``), so a tool that needs many GB
cannot take down a shared machine.
"""

from __future__ import annotations

import os
import platform
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent

OK, TIMEOUT, FAILED = "ok", "timeout", "failed"


@dataclass
class RunResult:
    """One child process: wall seconds, peak RSS in KiB, data-file bytes, how it ended, and the CPU seconds
    (user + system) it used: on a loaded machine CPU time is far less noisy than wall time."""

    seconds: float
    rss_kb: int
    status: str = OK
    store_bytes: int = 0
    error: str = ""
    cpu: float = 0.0


@dataclass
class Sample:
    """Repeated measurements of one command (only successful runs count towards the statistics)."""

    seconds: list[float] = field(default_factory=list)
    rss_kb: list[int] = field(default_factory=list)
    store_bytes: list[int] = field(default_factory=list)
    timeouts: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)

    def add(self, result: RunResult) -> None:
        """Record one run."""
        if result.status == OK:
            self.seconds.append(result.seconds)
            self.cpu.append(result.cpu)
            self.rss_kb.append(result.rss_kb)
            self.store_bytes.append(result.store_bytes)
        elif result.status == TIMEOUT:
            self.timeouts.append(result.seconds)
            self.rss_kb.append(result.rss_kb)
            self.store_bytes.append(result.store_bytes)
        else:
            self.errors.append(result.error)

    @property
    def ok(self) -> bool:
        """At least one run completed."""
        return bool(self.seconds)

    @property
    def median(self) -> float:
        """Median wall seconds of the completed runs."""
        return statistics.median(self.seconds)

    @property
    def cpu_median(self) -> float:
        """Median CPU seconds (user + system) of the completed runs."""
        return statistics.median(self.cpu)

    def spread(self) -> str:
        """``min-max`` of the completed runs."""
        return f"{min(self.seconds):.3f}-{max(self.seconds):.3f}"

    @property
    def peak_rss_mb(self) -> float:
        """Largest peak RSS over all runs, MiB."""
        return max(self.rss_kb, default=0) / 1024

    @property
    def store_mb(self) -> float:
        """Largest data-file size over all runs, MB."""
        return max(self.store_bytes, default=0) / 1e6


def _limit_memory(limit_bytes: int | None) -> Callable[[], None] | None:
    if not limit_bytes:
        return None

    def apply() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (limit_bytes, limit_bytes))

    return apply


def run_child(argv: Sequence[str], cwd: Path, env: dict[str, str] | None = None, *,
              timeout: float | None = None, mem_limit: int | None = None) -> RunResult:
    """Run one child process to completion (or until ``timeout``) and measure it; never raises for a
    failing child, the result says how it ended."""
    with tempfile.TemporaryFile() as errfile:
        start = time.perf_counter()
        proc = subprocess.Popen(list(argv), cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=errfile,
                                start_new_session=True, preexec_fn=_limit_memory(mem_limit))
        timed_out = threading.Event()

        def kill() -> None:
            timed_out.set()
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

        timer = threading.Timer(timeout, kill) if timeout else None
        if timer:
            timer.daemon = True
            timer.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            if timer:
                timer.cancel()
        elapsed = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        rss = int(usage.ru_maxrss)
        cpu = usage.ru_utime + usage.ru_stime
        if timed_out.is_set():
            return RunResult(timeout or elapsed, rss, TIMEOUT, cpu=cpu)
        if proc.returncode != 0:
            errfile.seek(0)
            err = errfile.read().decode(errors="replace")[-2000:]
            reason = "MemoryError" if "MemoryError" in err else f"exit {proc.returncode}"
            return RunResult(elapsed, rss, FAILED, error=f"{' '.join(argv)} failed ({reason}): {err}", cpu=cpu)
        return RunResult(elapsed, rss, cpu=cpu)


def run_once(argv: Sequence[str], cwd: Path, env: dict[str, str] | None = None) -> tuple[float, int]:
    """Wall time and peak RSS (KiB) of one child process; raises if it fails."""
    result = run_child(argv, cwd, env)
    if result.status != OK:
        raise RuntimeError(result.error)
    return result.seconds, result.rss_kb


def tree_size(path: Path) -> int:
    """Total bytes of the regular files under ``path``."""
    total = 0
    for root, _dirs, files in os.walk(path):
        for name in files:
            try:
                total += os.lstat(os.path.join(root, name)).st_size
            except OSError:
                pass
    return total


def store_size(directory: Path) -> int:
    """Bytes of the data files a run left in ``directory``: provbridge's ``.provbridge/provbridge.db*``
    (with its WAL), plus everything under noWorkflow's ``.noworkflow/`` (db.sqlite and content/)."""
    total = 0
    store = directory / ".provbridge"
    if store.is_dir():
        for item in store.iterdir():
            if item.name.startswith("provbridge.db"):
                total += item.stat().st_size
    nowf = directory / ".noworkflow"
    if nowf.is_dir():
        total += tree_size(nowf)
    return total


def user_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment a user would run with: no provbridge settings, bytecode caching on."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("PROVBRIDGE") and k != "PYTHONDONTWRITEBYTECODE"}
    env.update(extra or {})
    return env


@dataclass
class Command:
    """One system on one workload: its argv and how often / how long it may run."""

    argv: list[str]
    repeat: int | None = None  # None: the interleave's repeat count
    timeout: float | None = None
    mem_limit: int | None = None
    stop_after_timeout: bool = True  # a run that timed out once is not repeated


def interleave(commands: Mapping[str, list[str] | Command], repeat: int, setup: Path,
               env_extra: dict[str, str] | None = None,
               progress: Callable[[str, int, RunResult], None] | None = None) -> dict[str, Sample]:
    """Run each command ``repeat`` times, alternating A B C A B C ..., each in a fresh copy of ``setup``
    (so every run starts with an empty data directory). A command with its own smaller ``repeat`` drops
    out of later rounds; one that timed out is not run again (its later rounds would only time out too)."""
    specs = {name: c if isinstance(c, Command) else Command(list(c)) for name, c in commands.items()}
    samples = {name: Sample() for name in specs}
    env = user_env(env_extra)
    rounds = max([repeat] + [s.repeat or 0 for s in specs.values()])
    for i in range(rounds):
        for name, spec in specs.items():
            if i >= (spec.repeat or repeat):
                continue
            if spec.stop_after_timeout and samples[name].timeouts:
                continue
            with tempfile.TemporaryDirectory(prefix="pb-bench-") as tmp:
                work = Path(tmp) / "w"
                shutil.copytree(setup, work)
                result = run_child(spec.argv, work, env, timeout=spec.timeout, mem_limit=spec.mem_limit)
                result.store_bytes = store_size(work)
            samples[name].add(result)
            if progress:
                progress(name, i, result)
    return samples


def slope(points: Sequence[tuple[float, float]]) -> float:
    """Least-squares slope of ``(x, y)`` points: seconds per iteration from timings at several loop lengths,
    with every fixed cost (interpreter and provbridge start-up, the final write) falling into the intercept."""
    n = len(points)
    if n < 2:
        raise ValueError("a slope needs at least two points")
    mx = sum(x for x, _ in points) / n
    my = sum(y for _, y in points) / n
    sxx = sum((x - mx) ** 2 for x, _ in points)
    return sum((x - mx) * (y - my) for x, y in points) / sxx


def cpu_model() -> str:
    """The CPU's model name, from /proc/cpuinfo where there is one."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def memory_gb() -> float:
    """Total physical memory in GB (0 if unknown)."""
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1e9
    except (ValueError, OSError):
        return 0.0


def machine() -> str:
    """One line naming the machine and versions, for the record."""
    return (f"{platform.node()} {platform.machine()} {cpu_model()}, {os.cpu_count()} cpus, "
            f"{memory_gb():.0f} GB RAM, Python {sys.version.split()[0]}, {platform.platform()}")
