"""``provbridge plot NAME -o FILE.png``: draw a variable across trials."""

from __future__ import annotations

import argparse

from provbridge.store.store import open_store


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("variable", help="variable name (tagged or not)")
    parser.add_argument("-o", "--output", required=True, metavar="FILE",
                        help="image to write (.png, .svg, .pdf)")
    parser.add_argument("--kind", choices=("line", "bar"), default="line", help="chart of numbers (default line)")


def run(args: argparse.Namespace) -> int:
    from provbridge.manage.plot import plot

    with open_store(args.store) as store:
        plot(args.variable, args.output, kind=args.kind, store=store)
    print(f"wrote {args.output}")
    return 0
