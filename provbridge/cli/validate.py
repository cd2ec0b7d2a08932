"""``provbridge validate FILE``: check a PROV document (parse, schema, shapes and, with ``--constraints``,
W3C PROV-CONSTRAINTS), one line per problem on stdout; warnings (valid, but worth knowing) on stderr."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from provbridge import formats
from provbridge.cli.output import add_output_options, output_format, print_rows

VALIDATE_COLUMNS = ("file", "format", "valid", "problems")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("files", nargs="+", metavar="FILE", help="PROV documents to check")
    read = ", ".join(formats.names(formats.documents("validate")))
    parser.add_argument("-f", "--format", metavar="FMT",
                        help=f"the documents' format: {read} (default: from the extension, else guessed)")
    parser.add_argument("-q", "--quiet", action="store_true", help="print problems only")
    parser.add_argument("--constraints", action="store_true",
                        help="also check W3C PROV-CONSTRAINTS (uniqueness and unification, event ordering, typing, "
                        "impossibility): one line per violation, naming the constraint and the records involved")
    add_output_options(parser, what="file", json_help="one JSON object per file, in a list (`problems`: a list)")


def run(args: argparse.Namespace) -> int:
    from provbridge.export.validation import check_document

    text = output_format(args) is None
    rows: list[dict[str, Any]] = []
    for name in args.files:
        result = check_document(name, args.format, constraints=args.constraints)
        chosen, problems = result.format, result.problems
        for warning in result.warnings:
            print(f"{name}: warning: {warning}", file=sys.stderr)
        rows.append({"file": name, "format": chosen.name, "valid": not problems, "problems": problems})
        if text:  # as each file is checked
            for problem in problems:
                print(f"{name}: {problem}")
            if not problems and not args.quiet:
                print(f"{name}: valid {chosen.title}")
    # CSV and Markdown cells hold one value: the problems one per line
    print_rows(args, [{**row, "problems": "\n".join(row["problems"])} for row in rows], VALIDATE_COLUMNS, json=rows)
    return 0 if all(row["valid"] for row in rows) else 1
