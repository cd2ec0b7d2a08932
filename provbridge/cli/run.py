"""``provbridge run``: capture a script (``SCRIPT``), a module (``-m MODULE``) or a notebook (``.ipynb``)."""

from __future__ import annotations

import argparse
import os
import sys
import traceback
from pathlib import Path

from provbridge.errors import ScriptError

USAGE = (
    "usage: provbridge run [--granularity 0|1] [--name NAME] [--fold K] [-q] SCRIPT [ARGS...]\n"
    "       provbridge run [options] -m MODULE [ARGS...]\n"
    "       provbridge run [options] NOTEBOOK.ipynb [-p NAME VALUE ...] [--output OUT.ipynb]"
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Documented for ``provbridge --help``; the real parsing is :func:`parse` (arguments pass through)."""
    parser.add_argument("--granularity", type=int, choices=(0, 1), default=0,
                        help="0: top-level statements; 1: also inside the user's own functions and modules")
    parser.add_argument("--name", help="a name for the trial")
    parser.add_argument("--fold", type=int, default=None, help="executions per statement kept before folding")
    parser.add_argument("-q", "--quiet", action="store_true", help="no summary line on stderr")
    parser.add_argument("-m", dest="module", help="run a module, like python -m")
    parser.add_argument("target", nargs="?", help="script or notebook")
    parser.add_argument("args", nargs=argparse.REMAINDER, help="arguments passed to the script")


def parse(argv: list[str]) -> argparse.Namespace:
    """Parse provbridge's own options up to the script or module; the rest belongs to the program."""
    ns = argparse.Namespace(granularity=0, name=None, fold=None, quiet=False, module=None, target=None,
                            args=[], store=None)
    i = 0
    while i < len(argv):
        arg = argv[i]
        value = argv[i + 1] if i + 1 < len(argv) else None
        if arg in ("-h", "--help"):
            print(USAGE)
            raise SystemExit(0)
        if arg in ("-q", "--quiet"):
            ns.quiet = True
        elif arg.startswith("--granularity"):
            raw = arg.split("=", 1)[1] if "=" in arg else value
            if "=" not in arg:
                i += 1
            if raw not in ("0", "1"):
                raise ScriptError("--granularity must be 0 or 1")
            ns.granularity = int(raw)
        elif arg.startswith("--name"):
            ns.name = arg.split("=", 1)[1] if "=" in arg else value
            i += 0 if "=" in arg else 1
        elif arg.startswith("--fold"):
            raw = arg.split("=", 1)[1] if "=" in arg else value
            i += 0 if "=" in arg else 1
            if raw is None or not raw.isdigit() or int(raw) < 1:
                raise ScriptError("--fold must be a positive integer")
            ns.fold = int(raw)
        elif arg.startswith("--store"):
            ns.store = arg.split("=", 1)[1] if "=" in arg else value
            i += 0 if "=" in arg else 1
        elif arg == "-m":
            if value is None:
                raise ScriptError("-m needs a module name\n" + USAGE)
            ns.module, ns.args = value, argv[i + 2:]
            return ns
        elif arg.startswith("-") and arg != "-":
            raise ScriptError(f"unknown option {arg!r} for run (options go before the script)")
        else:
            ns.target, ns.args = arg, argv[i + 1:]
            return ns
        i += 1
    raise ScriptError("nothing to run: give a script, -m MODULE or a notebook")


def main(argv: list[str], store: str | None = None) -> int:
    """Run the program under capture and return its exit status (SystemExit is re-raised as is)."""
    ns = parse(argv)
    store_arg: str | None = ns.store or store
    store_dir = Path(store_arg).resolve() if store_arg else None
    if ns.target and ns.target.endswith(".ipynb"):
        from provbridge.notebook.runner import run_notebook_cli  # type: ignore[import-not-found]

        return int(run_notebook_cli(ns, store_dir))
    from provbridge.capture.recorder import DEFAULT_FOLD
    from provbridge.capture.runner import RunOptions, run

    options = RunOptions(
        target=ns.module or ns.target, args=list(ns.args), module=ns.module is not None,
        granularity=ns.granularity, name=ns.name, quiet=ns.quiet, fold=ns.fold or DEFAULT_FOLD,
        store_dir=store_dir, command=["provbridge", "run", *argv],
    )
    if not options.module and os.path.isdir(options.target):
        raise ScriptError(f"can't run {options.target!r}: it is a directory")
    try:
        outcome = run(options)
    except SyntaxError as exc:
        sys.stderr.write("".join(traceback.format_exception_only(type(exc), exc)))
        return 1
    if outcome.system_exit is not None:
        raise outcome.system_exit
    return outcome.exit_code


def run(args: argparse.Namespace) -> int:  # pragma: no cover - `run` is dispatched through main()
    raise ScriptError("internal: run is dispatched directly")
