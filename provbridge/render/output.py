"""Run Graphviz (with a time limit) and write diagrams as DOT, SVG, PNG or PDF."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from provbridge.errors import RenderError
from provbridge.formats import image_extensions, image_format

ENGINES = ("dot", "sfdp")
DEFAULT_TIMEOUT = float(os.environ.get("PROVBRIDGE_DOT_TIMEOUT", "120"))
INSTALL_HINT = ("install Graphviz: `apt-get install graphviz`, `brew install graphviz` "
                "or `conda install -c conda-forge graphviz`")


def engine_path(engine: str) -> str:
    """The path of the Graphviz program ``engine``; a RenderError saying how to install it when missing."""
    if engine not in ENGINES:
        raise RenderError(f"unknown Graphviz engine {engine!r} (use one of: {', '.join(ENGINES)})")
    path = shutil.which(engine)
    if path is None:
        raise RenderError(f"Graphviz's `{engine}` program was not found on PATH; {INSTALL_HINT}")
    return path


def run_graphviz(source: str, fmt: str, *, engine: str = "dot", timeout: float | None = None) -> bytes:
    """Lay out DOT ``source`` with ``engine`` and return the output in format ``fmt`` (svg, png, pdf)."""
    limit = DEFAULT_TIMEOUT if timeout is None else timeout
    command = [engine_path(engine), f"-T{fmt}"]
    try:
        proc = subprocess.run(command, input=source.encode("utf-8"), capture_output=True, timeout=limit,
                              check=False)
    except subprocess.TimeoutExpired:
        raise RenderError(f"Graphviz `{engine}` did not finish within {limit:g} s; draw less (--var NAME, "
                          "--collapse-loops) or use --engine sfdp") from None
    except OSError as exc:
        raise RenderError(f"cannot run Graphviz `{engine}`: {exc.strerror or exc}; {INSTALL_HINT}") from None
    if proc.returncode != 0 or not proc.stdout:
        lines = [line for line in proc.stderr.decode("utf-8", "replace").splitlines() if line.strip()]
        detail = lines[0].strip() if lines else f"exit code {proc.returncode}"
        raise RenderError(f"Graphviz `{engine}` failed: {detail}")
    return proc.stdout


def output_format(path: str | os.PathLike[str]) -> str:
    """The output format named by a file's extension (dot for the DOT source, else Graphviz's -T format)."""
    image = image_format(path)
    if image is None:
        raise RenderError(f"cannot tell the output format of {os.fspath(path)!r}: "
                          f"use one of {', '.join(image_extensions())}")
    return image.graphviz or image.name


def write_output(source: str, path: str | os.PathLike[str], *, engine: str = "dot",
                 timeout: float | None = None) -> None:
    """Write DOT ``source`` to ``path``, rendered by Graphviz unless the extension is .dot/.gv."""
    fmt = output_format(path)
    data = source.encode("utf-8") if fmt == "dot" else run_graphviz(source, fmt, engine=engine, timeout=timeout)
    try:
        Path(path).write_bytes(data)
    except OSError as exc:
        raise RenderError(f"cannot write {os.fspath(path)!r}: {exc.strerror or exc}") from None
