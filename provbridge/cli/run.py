"""``provbridge run``: capture a script (``SCRIPT``), a module (``-m MODULE``) or a notebook (``.ipynb``)."""

from __future__ import annotations

import argparse
import os
import sys
import traceback
from pathlib import Path
from typing import NoReturn

from provbridge.errors import ScriptError

STRICT_EXIT = 3  # --strict: the program succeeded but its trial could not be recorded completely

DESCRIPTION = (
    "Run a Python script, a module (-m), a directory or zip application with a __main__.py, or a notebook, "
    "exactly as `python` would, and record the run as a trial. Everything after SCRIPT (or -m MODULE) "
    "is passed to the program untouched."
)


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors are provbridge's one-line errors, not usage dumps."""

    def error(self, message: str) -> NoReturn:
        if message.startswith("the following arguments are required"):
            message = "nothing to run: give a script, -m MODULE, a directory, a .pyz or a notebook"
        raise ScriptError(f"{message} (see `provbridge run --help`)")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of ``run``; everything after the target belongs to the program (argparse.REMAINDER)."""
    parser.add_argument("--granularity", type=int, choices=(0, 1), default=0,
                        help="0: top-level statements; 1: also inside the user's own functions and modules")
    parser.add_argument("--name", help="a name for the trial")
    parser.add_argument("--fold", type=_positive, default=None, metavar="K",
                        help="executions per statement kept one by one before folding (default 10)")
    parser.add_argument("-q", "--quiet", action="store_true",
                        help="no summary line (it is shown only when stderr is a terminal)")
    parser.add_argument("--store", metavar="DIR", help="the .provbridge directory to record into (default: nearest)")
    parser.add_argument("--strict", action="store_true",
                        help=f"exit with status {STRICT_EXIT} when the program succeeded but its trial could "
                             "not be recorded completely (store unwritable, disk full)")
    parser.add_argument("--index", action="store_true",
                        help="load the trial into the query index when the run ends, with a progress bar (by "
                             "default a large trial is loaded by a detached background process; "
                             "PROVBRIDGE_BACKGROUND_INDEX=0 turns that off)")
    parser.add_argument("-m", dest="module", action="store_true",
                        help="TARGET is a module name, run like `python -m MODULE`")
    parser.add_argument("target", metavar="SCRIPT|MODULE|NOTEBOOK",
                        help="a script, a directory or .pyz with __main__.py, a module (with -m) or a notebook")
    parser.add_argument("args", nargs=argparse.REMAINDER, metavar="ARGS",
                        help="arguments passed to the program (or, for a notebook: -p NAME VALUE, --output OUT)")


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"must be a positive integer, not {text!r}")
    return int(text)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="provbridge run", description=DESCRIPTION)
    add_arguments(parser)
    return parser


_VALUE_OPTIONS = ("--granularity", "--name", "--fold", "--store")


def _split_joined_module(argv: list[str]) -> list[str]:
    """``-mpkg.mod`` (accepted by python) becomes ``-m pkg.mod``; only among provbridge's own options."""
    out: list[str] = []
    i = 0
    while i < len(argv):
        arg = argv[i]
        if arg.startswith("-m") and len(arg) > 2 and not arg.startswith("--"):
            return [*out, "-m", arg[2:], *argv[i + 1:]]
        if not arg.startswith("-") or arg == "-" or arg == "--":
            return [*out, *argv[i:]]
        out.append(arg)
        if arg in _VALUE_OPTIONS and i + 1 < len(argv):
            out.append(argv[i + 1])
            i += 1
        i += 1
    return out


def parse(argv: list[str]) -> argparse.Namespace:
    """Parse provbridge's own options up to the script or module; the rest belongs to the program."""
    ns = build_parser().parse_args(_split_joined_module(list(argv)))
    if ns.module:
        ns.module = ns.target  # the notebook runner and RunOptions read the module name from here
    else:
        ns.module = None
    return ns


def main(argv: list[str], store: str | None = None) -> int:
    """Run the program under capture and return its exit status (SystemExit is re-raised as is)."""
    ns = parse(argv)
    store_arg: str | None = ns.store or store
    store_dir = Path(store_arg).resolve() if store_arg else None
    if not ns.module and ns.target.endswith(".ipynb"):
        from provbridge.notebook.runner import run_notebook_cli

        return int(run_notebook_cli(ns, store_dir))
    from provbridge.capture.recorder import DEFAULT_FOLD
    from provbridge.capture.runner import RunOptions, run
    from provbridge.indexpolicy import may_be_worth_it

    options = RunOptions(
        target=ns.target, args=list(ns.args), module=ns.module is not None,
        granularity=ns.granularity, name=ns.name, quiet=ns.quiet, fold=ns.fold or DEFAULT_FOLD,
        store_dir=store_dir, command=["provbridge", "run", *argv], strict=ns.strict,
    )
    where = store_dir or _store_dir()
    try:
        outcome = run(options)
    except SyntaxError as exc:
        sys.stderr.write("".join(traceback.format_exception_only(type(exc), exc)))
        return 1
    if outcome.trial_uuid is not None and where is not None and not outcome.interrupted \
            and (ns.index or may_be_worth_it(outcome.records)):
        _index(where, outcome.trial_uuid, foreground=ns.index)
    if outcome.interrupted:
        _die_of_sigint()
    if outcome.system_exit is not None:
        raise outcome.system_exit
    if ns.strict and outcome.exit_code == 0 and outcome.status != "finished":
        return STRICT_EXIT
    return outcome.exit_code


def _store_dir() -> Path | None:
    """Where the run records (as the runner finds it), looked up before the program can change directory."""
    from provbridge.store.db import find_store_dir

    try:
        return find_store_dir()
    except Exception:
        return None


def _index(store_dir: Path, uuid: str, *, foreground: bool) -> None:
    """Load the trial into the query index: now with a progress bar (``--index``), else in a detached
    background process that this one never waits for. A failure is a warning, never the run's exit status."""
    from provbridge.query import background

    if not foreground:
        background.spawn(store_dir, uuid)
        return
    try:
        from provbridge.store.store import open_store

        with open_store(store_dir) as store:
            background.load_with_progress(store, store.trial(uuid))
    except Exception as exc:
        sys.stderr.write(f"provbridge: the trial was recorded but not indexed: {' '.join(str(exc).split())}\n")


def _die_of_sigint() -> None:
    """End as Python does after an unhandled KeyboardInterrupt: run the atexit handlers, then die of SIGINT
    (the parent sees the signal, not an exit status)."""
    import atexit
    import signal

    atexit._run_exitfuncs()  # what interpreter shutdown would run before Python kills itself
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError, AttributeError):
            pass
    if hasattr(signal, "SIGINT") and hasattr(os, "kill"):
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        os.kill(os.getpid(), signal.SIGINT)
    raise SystemExit(130)


def run(args: argparse.Namespace) -> int:  # pragma: no cover - `run` is dispatched through main()
    raise ScriptError("internal: run is dispatched directly")
