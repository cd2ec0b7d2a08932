"""``provbridge run NOTEBOOK.ipynb [-p NAME VALUE ...] [--output OUT.ipynb] [--timeout S]``: headless runs."""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from provbridge.errors import ScriptError
from provbridge.notebook import config as cfg

USAGE = "usage: provbridge run [options] NOTEBOOK.ipynb [-p NAME VALUE ...] [--output OUT.ipynb] [--timeout SECONDS]"


@dataclass
class NotebookRun:
    """What to run, with which parameters, and where the executed notebook goes."""

    notebook: Path
    parameters: dict[str, Any] = field(default_factory=dict)
    output: Path | None = None
    timeout: int | None = None  # seconds per cell; None: no limit


@dataclass
class RunResult:
    """How a notebook run ended."""

    exit_code: int
    output: Path
    error: str | None = None
    trials: list[int] = field(default_factory=list)


def _option(args: list[str], i: int) -> tuple[str | None, int]:
    """The value of the option at ``args[i]`` (``--opt=VALUE`` or ``--opt VALUE``) and the next index."""
    arg = args[i]
    if "=" in arg:
        return arg.split("=", 1)[1], i + 1
    return (args[i + 1] if i + 1 < len(args) else None), i + 2


def parse_args(target: str, args: list[str]) -> NotebookRun:
    """Parse what follows the notebook on the command line."""
    from provbridge.notebook.params import parse_value

    run = NotebookRun(Path(target))
    i = 0
    while i < len(args):
        arg = args[i]
        option = arg.split("=", 1)[0]
        if arg in ("-p", "--parameter", "-r", "--raw-parameter"):
            if len(args) - i < 3:
                raise ScriptError(f"{arg} needs a NAME and a VALUE\n{USAGE}")
            name, text = args[i + 1], args[i + 2]
            if not name.isidentifier():
                raise ScriptError(f"parameter name {name!r} is not a Python identifier")
            run.parameters[name] = text if arg in ("-r", "--raw-parameter") else parse_value(text)
            i += 3
        elif option in ("-o", "--output"):
            value, i = _option(args, i)
            if not value:
                raise ScriptError(f"--output needs a file name\n{USAGE}")
            run.output = Path(value)
        elif option == "--timeout":
            value, i = _option(args, i)
            if value is None or not value.isdigit() or int(value) < 1:
                raise ScriptError("--timeout needs a positive number of seconds")
            run.timeout = int(value)
        else:
            raise ScriptError(f"unknown argument {arg!r} for a notebook run\n{USAGE}")
    return run


def default_output(notebook: Path) -> Path:
    """Where the executed notebook goes without --output: ``NAME.out.ipynb`` next to ``NAME.ipynb``."""
    return notebook.with_name(notebook.name[: -len(".ipynb")] + ".out.ipynb")


def kernel_env(run: NotebookRun, store_dir: Path | None, name: str | None, granularity: int,
               fold: int | None, command: list[str]) -> dict[str, str]:
    """The kernel's environment: ours plus the settings of the recorded session."""
    env = dict(os.environ)
    env[cfg.ENV_NOTEBOOK] = str(run.notebook.resolve())
    env[cfg.ENV_COMMAND] = json.dumps(command)
    env[cfg.ENV_GRANULARITY] = str(granularity)
    env[cfg.ENV_FAIL_ON_ERROR] = "1"
    env.pop(cfg.ENV_NAME, None)
    if name:
        env[cfg.ENV_NAME] = name
    if fold:
        env[cfg.ENV_FOLD] = str(fold)
    if store_dir is not None:
        env["PROVBRIDGE_DIR"] = str(store_dir)
    return env


def execute(run: NotebookRun, env: dict[str, str]) -> RunResult:
    """Execute the notebook in the provbridge kernel and write the executed copy (also when a cell
    raises: the copy shows the error)."""
    import nbformat
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

    from provbridge.notebook.client import ProvbridgeNotebookClient
    from provbridge.notebook.params import inject_parameters, invalid_reason

    path = run.notebook
    try:
        nb = nbformat.read(str(path), as_version=4)
        nbformat.validate(nb)
    except FileNotFoundError:
        raise ScriptError(f"can't open notebook {str(path.resolve())!r}: no such file") from None
    except nbformat.ValidationError as exc:
        raise ScriptError(f"{str(path)!r} is not a valid notebook: {invalid_reason(exc)}") from None
    except (OSError, ValueError) as exc:
        raise ScriptError(f"can't read notebook {str(path)!r}: {' '.join(str(exc).split())}") from None
    except (AttributeError, TypeError, KeyError, IndexError) as exc:  # nbformat's upgrade met a wrong shape
        raise ScriptError(f"{str(path)!r} is not a valid notebook: it does not have the notebook structure "
                          f"({type(exc).__name__})") from None
    _ensure_cell_ids(nb)
    try:
        inject_parameters(nb, run.parameters)
    except ValueError as exc:
        raise ScriptError(str(exc)) from None
    output = run.output or default_output(path)
    client = ProvbridgeNotebookClient(nb, timeout=run.timeout, kernel_name="provbridge",
                                      resources={"metadata": {"path": str(path.resolve().parent)}})
    error: str | None = None
    started = time.time()
    try:
        client.execute(env=env)
    except CellExecutionError as exc:
        error = _cell_error(nb, exc)
    except CellTimeoutError as exc:
        error = f"a cell timed out: {str(exc).splitlines()[0] if str(exc) else 'timeout'}"
    except DeadKernelError:
        error = "the kernel died"
    nbformat.write(nb, str(output))
    trials = _trials_of(env, client.kernel_pid, started)
    return RunResult(1 if error else 0, output, error, trials)


def _ensure_cell_ids(nb: Any) -> None:
    """Cells of notebooks older than format 4.5 have no ids; give them some, as nbformat's upgrade does."""
    from nbformat.v4.nbbase import random_cell_id

    if (nb.get("nbformat"), nb.get("nbformat_minor", 0)) < (4, 5):
        nb["nbformat_minor"] = 5
    seen: set[str] = set()
    for cell in nb.cells:
        if not cell.get("id") or cell["id"] in seen:
            cell["id"] = random_cell_id()
        seen.add(cell["id"])


def _cell_error(nb: Any, exc: Any) -> str:
    name = getattr(exc, "ename", None) or "error"
    value = getattr(exc, "evalue", None) or ""
    where = ""
    for index, cell in enumerate(nb.cells):
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                count = cell.get("execution_count")
                where = f"cell {index + 1}" + (f" (In [{count}])" if count else "")
    message = f"{name}: {value}" if value else name
    return f"{where or 'a cell'} raised {message}".replace("\n", " ")


def _trials_of(env: dict[str, str], pid: int | None, started: float) -> list[int]:
    """The trials the kernel recorded (found by its process id)."""
    if pid is None:
        return []
    from provbridge.store.db import DB_NAME, find_store_dir
    from provbridge.store.store import open_store

    store_dir = Path(env["PROVBRIDGE_DIR"]) if env.get("PROVBRIDGE_DIR") else find_store_dir(
        Path(env[cfg.ENV_NOTEBOOK]).parent)
    try:
        with open_store(store_dir / DB_NAME) as store:
            return [t.id for t in store.trials() if t.pid == pid and t.kind == "notebook"
                    and (t.started_at is None or t.started_at.timestamp() >= started - 5)]
    except Exception:
        return []


def run_notebook_cli(ns: argparse.Namespace, store_dir: Path | None) -> int:
    """Entry point of ``provbridge run NOTEBOOK.ipynb ...`` (dispatched from provbridge.cli.run)."""
    from provbridge.extras import require

    for module in ("nbformat", "nbclient", "ipykernel"):
        require(module, "running a notebook")
    run = parse_args(ns.target, list(ns.args))
    if not run.notebook.is_file():
        raise ScriptError(f"can't open notebook {str(run.notebook.resolve())!r}: no such file")
    command = ["provbridge", "run", ns.target, *ns.args]
    env = kernel_env(run, store_dir, ns.name, ns.granularity, ns.fold, command)
    result = execute(run, env)
    if not ns.quiet:
        trials = ", ".join(str(t) for t in result.trials) or "?"
        status = "failed" if result.error else "finished"
        print(f"provbridge: trial {trials} {status}; executed notebook written to {result.output}", file=sys.stderr)
    if result.error:
        print(f"provbridge: error: {result.error}", file=sys.stderr)
    return result.exit_code
