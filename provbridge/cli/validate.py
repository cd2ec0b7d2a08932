"""``provbridge validate FILE``: check a PROV document (parse, schema, shapes), one line per problem."""

from __future__ import annotations

import argparse


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("files", nargs="+", metavar="FILE", help="PROV documents to check")
    parser.add_argument("-f", "--format", metavar="FMT",
                        help="the documents' format (default: from the extension, else guessed)")
    parser.add_argument("-q", "--quiet", action="store_true", help="print problems only")


def run(args: argparse.Namespace) -> int:
    from provbridge.export.validation import validate

    failed = False
    for name in args.files:
        chosen, problems = validate(name, args.format)
        for problem in problems:
            print(f"{name}: {problem}")
        if problems:
            failed = True
        elif not args.quiet:
            print(f"{name}: valid {chosen.title}")
    return 1 if failed else 0
