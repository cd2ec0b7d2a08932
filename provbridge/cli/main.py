"""Entry point of the ``provbridge`` command: dispatches to one module per subcommand."""

from __future__ import annotations

import argparse
import contextlib
import importlib
import os
import sqlite3
import sys
import warnings
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TextIO

from provbridge import __version__
from provbridge.errors import ProvbridgeError, StoreError

DEBUG_ENV = "PROVBRIDGE_DEBUG"
PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep

# name -> (module, one-line help). Each module defines add_arguments(parser) and run(args) -> int.
COMMANDS: dict[str, tuple[str, str]] = {
    "run": ("provbridge.cli.run", "run a script, module or notebook and record it as a trial"),
    "trials": ("provbridge.cli.trials", "list the recorded trials"),
    "show": ("provbridge.cli.show", "show one trial: environment, files and dataflow"),
    "kernel": ("provbridge.cli.kernel", "install or remove the Python 3 (provbridge) Jupyter kernel"),
    "export": ("provbridge.cli.export", "export trials as W3C PROV or an RO-Crate ({written})"),
    "validate": ("provbridge.cli.validate", "check a PROV document: parse, schema and shapes"),
    "convert": ("provbridge.cli.convert", "convert a PROV document between syntaxes (from {read}; to {streamed})"),
    "dot": ("provbridge.cli.dot", "draw a trial, a variable's dependencies or two trials' differences with Graphviz"),
    "diff": ("provbridge.cli.diff", "compare two trials: parameters, metrics, values, code, operations, files"),
    "values": ("provbridge.cli.values", "a variable's final value in every trial"),
    "plot": ("provbridge.cli.plot", "plot a variable across trials into an image file"),
    "verify": ("provbridge.cli.verify", "re-hash the files a trial read or wrote; exit 1 if any changed"),
    "repeat": ("provbridge.cli.repeat", "re-run a trial from its recorded source and inputs; exit 1 unless it repeats"),
    "artifacts": ("provbridge.cli.artifact", "list the artifacts saved with provbridge.save_artifact"),
    "rename": ("provbridge.cli.rename", "name a trial"),
    "note": ("provbridge.cli.note", "annotate a trial"),
    "tag": ("provbridge.cli.tag", "tag a trial (a tags.NAME column of `provbridge trials`)"),
    "delete": ("provbridge.cli.delete", "delete trials with their orphaned code and artifact objects"),
    "deps": ("provbridge.cli.deps", "backward dependencies of a variable: what produced its value"),
    "impact": ("provbridge.cli.impact", "forward impact of a variable or file: what was derived from it"),
    "lineage": ("provbridge.cli.lineage", "where a result came from across trials, by file content"),
    "query": ("provbridge.cli.query", "run a SPARQL query over trials (file, packaged query or -e TEXT)"),
    "remote": ("provbridge.cli.remote", "add, list or remove remote SPARQL stores to share trials through"),
    "push": ("provbridge.cli.push", "upload trials to a remote SPARQL store (Graph Store Protocol)"),
    "pull": ("provbridge.cli.pull", "bring trials from a remote SPARQL store into this store"),
    "import": ("provbridge.cli.importcmd", "import PROV documents (any syntax) or noWorkflow databases as trials"),
    "report": ("provbridge.cli.report", "write a self-contained HTML report: trials, differences, plots, diagrams"),
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="provbridge",
        description="Record how Python scripts and notebooks produce their results, as W3C PROV.",
    )
    parser.add_argument("--version", action="version", version=f"provbridge {__version__}")
    parser.add_argument("--store", metavar="DIR", help="the .provbridge directory to use (default: nearest)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, (module, help_text) in COMMANDS.items():
        text = _with_formats(help_text)
        sp = sub.add_parser(name, help=text, description=text)
        importlib.import_module(module).add_arguments(sp)
    return parser


def _with_formats(help_text: str) -> str:
    """``help_text`` with ``{read}``, ``{written}`` and ``{streamed}`` replaced by the names of the document
    formats provbridge reads, writes, and writes to a file (provbridge.formats)."""
    if "{" not in help_text:
        return help_text
    from provbridge import formats

    def listed(found: tuple[formats.DocumentFormat, ...]) -> str:
        return ", ".join(formats.names(found))

    return help_text.format(read=listed(formats.documents("read")), written=listed(formats.documents("write")),
                            streamed=listed(formats.documents("write", streams=True)))


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; ProvbridgeError becomes one line on stderr and its exit code."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    store: str | None = None
    if len(args_list) >= 2 and args_list[0].startswith("--store"):
        store = args_list[0].split("=", 1)[1] if "=" in args_list[0] else args_list.pop(1)
        args_list[0] = f"--store={store}"
    if (args_list and args_list[0] == "run") or (len(args_list) > 1 and args_list[1] == "run"
                                               and args_list[0].startswith("--store")):
        # `run` passes everything after the script to it untouched; parse it separately. The store is
        # passed as an argument: the captured program's environment stays as the user's own.
        from provbridge.cli import run as run_cmd

        rest = args_list[args_list.index("run") + 1:]
        return _guard(lambda: run_cmd.main(rest, store=store), "provbridge run", every_warning=False, store=store)
    parser = build_parser()
    args = parser.parse_args(args_list)
    if not args.command:
        parser.print_help()
        return 2
    module = importlib.import_module(COMMANDS[args.command][0])
    return _guard(lambda: int(module.run(args) or 0), f"provbridge {args.command}", store=args.store)


def _guard(func: Callable[[], int], command: str, *, every_warning: bool = True, store: str | None = None) -> int:
    """Run ``command``; every error becomes one line on stderr and a non-zero exit status (a traceback only
    with ``PROVBRIDGE_DEBUG=1``), and warnings one line each (see :func:`one_line_warnings`)."""
    with one_line_warnings(every_warning):
        return _outcome(func, command, store)


def _outcome(func: Callable[[], int], command: str, store: str | None = None) -> int:
    """``func``'s exit status, or the one of the error it raised, printed as one line (``store``: the
    ``--store`` given, named in a data file error)."""
    try:
        return int(func())
    except ProvbridgeError as exc:
        return _fail(str(exc), exc.exit_code, collapse=False)
    except BrokenPipeError:
        return 0
    except KeyboardInterrupt:
        print("provbridge: interrupted", file=sys.stderr)
        return 130
    except sqlite3.DatabaseError as exc:
        if os.environ.get(DEBUG_ENV):
            raise
        return _fail(_store_message(exc, store), StoreError.exit_code)
    except OSError as exc:
        if os.environ.get(DEBUG_ENV):
            raise
        where = f"{exc.filename}: " if exc.filename else ""
        return _fail(f"{where}{exc.strerror or exc}", 1)
    except (MemoryError, RecursionError) as exc:
        return _fail(f"out of {'memory' if isinstance(exc, MemoryError) else 'stack'}", 1)
    except Exception as exc:  # a bug of ours: still one line, the traceback on request
        from provbridge.extras import missing_extra

        missing = missing_extra(exc, command) if isinstance(exc, ImportError) else None
        if missing is not None:  # an optional dependency imported without provbridge.extras.require
            return _fail(str(missing), missing.exit_code)
        if os.environ.get(DEBUG_ENV):
            raise
        return _fail(f"internal error: {type(exc).__name__}: {exc} (set {DEBUG_ENV}=1 for the traceback)", 70)


@contextlib.contextmanager
def one_line_warnings(every_warning: bool = True) -> Iterator[None]:
    """While the block runs, show warnings as one line ``provbridge: warning: <message>`` on stderr instead of
    Python's ``file:line: Category: message`` and source line. With ``every_warning`` false (``run``, where the
    user's program runs in this process) only the warnings of provbridge's own code and classes; the others
    are shown as before."""
    shown = warnings.showwarning

    def show(message: Warning | str, category: type[Warning], filename: str, lineno: int,
             file: TextIO | None = None, line: str | None = None) -> None:
        if every_warning or filename.startswith(PACKAGE_DIR) or category.__module__.startswith("provbridge."):
            text = " ".join(str(message).split())
            print(f"provbridge: warning: {text}", file=sys.stderr if file is None else file)
        else:
            shown(message, category, filename, lineno, file, line)

    warnings.showwarning = show
    try:
        yield
    finally:
        warnings.showwarning = shown


def _fail(message: str, code: int, *, collapse: bool = True) -> int:
    """Print ``message`` (as one line with ``collapse``), with credentials redacted, and return ``code``."""
    from provbridge.remote.redact import redact

    text = redact(message)
    if collapse:
        text = " ".join(text.split())
    print(f"provbridge: error: {text}", file=sys.stderr)
    return code


def _store_message(exc: sqlite3.DatabaseError, store: str | None) -> str:
    """The one-line message for an SQLite failure met while a command read or wrote the data file."""
    from provbridge.store.db import DB_NAME, find_store_dir, problem

    try:
        where = str((Path(store).resolve() if store else find_store_dir()) / DB_NAME)
    except Exception:
        where = "the provbridge data file"
    return problem(where, exc)


if __name__ == "__main__":
    sys.exit(main())
