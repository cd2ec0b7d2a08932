"""Collect the environment of a trial (Python, OS, machine, packages, git, allow-listed variables, cwd,
command-line arguments)."""

from __future__ import annotations

import fnmatch
import os
import re
import sys
from collections.abc import Callable, Iterable

# platform, socket, subprocess, importlib.metadata and urllib are imported where used: importing this
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


def collect_environment(script_path: str | None = None) -> list[Row]:
    """``(kind, name, value)`` rows describing this process; never raises, (kind, name) are unique."""
    parts: list[Callable[[], Iterable[Row]]] = [
        _python_rows,
        _os_rows,
        _machine_rows,
        _package_rows,
        lambda: _git_rows(script_path),
        _env_rows,
        _cwd_rows,
        _argument_rows,
    ]
    rows: list[Row] = []
    seen: set[tuple[str, str]] = set()
    for part in parts:
        try:
            found = list(part())
        except Exception:
            continue
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
        from urllib.parse import urlsplit, urlunsplit

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


def _python_rows() -> list[Row]:
    import platform

    return [
        ("python", "version", platform.python_version()),
        ("python", "implementation", platform.python_implementation()),
        ("python", "executable", sys.executable or ""),
        ("python", "prefix", sys.prefix),
    ]


def _os_rows() -> list[Row]:
    import platform

    # platform.platform() would also resolve the processor name, which runs `uname -p` in a subprocess
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
    import socket

    rows: list[Row] = []
    try:
        rows.append(("machine", "hostname", socket.gethostname()))
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
            with open(candidate, encoding="utf-8", errors="replace") as handle:
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
    import subprocess

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


def _git_rows(script_path: str | None) -> list[Row]:
    """Commit, branch, dirty flag and remote of the work tree the script is in, from two git commands
    (``status --porcelain=v2 --branch`` says the first three at once; it fails outside a work tree)."""
    if script_path:
        start = os.path.dirname(os.path.abspath(script_path))
    else:
        start = os.getcwd()
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
