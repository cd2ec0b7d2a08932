"""noWorkflow in its own virtual environment, created on first use under a cache directory.

The environment gets ``noworkflow`` from PyPI plus, for the benchmark, the same numpy, pandas and
scikit-learn versions as the interpreter running it, so both tools run the workloads on the same libraries
(the noWorkflow import tests ask for no extra libraries and use their own cache directory). A marker file
is written only after a complete install; a failed or partial install is removed and reported, and the
caller then skips noWorkflow with that message.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

DEFAULT_CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "provbridge-bench"
VENV_NAME = "noworkflow-venv"
MARKER = ".provbridge-bench-complete"
SHARED_LIBRARIES = ("numpy", "pandas", "scikit-learn")


@dataclass
class NoWorkflow:
    """A usable noWorkflow install: its ``now`` executable, its interpreter and versions."""

    now: Path
    python: Path
    version: str
    libraries: dict[str, str]


def _pins(libraries: tuple[str, ...]) -> list[str]:
    pins = []
    for name in libraries:
        try:
            pins.append(f"{name}=={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            pins.append(name)
    return pins


def _versions(python: Path, libraries: tuple[str, ...]) -> dict[str, str]:
    code = ("import json, importlib.metadata as m\n"
            "out = {}\n"
            f"for n in {('noworkflow', *libraries)!r}:\n"
            "    try: out[n] = m.version(n)\n"
            "    except m.PackageNotFoundError: out[n] = 'missing'\n"
            "print(json.dumps(out))")
    proc = subprocess.run([str(python), "-c", code], capture_output=True, text=True, timeout=120, check=True)
    import json

    return dict(json.loads(proc.stdout))


def _pip(venv: Path, args: list[str], log: Path) -> bool:
    with log.open("a") as out:
        proc = subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "-q", *args],
                              stdout=out, stderr=subprocess.STDOUT, timeout=1800)
    return proc.returncode == 0


def ensure_noworkflow(cache: Path = DEFAULT_CACHE, base_python: str | None = None,
                      log: bool = True, libraries: tuple[str, ...] = SHARED_LIBRARIES) -> NoWorkflow | str:
    """The noWorkflow install under ``cache`` (created if missing), or a one-line reason it is unusable.

    The venv is built with ``base_python`` (default: this interpreter's base, so the Python version is the
    same as the benchmark's) at its final path: a virtual environment cannot be moved after creation.
    ``libraries`` are installed next to noWorkflow, pinned to this interpreter's versions when it has them.
    """
    venv = cache / VENV_NAME
    now, python = venv / "bin" / "now", venv / "bin" / "python"
    if not (venv / MARKER).is_file():
        if venv.exists():
            shutil.rmtree(venv)
        cache.mkdir(parents=True, exist_ok=True)
        logfile = cache / "noworkflow-install.log"
        logfile.write_text("")
        base = base_python or getattr(sys, "_base_executable", None) or sys.executable
        if log:
            print(f"# installing noWorkflow into {venv} (once; log in {logfile}) ...", flush=True)
        try:
            subprocess.run([base, "-m", "venv", str(venv)], check=True, capture_output=True, timeout=300)
            ok = _pip(venv, ["noworkflow", *_pins(libraries)], logfile)
            if not ok and libraries:  # the pinned library versions may not resolve next to noworkflow
                ok = _pip(venv, ["noworkflow", *libraries], logfile)
        except (subprocess.SubprocessError, OSError) as exc:
            ok = False
            with logfile.open("a") as out:
                out.write(f"\n{exc}\n")
        if not ok or not now.exists():
            shutil.rmtree(venv, ignore_errors=True)
            tail = logfile.read_text(errors="replace").strip().splitlines()[-1:] or ["?"]
            return f"noWorkflow could not be installed from PyPI ({tail[0][:200]}); see {logfile}"
        (venv / MARKER).write_text("ok\n")
    try:
        versions = _versions(python, libraries)
    except (subprocess.SubprocessError, OSError, ValueError) as exc:
        return f"noWorkflow environment {venv} is unusable ({exc}); delete it to reinstall"
    if versions.get("noworkflow") in (None, "missing"):
        return f"noWorkflow is missing from {venv}; delete it to reinstall"
    version = versions.pop("noworkflow")
    return NoWorkflow(now=now, python=python, version=version, libraries=versions)
