"""``provbridge verify [TRIAL] [--file PATH]``: re-hash the files a trial read or wrote; exit 1 when any changed."""

from __future__ import annotations

import argparse
import os

from provbridge.cli.output import add_output_options, print_rows
from provbridge.store.store import open_store
from provbridge.tables import format_table

CHECK_COLUMNS = ("trial", "path", "access", "status", "expected", "actual")  # FileCheck fields


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("trial", nargs="?", default="last", help="number, name, id prefix or `last` (default)")
    parser.add_argument("--all", action="store_true", help="verify every trial")
    parser.add_argument("--file", "-f", dest="files", metavar="PATH", action="append",
                        help="check only this file (relative to the current directory; repeatable)")
    add_output_options(parser, what="file checked",
                       json_help='{"ok": bool, "files": [one object per file checked]}')
    parser.add_argument("-v", "--verbose", action="store_true", help="list the unchanged files too")


def run(args: argparse.Namespace) -> int:
    from provbridge.manage.verify import verify

    with open_store(args.store) as store:
        report = verify(None if args.all else args.trial, store=store, paths=args.files)
    rows = [c.to_dict() for c in report.checks]
    if print_rows(args, rows, CHECK_COLUMNS, json={"ok": report.ok, "files": rows}):
        return 0 if report.ok else 1
    shown = report.checks if args.verbose else report.problems
    if shown:
        print(format_table(["trial", "status", "access", "path"], [
            (c.trial, c.status, c.access, _rel(c.path)) for c in shown
        ], limit=200))
    checked = len(report.checks)
    if report.ok:
        print(f"ok: {checked} file{'s' if checked != 1 else ''} unchanged")
        return 0
    print(f"{len(report.problems)} of {checked} files changed or vanished")
    return 1


def _rel(path: str) -> str:
    cwd = os.getcwd()
    return os.path.relpath(path, cwd) if path.startswith(cwd + os.sep) else path
