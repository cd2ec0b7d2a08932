"""``provbridge repeat TRIAL [--in DIR] [--tolerance REL]``: re-run a trial; exit 0 when it repeats, 1 when not."""

from __future__ import annotations

import argparse
import sys

from provbridge.cli.output import add_output_options, print_rows
from provbridge.store.store import open_store

VARIABLE_COLUMNS = ("name", "original", "repeat", "status", "detail")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("trial", nargs="?", default="last", help="number, name, id prefix or `last` (default)")
    parser.add_argument("--in", dest="directory", metavar="DIR",
                        help="a new or empty directory to re-run in (default: a new temporary directory)")
    parser.add_argument("--tolerance", type=_tolerance, default=0.0, metavar="REL",
                        help="numbers differing by at most REL times the larger are equal (default 0: exactly)")
    add_output_options(parser, what="top-level variable",
                       json_help='{"repeatable": bool, "files": [...], "variables": [...], "environment": [...], '
                                 '"first_divergence": {...}, ...}')


def _tolerance(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not value >= 0:
        raise argparse.ArgumentTypeError(f"must be a non-negative number, not {text!r}")
    return value


def run(args: argparse.Namespace) -> int:
    from provbridge.manage.repeat import repeat

    with open_store(args.store) as store:
        report = repeat(args.trial, directory=args.directory, tolerance=args.tolerance, store=store)
    status = 0 if report.repeatable else 1
    if print_rows(args, report.variables, VARIABLE_COLUMNS, json=report.to_dict()):
        return status
    sys.stdout.write(report.text())
    return status
