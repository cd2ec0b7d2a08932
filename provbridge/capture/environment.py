"""Collect the environment of a trial (Python, OS, machine, packages, git, allow-listed variables, cwd,
command-line arguments)."""

from __future__ import annotations

import _io
import _thread
import fnmatch
import importlib
import os
import re
import sys
from collections.abc import Callable, Iterable
from types import ModuleType

from provbridge.store.writer import hostname

# subprocess and urllib are imported where used: importing this
# module stays cheap, the cost is paid when the environment is collected (at the end of a run).

Row = tuple[str, str, str]

ENV_ALLOW: tuple[str, ...] = (
    "VIRTUAL_ENV",
    "CONDA_DEFAULT_ENV",
    "CONDA_PREFIX",
    "PYTHONPATH",
    "PYTHONHASHSEED",
    "LANG",
    "LC_ALL",
    "TZ",
    "OMP_NUM_THREADS",
    "MKL_NUM_THREADS",
    "OPENBLAS_NUM_THREADS",
    "CUDA_VISIBLE_DEVICES",
    "SLURM_JOB_ID",
    "PATH",
    "HOME",
    "USER",
)
"""Environment variables recorded by default."""

ENV_ALLOW_VAR = "PROVBRIDGE_ENV_ALLOW"
"""Comma-separated extra names (shell-style patterns such as ``SLURM_*`` allowed) to record."""

SECRET_MARKERS: tuple[str, ...] = ("TOKEN", "KEY", "SECRET", "PASSWORD", "PASSWD", "CREDENTIAL", "AUTH")
"""A variable whose name contains one of these (any case) is never recorded, even if allow-listed."""

GIT_TIMEOUT = 3.0
"""Seconds allowed to each git command."""


PROBE_WAIT = 2 * GIT_TIMEOUT + 1.0
"""Seconds the end of a run waits for its :class:`Probe` before collecting the environment itself."""


def collect_environment(script_path: str | None = None, probe: Probe | None = None) -> list[Row]:
    """``(kind, name, value)`` rows describing this process; never raises, (kind, name) are unique.
    With a ``probe`` started when the run began, its rows are used instead of probing again."""
    early = probe.wait(PROBE_WAIT) if probe is not None else None
    if early is None:
        early = _gather(_static_parts(script_path))
    return _unique([*early, *_gather([_env_rows, _cwd_rows, _argument_rows])])


class Probe:
    """The parts of the environment that do not change while a program runs and take time to read
    (Python, OS, machine, installed packages, and git, which runs subprocesses), read in a thread of
    their own while the program runs: none of it is on the program's start-up or exit path.

    The thread imports its modules first, and :meth:`imported` waits for that before the program's
    directory goes on ``sys.path`` (its files must not shadow them); it opens files through ``_io`` (not
    the ``open`` the capture hooks) and is a bare ``_thread`` one, invisible to ``threading.enumerate()``."""

    def __init__(self, script_path: str | None) -> None:
        self.rows: list[Row] | None = None
        self._done = _thread.allocate_lock()
        self._done.acquire()
        self._imported = _thread.allocate_lock()
        self._imported.acquire()
        _PENDING.add(self)
        try:
            _thread.start_new_thread(self._run, (_static_parts(script_path),))
        except BaseException:
            self._imported.release()
            self._finish(None)

    def _run(self, parts: list[Callable[[], Iterable[Row]]]) -> None:
        rows = None
        try:
            try:
                for name in _LATE_MODULES:  # before the program's directory is on sys.path
                    _module(name)
            finally:
                self._imported.release()
            rows = _gather(parts)
        except BaseException:  # pragma: no cover - a thread must not print; the run's end reads them itself
            rows = None
        finally:
            self._finish(rows)

    def imported(self, timeout: float = PROBE_WAIT) -> None:
        """Wait until the thread has imported its modules: call before the program's directory goes on
        ``sys.path`` (a file there must not shadow them)."""
        if self._imported.acquire(timeout=timeout):
            self._imported.release()

    def _finish(self, rows: list[Row] | None) -> None:
        self.rows = rows
        _PENDING.discard(self)
        self._done.release()

    def wait(self, timeout: float) -> list[Row] | None:
        """The rows, once read (None when they are not read within ``timeout`` seconds, or failed)."""
        if not self._done.acquire(timeout=timeout):
            return None
        self._done.release()
        return self.rows


_PENDING: set[Probe] = set()
_LATE_MODULES = ("subprocess", "urllib.parse")
_MODULES: dict[str, ModuleType] = {}


def _module(name: str) -> ModuleType:
    """Module ``name``, imported once and kept here: while the program runs, the runner takes out of
    ``sys.modules`` what a file in the program's directory would shadow, so a probe must never import
    by name again."""
    module = _MODULES.get(name)
    if module is None:
        module = _MODULES[name] = importlib.import_module(name)
    return module


def _wait_before_fork() -> None:
    """A fork waits for running probes: the child must not inherit a thread's half-held locks."""
    for probe in list(_PENDING):
        probe.wait(PROBE_WAIT)


if hasattr(os, "register_at_fork"):
    os.register_at_fork(before=_wait_before_fork)


def _static_parts(script_path: str | None) -> list[Callable[[], Iterable[Row]]]:
    try:
        start = _git_dir(script_path)
    except OSError:  # the working directory was removed
        return [_python_rows, _os_rows, _machine_rows, _package_rows]
    return [_python_rows, _os_rows, _machine_rows, _package_rows, lambda: _git_rows(start)]


def _gather(parts: list[Callable[[], Iterable[Row]]]) -> list[Row]:
    """The rows of every part that does not fail."""
    rows: list[Row] = []
    for part in parts:
        try:
            rows.extend(part())
        except Exception:
            continue
    return rows


def _unique(found: Iterable[Row]) -> list[Row]:
    """The first row of each (kind, name), without None values, values as text."""
    rows: list[Row] = []
    seen: set[tuple[str, str]] = set()
    for kind, name, value in found:
        if (kind, name) not in seen and value is not None:
            seen.add((kind, name))
            rows.append((kind, name, str(value)))
    return rows


def is_secret_name(name: str) -> bool:
    """True when an environment variable name looks like it holds a secret."""
    upper = name.upper()
    return any(marker in upper for marker in SECRET_MARKERS)


def strip_credentials(url: str) -> str:
    """A remote URL without user:password@ (kept: the user name of ssh URLs, which is not a secret)."""
    if "://" in url:
        parse = _module("urllib.parse")
        urlsplit, urlunsplit = parse.urlsplit, parse.urlunsplit

        try:
            parts = urlsplit(url)
        except ValueError:
            return ""
        host = parts.hostname or ""
        if ":" in host:
            host = f"[{host}]"
        if parts.port is not None:
            host = f"{host}:{parts.port}"
        user = parts.username if parts.scheme.lower() in ("ssh", "git+ssh", "ssh+git") else None
        netloc = f"{user}@{host}" if user and parts.password is None else host
        return urlunsplit((parts.scheme, netloc, parts.path, "", ""))
    # scp-like syntax user@host:path: drop a password if someone put one there
    match = re.match(r"^([^@/]*)@([^@]*)$", url)
    if match and ":" in match.group(1):
        return match.group(2)
    return url


# ------------------------------------------------------------------------------------------ parts


_IMPLEMENTATIONS = {"cpython": "CPython", "pypy": "PyPy", "ironpython": "IronPython", "jython": "Jython"}


def _python_rows() -> list[Row]:
    name = sys.implementation.name
    return [
        ("python", "version", sys.version.split()[0]),  # as platform.python_version()
        ("python", "implementation", _IMPLEMENTATIONS.get(name, name)),
        ("python", "executable", sys.executable or ""),
        ("python", "prefix", sys.prefix),
    ]


def _os_rows() -> list[Row]:
    # os.uname and confstr are what platform.system/release/machine and libc_ver read on POSIX (platform
    # is not imported there: the rows are read in a thread, after the program's directory is on sys.path);
    # platform.platform() would also resolve the processor name, which runs `uname -p` in a subprocess
    if hasattr(os, "uname"):
        uname = os.uname()
        system, release, machine = uname.sysname, uname.release, uname.machine
        try:
            libc, _, libc_version = (os.confstr("CS_GNU_LIBC_VERSION") or "").partition(" ")
        except (ValueError, OSError, AttributeError):
            libc, libc_version = "", ""
    else:  # pragma: no cover - Windows
        import platform

        system, release, machine = platform.system(), platform.release(), platform.machine()
        libc, libc_version = platform.libc_ver()
    described = "-".join(part for part in (system, release, machine) if part)
    if libc:
        described += f"-with-{libc}{libc_version}"
    return [
        ("os", "system", system),
        ("os", "release", release),
        ("os", "machine", machine),
        ("os", "platform", described),
    ]


def _machine_rows() -> list[Row]:
    rows: list[Row] = []
    try:
        rows.append(("machine", "hostname", hostname()))
    except Exception:
        pass
    rows.append(("machine", "cpu_count", str(os.cpu_count() or "")))
    return rows


def _normalize(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _package_rows() -> list[Row]:
    """One row per distribution, named by its PEP 503 normalized name; the first on sys.path wins.

    Names and versions are read from ``*.dist-info`` directory names (``name-version.dist-info``, as
    installers write them), which is ~20x faster than parsing every METADATA file with
    ``importlib.metadata``; only ``.egg-info`` entries and odd names fall back to reading their header."""
    rows: list[Row] = []
    seen: set[str] = set()
    for entry in sys.path:
        try:
            names = os.listdir(entry or ".")
        except OSError:
            continue
        for item in names:
            if item.endswith(".dist-info"):
                stem = item[: -len(".dist-info")]
            elif item.endswith(".egg-info"):
                stem = item[: -len(".egg-info")]
            else:
                continue
            name, sep, version = stem.partition("-")
            if not sep or not version or not version[0].isdigit():
                header = _metadata_header(os.path.join(entry or ".", item))
                if header is None:
                    continue
                name, version = header
            version = version.split("-py", 1)[0]
            key = _normalize(name)
            if key in seen:
                continue
            seen.add(key)
            rows.append(("package", key, version))
    rows.sort(key=lambda row: row[1])
    return rows


def _metadata_header(path: str) -> tuple[str, str] | None:
    """(Name, Version) from the header of a METADATA / PKG-INFO file (or an egg-info file)."""
    candidates = [os.path.join(path, "METADATA"), os.path.join(path, "PKG-INFO"), path]
    for candidate in candidates:
        if not os.path.isfile(candidate):
            continue
        name = version = None
        try:
            with _io.open(candidate, encoding="utf-8", errors="replace") as handle:
                for line in handle:
                    if not line.strip():
                        break
                    if line.startswith("Name:"):
                        name = line[5:].strip()
                    elif line.startswith("Version:"):
                        version = line[8:].strip()
        except OSError:
            continue
        if name and version:
            return name, version
    return None


def _git(cwd: str, *args: str) -> str | None:
    """Output of a read-only git command (stripped), or None on any failure."""
    subprocess = _module("subprocess")
    env = dict(os.environ)
    env.update({"GIT_TERMINAL_PROMPT": "0", "GIT_OPTIONAL_LOCKS": "0", "LC_ALL": "C"})
    try:
        done = subprocess.run(
            ["git", *args],
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=GIT_TIMEOUT,
            check=False,
        )
    except Exception:
        return None
    if done.returncode != 0:
        return None
    return done.stdout.decode("utf-8", "replace").strip()


def _git_dir(script_path: str | None) -> str:
    """Where git is asked: the script's directory, else the working directory (read now: the program
    may change directory while a probe runs)."""
    return os.path.dirname(os.path.abspath(script_path)) if script_path else os.getcwd()


def _git_rows(start: str) -> list[Row]:
    """Commit, branch, dirty flag and remote of the work tree ``start`` is in, from two git commands
    (``status --porcelain=v2 --branch`` says the first three at once; it fails outside a work tree)."""
    if not os.path.isdir(start):
        return []
    status = _git(start, "status", "--porcelain=v2", "--branch", "--untracked-files=no")
    if status is None:
        return []
    rows: list[Row] = []
    dirty = False
    for line in status.splitlines():
        if line.startswith("# branch.oid "):
            commit = line[len("# branch.oid "):]
            if commit != "(initial)":
                rows.append(("git", "commit", commit))
        elif line.startswith("# branch.head "):
            branch = line[len("# branch.head "):]
            if branch != "(detached)":
                rows.append(("git", "branch", branch))
        elif line and not line.startswith("#"):
            dirty = True
    rows.append(("git", "dirty", "true" if dirty else "false"))
    remote = _git(start, "config", "--get", "remote.origin.url")
    if remote:
        cleaned = strip_credentials(remote)
        if cleaned:
            rows.append(("git", "remote", cleaned))
    return rows


def _env_rows() -> list[Row]:
    extra = [name.strip() for name in os.environ.get(ENV_ALLOW_VAR, "").split(",") if name.strip()]
    exact = set(ENV_ALLOW) | {name for name in extra if not any(c in name for c in "*?[")}
    patterns = [name for name in extra if any(c in name for c in "*?[")]
    rows: list[Row] = []
    for name in sorted(os.environ):
        if is_secret_name(name):
            continue
        if name in exact or any(fnmatch.fnmatchcase(name, pattern) for pattern in patterns):
            rows.append(("env", name, os.environ[name]))
    return rows


def _cwd_rows() -> list[Row]:
    return [("cwd", "path", os.getcwd())]


def _argument_rows() -> list[Row]:
    """``sys.argv`` and parsed argparse parameters (provbridge.capture.arguments)."""
    from provbridge.capture.arguments import argument_rows

    return argument_rows()
