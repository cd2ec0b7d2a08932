"""``provbridge report [TRIAL ...] -o report.html``: one self-contained HTML page about some trials."""

from __future__ import annotations

import argparse
import sys

from provbridge.store.store import open_store


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("trials", nargs="*", metavar="TRIAL",
                        help="number, id prefix, name or `last` (default: every trial, oldest first)")
    parser.add_argument("-o", "--output", default="report.html", metavar="FILE",
                        help="the HTML file to write, `-` for stdout (default: report.html)")
    parser.add_argument("--all", action="store_true",
                        help="differences: also list what is unchanged (default: only what differs)")
    parser.add_argument("--no-diagrams", dest="diagrams", action="store_false",
                        help="leave out the Graphviz diagrams (faster; no `dot` needed)")


def run(args: argparse.Namespace) -> int:
    from provbridge.report import report

    with open_store(args.store) as store:
        built = report(args.trials, all=args.all, diagrams=args.diagrams, store=store)
    if args.output == "-":
        sys.stdout.write(built.html())
        return 0
    built.save(args.output)
    count = len(built.trials)
    print(f"wrote {args.output} ({count} trial{'s' if count > 1 else ''})")
    return 0
